"""The two records everything else passes around: an article and a quote."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

QUOTE_KINDS = ("direct", "partial", "scare")
SPEAKER_KINDS = ("person", "organisation", "group", "unknown")


@dataclass
class Article:
    """One source article. ``text`` is exactly what quote offsets index."""

    text: str
    doc_id: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    byline: str | None = None
    dateline: str | None = None
    source_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Quote:
    """A quoted span and the evidence for who said it.

    ``text == article.text[start:end]`` always holds; the quote marks themselves are
    outside the span. ``speaker`` is the canonical name (None when the article does not
    make it knowable); ``speaker_mention`` is the speaker as written, with its offsets.
    """

    text: str
    start: int
    end: int
    kind: str = "direct"  # direct | partial | scare
    paragraph: int = 0
    speaker: str | None = None
    speaker_kind: str | None = None  # person | organisation | group | unknown
    speaker_role: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    method: str | None = None
    confidence: float = 0.0
    context: str | None = None
    # Index, in the same article's quote list, of the quote this one continues (the
    # earlier paragraph of a multi-paragraph quote); None for a quote that starts fresh.
    continues: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
