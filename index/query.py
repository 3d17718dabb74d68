"""Reading a query string: checks, the Whoosh parser and its plugins, dates, kinds.

:func:`parse` turns what a user typed into a Whoosh query, raising QueryError (with a
message fit to show) for anything Whoosh would fail on or silently misread.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Any

from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.qparser.dateparse import DateParserPlugin

from quotes.dates import to_utc
from quotes.model import NON_SPEECH_KINDS, QUOTE_KINDS, REVIEW_STATUSES

from .budget import (
    MAX_FUZZY_CHARS,
    MAX_QUERY_DEPTH,
    check_query_size,
    check_query_terms,
)
from .errors import InputTooLarge, QueryError
from .schema import QUERY_FIELDS


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


# -- checking ---------------------------------------------------------------

_FIELD_PREFIX = re.compile(r"(?:^|(?<=[\s(+\-]))([A-Za-z_]\w*):")


ANY_KIND = "any"
#: Quoted spans that are not speech: left out of a search unless asked for by kind.
# ("scare": what an index built by an earlier version calls a term)
NOT_SPEECH = query.Or([query.Term("kind", k) for k in (*NON_SPEECH_KINDS, "scare")])


def check_kind(kind: str) -> str:
    if kind not in QUOTE_KINDS and kind != ANY_KIND:
        raise QueryError(f"unknown kind {kind!r} (kinds: {', '.join(QUOTE_KINDS + (ANY_KIND,))})")
    return kind


def check_review(review: str) -> str:
    if review not in REVIEW_STATUSES:
        raise QueryError(f"unknown review status {review!r} (one of: {', '.join(REVIEW_STATUSES)})")
    return review


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


def make_parser(schema: Schema, errors: list[str] | None = None) -> qparser.QueryParser:
    """The query parser: fuzzy words, comparisons, dates (bad ones reported to
    ``errors``) and the field aliases of QUERY_FIELDS."""
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


def parse(schema: Schema, qstring: str) -> query.Query:
    """Parse a query string, raising :class:`QueryError` for anything malformed."""
    qstring = (qstring or "").strip()
    if not qstring or qstring == "*":
        return query.Every()
    check_query_size(qstring)
    check_syntax(qstring)
    errors: list[str] = []
    try:
        q = make_parser(schema, errors).parse(_compact_dates(_lower_fields(qstring)))
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
