"""The index work behind the ``/-/quotes`` pages, as run by a worker process.

Each job opens the database read-only for its own length, uses this process's one
opened index per folder, and runs under its time budget. Errors come back as an HTTP
status and a one-line message.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from index import (
    BudgetExceeded,
    IndexMissing,
    QueryError,
    QuoteIndex,
    QuoteIndexError,
    verify,
)
from index.budget import time_budget
from index.fts import search_fts, whoosh_off
from quotes.store import Store, StoreError

_indexes: dict[str, QuoteIndex] = {}
_indexes_lock = threading.Lock()


def open_index(index_dir: Path) -> QuoteIndex:
    """This process's ``QuoteIndex`` for a folder: opening one costs far more than a
    search, and each search still reads the index's latest commit."""
    key = os.fspath(index_dir)
    with _indexes_lock:
        qi = _indexes.get(key)
        if qi is None:
            qi = _indexes[key] = QuoteIndex(index_dir)
    return qi


def forget_index(index_dir: Path) -> None:
    with _indexes_lock:
        qi = _indexes.pop(os.fspath(index_dir), None)
    if qi is not None:
        qi.close()


@contextlib.contextmanager
def _read_store(db_file: Path) -> Iterator[Store]:
    """The database, read-only, for one job."""
    store = Store(db_file, read_only=True)
    try:
        yield store
    finally:
        store.db.conn.close()


def search(
    db_file: Path, index_dir: Path, q: str, filters: Mapping[str, str], limit: int, offset: int,
    seconds: float | None,
) -> dict[str, Any]:
    # The store answers queries made only of words too common for the index, and every
    # query when the database leaves search to FTS5.
    with _read_store(db_file) as store, time_budget(seconds, "search", (store.db.conn,)):
        options: dict[str, Any] = {
            "speaker": filters.get("speaker") or None,
            "publisher": filters.get("publisher") or None,
            "since": filters.get("since") or None,
            "until": filters.get("until") or None,
            "kind": filters.get("kind") or None,
            "limit": limit,
            "offset": offset,
            "facets": True,
        }
        if whoosh_off(store):
            return search_fts(store, q or "*", **options).to_dict()
        return open_index(index_dir).search(q or "*", store=store, **options).to_dict()


def verify_words(
    db_file: Path, index_dir: Path, words: str, speaker: str | None, seconds: float | None
) -> dict[str, Any]:
    with _read_store(db_file) as store, time_budget(seconds, "verification", (store.db.conn,)):
        return verify(store, index_dir, words, speaker, index=open_index(index_dir)).to_dict()


JOBS: dict[str, Callable[..., dict[str, Any]]] = {"search": search, "verify": verify_words}
WHAT = {"search": "search", "verify": "verification"}


def error_status(e: BaseException) -> int:
    """The HTTP status for an error of a job."""
    if isinstance(e, QueryError):
        return 400
    if isinstance(e, (IndexMissing, BudgetExceeded)):
        return 503
    return 500


def run(name: str, args: tuple[Any, ...], index_dir: Path) -> tuple[str, Any]:
    """``("ok", result)`` or ``("error", (status, message))`` for one job."""
    try:
        return "ok", JOBS[name](*args)
    except MemoryError:
        raise
    except Exception as e:
        status = error_status(e)
        if status != 400:
            forget_index(index_dir)  # rebuilt, removed or damaged: reopen next time
        message = str(e) if isinstance(e, (QuoteIndexError, StoreError)) else f"{type(e).__name__}: {e}"
        return "error", (status, message.splitlines()[0] if message else type(e).__name__)
