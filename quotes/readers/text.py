"""Articles from plain text (web-page text dumps included): the text exactly as
decoded, its title, byline and dateline from the extractor's layout analysis, which is
kept with the article (:func:`layout_of`) so that extraction does not analyse it again."""
from __future__ import annotations

from typing import Any

from ..model import Article
from .decoding import decode, text_problem
from .errors import ReadError


def read_text(data: bytes, path: str) -> Article | ReadError:
    text = decode(data)
    if isinstance(text, str):
        problem = text_problem(text)
        if problem:
            return ReadError(path, None, problem)
    else:
        return ReadError(path, None, text.reason)
    article = Article(text=text, source_path=path)
    _apply_layout(article)
    return article


#: ``Article.extra`` key of the layout a reader found: (the text analysed, its Layout).
LAYOUT_KEY = "layout"


def layout_of(article: Article) -> Any:
    """The ``Layout`` the reader found for ``article``'s text, or None (none found, or
    the text has changed since)."""
    found = article.extra.get(LAYOUT_KEY) if article.extra else None
    if found is None or found[0] != article.text:
        return None
    return found[1]


def _apply_layout(article: Article) -> None:
    """Title, byline, dateline (and what else the layout finds) of a page text dump."""
    try:
        from ..extract.layout import analyse
    except ImportError:
        return
    try:
        layout = analyse(article.text)
    except Exception:  # a layout guess must never cost the article itself
        return
    article.extra[LAYOUT_KEY] = (article.text, layout)
    for name in ("title", "byline", "dateline", "publisher", "published", "url"):
        value = getattr(layout, name, None)
        if isinstance(value, str) and value.strip() and getattr(article, name) is None:
            setattr(article, name, value.strip())
