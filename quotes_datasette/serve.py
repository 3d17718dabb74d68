"""Build a Datasette that serves one quotes database read-only, with this plugin."""
from __future__ import annotations

import copy
import os
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from quotes.store import StoreError, connect_read_only

from . import PLUGIN, is_quotes_database


class ServeError(Exception):
    """The database cannot be served (missing, or not a quotes database)."""


class ReadOnlyDatabase(Database):
    """A database file Datasette reads (never cached) but can never write to, opened as
    ``quotes.store.connect_read_only`` opens it."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise sqlite3.OperationalError(f"{self.path}: this database is served read-only")
        try:
            conn = connect_read_only(self.path, check_same_thread=False)
        except StoreError as e:
            raise sqlite3.OperationalError(str(e)) from None
        self._all_file_connections.append(conn)  # as Database.connect does, for close()
        return conn


def make_datasette(
    db_path: str | os.PathLike[str],
    *,
    index_dir: str | os.PathLike[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    sql_time_limit_ms: int = 2000,
    settings: Mapping[str, Any] | None = None,
) -> Datasette:
    """A Datasette serving the quotes database at ``db_path`` read-only, with this plugin.

    The database keeps its file stem as its name (``news.db`` is served at ``/news``);
    it is opened with ``mode=ro`` on every connection rather than as immutable, so a
    concurrent ``quotes ingest`` (WAL mode) shows up on the next request, except where
    it can only be read as immutable (see ``quotes.store.connect_read_only``).
    """
    path = Path(db_path)
    if not path.is_file():
        raise ServeError(f"{path}: no such database (create it with: quotes ingest PATH --db {path})")
    try:
        connect_read_only(path).close()
    except StoreError as e:
        raise ServeError(str(e)) from None
    if not is_quotes_database(path):
        raise ServeError(f"{path}: not a quotes database")
    local: dict[str, Any] = {}
    if index_dir is not None:
        local = {"plugins": {PLUGIN: {"index_dir": os.fspath(index_dir)}}}
    if metadata:
        local = _merge(local, copy.deepcopy(dict(metadata)))
    plugin = sys.modules[__package__]
    if not pm.is_registered(plugin):  # e.g. running from a source tree that is not installed
        pm.register(plugin, name=__package__)
    all_settings = {
        "sql_time_limit_ms": sql_time_limit_ms,
        # Suggested facets cost a query per column: too slow on millions of quotes.
        "suggest_facets": False,
        **(settings or {}),
    }
    ds = Datasette([], metadata=local, settings=all_settings)
    ds.remove_database("_memory")
    ds.add_database(ReadOnlyDatabase(ds, str(path.resolve())), name=path.stem)
    return ds


def _merge(orig: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(orig.get(key), dict):
            _merge(orig[key], value)
        else:
            orig[key] = value
    return orig


