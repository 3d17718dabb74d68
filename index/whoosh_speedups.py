"""Faster Whoosh writers and readers, for the Whoosh version they were written for.

Nothing here changes Whoosh on import. The writer side is a set of subclasses, used only
by the writers :func:`index.writing.open_writer` creates; the reader side is a cache
installed by :func:`install_reader_cache`, called by the code that opens readers. Both
are for whoosh-reloaded :data:`WRITTEN_FOR` only, as they replace private methods:
under another version the writers are Whoosh's own and the cache is not installed,
with a warning (:func:`supported`).

Writer side:

- :class:`ChunkedPostingPool`: Whoosh spilled sorted runs to disk one pickled posting
  at a time, and read them back the same way: a fifth of a large build. Runs are
  written and read in chunks of postings, and adding a posting skips the type checks.
  A chunk is a list, a posting a tuple, so the pool reads runs in either format.
- :class:`FastSegmentWriter`: Whoosh added every spelling word of every document to the
  posting pool, to be sorted and merged away at commit; with
  :class:`index.analysis.StemmedText` fields each writer adds each spelling word once.
  Its own segment's lengths are read through :class:`CachedPerDocReader`.

Reader side (:class:`CachedPerDocReader`, what :func:`install_reader_cache` puts in
place of ``W3PerDocReader``'s methods):

- ``_cached_reader`` cached the length reader of a field that has one but, for a field
  without lengths (ID, KEYWORD, NUMERIC, DATETIME), checked the file system again on
  every call: once per posting when a segment is written, a quarter of the build time
  went to ``stat``. A segment's files never change, so the absence is cached too.
- ``doc_field_length`` (once per posting when a segment is written or merged, once per
  matching document when scoring) read one byte from the file per call; the lengths of
  a field are read once per reader.

The index these write is the one plain Whoosh writes: tests/test_whoosh_speedups.py
builds both and compares every stored field and posting.
"""
from __future__ import annotations

import warnings
from pickle import dump, load
from typing import Any

import whoosh
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.writing import PostingPool, SegmentWriter

from . import analysis

#: The whoosh-reloaded version whose private methods these replace.
WRITTEN_FOR = (2, 7, 5)
#: The installed version (a module attribute so that a test can pretend another).
WHOOSH_VERSION: tuple[int, ...] = tuple(whoosh.__version__)

_MISSING = object()
_RUN_CHUNK = 4096
_warned = False


def supported() -> bool:
    """Whether the installed Whoosh is the version the speed-ups were written for; the
    first time it is not, says so in a :class:`RuntimeWarning`."""
    global _warned
    if WHOOSH_VERSION == WRITTEN_FOR:
        return True
    if not _warned:
        _warned = True
        found = ".".join(map(str, WHOOSH_VERSION))
        wanted = ".".join(map(str, WRITTEN_FOR))
        warnings.warn(
            f"whoosh {found}: the index's speed-ups were written for whoosh {wanted}; using plain whoosh",
            RuntimeWarning, stacklevel=2,
        )
    return False


# -- writer side --------------------------------------------------------------------


class ChunkedPostingPool(PostingPool):
    """A posting pool that spills its runs in chunks of postings."""

    @classmethod
    def like(cls, pool: PostingPool) -> ChunkedPostingPool:
        """An empty pool with the storage, segment and memory limit of ``pool``."""
        new = cls(pool.tempstore, pool.segment)
        new.limit = pool.limit
        return new

    def add(self, item: Any) -> None:
        # item = (fieldname, tbytes, docnum, weight, vbytes); the size estimate is Whoosh's
        fieldname = item[0]
        self.fieldnames.add(fieldname)
        self.currentsize += 150 + len(fieldname) + len(item[1]) * 2 + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Any) -> None:
        chunk: list[Any] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= _RUN_CHUNK:
                dump(chunk, f, -1)
                chunk = []
        if chunk:
            dump(chunk, f, -1)
        f.close()

    def _read_run(self, path: str) -> Any:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = load(f)
                except EOFError:
                    return
                if type(chunk) is list:
                    yield from chunk
                else:  # a run written one posting at a time, by plain Whoosh
                    yield chunk
        finally:
            f.close()
            self._remove_run(path)


class CachedPerDocReader(W3PerDocReader):
    """Whoosh's per-document reader with its field lengths cached (module docstring)."""

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        reader = self._readers.get(fieldname, _MISSING)
        if reader is _MISSING:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
        return reader

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> Any:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        table = _length_table(self, fieldname)
        if table is None:
            return default
        if type(table) is bytes:
            lbyte = table[docnum] if docnum < len(table) else 0
        else:
            lbyte = table[docnum]
        if lbyte:
            return whoosh3.byte_to_length(lbyte)
        return None  # as Whoosh: a zero length byte gives None


def _length_table(reader: Any, fieldname: str) -> Any:
    """The length bytes of a field, in document order (or its column reader; None
    for a field without lengths), read once per reader."""
    tables = reader.__dict__.setdefault("_length_tables", {})
    table = tables.get(fieldname, _MISSING)
    if table is _MISSING:
        column = reader._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        table = None
        if column is not None:
            # A one-byte NumericColumn: the raw bytes are the values, in document order.
            if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
                table = bytes(column._dbfile.get(column._basepos, column._count)) if column._count else b""
            else:
                table = column
        tables[fieldname] = table
    return table


class FasterWriting(SegmentWriter):
    """Mixin for a Whoosh segment writer (or a subclass): chunked runs, and its
    segment's lengths read through :class:`CachedPerDocReader`."""

    pool: Any

    def __init__(self, ix: Any, *args: Any, **kwargs: Any):
        super().__init__(ix, *args, **kwargs)
        self.pool = ChunkedPostingPool.like(self.pool)

    def per_document_reader(self) -> Any:
        if type(self.codec) is not W3Codec:
            return super().per_document_reader()
        return CachedPerDocReader(self.storage, self.get_segment())


class FastSegmentWriter(FasterWriting):
    """A segment writer that adds each spelling word once (module docstring)."""

    def __init__(self, ix: Any, *args: Any, **kwargs: Any):
        super().__init__(ix, *args, **kwargs)
        self._spelled: dict[int, set[str]] = {}

    def add_document(self, **fields: Any) -> None:
        analysis.state.spelled = self._spelled
        try:
            super().add_document(**fields)
        finally:
            analysis.state.spelled = None


# -- reader side --------------------------------------------------------------------

_CACHED = ("_cached_reader", "doc_field_length")
_PLAIN = {name: W3PerDocReader.__dict__[name] for name in _CACHED}


def install_reader_cache() -> bool:
    """Make every Whoosh per-document reader cache its field lengths (what
    :class:`CachedPerDocReader` does); True when installed. Idempotent; under a Whoosh
    version other than :data:`WRITTEN_FOR`, leaves Whoosh as it is and returns False."""
    if not supported():
        return False
    for name in _CACHED:
        if W3PerDocReader.__dict__[name] is not CachedPerDocReader.__dict__[name]:
            setattr(W3PerDocReader, name, CachedPerDocReader.__dict__[name])
    return True


def remove_reader_cache() -> None:
    """Undo :func:`install_reader_cache` (for comparing with plain Whoosh)."""
    for name, method in _PLAIN.items():
        setattr(W3PerDocReader, name, method)


def reader_cache_installed() -> bool:
    return all(W3PerDocReader.__dict__[name] is CachedPerDocReader.__dict__[name] for name in _CACHED)
