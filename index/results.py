"""What a search returns: hits, a page of them, and highlighting."""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from typing import Any

#: Speakers counted when a search asks for facets.
FACET_LIMIT = 20


@dataclass
class Hit:
    quote_id: int
    text: str
    highlighted: str  # the quote with matched words in [brackets]
    highlights: list[list[int]]  # [start, end] offsets of matched words in ``text``
    speaker: str | None
    speaker_role: str | None
    title: str | None
    publisher: str | None
    published: str | None
    url: str | None
    kind: str | None
    score: float
    article_id: int | None = None
    start: int | None = None  # offsets of the quote in the article text
    end: int | None = None
    review: str = "machine"  # machine, reviewed or corrected

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResults:
    query: str
    total: int
    offset: int
    limit: int
    hits: list[Hit] = field(default_factory=list)
    facets: list[dict[str, Any]] | None = None  # [{"speaker", "count"}], most quoted first
    suggestions: list[str] = field(default_factory=list)  # "did you mean" query strings

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hits"] = [h.to_dict() for h in self.hits]
        return d


def mark(text: str, spans: list[list[int]], left: str = "[", right: str = "]") -> str:
    """``text`` with each span wrapped in ``left``/``right``."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(left + text[start:end] + right)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def date_str(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    return value
