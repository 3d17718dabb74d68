"""Articles from HTML pages: the main text and metadata trafilatura finds, paragraphs
separated by blank lines; a page with too little text is a ReadError, not an article."""
from __future__ import annotations

import logging
import re
from typing import Any

from ..model import Article
from .decoding import Undecodable, clean_surrogates, decode
from .errors import ReadError

# Below this, what trafilatura finds in a page is navigation or a teaser, not an article.
MIN_HTML_WORDS = 20


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(data: bytes, path: str) -> Article | ReadError:
    declared = None
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace")
    html = decode(data, declared)
    if isinstance(html, Undecodable):
        return ReadError(path, None, html.reason)
    if "\x00" in html:
        return ReadError(path, None, "binary file (not text)")
    if not html.strip():
        return ReadError(path, None, "empty file")
    doc = _trafilatura_extract(html)
    if isinstance(doc, str):
        return ReadError(path, None, doc)
    lines = [line.strip() for line in (doc.text or "").splitlines()]
    text = clean_surrogates("\n\n".join(line for line in lines if line))
    words = text.split()
    if len(words) < MIN_HTML_WORDS or not any(len(line.split()) >= 8 for line in lines):
        detail = f" (only {len(words)} words of text)" if words else ""
        return ReadError(path, None, f"no article text found in the HTML{detail}")
    return Article(
        text=text,
        title=_opt(doc.title),
        url=_opt(doc.url),
        publisher=_opt(doc.sitename) or _opt(doc.hostname),
        published=_opt(doc.date),
        byline=_opt(doc.author),
        source_path=path,
    )


def _trafilatura_extract(html: str) -> Any:
    """trafilatura's Document for ``html``, or a reason string when it finds nothing."""
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as e:  # a third-party parser on arbitrary input
        return f"could not parse the HTML ({type(e).__name__})"
    if doc is None:
        return "no article text found in the HTML"
    return doc


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    value = clean_surrogates(str(value)).strip()
    return value or None
