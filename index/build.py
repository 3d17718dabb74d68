"""Build the Whoosh index from SQLite and keep it in step with it.

SQLite is the record; the index is derived from it and can always be rebuilt. The
documents are made in :mod:`index.documents`, the speakers index kept in
:mod:`index.speaker_index`, the folder opened in :mod:`index.storage`, and drift
checked in :mod:`index.drift`; the names they define are also importable from here.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from quotes.store import Store, writer_lock

from .documents import context_words, document, parse_date, signature, speaker_document
from .drift import DriftReport, check, indexed_signatures
from .fts import whoosh_off, whoosh_on
from .schema import make_schema
from .speaker_index import sync_speakers
from .storage import (
    INDEX_NAME,
    META_FILE,
    SPEAKERS_NAME,
    index_exists,
    open_index,
    schema_current,
    write_meta,
)
from .storage import storage as _storage
from .writing import (
    building_folder,
    open_writer,
    remove_leftovers,
    swap_in,
    write_errors,
)

__all__ = [
    "INDEX_NAME", "META_FILE", "SPEAKERS_NAME", "DriftReport", "SyncReport", "check", "context_words",
    "delete_documents", "document", "index_exists", "indexed_signatures", "open_index", "parse_date",
    "rebuild", "schema_current", "signature", "speaker_document", "sync", "sync_speakers",
]


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    speakers: int = 0  # speaker documents written or removed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- opening ----------------------------------------------------------------------


def _create(index_dir: Path) -> FileIndex:
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = _storage(index_dir).create_index(make_schema(), indexname=INDEX_NAME)
    write_meta(index_dir)
    return ix


# -- building ---------------------------------------------------------------------


def _build(store: Store, folder: Path, procs: int | None, limitmb: int) -> None:
    ix = _create(folder)
    total = store.quote_count()
    writer = open_writer(ix, total, procs, limitmb)
    try:
        for row in store.quote_rows(by_date=True):
            writer.add_document(**document(row))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    sync_speakers(store, folder)


def rebuild(
    store: Store, index_dir: str | os.PathLike[str] | None = None, *, procs: int | None = None, limitmb: int = 256,
    writer_locked: bool = False, on_wait: Callable[[], None] | None = None,
) -> int:
    """Build a fresh index from SQLite and swap it in place; returns the document count.

    Documents are added in publication order, so document numbers follow time. The
    old index answers searches until the new one replaces it in one step. The build
    runs beside it without locking the database; then, holding the database's writer
    lock (waiting for a running ingest, after calling ``on_wait``), it adds what was
    stored in the meantime and swaps in, so a rebuild never loses an ingest's quotes.
    ``writer_locked``: the caller holds that lock already (an ingest). ``index_dir``:
    by default the store's (:attr:`quotes.store.Store.index_dir`). A database that left
    search to FTS5 (:func:`index.fts.whoosh_off`; the store then opened for writing)
    uses the new index from then on. ``procs``: writing processes (default: every core
    from :data:`~index.writing.PARALLEL_THRESHOLD` quotes).
    """
    target = Path(store.index_dir if index_dir is None else index_dir)
    with write_errors(target):
        remove_leftovers(target)
        with building_folder(target) as folder:
            version = store.data_version()
            _build(store, folder, procs, limitmb)
            with contextlib.nullcontext() if writer_locked else writer_lock(store.path, on_wait=on_wait):
                if store.data_version() != version:
                    _sync_all(store, folder)
                remove_leftovers(target, all_unlocked=True)
                swap_in(folder, target)
                if whoosh_off(store):
                    whoosh_on(store)
        ix = _storage(target).open_index(INDEX_NAME)
        try:
            return int(ix.doc_count())
        finally:
            ix.close()


def sync(
    store: Store, index_dir: str | os.PathLike[str] | None = None, quote_ids: Iterable[int] | None = None,
    *, procs: int | None = None, limitmb: int = 128, writer_locked: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> SyncReport:
    """Add or update the given quotes in the index (creating it if needed).

    With ``quote_ids=None`` bring the whole index in step with SQLite (add missing
    documents, rewrite stale ones, delete orphans), holding the database's writer lock
    unless the caller does (``writer_locked``). ``procs``: indexing processes (default:
    several for large batches); ``limitmb``: memory for each. ``index_dir``: by default
    the store's.
    """
    path = Path(store.index_dir if index_dir is None else index_dir)
    with write_errors(path):
        if not (index_exists(path) and schema_current(path)):
            # A new or outdated index: index everything, not just the new quotes.
            count = rebuild(store, path, procs=procs, limitmb=limitmb, writer_locked=writer_locked, on_wait=on_wait)
            return SyncReport(added=count)
        if quote_ids is None:
            with contextlib.nullcontext() if writer_locked else writer_lock(store.path, on_wait=on_wait):
                return _sync_all(store, path)
        return _sync_ids(store, path, {int(i) for i in quote_ids}, procs, limitmb)


def _sync_all(store: Store, path: Path) -> SyncReport:
    ix = _storage(path).open_index(INDEX_NAME)
    report = SyncReport()
    indexed = indexed_signatures(ix)
    writer = open_writer(ix, 0)
    try:
        live: set[int] = set()
        for row in store.quote_rows():
            qid = int(row["quote_id"])
            live.add(qid)
            doc = document(row)
            have = indexed.get(qid)
            if have is None:
                writer.add_document(**doc)
                report.added += 1
            elif have != doc["sig"].decode("ascii"):
                writer.update_document(**doc)
                report.updated += 1
        for qid in indexed.keys() - live:
            writer.delete_by_term("id", str(qid))
            report.deleted += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    report.speakers = sync_speakers(store, path)
    return report


def _sync_ids(store: Store, path: Path, wanted: set[int], procs: int | None, limitmb: int) -> SyncReport:
    report = SyncReport()
    if not wanted:
        return report
    ix = _storage(path).open_index(INDEX_NAME)
    with ix.reader() as reader:
        # New quotes (the usual case after an ingest) need no delete-then-add.
        indexed = {qid for qid in wanted if ("id", str(qid)) in reader}
    writer = open_writer(ix, len(wanted), procs, limitmb)
    speakers: set[int] = set()
    try:
        found: set[int] = set()
        # Rows are streamed: memory stays the same however large the batch.
        for row in store.quote_rows(wanted):
            qid = int(row["quote_id"])
            found.add(qid)
            if row["speaker_id"] is not None:
                speakers.add(int(row["speaker_id"]))
            if qid in indexed:
                writer.update_document(**document(row))
            else:
                writer.add_document(**document(row))
        report.updated = len(found)
        for qid in wanted - found:
            writer.delete_by_term("id", str(qid))
            report.deleted += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    report.speakers = sync_speakers(store, path, speakers)
    return report


def delete_documents(index_dir: str | os.PathLike[str], quote_ids: Iterable[int]) -> int:
    """Remove documents from the index (not from SQLite)."""
    ix = open_index(index_dir)
    n = 0
    with open_writer(ix, 0) as writer:
        for qid in quote_ids:
            n += writer.delete_by_term("id", str(qid))
    return n


