"""Every use of Datasette's metadata in the plugin.

The bundled ``metadata.json`` (descriptions, facets, canned queries, full-text search) is
applied to every served database that has the quotes schema, whatever its file is called:
Datasette names a database after its file stem, so metadata keyed on one fixed name would
miss ``news.db``.

Datasette 1.0 drops what this module stands on: the ``get_metadata`` hook is deprecated
from 1.0a14 and ``Datasette.table_metadata`` goes with the old metadata system. There a
``startup(datasette)`` hook writes the bundled metadata with ``set_instance_metadata``,
``set_database_metadata``, ``set_resource_metadata`` and ``set_column_metadata``, and
reads go through ``get_resource_metadata``; table options such as ``fts_table``,
``searchmode`` and the canned queries, and the plugin's settings that
:func:`serving_metadata` puts under ``plugins``, move to the configuration
(``Datasette(config=...)``, ``datasette.yaml``). Changing this one module is the move.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from markupsafe import escape

from .databases import PLUGIN, quotes_database_names

if TYPE_CHECKING:
    from datasette.app import Datasette

_METADATA: dict[str, Any] = json.loads((resources.files(__package__) / "metadata.json").read_text(encoding="utf-8"))
_DATABASE_METADATA = json.dumps(_METADATA.get("databases", {}).get("quotes", {}))
_TOP_METADATA = json.dumps({k: v for k, v in _METADATA.items() if k != "databases"})


@hookimpl
def get_metadata(datasette: Datasette, key: str | None, database: str | None, table: str | None) -> dict[str, Any]:
    # A fresh copy each time: Datasette merges other sources into what it is given.
    names = quotes_database_names(datasette)
    if not names:
        return {}
    metadata = json.loads(_TOP_METADATA)
    metadata["databases"] = {name: json.loads(_DATABASE_METADATA) for name in names}
    # Links to this plugin's pages belong here, not in metadata.json, which also serves
    # a plain `datasette publish` without the plugin.
    search = datasette.urls.path("/-/quotes")
    if metadata.get("description") and "description_html" not in metadata:
        metadata["description_html"] = f'{escape(metadata["description"])} <a href="{search}">Search and verify quotes</a>.'
    if not metadata.get("about_url"):
        metadata["about"], metadata["about_url"] = "Search and verify quotes", search
    return metadata


def raw_search_mode(datasette: Datasette, database: str, table: str) -> bool:
    """Whether the table's metadata sets ``searchmode`` to ``raw`` (FTS5 syntax unescaped)."""
    return (datasette.table_metadata(database, table) or {}).get("searchmode") == "raw"


def serving_metadata(config: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The metadata a served Datasette starts with: the plugin's settings ``config`` (Datasette
    0.65 reads a plugin's settings from metadata), with ``metadata`` (a ``--metadata`` file)
    merged over them."""
    local: dict[str, Any] = {"plugins": {PLUGIN: dict(config)}} if config else {}
    if metadata:
        local = _merge(local, copy.deepcopy(dict(metadata)))
    return local


def _merge(orig: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(orig.get(key), dict):
            _merge(orig[key], value)
        else:
            orig[key] = value
    return orig
