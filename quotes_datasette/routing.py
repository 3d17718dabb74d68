"""What the plugin does to requests before Datasette sees them.

- Anything but reading a quotes database is refused (it is published, not edited).
- Searches from a table's search box are answered by ``quote_search``, best match first
  by BM25 (Datasette 0.65 orders table pages only by columns, so its own ``?_search=``
  lists matches in id order).
- The browsing view's pages skip counting their rows on a large database.

:func:`route_table_page` decides, on the query arguments alone; :func:`quotes_guard`
applies its answer to the ASGI scope.
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from datasette.utils import escape_fts
from datasette.utils.asgi import Response

from quotes.views import QUOTE_VIEW_COLUMNS

from .databases import SEARCH_VIEW, has_search_view, is_large, quotes_route

if TYPE_CHECKING:
    from datasette.app import Datasette

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BROWSE_VIEW = "quotes_view"
_TABLE_PAGE = re.compile(r"^(?P<table>quotes|quotes_view|quote_search)(\.(?P<format>\w+))?$")
# Columns of the quotes table under their quote_search names (the others are not there).
_QUOTES_TABLE_COLUMNS = {"id": "quote_id", "text": "quote"} | {
    c: c for c in QUOTE_VIEW_COLUMNS if c not in ("quote_id", "quote", "speaker", "article_title", "publisher", "published", "url")
}
_COLUMN_ARGS = ("_facet", "_facet_date", "_facet_array", "_col", "_nocol")


def datasette_redirects_first(keys: set[str]) -> bool:
    """Whether Datasette's table view answers query arguments ``keys`` with a redirect of
    its own, to be routed once it has been followed.

    The filter form's ``_filter_column``, ``_filter_op`` and ``_filter_value`` (numbered
    too: ``_filter_column_1``) become ``column__op=value``, and the sort form's
    ``_sort_by_desc`` becomes ``_sort_desc``. Datasette documents neither, and offers no
    public API to ask which arguments it rewrites: these are the names its table view
    (0.65, ``views/table.py``) redirects. Check them here on a Datasette upgrade.
    """
    return any(k.startswith(("_filter_column", "_filter_op", "_filter_value", "_sort_by_desc")) for k in keys)


def route_table_page(table: str, fmt: str | None, args: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]], bool] | None:
    """Where a request for a ``quotes``, ``quotes_view`` or ``quote_search`` page goes, as
    ``(table, query arguments, redirect)``, or None to leave it to Datasette.

    - A search (``?_search=``) of ``quotes_view`` or ``quotes`` with no sort order
      chosen is answered by ``quote_search``: HTML pages redirect there; JSON, CSV and
      other formats of ``quotes_view`` are answered in place. (Those of the ``quotes``
      table keep the table's own columns and id order.)
    - ``quote_search`` with search words is sorted by ``rank`` unless asked otherwise,
      and leaves out its ``search`` helper column unless columns are chosen.
    - ``quote_search`` without search words has nothing to rank: it shows ``quotes_view``.
    """
    keys = {k for k, _ in args}
    if datasette_redirects_first(keys) or any(k.startswith("_search_") for k in keys) or keys & {"_fts_table", "_fts_pk", "_through"}:
        return None
    search = next((v for k, v in args if k == "_search"), None)
    raw = any(k == "_searchmode" and v == "raw" for k, v in args)
    if search is not None and not escape_fts(search) and not raw:
        # An empty search box, or only quote marks: nothing to search for, and FTS5
        # refuses the empty query Datasette would make of it.
        args, search = [(k, v) for k, v in args if k != "_search"], None
        if table != SEARCH_VIEW:
            return table, args, fmt is None
    if table == SEARCH_VIEW:
        if search:
            out = [(k, v) for k, v in args if not (k == "_sort" and v == "")]
            if not any(k in ("_sort", "_sort_desc") for k, _ in out):
                out.append(("_sort", "rank"))
            if not any(k in ("_col", "_nocol") for k, _ in out):
                out.append(("_nocol", "search"))
            return (SEARCH_VIEW, out, False) if out != args else None
        out = []
        for k, v in args:
            if k in ("_search", "_searchmode") or k.split("__", 1)[0] in ("rank", "search"):
                continue
            if (k in ("_sort", "_sort_desc") and v in ("", "rank")) or (k in _COLUMN_ARGS and v in ("rank", "search")):
                continue
            out.append((k, v))
        return BROWSE_VIEW, out, fmt is None
    if search is None or (table == "quotes" and fmt is not None):
        return None
    columns = _QUOTES_TABLE_COLUMNS if table == "quotes" else {c: c for c in QUOTE_VIEW_COLUMNS}
    # The table's search form sends its default order (by id) along with the words.
    unchosen = ("", "id") if table == "quotes" else ("",)
    out = []
    for k, v in args:
        if k == "_sort":
            if v not in unchosen:
                return None  # a sort order was chosen
        elif k == "_sort_desc":
            return None
        elif k == "_next" and table == "quotes":
            continue  # a key into the table's id order, not an offset
        elif k == "_where" and table == "quotes":
            return None  # SQL on the table's own columns
        elif k in _COLUMN_ARGS:
            if v not in columns:
                return None
            out.append((k, columns[v]))
        elif k.startswith("_") and "__" not in k:
            out.append((k, v))
        else:
            column, sep, op = k.partition("__")
            if column not in columns:
                return None
            out.append((columns[column] + sep + op, v))
    if fmt is None:
        return SEARCH_VIEW, out, True
    return route_table_page(SEARCH_VIEW, fmt, out) or (SEARCH_VIEW, out, False)


def quotes_guard(datasette: Datasette, app: ASGIApp) -> ASGIApp:
    """``app`` behind the plugin's routing (see the module's docstring); the search workers
    end as the server stops."""
    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "lifespan":
            receive = _closing_workers_on_shutdown(datasette, receive)
        if scope.get("type") == "http":
            db_name, rest = quotes_route(datasette, scope.get("path", ""))
            if db_name is not None:
                if scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS"):
                    response = Response.json(
                        {"ok": False, "error": "This database is read-only", "status": 405},
                        status=405,
                        headers={"Allow": "GET, HEAD"},
                    )
                    await response.asgi_send(send)
                    return
                page = _TABLE_PAGE.match(rest)
                if page:
                    routed = await _route_table_page(datasette, scope, send, db_name, rest, page["table"], page["format"])
                    if routed is None:
                        return
                    scope = routed
        await app(scope, receive, send)

    return guard


def _closing_workers_on_shutdown(datasette: Datasette, receive: Receive) -> Receive:
    """``receive`` for the lifespan scope: the search workers end as the server stops."""

    async def wrapped() -> Message:
        message = await receive()
        if message.get("type") == "lifespan.shutdown":
            from .workers import close_pool

            close_pool(datasette)
        return message

    return wrapped


async def _route_table_page(
    datasette: Datasette, scope: Scope, send: Send, db_name: str, rest: str, table: str, fmt: str | None
) -> Scope | None:
    """The scope to serve (rewritten when a search goes to another view), or None once
    a redirect has been sent."""
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    routed = route_table_page(table, fmt, args)
    if routed is not None and SEARCH_VIEW in (table, routed[0]) and not has_search_view(datasette, db_name):
        routed = None  # no quote_search view in this database: Datasette's own search
    new_table, changed = table, False
    if routed is not None:
        new_table, args, redirect = routed
        if redirect:
            query = urlencode(args)
            location = datasette.urls.table(db_name, new_table) + (f"?{query}" if query else "")
            await Response.redirect(location).asgi_send(send)
            return None
        changed = True
    if new_table == BROWSE_VIEW and is_large(datasette, db_name) and not any(k == "_nocount" for k, _ in args):
        # count(*) over the three-table join takes seconds on millions of quotes; the
        # quotes table page still shows the total.
        args, changed = args + [("_nocount", "1")], True
    if not changed:
        return scope
    new_rest = new_table + (f".{fmt}" if fmt else "")
    scope = dict(scope, query_string=urlencode(args).encode("latin-1"))
    if new_rest != rest:
        path = scope["path"]
        scope["path"] = path[: len(path) - len(rest)] + new_rest
        raw = scope.get("raw_path")
        if raw is not None:
            if raw.endswith(rest.encode()):
                scope["raw_path"] = raw[: len(raw) - len(rest)] + new_rest.encode()
            else:
                del scope["raw_path"]
    return scope
