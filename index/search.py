"""The index handle, :class:`QuoteIndex`: searching with filters, BM25F ranking,
highlights, facets and "did you mean".

The query string is read in :mod:`index.query`, results are shaped in
:mod:`index.results`, and matches collected in :mod:`index.collectors`; their public
names are importable from here too.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from whoosh import qparser, query, sorting
from whoosh.index import FileIndex
from whoosh.scoring import BM25F

from quotes.speakers import speakers_named
from quotes.store import Store

from . import whoosh_speedups
from .budget import MAX_FUZZY_CHARS
from .collectors import DateWindowCollector, TimedCollector, total_matches
from .common_words import search_common_words
from .errors import QueryError
from .query import (
    ANY_KIND,
    NOT_SPEECH,
    CommonWordsOnly,
    check_kind,
    check_review,
    date_window,
    make_parser,
    parse,
)
from .results import FACET_LIMIT, Hit, SearchResults, date_str, mark
from .storage import open_index, open_speakers_for_search

__all__ = ["MAX_SPEAKERS", "CommonWordsOnly", "Hit", "QuoteIndex", "SearchResults"]

T = TypeVar("T")
# A speaker query matching more speakers than this (``speaker:president``) keeps only
# the first ones found by other names; the canonical names still match directly.
MAX_SPEAKERS = 2000


def _retry_on_swap(method: Callable[..., T]) -> Callable[..., T]:
    """Run the method once more when the index was replaced while it ran
    (see :meth:`QuoteIndex.retrying`)."""

    @functools.wraps(method)
    def wrapper(self: QuoteIndex, *args: Any, **kwargs: Any) -> T:
        return self.retrying(lambda: method(self, *args, **kwargs))

    return wrapper


class QuoteIndex:
    """A Whoosh index of quotes in ``index_dir`` (see :func:`index.build.rebuild`)."""

    def __init__(self, index_dir: str | os.PathLike[str]):
        self.index_dir = Path(index_dir)
        self._ix: FileIndex | None = None
        self._six: FileIndex | None = None
        self._inode: int | None = None
        self._local = threading.local()
        self._lock = threading.Lock()

    @property
    def ix(self) -> FileIndex:
        # A rebuild swaps in a new folder: notice it and open the new index. The old one
        # is left to the garbage collector, not closed: another thread may be reading it
        # (each thread moves to the new one on its next search).
        inode = self._folder_inode()
        with self._lock:
            if self._ix is None or inode != self._inode:
                whoosh_speedups.install_reader_cache()
                ix = open_index(self.index_dir)
                six = open_speakers_for_search(self.index_dir)
                self._ix, self._six, self._inode = ix, six, inode
            return self._ix

    def _folder_inode(self) -> int | None:
        try:
            return self.index_dir.stat().st_ino
        except OSError:
            return None

    def replaced(self) -> bool:
        """Whether the index folder was swapped for another since it was opened."""
        return self._ix is not None and self._folder_inode() != self._inode

    def retrying(self, work: Callable[[], T]) -> T:
        """``work()``, run once more when it failed because the index was replaced
        while it ran (a rebuild swapping in: files the old searcher had yet to open are
        gone)."""
        try:
            return work()
        except Exception:
            if not self.replaced():
                raise
        return work()

    def speakers_searcher(self) -> Any:
        """A searcher on the speakers index (every name of every speaker), or None."""
        self.ix
        if self._six is None:
            return None
        current = getattr(self._local, "speakers", None)
        if current is None or current._ix is not self._six:
            current = self._six.searcher()
        else:
            current = current.refresh()
        self._local.speakers = current
        return current

    def speaker_ids(self, q: query.Query) -> list[str]:
        """Ids of speakers with a name matching ``q`` (a query on the field ``names``)."""
        searcher = self.speakers_searcher()
        if searcher is None:
            return []
        ids: list[str] = []
        for docnum in q.docs(searcher):
            ids.append(searcher.stored_fields(docnum)["id"])
            if len(ids) >= MAX_SPEAKERS:
                break
        return ids

    def expand_speakers(self, q: query.Query) -> query.Query:
        """Let ``speaker:`` words match every name of a speaker, not only the canonical one.

        Quote documents hold the canonical name; aliases live in the speakers index, so
        the part of the query on ``speaker`` also matches the speakers it finds there.
        """

        def replace(node: query.Query) -> query.Query:
            if node.is_leaf() and getattr(node, "fieldname", None) == "speaker":
                probe = node.copy()
                probe.fieldname = "names"
                ids = self.speaker_ids(probe)
                if ids:
                    return query.Or([node, query.Or([query.Term("speaker_id", i) for i in ids])])
            return node

        return q.accept(replace)

    def searcher(self) -> Any:
        """A searcher on the latest version of the index, reused between calls (per thread)."""
        ix = self.ix
        current = getattr(self._local, "searcher", None)
        if current is None or current._ix is not ix:
            current = ix.searcher(weighting=BM25F())
        else:
            current = current.refresh()
        self._local.searcher = current
        return current

    def close(self) -> None:
        for name in ("searcher", "speakers"):
            current = getattr(self._local, name, None)
            if current is not None:
                current.close()
                setattr(self._local, name, None)
        for ix in (self._ix, self._six):
            if ix is not None:
                ix.close()
        self._ix = self._six = None

    def __enter__(self) -> QuoteIndex:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def doc_count(self) -> int:
        return self.ix.doc_count()

    # -- parsing --------------------------------------------------------------------

    def parser(self, errors: list[str] | None = None) -> qparser.QueryParser:
        return make_parser(self.ix.schema, errors)

    def parse(self, qstring: str) -> query.Query:
        """Parse a query string, raising :class:`QueryError` for anything malformed."""
        return parse(self.ix.schema, qstring)

    # -- filters --------------------------------------------------------------------

    def _exact_or_words(self, searcher: Any, key_field: str, text_field: str, value: str) -> query.Query:
        key = " ".join(value.split()).casefold()
        if searcher.doc_frequency(key_field, key):
            return query.Term(key_field, key)
        analyzer = self.ix.schema[text_field].analyzer
        terms = [t.text for t in analyzer(value)]
        if not terms:
            return query.NullQuery
        return query.And([query.Term(text_field, t) for t in terms])

    def speakers_named(self, value: str) -> list[str]:
        """Ids of the speakers ``value`` names, by :func:`quotes.speakers.speakers_named`
        (the rule verify and the site follow too), looked up in the speakers index."""
        words = [t.text for t in self.ix.schema["speaker"].analyzer(value)]
        searcher = self.speakers_searcher()
        if not words or searcher is None:
            return []
        # Every speaker sharing a word with ``value``: those the rule can pick from.
        sharing = query.Or([query.Term("names", w) for w in dict.fromkeys(words)])
        names: dict[int, list[str]] = {}
        for docnum in sharing.docs(searcher):
            fields = searcher.stored_fields(docnum)
            names[int(fields["id"])] = fields.get("keys", "").split(",")
        return [str(sid) for sid in sorted(speakers_named(value, names))]

    def speaker_filter(self, value: str) -> query.Query:
        """Quotes by the speakers named ``value`` (see :meth:`speakers_named`)."""
        ids = self.speakers_named(value)
        return query.Or([query.Term("speaker_id", i) for i in ids]) if ids else query.NullQuery

    def filters(
        self,
        searcher: Any,
        speaker: str | None = None,
        publisher: str | None = None,
        since: Any = None,
        until: Any = None,
        kind: str | None = None,
        review: str | None = None,
    ) -> tuple[query.Query | None, tuple[_dt.datetime | None, _dt.datetime | None] | None]:
        """The filters as a query that results must also match, and a date window."""
        parts: list[query.Query] = []
        if speaker:
            parts.append(self.speaker_filter(speaker))
        if publisher:
            parts.append(self._exact_or_words(searcher, "publisher_key", "publisher", publisher))
        if kind and check_kind(kind) != ANY_KIND:
            parts.append(query.Term("kind", kind))
        if review:
            parts.append(query.Term("review", check_review(review)))
        window = date_window(since, until)
        if not parts:
            return None, window
        return (parts[0] if len(parts) == 1 else query.And(parts)), window

    # -- searching ------------------------------------------------------------------

    @_retry_on_swap
    def search(
        self,
        query_string: str,
        speaker: str | None = None,
        publisher: str | None = None,
        since: Any = None,
        until: Any = None,
        kind: str | None = None,
        limit: int = 20,
        offset: int = 0,
        facets: bool = False,
        store: Store | None = None,
        review: str | None = None,
    ) -> SearchResults:
        """Ranked quotes matching ``query_string`` (Whoosh query language) and the filters.

        Only speech (kinds direct and partial) is searched unless ``kind`` names another
        kind (or ``any``), or the query itself asks for a ``kind:``. Given the ``store``, a query made only of words too common for the index ("to
        be or not to be") is searched as a phrase in SQLite's full-text index instead.
        """
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must not be negative")
        try:
            q = self.expand_speakers(self.parse(query_string))
        except CommonWordsOnly:
            if store is None or ":" in query_string:
                raise
            return search_common_words(
                self.speakers_named, store, query_string, speaker, publisher, date_window(since, until),
                kind and check_kind(kind), limit, offset, facets, review and check_review(review),
            )
        searcher = self.searcher()
        required, window = self.filters(searcher, speaker, publisher, since, until, kind, review)
        speech_only = not kind and not any(getattr(leaf, "fieldname", None) == "kind" for leaf in q.leaves())
        browsing = isinstance(q, query.Every)
        if required is query.NullQuery or any(p is query.NullQuery for p in getattr(required, "subqueries", ())):
            return SearchResults(query_string, 0, offset, limit, facets=[] if facets else None)
        kwargs: dict[str, Any] = {"limit": (offset + limit) or 1}
        if required is not None:
            # Intersect rather than pass a filter set: posting lists skip ahead cheaply,
            # and Require keeps the ranking of the words alone. (Block-quality skipping
            # trips an assertion in Whoosh's RequireMatcher, so it is off here.)
            if isinstance(q, query.Every):
                q = required
            else:
                q = query.Require(q, required)
                kwargs["optimize"] = False
        if isinstance(q, query.Every) or (isinstance(q, query.Require) and isinstance(q.a, query.Every)):
            # No words to rank by: newest first.
            kwargs["sortedby"] = sorting.FieldFacet("published", reverse=True)
        if speech_only:
            # AndNot keeps the ranking and the skipping of the words alone.
            q = query.AndNot(q, NOT_SPEECH)
        if facets:
            kwargs["groupedby"] = {"speaker": sorting.FieldFacet("speaker_name", maptype=sorting.Count)}
        if any(isinstance(leaf, query.Phrase) for leaf in q.leaves()) or isinstance(q, query.Phrase):
            # Phrase matches are few but costly to confirm (positions): score them all in
            # one pass instead of a skipping pass plus a second pass to count them.
            kwargs["optimize"] = False
        collector = TimedCollector(searcher.collector(**kwargs))
        if window is not None:
            collector = DateWindowCollector(collector, self.ix.schema["published"], *window)
        searcher.search_with_collector(q, collector)
        results = collector.results()
        total = total_matches(searcher, q, results, window is None)
        terms = self._highlight_terms(searcher, q)
        analyzer = self.ix.schema["text"].analyzer
        ranked = "sortedby" not in kwargs  # sorted by date, a hit's "score" is its sort key
        hits = [self._hit(h, terms, analyzer, ranked) for h in results[offset : offset + limit]] if limit else []
        out = SearchResults(query_string, total, offset, limit, hits)
        if facets:
            groups = results.groups("speaker")
            by_count = sorted(groups.items(), key=lambda kv: (-kv[1], str(kv[0] or "")))
            out.facets = [{"speaker": k, "count": v} for k, v in by_count[:FACET_LIMIT]]
        if total == 0 and not browsing:
            out.suggestions = self._suggest(searcher, q, query_string)
        return out

    @staticmethod
    def _highlight_terms(searcher: Any, q: query.Query) -> set[str]:
        terms: set[str] = set()
        reader = searcher.reader()
        for fieldname, text in q.existing_terms(reader, phrases=True, expand=True):
            if fieldname == "text":
                terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return terms

    @staticmethod
    def _hit(hit: Any, terms: set[str], analyzer: Any, ranked: bool = True) -> Hit:
        f = hit.fields()
        text = f.get("text") or ""
        spans: list[list[int]] = []
        if terms:
            for tok in analyzer(text, chars=True, mode="index"):
                if tok.text in terms:
                    spans.append([tok.startchar, tok.endchar])
        published = f.get("published")
        return Hit(
            quote_id=int(f["id"]),
            text=text,
            highlighted=mark(text, spans),
            highlights=spans,
            speaker=f.get("speaker_name"),
            speaker_role=f.get("role"),
            title=f.get("title"),
            publisher=f.get("publisher_name"),
            published=date_str(published),
            url=f.get("url"),
            kind=f.get("kind"),
            review=f.get("review") or "machine",
            score=round(float(hit.score or 0.0), 4) if ranked else 0.0,
            article_id=f.get("article_id"),
            start=f.get("start"),
            end=f.get("end"),
        )

    def _suggest(self, searcher: Any, q: query.Query, qstring: str) -> list[str]:
        """Respell words that are not in the index ("did you mean")."""
        reader = searcher.reader()
        corrector = searcher.corrector("text")
        replacements: list[tuple[int, int, str]] = []
        for leaf in q.leaves():
            if not isinstance(leaf, query.Term) or leaf.field() != "text":
                continue
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if start is None or end is None or (("text", leaf.text) in reader):
                continue
            word = qstring[start:end]
            if not word.isalpha() or len(word) > MAX_FUZZY_CHARS:
                continue
            sugs = corrector.suggest(word.lower(), limit=1, maxdist=2)
            if sugs and sugs[0] != word.lower():
                replacements.append((start, end, sugs[0]))
        if not replacements:
            return []
        out = qstring
        for start, end, word in sorted(replacements, reverse=True):
            out = out[:start] + word + out[end:]
        return [out]
