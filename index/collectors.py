"""Whoosh collectors: the time budget, the date window, and counting matches."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from whoosh import collectors, query

from .budget import check_time


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


def total_matches(searcher: Any, q: query.Query, results: Any, unfiltered: bool) -> int:
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


