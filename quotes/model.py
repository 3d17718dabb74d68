"""The two records everything else passes around: an article and a quote."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

#: Kinds of quoted span: speech (``direct``, a full quotation; ``partial``, a fragment
#: inside the writer's sentence), and the rest (``title`` of a work, product or event;
#: ``term``: a term, scare quote, nickname or word talked about; ``other``: ids, codes).
SPEECH_KINDS = ("direct", "partial")
NON_SPEECH_KINDS = ("title", "term", "other")
QUOTE_KINDS = SPEECH_KINDS + NON_SPEECH_KINDS
#: A quote's review status: no one has looked, confirmed as extracted, or corrected.
REVIEW_STATUSES = ("machine", "reviewed", "corrected")
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
    kind: str = "direct"  # one of QUOTE_KINDS
    paragraph: int = 0
    speaker: str | None = None
    speaker_kind: str | None = None  # person | organisation | group | unknown
    speaker_role: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    # For a speaker mentioned by a pronoun or a description ("he", "the company"): the
    # mention of the name it was resolved to, as written, with its offsets.
    antecedent_mention: str | None = None
    antecedent_start: int | None = None
    antecedent_end: int | None = None
    cue: str | None = None
    method: str | None = None
    confidence: float = 0.0
    context: str | None = None
    # Index, in the same article's quote list, of the quote this one continues (the
    # earlier paragraph of a multi-paragraph quote); None for a quote that starts fresh.
    continues: int | None = None

    @property
    def speech(self) -> bool:
        """Whether the span reports words someone said or wrote."""
        return self.kind in SPEECH_KINDS

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["speech"] = self.speech
        return d
