"""Keeping the search index in step while an ingest stores quotes.

:func:`ingest_and_index` is what ``quotes ingest`` runs: it holds the database's writer
lock, brings an index left behind by an earlier run up to date, stores the articles
(:func:`quotes.ingest.ingest`) and indexes what each committed batch added, in a child
process while storing goes on::

    from index.follow import ingest_and_index
    from quotes.readers import read_paths

    report, index_ok = ingest_and_index("quotes.db", "quotes.index", read_paths(["seeds/"]))
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from quotes.children import die_with
from quotes.ingest import EXTRACT_TIMEOUT, Extractor, IngestReport
from quotes.ingest import ingest as run_ingest
from quotes.model import Article
from quotes.readers import ReadError
from quotes.store import Store, set_sync_pending, sync_pending, writer_lock

from .fts import leave_search_to_fts, whoosh_off
from .writing import cores, describe, remove_index

#: New quotes are added to the search index in batches of at least this many...
INDEX_BATCH = 5000
#: ...and at most this many, so an indexing process needs the same memory however
#: far the index has fallen behind.
INDEX_BATCH_MAX = 20000
#: Memory for Whoosh's indexing pool in a sync, in MB.
INDEX_LIMIT_MB = 64


def ingest_and_index(
    db_path: str | os.PathLike[str],
    index_dir: str | os.PathLike[str],
    items: Iterable[Article | ReadError],
    *,
    workers: int = 1,
    extractor: Extractor | None = None,
    strict: bool = False,
    timeout: float | None = EXTRACT_TIMEOUT,
    on_article: Callable[[Article, bool, int], None] | None = None,
    on_error: Callable[[ReadError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    on_status: Callable[[str], None] | None = None,
    on_index_error: Callable[[str], None] | None = None,
    whoosh: bool = True,
    index_procs: int | None = None,
    build_after: bool = False,
) -> tuple[IngestReport, bool]:
    """Store the quotes of ``items`` in the database at ``db_path``, and index them in
    ``index_dir``; returns the report and whether the index is up to date.

    The report's ``seconds`` cover storing and indexing (not the wait for another
    ingest's lock, announced by ``on_wait()``). The article callbacks are those of
    :func:`quotes.ingest.ingest`; ``on_status(message)`` tells of index work the
    caller may want to show (catching up after an earlier run, the last batches);
    ``on_index_error(reason)`` of an index that could not be updated: the quotes are
    stored all the same, and the next ingest retries.

    Without ``whoosh`` the database is marked to leave search to SQLite FTS5
    (:func:`index.fts.leave_search_to_fts`; an index there is removed), and no index
    is built or followed, now or by later ingests, until ``quotes index --rebuild``.
    ``index_procs``: processes for indexing while storing goes on (default 1: the
    extraction workers keep the other cores busy); the last batches use every core.
    With ``build_after`` (nothing to extract: storing outruns indexing) a missing index
    is not followed but built once everything is stored, in one pass with
    ``index_procs`` processes (default: every core), each writing a segment of its own.
    """
    index_dir = Path(index_dir)
    status = on_status or (lambda message: None)
    with writer_lock(db_path, on_wait=on_wait):
        started = time.monotonic()  # this run's work, not the wait for another ingest
        # With one worker this process also extracts, and grouping would wait on it: the
        # quotes are grouped beside storing instead, by the indexing process as it opens
        # the database (and here at the end, for whatever is left). With several, this
        # process has time between the workers' results to group in its transactions.
        store = Store(db_path, group_later=workers <= 1)
        if not whoosh and not whoosh_off(store):
            leave_search_to_fts(store)
            remove_index(index_dir)
        if whoosh_off(store):
            store.group_later = False  # no indexing process to group beside
            report = run_ingest(
                store, items, workers=workers, extractor=extractor, strict=strict, keep_ids=False,
                timeout=timeout, on_article=on_article, on_error=on_error, on_warning=on_warning,
            )
            report.seconds = time.monotonic() - started
            return report, True
        follower = IndexFollower(store, index_dir, on_index_error)
        buffer: list[int] = []
        # No index yet and nothing to extract: build it once, after storing.
        deferred = build_after and not index_dir.exists()

        # A previous run that stored quotes but died before indexing them left its mark.
        has_quotes = store.max_quote_id() is not None
        if not deferred and (sync_pending(store) or (has_quotes and not index_dir.exists())):
            status("bringing the search index up to date with the database...")
            follower.sync(None)
            if follower.wait():
                set_sync_pending(store, False)
        set_sync_pending(store, True)

        stored = [0]  # quotes stored, for a deferred build

        def on_commit(ids: list[int]) -> None:
            if deferred:
                stored[0] += len(ids)
                return
            buffer.extend(ids)
            # Index in a child process while storing goes on; while one sync runs the
            # next batch grows (up to INDEX_BATCH_MAX), so the index keeps up. One
            # writing process: the extraction workers keep the other cores busy.
            if len(buffer) >= INDEX_BATCH and not follower.busy():
                follower.sync(buffer[:INDEX_BATCH_MAX], procs=index_procs or 1)
                del buffer[:INDEX_BATCH_MAX]

        try:
            report = run_ingest(
                store, items, workers=workers, extractor=extractor, strict=strict, keep_ids=False,
                timeout=timeout, on_commit=on_commit, on_article=on_article, on_error=on_error,
                on_warning=on_warning,
            )
        finally:
            # However the run ends, index what was committed.
            if deferred:
                if stored[0] >= INDEX_BATCH:
                    status(f"building the search index ({stored[0]:,} quotes)...")
                follower.sync(None, procs=index_procs)
            if len(buffer) >= INDEX_BATCH:
                status(f"updating the search index ({len(buffer):,} quotes to go)...")
            # Extraction is over: the catch-up may use every core.
            while buffer and follower.ok:
                follower.sync(buffer[:INDEX_BATCH_MAX], procs=cores())
                del buffer[:INDEX_BATCH_MAX]
            follower.wait()
            store.group_pending()
        if follower.ok:
            set_sync_pending(store, False)
        report.seconds = time.monotonic() - started  # storing and indexing
    return report, follower.ok


class IndexFollower:
    """Keeps the Whoosh index in step with SQLite, one sync at a time.

    Large syncs (and building a missing index) run in a short-lived child process,
    so the ingest goes on storing while the index catches up, and Whoosh's working
    memory is returned when the child ends. The child first groups the quotes the
    ingest stored ungrouped, if any (opening the database for writing does). Small
    syncs run in this process. The caller holds the database's writer lock. After a failure (told to ``on_error``
    with its reason) ``ok`` is False and further syncs are not tried.
    """

    def __init__(self, store: Store, index_dir: Path, on_error: Callable[[str], None] | None = None):
        self.store = store
        self.index_dir = index_dir
        self.on_error = on_error
        self.ok = True
        self._child: Any = None
        self._conn: Any = None

    def sync(self, ids: list[int] | None, procs: int | None = None) -> None:
        """Start bringing ``ids`` (None: everything) into the index, with ``procs``
        writing processes for a large batch (None: one for a batch, every core to
        build the index afresh)."""
        self.wait()
        if not self.ok:
            return
        if ids is not None and len(ids) < INDEX_BATCH:
            from . import sync

            try:
                sync(self.store, self.index_dir, ids, writer_locked=True)
            except Exception as e:  # the quotes are stored; the next ingest retries
                self._failed(describe(e, self.index_dir))
            return
        self._start(ids, procs)

    def busy(self) -> bool:
        """Whether a sync is running in a child process."""
        return self._child is not None and self._child.is_alive()

    def _start(self, ids: list[int] | None, procs: int | None) -> None:
        ctx = _child_context()
        self._conn, child_conn = ctx.Pipe(duplex=False)
        args = (os.fspath(self.store.path), os.fspath(self.index_dir), ids, procs, child_conn, os.getpid())
        self._child = ctx.Process(target=_index_child, args=args)
        self._child.start()
        child_conn.close()

    def wait(self) -> bool:
        """Wait for a sync in progress; False once any sync has failed."""
        if self._child is not None:
            child, conn = self._child, self._conn
            self._child = self._conn = None
            message = None
            try:
                message = conn.recv()
            except EOFError:
                pass
            child.join()
            conn.close()
            if child.exitcode != 0 or message != "ok":
                self._failed(message or f"the indexing process ended with status {child.exitcode}")
        return self.ok

    def _failed(self, reason: str) -> None:
        self.ok = False
        if self.on_error:
            self.on_error(reason)


def _child_context() -> Any:
    # A fork server forks children from a clean, single-threaded process (this one
    # may be running a pool), with the index code already imported.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["index", "quotes.store"])
        return ctx
    return multiprocessing.get_context("spawn")


def _index_child(db_path: str, index_dir: str, ids: list[int] | None, procs: int | None, conn: Any, owner: int) -> None:
    die_with(owner)  # the ingest; this process's parent is the fork server
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # finish the work; the parent handles Ctrl-C
    try:
        from . import sync

        # A missing index is built from scratch, with several processes when large.
        sync(
            Store(db_path), index_dir, ids, procs=procs if ids is None else procs or 1, limitmb=INDEX_LIMIT_MB,
            writer_locked=True,  # the ingest that started this process holds it
        )
    except Exception as e:
        conn.send(describe(e, index_dir))
        conn.close()
        sys.exit(1)
    conn.send("ok")
    conn.close()
