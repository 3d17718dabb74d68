"""Speed fixes for whoosh-reloaded 2.7.5, applied on import.

``W3PerDocReader._cached_reader`` caches the length reader of a field that has one but,
for a field without lengths (ID, KEYWORD, NUMERIC, DATETIME), checks the file system
again on every call. Indexing calls it once per posting, so a quarter of the build time
went to ``stat``. A segment's files never change, so the absence can be cached too.

``W3PerDocReader.doc_field_length`` (once per posting when a segment is written, once
per matching document when scoring) read one byte from the file per call; the lengths
of a field are now read once per reader.

``SegmentWriter.add_document`` added every spelling word of every document to the
posting pool, to be sorted and merged away at commit; with :class:`index.analysis.StemmedText`
fields each writer now adds each spelling word once.

``PostingPool`` spilled sorted runs to disk one pickled posting at a time, and read
them back the same way: a fifth of a large build. Runs are now written and read in
chunks of postings, and adding a posting skips the type assertions.
"""
from __future__ import annotations

from pickle import dump, load
from typing import Any

from whoosh import writing
from whoosh.codec import whoosh3

from . import analysis

_MISSING = object()


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


def _length_bytes(self: Any, fieldname: str) -> Any:
    tables = self.__dict__.setdefault("_length_tables", {})
    table = tables.get(fieldname, _MISSING)
    if table is _MISSING:
        reader = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        table = None
        if reader is not None:
            # A one-byte NumericColumn: the raw bytes are the values, in document order.
            fixedlen = getattr(reader, "_fixedlen", None)
            if fixedlen == 1 and hasattr(reader, "_dbfile"):
                table = bytes(reader._dbfile.get(reader._basepos, reader._count)) if reader._count else b""
            else:
                table = reader
        tables[fieldname] = table
    return table


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: int = 0) -> Any:
    if docnum > self._doccount:
        raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
    table = _length_bytes(self, fieldname)
    if table is None:
        return default
    if type(table) is bytes:
        lbyte = table[docnum] if docnum < len(table) else 0
    else:
        lbyte = table[docnum]
    if lbyte:
        return whoosh3.byte_to_length(lbyte)
    return None  # as Whoosh: a zero length byte gives None


_original_add_document = writing.SegmentWriter.add_document


def _add_document(self: Any, **fields: Any) -> None:
    spelled = self.__dict__.get("_spelled")
    if spelled is None:
        spelled = self.__dict__["_spelled"] = {}
    analysis.state.spelled = spelled
    try:
        _original_add_document(self, **fields)
    finally:
        analysis.state.spelled = None


_RUN_CHUNK = 4096


def _write_run(self: Any, f: Any, items: Any) -> None:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= _RUN_CHUNK:
            dump(chunk, f, -1)
            chunk = []
    if chunk:
        dump(chunk, f, -1)
    f.close()


def _read_run(self: Any, path: str) -> Any:
    f = self._open_run(path)
    try:
        while True:
            try:
                chunk = load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        self._remove_run(path)


def _pool_add(self: Any, item: Any) -> None:
    # item = (fieldname, tbytes, docnum, weight, vbytes); the size estimate is Whoosh's
    fieldname = item[0]
    self.fieldnames.add(fieldname)
    self.currentsize += 150 + len(fieldname) + len(item[1]) * 2 + len(item[4] or b"")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


def apply() -> None:
    if getattr(whoosh3.W3PerDocReader._cached_reader, "__module__", "") != __name__:
        whoosh3.W3PerDocReader._cached_reader = _cached_reader
        whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
        writing.SegmentWriter.add_document = _add_document
        writing.PostingPool._write_run = _write_run
        writing.PostingPool._read_run = _read_run
        writing.PostingPool.add = _pool_add
