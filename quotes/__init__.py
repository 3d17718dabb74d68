"""quotes: find direct quotations in news articles, attribute them, and store them."""
from .model import Article, Quote

__version__ = "0.1.0"

__all__ = ["Article", "Quote", "__version__"]
