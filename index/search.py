"""Search the index: Whoosh query language, filters, BM25F ranking, highlights, facets."""
from __future__ import annotations

import calendar
import datetime as _dt
import functools
import os
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh import collectors, qparser, query, sorting
from whoosh import index as whoosh_index
from whoosh.index import FileIndex
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.scoring import BM25F

from quotes.dates import to_utc
from quotes.model import NON_SPEECH_KINDS, QUOTE_KINDS
from quotes.store import Store

from . import whoosh_speedups
from .budget import (
    MAX_FUZZY_CHARS,
    MAX_QUERY_DEPTH,
    check_query_size,
    check_query_terms,
    check_time,
)
from .build import SPEAKERS_NAME, open_index
from .common_words import search_common_words
from .errors import InputTooLarge, QueryError
from .schema import QUERY_FIELDS

FACET_LIMIT = 20
T = TypeVar("T")
# A speaker query matching more speakers than this (``speaker:president``) keeps only
# the first ones found by other names; the canonical names still match directly.
MAX_SPEAKERS = 2000


class CommonWordsOnly(QueryError):
    """The query has only words too common for the index (searchable in SQLite)."""


class StemmedFuzzyTerm(query.FuzzyTerm):
    """A fuzzy term for a stemmed field that keeps unstemmed words for spelling.

    Whoosh expands fuzzy terms through the spelling word list, which holds the words
    as written ("legitimacy"), while the postings hold stems ("legitimaci"); stem the
    expansions so they can match.
    """

    word: str | None = None  # the word as typed, when known

    def _btexts(self, ixreader: Any) -> Any:
        # Whoosh asks again for each segment, for scoring and for highlighting: the
        # expansion walks the whole word graph, so remember it per reader.
        cache = self.__dict__.setdefault("_expansions", {})
        key = id(ixreader)
        if key not in cache:
            cache[key] = self._expand(ixreader)
        return cache[key]

    def _expand(self, ixreader: Any) -> list[bytes]:
        field = ixreader.schema[self.fieldname]
        out: dict[bytes, None] = {}
        typed = self.word or self.text
        for word in ixreader.terms_within(self.fieldname, typed, self.maxdist, prefix=self.prefixlength):
            for token in field.analyzer(word):
                btext = field.to_bytes(token.text)
                if (self.fieldname, btext) in ixreader:
                    out[btext] = None
        return list(out)


def _stem_fuzzy(qstring: str) -> Any:
    def replace(node: query.Query) -> query.Query:
        if type(node) is query.FuzzyTerm and node.fieldname == "text":
            # The first letter must match: misspellings rarely start wrong, and the
            # word-graph walk is many times faster with a fixed first letter.
            prefix = max(1, node.prefixlength)
            new = StemmedFuzzyTerm(node.fieldname, node.text, node.boost, node.maxdist, prefix, node.constantscore)
            start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
            if start is not None and end is not None:
                typed = qstring[start:end].split("~", 1)[0].strip().lower()
                new.word = typed or None
                new.startchar, new.endchar = start, end
            return new
        return node

    return replace


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


# -- dates ------------------------------------------------------------------------

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_bound(value: str | _dt.date | None, *, end: bool, name: str = "date") -> _dt.datetime | None:
    """``2011``, ``2011-05``, ``2011-05-27`` or a full ISO datetime; ``end`` picks the
    last instant of a partial date, so ``--until 2011`` includes all of 2011."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, _dt.date):
        value = value.isoformat()
    text = str(value).strip()
    m = _PARTIAL_DATE.match(text)
    try:
        if m:
            year, month, day = int(m.group(1)), m.group(2), m.group(3)
            if month is None:
                start = _dt.datetime(year, 1, 1)
                last = _dt.datetime(year, 12, 31)
            elif day is None:
                start = _dt.datetime(year, int(month), 1)
                last = start.replace(day=calendar.monthrange(year, int(month))[1])
            else:
                start = last = _dt.datetime(year, int(month), int(day))
            return last.replace(hour=23, minute=59, second=59, microsecond=999999) if end else start
        d = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"{name}: not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return to_utc(d)


# -- query checking ---------------------------------------------------------------

_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(+\-]))([A-Za-z_]\w*):")


ANY_KIND = "any"
#: Quoted spans that are not speech: left out of a search unless asked for by kind.
# ("scare": what an index built by an earlier version calls a term)
NOT_SPEECH = query.Or([query.Term("kind", k) for k in (*NON_SPEECH_KINDS, "scare")])


def check_kind(kind: str) -> str:
    if kind not in QUOTE_KINDS and kind != ANY_KIND:
        raise QueryError(f"unknown kind {kind!r} (kinds: {', '.join(QUOTE_KINDS + (ANY_KIND,))})")
    return kind


def date_window(since: Any, until: Any) -> tuple[_dt.datetime | None, _dt.datetime | None] | None:
    """The ``since``/``until`` filters as a (start, stop) window, or None for no window."""
    start = parse_bound(since, end=False, name="since")
    stop = parse_bound(until, end=True, name="until")
    if start and stop and start > stop:
        raise QueryError("since is after until")
    return (start, stop) if (start or stop) else None


def check_syntax(qstring: str) -> None:
    """Reject what Whoosh would silently misread: unbalanced marks, unknown fields."""
    in_quote = False
    depth = 0
    bracket = 0
    plain: list[str] = []  # the query with quoted and bracketed parts blanked
    for ch in qstring:
        if ch == '"':
            in_quote = not in_quote
            plain.append(" ")
            continue
        if in_quote:
            plain.append(" ")
            continue
        if ch == "(":
            depth += 1
            if depth > MAX_QUERY_DEPTH:
                raise InputTooLarge(f"query too deeply nested: more than {MAX_QUERY_DEPTH} levels of parentheses")
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("unbalanced parentheses in query: a ')' has no '('")
        elif ch in "[{":
            bracket += 1
        elif ch in "]}":
            bracket = max(0, bracket - 1)
        plain.append(" " if bracket and ch not in "[{" else ch)
    if in_quote:
        raise QueryError('unbalanced quotation marks in query: a \'"\' is never closed')
    if depth > 0:
        raise QueryError("unbalanced parentheses in query: a '(' is never closed")
    for m in _FIELD_PREFIX.finditer("".join(plain)):
        name = m.group(1)
        if name.lower() not in QUERY_FIELDS:
            known = ", ".join(sorted(QUERY_FIELDS))
            raise QueryError(f"unknown field {name!r} in query (fields: {known})")


def _lower_fields(qstring: str) -> str:
    return _FIELD_PREFIX.sub(lambda m: m.group(0).lower(), qstring)


_DATE_VALUE = re.compile(r"(?i)\b(published|date):(\[[^\]]*\]|\{[^}]*\}|[<>]=?\S+|\S+)")
_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?)?\b")


def _compact_dates(qstring: str) -> str:
    """``published:2011-05-27`` -> ``published:20110527``: Whoosh's date parser reads
    compact dates exactly but takes only the year from ISO ones."""

    def compact(m: re.Match[str]) -> str:
        return "".join(g for g in m.groups() if g)

    return _DATE_VALUE.sub(lambda m: f"{m.group(1)}:{_ISO.sub(compact, m.group(2))}", qstring)


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
                six = None
                if whoosh_index.exists_in(str(self.index_dir), indexname=SPEAKERS_NAME):
                    six = whoosh_index.open_dir(str(self.index_dir), indexname=SPEAKERS_NAME)
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
        schema = self.ix.schema
        parser = qparser.QueryParser("text", schema)
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(DateParserPlugin(callback=(errors.append if errors is not None else None)))
        aliases: dict[str, list[str]] = {}
        for name, target in QUERY_FIELDS.items():
            if name != target:
                aliases.setdefault(target, []).append(name)
        parser.add_plugin(qparser.FieldAliasPlugin(aliases))
        return parser

    def parse(self, qstring: str) -> query.Query:
        """Parse a query string, raising :class:`QueryError` for anything malformed."""
        qstring = (qstring or "").strip()
        if not qstring or qstring == "*":
            return query.Every()
        check_query_size(qstring)
        check_syntax(qstring)
        errors: list[str] = []
        try:
            q = self.parser(errors).parse(_compact_dates(_lower_fields(qstring)))
        except Exception as e:  # whoosh raises assorted errors on odd input
            raise QueryError(f"cannot parse query {qstring!r}: {e}") from None
        if errors:
            raise QueryError(f"not a date in query: {errors[0]}")
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            raise CommonWordsOnly(
                f"nothing to search for in query {qstring!r} (words as common as 'the' are not"
                " indexed; verify checks exact wording, these words included)"
            )
        leaves = list(q.leaves()) or [q]
        check_query_terms(len(leaves))
        for leaf in leaves:
            if isinstance(leaf, query.FuzzyTerm) and len(leaf.text) > MAX_FUZZY_CHARS:
                raise InputTooLarge(f"fuzzy word too long: {leaf.text[:40]!r}... (at most {MAX_FUZZY_CHARS} characters)")
        return q.accept(_stem_fuzzy(qstring))

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

    def speakers_named(self, value: str) -> tuple[list[str], list[str]]:
        """(ids of the speakers ``value`` names, its words): exactly one of their names
        (canonical or alias, any case), or failing that, every word of it in one of
        their names. The words are empty when a whole name matched."""
        key = " ".join(value.split()).casefold()
        ids = self.speaker_ids(query.Term("keys", key))
        if ids:
            return ids, []
        words = [t.text for t in self.ix.schema["speaker"].analyzer(value)]
        return (self.speaker_ids(query.And([query.Term("names", w) for w in words])) if words else []), words

    def speaker_filter(self, value: str) -> query.Query:
        """Quotes by the speaker named ``value`` (see :meth:`speakers_named`)."""
        ids, words = self.speakers_named(value)
        by_id = [query.Term("speaker_id", i) for i in ids]
        if not words:
            return query.Or(by_id) if by_id else query.NullQuery
        direct = query.And([query.Term("speaker", w) for w in words])
        return query.Or([direct] + by_id) if by_id else direct

    def filters(
        self,
        searcher: Any,
        speaker: str | None = None,
        publisher: str | None = None,
        since: Any = None,
        until: Any = None,
        kind: str | None = None,
    ) -> tuple[query.Query | None, tuple[_dt.datetime | None, _dt.datetime | None] | None]:
        """The filters as a query that results must also match, and a date window."""
        parts: list[query.Query] = []
        if speaker:
            parts.append(self.speaker_filter(speaker))
        if publisher:
            parts.append(self._exact_or_words(searcher, "publisher_key", "publisher", publisher))
        if kind and check_kind(kind) != ANY_KIND:
            parts.append(query.Term("kind", kind))
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
                self, store, query_string, speaker, publisher, date_window(since, until),
                kind and check_kind(kind), limit, offset, facets,
            )
        searcher = self.searcher()
        required, window = self.filters(searcher, speaker, publisher, since, until, kind)
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
        total = _total(searcher, q, results, window is None)
        terms = self._highlight_terms(searcher, q)
        analyzer = self.ix.schema["text"].analyzer
        ranked = "sortedby" not in kwargs  # sorted by date, a hit's "score" is its sort key
        hits = [self._hit(h, terms, analyzer, ranked) for h in results[offset : offset + limit]] if limit else []
        out = SearchResults(query_string, total, offset, limit, hits)
        if facets:
            groups = results.groups("speaker")
            ranked = sorted(groups.items(), key=lambda kv: (-kv[1], str(kv[0] or "")))
            out.facets = [{"speaker": k, "count": v} for k, v in ranked[:FACET_LIMIT]]
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
            published=_date_str(published),
            url=f.get("url"),
            kind=f.get("kind"),
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


class TimedCollector(collectors.WrappingCollector):
    """Checks the time budget (see :mod:`index.budget`) every thousand matches."""

    def computes_count(self) -> bool:
        return bool(self.child.computes_count())

    def matches(self) -> Any:
        for i, docnum in enumerate(self.child.matches()):
            if not i & 1023:
                check_time()
            yield docnum


class DateWindowCollector(collectors.WrappingCollector):
    """Keeps the documents published within a window, read from the date column.

    Cheaper than a DateRange filter, which unions the postings of every date in the
    window: this costs one column lookup per document the words already match.
    """

    def __init__(self, child: Any, field: Any, start: _dt.datetime | None, stop: _dt.datetime | None):
        self.child = child
        self.lo = field.to_column_value(start) if start else field.to_column_value(_dt.datetime(1, 1, 1))
        self.hi = field.to_column_value(stop) if stop else None
        self.undated = field.column_type.default_value()  # the value of a document without a date
        self._column: Any = None

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        self.child.prepare(top_searcher, q, context)
        reader = top_searcher.reader()
        self._column = reader.column_reader("published", translate=False) if reader.has_column("published") else None

    def _keep(self, global_docnum: int) -> bool:
        if self._column is None:
            return False
        value = self._column[global_docnum]
        return value != self.undated and value >= self.lo and (self.hi is None or value <= self.hi)

    def all_ids(self) -> Any:
        keep = self._keep
        return (d for d in self.child.all_ids() if keep(d))

    def count(self) -> int:
        if self.child.computes_count():
            return self.child.count()
        return sum(1 for _ in self.all_ids())

    def collect_matches(self) -> None:
        child = self.child
        keep = self._keep
        offset = self.offset
        for sub_docnum in child.matches():
            if keep(offset + sub_docnum):
                child.collect(sub_docnum)

    def results(self) -> Any:
        r = self.child.results()
        r.collector = self
        return r


def _total(searcher: Any, q: query.Query, results: Any, unfiltered: bool) -> int:
    """How many documents match. For a single word the posting count is exact when
    nothing was deleted, and saves a second pass over every matching document."""
    limit = getattr(results.collector, "limit", None)
    if unfiltered and limit and results.scored_length() >= limit:
        reader = searcher.reader()
        if not reader.has_deletions():
            if isinstance(q, query.Term):
                return reader.doc_frequency(q.fieldname, q.text)
            if isinstance(q, query.AndNot) and isinstance(q.a, query.Term):
                # the word's documents, less those of it that are not speech
                left_out = sum(1 for _ in searcher.docs_for_query(query.And([q.a, q.b])))
                return reader.doc_frequency(q.a.fieldname, q.a.text) - left_out
    return len(results)


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


def _date_str(value: Any) -> str | None:
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    return value
