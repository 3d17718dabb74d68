"""The plugin's hooks, each handing its work to the module named for it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import Request

from .databases import SEARCH_VIEW, quotes_database_names
from .group_page import group_view
from .metadata import get_metadata, raw_search_mode
from .pages import id_cell, search_view, verify_view
from .quote_page import quote_view
from .routing import ASGIApp, quotes_guard

if TYPE_CHECKING:
    from datasette.app import Datasette

__all__ = ["asgi_wrapper", "filters_from_request", "get_metadata", "menu_links", "register_routes", "render_cell"]


@hookimpl
def menu_links(datasette: Datasette, actor: Any, request: Request) -> list[dict[str, str]]:
    if not quotes_database_names(datasette):
        return []
    return [
        {"href": datasette.urls.path("/-/quotes"), "label": "Search quotes"},
        {"href": datasette.urls.path("/-/quotes/verify"), "label": "Verify a quote"},
    ]


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Any:
    """Refuse anything but reading for a quotes database (it is published, not edited),
    answer searches from the search box with ``quote_search`` (best match first), and
    skip counting the rows of the browsing views on a large database."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return quotes_guard(datasette, app)

    return wrap


@hookimpl
def filters_from_request(request: Request, database: str, table: str, datasette: Datasette) -> FilterArguments | None:
    """Give ``quote_search`` its ranking: the search words MATCH its ``search`` column.

    Datasette's own ``?_search=`` filter keeps only the rows whose id is among the
    matches (``quote_id in (select rowid from quotes_fts where quotes_fts match ...)``),
    which leaves ``rank`` null; a MATCH on the view's column of the FTS5 table makes
    SQLite hand the search to FTS5, so ``rank`` is the BM25 score of each row.
    """
    if table != SEARCH_VIEW or "_search" not in request.args or not request.args["_search"].strip():
        return None
    if database not in quotes_database_names(datasette):
        return None
    # The same search mode as Datasette's own filter: escaped unless asked for raw.
    raw = raw_search_mode(datasette, database, table)
    mode = request.args.get("_searchmode")
    if mode in ("raw", "escaped"):
        raw = mode == "raw"
    return FilterArguments(
        ["search match " + (":search" if raw else "escape_fts(:search)")],
        {"search": request.args["_search"]},
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/quotes(\.(?P<format>json))?$", search_view),
        (r"^/-/quotes/verify(\.(?P<format>json|jsonld))?$", verify_view),
        (r"^/-/quotes/quote/(?P<quote_id>[0-9]{1,20})(\.(?P<format>json|jsonld))?$", quote_view),
        (r"^/-/quotes/group/(?P<group_id>[0-9]{1,20})(\.(?P<format>json))?$", group_view),
    ]


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Datasette) -> Any:
    """A quote's id in the ``quotes`` table and the quote views links to its quote page,
    a group's id in the quote views and ``quote_groups`` to its group page."""
    return id_cell(datasette, database, table, column, value)
