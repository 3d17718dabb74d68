"""Build a Datasette that serves one quotes database read-only, with this plugin."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted, Results
from datasette.plugins import pm
from datasette.tracer import trace

from quotes.store import StoreError, connect_read_only

from .databases import is_quotes_database
from .metadata import serving_metadata


class ServeError(Exception):
    """The database cannot be served (missing, or not a quotes database)."""


# A query that waits (on the disk, say) uses no CPU time: it still ends once it has taken
# this many times the time limit.
WALL_CLOCK_FACTOR = 10


@contextlib.contextmanager
def cpu_time_limit(conn: sqlite3.Connection, ms: int) -> Iterator[None]:
    """Interrupt what ``conn`` runs in this thread once it has used ``ms`` milliseconds of
    the thread's CPU time, or WALL_CLOCK_FACTOR times that of wall-clock time.

    Datasette's ``sqlite_timelimit`` counts wall-clock time only, so a query slowed by
    another process's load (an ingest) fails though it needs far less than the limit.
    """
    cpu_deadline = time.thread_time() + ms / 1000
    wall_deadline = time.perf_counter() + WALL_CLOCK_FACTOR * ms / 1000

    def handler() -> int:
        return int(time.thread_time() >= cpu_deadline or time.perf_counter() >= wall_deadline)

    # SQLite calls the handler every n virtual machine steps (about 0.08 ms for 1000),
    # every step for a very short limit, as Datasette does.
    n = 1 if ms <= 20 else 1000
    conn.set_progress_handler(handler, n)
    try:
        yield
    finally:
        conn.set_progress_handler(None, n)


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

    async def execute(
        self,
        sql: str,
        params: Any = None,
        truncate: bool = False,
        custom_time_limit: int | None = None,
        page_size: int | None = None,
        log_sql_errors: bool = True,
    ) -> Results:
        """Datasette's (0.65) ``Database.execute``, with the time limit (``sql_time_limit_ms``,
        or a shorter ``custom_time_limit``) counted by ``cpu_time_limit``. Datasette's own
        takes its clock from a module-level function, which only a process-wide patch
        could change; overriding here keeps the change to this database."""
        page_size = page_size or self.ds.page_size
        limit_ms = self.ds.sql_time_limit_ms
        if custom_time_limit and custom_time_limit < limit_ms:
            limit_ms = custom_time_limit

        def run(conn: sqlite3.Connection) -> Results:
            with cpu_time_limit(conn, limit_ms):
                try:
                    cursor = conn.cursor()
                    cursor.execute(sql, params if params is not None else {})
                    max_rows = self.ds.max_returned_rows
                    if max_rows == page_size:
                        max_rows += 1
                    if max_rows and truncate:
                        rows = cursor.fetchmany(max_rows + 1)
                        truncated, rows = len(rows) > max_rows, rows[:max_rows]
                    else:
                        rows, truncated = cursor.fetchall(), False
                except sqlite3.DatabaseError as e:
                    if e.args == ("interrupted",):
                        raise QueryInterrupted(e, sql, params) from e
                    if log_sql_errors:
                        sys.stderr.write(f"ERROR: conn={conn}, sql = {sql!r}, params = {params}: {e}\n")
                        sys.stderr.flush()
                    raise
            return Results(rows, truncated, cursor.description)

        with trace("sql", database=self.name, sql=sql.strip(), params=params):
            return await self.execute_fn(run)


def make_datasette(
    db_path: str | os.PathLike[str],
    *,
    index_dir: str | os.PathLike[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    sql_time_limit_ms: int = 2000,
    search_time_limit_ms: int | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Datasette:
    """A Datasette serving the quotes database at ``db_path`` read-only, with this plugin.

    The database keeps its file stem as its name (``news.db`` is served at ``/news``);
    it is opened with ``mode=ro`` on every connection rather than as immutable, so a
    concurrent ``quotes ingest`` (WAL mode) shows up on the next request, except where
    it can only be read as immutable (see ``quotes.store.connect_read_only``).
    ``search_time_limit_ms``: the time one search or verification of the ``/-/quotes``
    pages may take (default: the plugin's ``search_time_limit_ms``, else 5000).
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
    config: dict[str, Any] = {}
    if index_dir is not None:
        config["index_dir"] = os.fspath(index_dir)
    if search_time_limit_ms is not None:
        config["search_time_limit_ms"] = search_time_limit_ms
    local = serving_metadata(config, metadata)
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


