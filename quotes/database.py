"""The database file: opening it so that it can never be written, and the search
index folder that belongs to it."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote as _uri_quote


class StoreError(Exception):
    """A problem with the database itself (not with an input article)."""


def connect_read_only(path: str | os.PathLike[str], **kwargs: Any) -> sqlite3.Connection:
    """A connection that reads the database at ``path`` and can never write it.

    It is opened ``mode=ro``, so each read sees what has been committed, a running
    ``quotes ingest`` included. A database in WAL mode needs a ``-shm`` file beside it
    to be read that way, which SQLite makes when there is none; in a folder this process
    cannot write (a read-only copy or mount) it cannot, so unless a ``-wal`` and ``-shm``
    are already there to read, the file is opened ``immutable=1`` instead (as Datasette
    opens immutable databases): read as it is, and taken never to change while open.

    A ``-wal`` holding changes there without a readable ``-shm`` cannot be read at all,
    and reading the file without it would silently leave those changes out: that is a
    StoreError, to be fixed by opening the database once where its folder is writable.
    ``kwargs`` go to ``sqlite3.connect``.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise StoreError(f"{path}: no such database")
    mode = "mode=ro"
    if not os.access(os.path.dirname(os.path.abspath(path)) or ".", os.W_OK) and _is_wal(path):
        wal, shm = path + "-wal", path + "-shm"
        if not (os.access(wal, os.R_OK) and os.access(shm, os.R_OK)):
            if os.path.exists(wal) and os.path.getsize(wal) > 0:
                raise StoreError(
                    f"{wal} holds changes that cannot be read without {shm}, which cannot be made"
                    " in this read-only folder: open the database once where its folder is writable"
                )
            mode = "immutable=1"
    return sqlite3.connect(f"file:{_uri_quote(path)}?{mode}", uri=True, **kwargs)


def index_path_for(db_path: str | os.PathLike[str]) -> Path:
    """The search index folder of the database at ``db_path``: ``quotes.db`` -> ``quotes.index``
    in the same folder (``quotes`` -> ``quotes.index``)."""
    path = Path(db_path)
    return path.with_name(path.stem + ".index") if path.suffix else path.with_name(path.name + ".index")


def _is_wal(path: str) -> bool:
    """True when the SQLite file at ``path`` is in WAL mode (by its header)."""
    try:
        with open(path, "rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


#: The tables a quotes database has (a served database without them is someone else's).
QUOTES_TABLES = ("articles", "quotes", "speakers")


def is_quotes_database(path: str | os.PathLike[str]) -> bool:
    """True when the SQLite file at ``path`` has the quotes schema (read-only; False
    for a file SQLite cannot read)."""
    try:
        conn = connect_read_only(path)
        try:
            names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return False
    return all(t in names for t in QUOTES_TABLES)


def database_summary(path: str | os.PathLike[str], view: str) -> tuple[int, bool]:
    """(the highest quote id, whether the view named ``view`` exists) of the quotes
    database at ``path``, read-only; (0, False) for a file SQLite cannot read."""
    try:
        conn = connect_read_only(path)
        try:
            size = conn.execute("select coalesce(max(rowid), 0) from quotes").fetchone()[0]
            has_view = conn.execute("select count(*) from sqlite_master where type = 'view' and name = ?", [view]).fetchone()[0] > 0
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return 0, False
    return int(size), has_view
