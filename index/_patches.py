"""A speed fix for whoosh-reloaded 2.7.5, applied on import.

``W3PerDocReader._cached_reader`` caches the length reader of a field that has one but,
for a field without lengths (ID, KEYWORD, NUMERIC, DATETIME), checks the file system
again on every call. Indexing calls it once per posting, so a quarter of the build time
went to ``stat``. A segment's files never change, so the absence can be cached too.
"""
from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3

_MISSING = object()


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


def apply() -> None:
    if getattr(whoosh3.W3PerDocReader._cached_reader, "__module__", "") != __name__:
        whoosh3.W3PerDocReader._cached_reader = _cached_reader
