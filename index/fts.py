"""Search answered by SQLite's FTS5 table, for a database whose search is left to it.

A database loaded with ``--no-whoosh`` records it (the setting ``whoosh`` = ``off``):
no Whoosh index is built or followed, and :func:`search_fts` answers ``quotes search``
and the site's search page from ``quotes_fts`` with the same shape of results. The
query language is translated where FTS5 can say the same: words (stemmed, Porter),
"phrases", AND / OR / NOT between words, a prefix (``minist*``), parentheses, and the
fields ``speaker``, ``publisher``, ``kind``, ``review`` and ``published`` as filters
the whole query must match. What FTS5 cannot say (fuzzy words, other wildcards,
boosts, the ``title``, ``role`` and ``context`` fields, a field inside OR or NOT) is a
one-line :class:`QueryError`. Ranking is BM25 over the quote's words alone (Whoosh's
BM25F weighs the speaker, title and context too); there are no suggestions.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import sqlite3
from typing import Any

from quotes.reads import StoreReads
from quotes.store import Store, set_setting, setting

from .errors import QueryError
from .query import check_kind, check_review, check_syntax, date_window, parse_bound
from .results import FACET_LIMIT, Hit, SearchResults, mark
from .schema import make_schema

__all__ = ["WHOOSH_SETTING", "leave_search_to_fts", "search_fts", "text_analyzer", "whoosh_off", "whoosh_on"]

#: The database setting that, set to ``off``, leaves search to FTS5.
WHOOSH_SETTING = "whoosh"
_FILTERS = ("speaker", "publisher", "kind", "review", "published")
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "ANDNOT": "NOT"}
_TOKEN = re.compile(
    r'\s*(?:(?P<phrase>"[^"]*")|(?P<open>\()|(?P<close>\))'
    r'|(?P<field>[A-Za-z_]\w*):(?P<value>"[^"]*"|\[[^\]]*\]|\{[^}]*\}|[^\s()]+)'
    r'|(?P<word>[^\s()"]+))'
)
_WORD = re.compile(r"\w+")
_TO = re.compile(r"(?:^|\s+)to(?:\s+|$)", re.IGNORECASE)
_NO_WHOOSH = "without the Whoosh index (this database leaves search to SQLite FTS5; build it with: quotes index --rebuild)"


def whoosh_off(store: StoreReads) -> bool:
    """Whether the database leaves search to FTS5 (no Whoosh index is kept)."""
    return setting(store, WHOOSH_SETTING) == "off"


def leave_search_to_fts(store: Store) -> None:
    """Record that no Whoosh index is built or followed for this database."""
    set_setting(store, WHOOSH_SETTING, "off")


def whoosh_on(store: Store) -> None:
    """Record that the database has its Whoosh index again (after a rebuild)."""
    set_setting(store, WHOOSH_SETTING, None)


@functools.cache
def text_analyzer() -> Any:
    """The analyzer of the index's ``text`` field (no index needed)."""
    return make_schema()["text"].analyzer


class _Translation:
    """A query string as an FTS5 MATCH expression (None: every quote) and filters."""

    def __init__(self, qstring: str):
        check_syntax(qstring)
        self.match: str | None = None
        self.speakers: list[str] = []
        self.publishers: list[str] = []
        self.kinds: set[str] = set()
        self.reviews: set[str] = set()
        self.since: _dt.datetime | None = None
        self.until: _dt.datetime | None = None
        self.stems: set[str] = set()  # for highlighting
        self.prefixes: list[str] = []
        self._translate(qstring)

    def _translate(self, qstring: str) -> None:
        pieces: list[str] = []
        depth = 0
        pos = 0
        while pos < len(qstring):
            m = _TOKEN.match(qstring, pos)
            if m is None or m.end() == pos:
                break
            pos = m.end()
            if m.group("open"):
                depth += 1
                pieces.append("(")
            elif m.group("close"):
                depth -= 1
                pieces.append(")")
            elif m.group("phrase"):
                self._words(m.group("phrase")[1:-1], pieces)
            elif m.group("field"):
                name, value = m.group("field").lower(), m.group("value")
                if name == "text":
                    self._words(value.strip('"'), pieces)
                    continue
                if name not in _FILTERS:
                    raise QueryError(f"{name}: is not searchable {_NO_WHOOSH}")
                if depth or (pieces and pieces[-1] in ("OR", "NOT")) or self._next_is(qstring, pos, "OR"):
                    raise QueryError(f"{name}: can only narrow the whole query (with AND) {_NO_WHOOSH}")
                if pieces and pieces[-1] == "AND":
                    pieces.pop()
                self._filter(name, value)
            else:
                word = m.group("word")
                if word in _OPERATORS:
                    pieces.append(_OPERATORS[word])
                elif word != "*":  # every quote: the words and filters beside it decide
                    self._word(word, pieces)
        while pieces and pieces[0] in ("AND", "OR"):
            pieces.pop(0)
        while pieces and pieces[-1] in ("AND", "OR", "NOT"):
            pieces.pop()
        if pieces and pieces[0] == "NOT":
            raise QueryError(f"a query cannot start with NOT {_NO_WHOOSH}")
        self.match = " ".join(pieces) or None

    @staticmethod
    def _next_is(qstring: str, pos: int, word: str) -> bool:
        rest = qstring[pos:].split(None, 1)
        return bool(rest) and rest[0] == word

    def _words(self, text: str, pieces: list[str]) -> None:
        words = _WORD.findall(text)
        if words:
            pieces.append('"' + " ".join(words) + '"')
            self.stems.update(t.text for t in text_analyzer()(" ".join(words)))

    def _word(self, word: str, pieces: list[str]) -> None:
        if word.endswith(":"):
            raise QueryError(f"a field's group ({word}(...)) cannot be searched {_NO_WHOOSH}")
        if "~" in word:
            raise QueryError(f"fuzzy words ({word}) cannot be searched {_NO_WHOOSH}")
        if "^" in word:
            raise QueryError(f"boosts ({word}) cannot be searched {_NO_WHOOSH}")
        if word.endswith("*") and _WORD.fullmatch(word[:-1]):
            pieces.append(f'"{word[:-1]}" *')
            self.prefixes.append(word[:-1].lower())
            return
        if "*" in word or "?" in word:
            raise QueryError(f"wildcards other than a word's end (minist*) cannot be searched {_NO_WHOOSH}")
        self._words(word, pieces)

    def _filter(self, name: str, value: str) -> None:
        if name == "published":
            low, high = (_TO.split(value[1:-1], maxsplit=1) + [""])[:2] if value[:1] in "[{" else (value, value)
            since, until = parse_bound(low.strip() or None, end=False), parse_bound(high.strip() or None, end=True)
            self.since = since if self.since is None or (since and since > self.since) else self.since
            self.until = until if self.until is None or (until and until < self.until) else self.until
            return
        value = value.strip('"')
        if name == "speaker":
            self.speakers.append(value)
        elif name == "publisher":
            self.publishers.append(value)
        elif name == "kind":
            self.kinds.add(check_kind(value))
        else:
            self.reviews.add(check_review(value))


def search_fts(
    store: StoreReads,
    query_string: str,
    speaker: str | None = None,
    publisher: str | None = None,
    since: Any = None,
    until: Any = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
    facets: bool = False,
    review: str | None = None,
) -> SearchResults:
    """What :meth:`index.search.QuoteIndex.search` answers, from FTS5 (see the module
    docstring for what differs)."""
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    q = _Translation(query_string)
    out = SearchResults(query_string, 0, offset, limit, facets=[] if facets else None)
    kinds = q.kinds | ({check_kind(kind)} if kind else set())
    reviews = q.reviews | ({check_review(review)} if review else set())
    if len(kinds) > 1 or len(reviews) > 1:
        return out
    speaker_ids: set[int] | None = None
    for name in q.speakers + ([speaker] if speaker else []):
        named = store.speakers_named(name)
        speaker_ids = named if speaker_ids is None else speaker_ids & named
        if not speaker_ids:
            return out
    window = date_window(since, until)
    start, stop = window or (None, None)
    if q.since and (start is None or q.since > start):
        start = q.since
    if q.until and (stop is None or q.until < stop):
        stop = q.until
    try:
        found = store.fts_search(
            q.match, speaker_ids=speaker_ids, publisher=q.publishers + ([publisher] if publisher else []),
            since=start, until=stop, kind=next(iter(kinds), None), review=next(iter(reviews), None),
            limit=limit, offset=offset, facets=FACET_LIMIT if facets else 0,
        )
    except sqlite3.OperationalError as e:
        raise QueryError(f"cannot search this in SQLite FTS5: {e}") from None
    out.total = found.total
    analyzer = text_analyzer()
    for row in found.rows:
        spans = [
            [t.startchar, t.endchar] for t in analyzer(row["quote"], chars=True, mode="index")
            if t.text in q.stems or any(row["quote"][t.startchar : t.endchar].lower().startswith(p) for p in q.prefixes)
        ]
        out.hits.append(row_hit(row, spans))
    if found.facets is not None:
        out.facets = [{"speaker": name, "count": n} for name, n in found.facets]
    return out


def row_hit(row: dict[str, Any], spans: list[list[int]]) -> Hit:
    """The hit of an FTS5 quote row (its ``rank``: BM25, lower is better), ``spans`` highlighted."""
    return Hit(
        quote_id=row["quote_id"], text=row["quote"], highlighted=mark(row["quote"], spans), highlights=spans,
        speaker=row["speaker"], speaker_role=row["speaker_role"], title=row["article_title"],
        publisher=row["publisher"], published=row["published"], url=row["url"], kind=row["kind"],
        score=round(-float(row["rank"]), 6), article_id=row["article_id"], start=row["start"], end=row["end"],
        review=row.get("review") or "machine",
    )
