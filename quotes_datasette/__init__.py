"""Datasette plugin for quotes databases.

- Applies the bundled metadata (descriptions, facets, canned queries, full-text
  search) to every served database that has the quotes schema, whatever its file
  is called: Datasette names a database after its file stem, so metadata keyed on
  one fixed name would miss ``news.db``.
- Makes Datasette's search box rank: a search of ``quotes`` or ``quotes_view`` is
  answered by the ``quote_search`` view, best match first by BM25 (Datasette 0.65
  orders table pages only by columns, so its own ``?_search=`` lists matches in id
  order).
- Adds ``/-/quotes``, a Whoosh-backed search page with filters and facet counts,
  and ``/-/quotes/verify``, the fact-checker's verdict for a quotation, both with
  a ``.json`` form.

Plugin configuration (``plugins`` -> ``quotes`` in metadata, top level or per
database): ``index_dir`` (default: the ``.index`` folder beside the database file)
and ``database`` (which database the pages use when several are served).

Imports here stay light: Datasette imports this module while ``datasette.app`` is
itself still importing, so building a server lives in ``quotes_datasette.serve``.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_fts
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from quotes.store import StoreError, connect_read_only
from quotes.views import QUOTE_VIEW_COLUMNS

if TYPE_CHECKING:
    from datasette.app import Datasette

PLUGIN = "quotes"
QUOTES_TABLES = ("articles", "quotes", "speakers")
FILTERS = ("speaker", "publisher", "since", "until", "kind")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

_METADATA: dict[str, Any] = json.loads((resources.files(__name__) / "metadata.json").read_text(encoding="utf-8"))
_DATABASE_METADATA = json.dumps(_METADATA.get("databases", {}).get("quotes", {}))
_TOP_METADATA = json.dumps({k: v for k, v in _METADATA.items() if k != "databases"})


def is_quotes_database(path: str | os.PathLike[str]) -> bool:
    """True when the SQLite file at ``path`` has the quotes schema."""
    try:
        conn = connect_read_only(path)
        try:
            names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return False
    return all(t in names for t in QUOTES_TABLES)


# -- metadata ---------------------------------------------------------------------------


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


@hookimpl
def get_metadata(datasette, key, database, table):
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


@hookimpl
def menu_links(datasette, actor, request):
    if not quotes_database_names(datasette):
        return []
    return [
        {"href": datasette.urls.path("/-/quotes"), "label": "Search quotes"},
        {"href": datasette.urls.path("/-/quotes/verify"), "label": "Verify a quote"},
    ]


@hookimpl
def asgi_wrapper(datasette):
    """Refuse anything but reading for a quotes database (it is published, not edited),
    answer searches from the search box with ``quote_search`` (best match first), and
    skip counting the rows of the browsing views on a large database."""

    def wrap(app):
        async def quotes_guard(scope, receive, send):
            if scope.get("type") == "lifespan":
                receive = _closing_workers_on_shutdown(datasette, receive)
            if scope.get("type") == "http":
                db_name, rest = _quotes_route(datasette, scope.get("path", ""))
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
                        scope = await _route_table_page(datasette, scope, send, db_name, rest, page["table"], page["format"])
                        if scope is None:
                            return
            await app(scope, receive, send)

        return quotes_guard

    return wrap


def _closing_workers_on_shutdown(datasette, receive):
    """``receive`` for the lifespan scope: the search workers end as the server stops."""

    async def wrapped():
        message = await receive()
        if message.get("type") == "lifespan.shutdown":
            pool = datasette.__dict__.get("_quotes_workers")
            if pool is not None:
                pool.close()
        return message

    return wrapped


SEARCH_VIEW = "quote_search"
BROWSE_VIEW = "quotes_view"
_TABLE_PAGE = re.compile(r"^(?P<table>quotes|quotes_view|quote_search)(\.(?P<format>\w+))?$")
# Columns of the quotes table under their quote_search names (the others are not there).
_QUOTES_TABLE_COLUMNS = {"id": "quote_id", "text": "quote"} | {
    c: c for c in QUOTE_VIEW_COLUMNS if c not in ("quote_id", "quote", "speaker", "article_title", "publisher", "published", "url")
}
_COLUMN_ARGS = ("_facet", "_facet_date", "_facet_array", "_col", "_nocol")
# Datasette turns these into other arguments with a redirect of its own: route what it redirects to.
_TIDIED_FIRST = ("_filter_column", "_filter_op", "_filter_value", "_sort_by_desc")


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
    if any(k.startswith(_TIDIED_FIRST) or k.startswith("_search_") for k in keys) or keys & {"_fts_table", "_fts_pk", "_through"}:
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


async def _route_table_page(datasette, scope, send, db_name: str, rest: str, table: str, fmt: str | None):
    """The scope to serve (rewritten when a search goes to another view), or None once
    a redirect has been sent."""
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    routed = route_table_page(table, fmt, args)
    if routed is not None and SEARCH_VIEW in (table, routed[0]) and not _facts(datasette, db_name)[1]:
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
    if new_table == BROWSE_VIEW and _is_large(datasette, db_name) and not any(k == "_nocount" for k, _ in args):
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


@hookimpl
def filters_from_request(request, database, table, datasette):
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
    raw = (datasette.table_metadata(database, table) or {}).get("searchmode") == "raw"
    mode = request.args.get("_searchmode")
    if mode in ("raw", "escaped"):
        raw = mode == "raw"
    return FilterArguments(
        ["search match " + (":search" if raw else "escape_fts(:search)")],
        {"search": request.args["_search"]},
    )


LARGE_DATABASE = 200_000  # quotes
_sizes: dict[str, tuple[float, int, bool]] = {}


def _facts(datasette, db_name: str) -> tuple[int, bool]:
    """(highest quote id, whether the database has the quote_search view), read at most
    once a minute: a database last written by an earlier version has no quote_search
    until it is next opened for writing."""
    path = datasette.databases[db_name].path
    checked, size, searchable = _sizes.get(path, (0.0, 0, False))
    if time.monotonic() - checked > 60:
        try:
            conn = connect_read_only(path)
            try:
                size = conn.execute("select coalesce(max(rowid), 0) from quotes").fetchone()[0]
                searchable = conn.execute(
                    "select count(*) from sqlite_master where type = 'view' and name = ?", [SEARCH_VIEW]
                ).fetchone()[0] > 0
            finally:
                conn.close()
        except (sqlite3.Error, StoreError):
            size, searchable = 0, False
        _sizes[path] = (time.monotonic(), size, searchable)
    return size, searchable


def _is_large(datasette, db_name: str) -> bool:
    """More than LARGE_DATABASE quotes."""
    return _facts(datasette, db_name)[0] > LARGE_DATABASE


def _quotes_route(datasette, path: str) -> tuple[str | None, str]:
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


@hookimpl
def register_routes():
    return [
        (r"^/-/quotes(\.(?P<format>json))?$", search_view),
        (r"^/-/quotes/verify(\.(?P<format>json))?$", verify_view),
    ]


# -- shared helpers ---------------------------------------------------------------------


class PageError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _target(datasette: Datasette) -> tuple[str, Path, Path]:
    """(database name, database file, index folder) the pages work on."""
    names = quotes_database_names(datasette)
    name = (datasette.plugin_config(PLUGIN) or {}).get("database")
    if name is None:
        if not names:
            raise PageError("No quotes database is being served", 404)
        name = names[0]
    elif name not in names:
        raise PageError(f"{name}: no such quotes database", 404)
    db_file = Path(datasette.databases[name].path)
    index_dir = (datasette.plugin_config(PLUGIN, database=name) or {}).get("index_dir")
    return name, db_file, Path(index_dir) if index_dir else db_file.with_name(db_file.stem + ".index")


def _workers(datasette: Datasette):
    """The worker processes that run this site's searches and verifications."""
    from index.budget import SITE_SECONDS

    from .workers import MEMORY_MB, pool_for

    config = datasette.plugin_config(PLUGIN) or {}
    limit_ms = config.get("search_time_limit_ms", SITE_SECONDS * 1000)
    size = config.get("search_workers") or min(4, os.cpu_count() or 1)
    return pool_for(datasette, int(size), (limit_ms / 1000) if limit_ms else None, config.get("search_memory_mb", MEMORY_MB))


async def _run(datasette: Datasette, request, job: str, index_dir: Path, *args):
    """Run index work in a worker process, turning its errors into a PageError."""
    from .workers import ClientGone, WorkerError

    if not index_dir.is_dir():
        raise PageError(f"No search index at {index_dir} (build it with: quotes index --rebuild)", 503)
    pool = _workers(datasette)
    try:
        return await pool.run(job, (*args, pool.seconds), index_dir, receive=request.receive)
    except WorkerError as e:
        raise PageError(str(e), e.status) from None
    except ClientGone:
        raise PageError("the client went away", 499) from None


def _url(datasette: Datasette, path: str, params: Mapping[str, Any]) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return datasette.urls.path(path) + (f"?{query}" if query else "")


def _int_arg(request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise PageError(f"{name} must be a whole number") from None
    return max(low, min(high, value))


def mark_spans(text: str, spans: list[list[int]]) -> Markup:
    """``text`` HTML-escaped, with each [start, end) span wrapped in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end > len(text):
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _links(datasette: Datasette, db_name: str, quote_id: Any, article_id: Any) -> dict[str, str | None]:
    return {
        "quote_url": datasette.urls.row(db_name, "quotes", str(quote_id)) if quote_id is not None else None,
        "article_url": datasette.urls.row(db_name, "articles", str(article_id)) if article_id is not None else None,
    }


# -- search -----------------------------------------------------------------------------


def _facets(raw: list[dict[str, Any]] | None) -> dict[str, list[tuple[str, int]]]:
    """``[{"speaker": "Jane Smith", "count": 3}, ...]`` as ``{"speaker": [("Jane Smith", 3)]}``."""
    facets: dict[str, list[tuple[str, int]]] = {}
    for item in raw or []:
        for field, value in item.items():
            if field != "count" and value not in (None, ""):
                facets.setdefault(field, []).append((str(value), int(item["count"])))
    return facets


async def search_view(datasette, request):
    fmt = request.url_vars.get("format")
    q = (request.args.get("q") or "").strip()
    filters = {f: (request.args.get(f) or "").strip() for f in FILTERS}
    size = request.args.get("_size")
    context: dict[str, Any] = {"q": q, "filters": filters, "error": None, "hits": [], "facets": {}, "total": None}
    status = 200
    try:
        name, db_file, index_dir = _target(datasette)
        context["database"] = name
        limit = _int_arg(request, "_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = _int_arg(request, "page", 1, 1, 10_000)
        if q or any(filters.values()):
            results = await _run(datasette, request, "search", index_dir, db_file, index_dir, q, filters, limit,
                                 (page - 1) * limit)
            hits = results["hits"]
            for hit in hits:
                hit["html"] = mark_spans(hit["text"], hit.get("highlights") or [])
                hit.update(_links(datasette, name, hit["quote_id"], hit.get("article_id")))
                hit["verify_url"] = _url(datasette, "/-/quotes/verify", {"words": hit["text"], "speaker": hit["speaker"]})
            facets = _facets(results.get("facets"))
            here = {"q": q, **filters}
            context.update(hits=hits, total=results["total"], facets=facets, suggestions=results.get("suggestions") or [])
            context["facet_links"] = {
                field: [
                    (value, count, _url(datasette, "/-/quotes", {**here, field: value}) if field in FILTERS else None)
                    for value, count in counts
                ]
                for field, counts in facets.items()
            }
            context["suggestion_links"] = [(s, _url(datasette, "/-/quotes", {**here, "q": s})) for s in context["suggestions"]]
            if page * limit < results["total"]:
                context["next_url"] = _url(datasette, "/-/quotes", {**here, "_size": size, "page": page + 1})
            if page > 1:
                context["prev_url"] = _url(datasette, "/-/quotes", {**here, "_size": size, "page": page - 1})
    except PageError as e:
        context["error"], status = str(e), e.status
    if fmt == "json":
        if context["error"]:
            return Response.json({"ok": False, "error": context["error"]}, status=status)
        return Response.json(
            {
                "ok": True,
                "q": q,
                "filters": filters,
                "total": context["total"],
                "hits": [{**h, "html": str(h["html"])} for h in context["hits"]],
                "facets": {k: [{"value": v, "count": n} for v, n in c] for k, c in context["facets"].items()},
                "suggestions": context.get("suggestions", []),
                "next_url": context.get("next_url"),
            }
        )
    context["json_url"] = _url(datasette, "/-/quotes.json", {"q": q, **filters})
    context["verify_url"] = datasette.urls.path("/-/quotes/verify")
    html = await datasette.render_template("quotes_search.html", context, request=request)
    return Response.html(html, status=status)


# -- verify -----------------------------------------------------------------------------


async def verify_view(datasette, request):
    fmt = request.url_vars.get("format")
    words = (request.args.get("words") or "").strip()
    speaker = (request.args.get("speaker") or "").strip()
    context: dict[str, Any] = {"words": words, "speaker": speaker, "error": None, "verdict": None, "evidence": []}
    status = 200
    try:
        name, db_file, index_dir = _target(datasette)
        context["database"] = name
        if words:
            verdict = await _run(datasette, request, "verify", index_dir, db_file, index_dir, words, speaker or None)
            context["verdict"] = verdict
            context["evidence"] = [_evidence(datasette, name, e) for e in verdict.get("evidence") or []]
    except PageError as e:
        context["error"], status = str(e), e.status
    if fmt == "json":
        if context["error"]:
            return Response.json({"ok": False, "error": context["error"]}, status=status)
        verdict = context["verdict"]
        if verdict is not None:
            verdict = {**verdict, "evidence": [
                {**e, **{k: v for k, v in ev.items() if k.endswith("_url")}}
                for e, ev in zip(verdict.get("evidence") or [], context["evidence"])
            ]}
        return Response.json({"ok": True, "words": words, "speaker": speaker or None, "verdict": verdict})
    context["json_url"] = _url(datasette, "/-/quotes/verify.json", {"words": words, "speaker": speaker})
    context["search_url"] = datasette.urls.path("/-/quotes")
    html = await datasette.render_template("quotes_verify.html", context, request=request)
    return Response.html(html, status=status)


def _evidence(datasette: Datasette, db_name: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """One stored quote a verdict rests on, with the matched words marked and its links."""
    start = item["start"]
    return {
        **item,
        "html": mark_spans(item["quote"], [[item["match_start"] - start, item["match_end"] - start]]),
        "published": str(item["published"])[:10] if item.get("published") else None,
        **_links(datasette, db_name, item["quote_id"], item["article_id"]),
    }
