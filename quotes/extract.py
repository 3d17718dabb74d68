"""The default extractor: quotation marks paired, quotes attributed, pure Python."""
from __future__ import annotations

from .attribute import attribute
from .layout import analyse
from .marks import find_spans
from .model import Article, Quote


def extract(article: Article) -> list[Quote]:
    """Every quotation in ``article`` with its speaker, cue, method and confidence.

    ``quote.text == article.text[quote.start:quote.end]`` for every quote. Quotes in page
    furniture (navigation, bullet lists, related-story blurbs) are left out. A multi-
    paragraph quote comes back as one quote per paragraph, each later part pointing at the
    part before through ``continues``.
    """
    text = article.text or ""
    if not text.strip():
        return []
    layout = analyse(text)
    spans = find_spans(text, [(b.start, b.end) for b in layout.blocks])
    return attribute(text, layout, spans)


def extract_text(text: str) -> list[Quote]:
    """``extract`` for a bare string."""
    return extract(Article(text=text))
