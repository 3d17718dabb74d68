"""Datasette plugin for quotes databases.

- Applies the bundled metadata (descriptions, facets, canned queries, full-text
  search) to every served database that has the quotes schema, whatever its file
  is called (:mod:`.metadata`).
- Makes Datasette's search box rank, refuses writes, and spares large databases a
  count of the browsing view (:mod:`.routing`).
- Adds ``/-/quotes``, a Whoosh-backed search page with filters and facet counts,
  and ``/-/quotes/verify``, the fact-checker's verdict for a quotation, both with
  a ``.json`` form (:mod:`.pages`, run in :mod:`.workers`); ``/-/quotes/quote/ID``,
  a quote in its article with its parts marked (:mod:`.quote_page`), and
  ``/-/quotes/group/ID``, every appearance of one quotation (:mod:`.group_page`),
  linked from the quote and group ids in Datasette's own tables.

Which served databases are quotes databases, and where each one's index is, is
decided in :mod:`.databases`; the hooks themselves are in :mod:`.hooks`, and are
imported here because Datasette registers this package as the plugin.

Plugin configuration (``plugins`` -> ``quotes`` in metadata, top level or per
database): ``index_dir`` (default: the ``.index`` folder beside the database file)
and ``database`` (which database the pages use when several are served).

Imports here stay light: Datasette imports this module while ``datasette.app`` is
itself still importing, so building a server lives in ``quotes_datasette.serve``.
"""
from __future__ import annotations

from .databases import PLUGIN, is_quotes_database
from .hooks import (
    asgi_wrapper,
    filters_from_request,
    get_metadata,
    menu_links,
    register_routes,
    render_cell,
)

__all__ = [
    "PLUGIN",
    "asgi_wrapper",
    "filters_from_request",
    "get_metadata",
    "is_quotes_database",
    "menu_links",
    "register_routes",
    "render_cell",
]
