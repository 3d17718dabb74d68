"""Which served databases are quotes databases, where their index is, and what they hold.

Each answer is cached where it belongs: the schema check on the Datasette that serves the
file (once per database), a database's size and views for a minute per file.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quotes.database import (
    database_summary,
    index_path_for,
    is_quotes_database,
)

if TYPE_CHECKING:
    from datasette.app import Datasette

PLUGIN = "quotes"
SEARCH_VIEW = "quote_search"
#: Quotes past which the browsing view's pages skip counting their rows.
LARGE_DATABASE = 200_000


def quotes_database_names(datasette: Datasette) -> list[str]:
    """Names of the served databases that have the quotes schema (checked once each)."""
    known: dict[str, bool] = datasette.__dict__.setdefault("_quotes_schema_checked", {})
    names = []
    for name, db in list(datasette.databases.items()):
        if db.is_memory or not db.path:
            continue
        key = f"{name}\0{db.path}"
        if key not in known:
            known[key] = is_quotes_database(db.path)
        if known[key]:
            names.append(name)
    return names


def plugin_config(datasette: Datasette, database: str | None = None) -> dict[str, Any]:
    """This plugin's configuration, for ``database`` when named (empty when there is none)."""
    return datasette.plugin_config(PLUGIN, database=database) or {}


def index_dir_for(db_file: Path, configured: str | os.PathLike[str] | None = None) -> Path:
    """The Whoosh index folder of the database at ``db_file``: ``configured`` when given,
    else the ``.index`` folder beside it (``news.db`` -> ``news.index``).

    Every index path in the plugin comes from here.
    """
    if configured:
        return Path(configured)
    return index_path_for(db_file)


def database_index_dir(datasette: Datasette, name: str) -> Path:
    """The index folder of served database ``name`` (its ``index_dir`` setting, or beside it)."""
    return index_dir_for(Path(datasette.databases[name].path), plugin_config(datasette, name).get("index_dir"))


_facts: dict[str, tuple[float, int, bool]] = {}


def database_facts(datasette: Datasette, db_name: str) -> tuple[int, bool]:
    """(highest quote id, whether the database has the quote_search view), read at most
    once a minute: a database last written by an earlier version has no quote_search
    until it is next opened for writing."""
    path = datasette.databases[db_name].path
    checked, size, searchable = _facts.get(path, (0.0, 0, False))
    if time.monotonic() - checked > 60:
        size, searchable = database_summary(path, SEARCH_VIEW)
        _facts[path] = (time.monotonic(), size, searchable)
    return size, searchable


def has_search_view(datasette: Datasette, db_name: str) -> bool:
    """Whether the database has the ``quote_search`` view."""
    return database_facts(datasette, db_name)[1]


def is_large(datasette: Datasette, db_name: str) -> bool:
    """More than LARGE_DATABASE quotes."""
    return database_facts(datasette, db_name)[0] > LARGE_DATABASE


def quotes_route(datasette: Datasette, path: str) -> tuple[str | None, str]:
    """(quotes database name, rest of the path) when ``path`` is under a quotes database."""
    base = datasette.setting("base_url") or "/"
    if path.startswith(base):
        path = "/" + path[len(base) :]
    first, _, rest = path.lstrip("/").partition("/")
    for name in quotes_database_names(datasette):
        route = datasette.databases[name].route or name
        if first == route or first.startswith(route + "."):
            return name, rest
    return None, ""
