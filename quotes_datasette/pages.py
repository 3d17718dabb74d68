"""The plugin's own pages: ``/-/quotes``, a Whoosh-backed search with filters and facet
counts, and ``/-/quotes/verify``, the fact-checker's verdict for a quotation, both with a
``.json`` form. The index work runs in worker processes (:mod:`quotes_datasette.workers`).

Also what every page of the plugin shares: the database it works on (:func:`target`),
reading it through the store on the server's own connection (:func:`read`), the URLs
of the quote and group pages, and the links to them from Datasette's tables
(:func:`id_cell`).
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from datasette.utils.asgi import Request, Response
from markupsafe import Markup, escape

from .databases import database_index_dir, plugin_config, quotes_database_names

if TYPE_CHECKING:
    from datasette.app import Datasette

    from quotes.reads import StoreReads

    from .workers import Workers

T = TypeVar("T")

FILTERS = ("speaker", "publisher", "since", "until", "kind")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def target(datasette: Datasette) -> tuple[str, Path, Path]:
    """(database name, database file, index folder) the pages work on: the plugin's
    ``database`` setting, else the first quotes database served."""
    names = quotes_database_names(datasette)
    name = plugin_config(datasette).get("database")
    if name is None:
        if not names:
            raise PageError("No quotes database is being served", 404)
        name = names[0]
    elif name not in names:
        raise PageError(f"{name}: no such quotes database", 404)
    return name, Path(datasette.databases[name].path), database_index_dir(datasette, name)


def _workers(datasette: Datasette) -> Workers:
    """The worker processes that run this site's searches and verifications."""
    from index.budget import SITE_SECONDS

    from .workers import MEMORY_MB, pool_for

    config = plugin_config(datasette)
    limit_ms = config.get("search_time_limit_ms", SITE_SECONDS * 1000)
    size = config.get("search_workers") or min(4, os.cpu_count() or 1)
    return pool_for(datasette, int(size), (limit_ms / 1000) if limit_ms else None, config.get("search_memory_mb", MEMORY_MB))


def _fts_only(db_file: Path) -> bool:
    """Whether the database leaves search to FTS5 (loaded with --no-whoosh)."""
    from index.fts import whoosh_off
    from quotes.store import Store

    store = Store(db_file, read_only=True)
    try:
        return whoosh_off(store)
    finally:
        store.db.conn.close()


async def _run(datasette: Datasette, request: Request, job: str, index_dir: Path, *args: Any) -> Any:
    """Run index work in a worker process, turning its errors into a PageError."""
    from .workers import ClientGone, WorkerError

    if not index_dir.is_dir() and not _fts_only(args[0]):
        raise PageError(f"No search index at {index_dir} (build it with: quotes index --rebuild)", 503)
    pool = _workers(datasette)
    try:
        return await pool.run(job, (*args, pool.seconds), index_dir, receive=request.receive)
    except WorkerError as e:
        raise PageError(str(e), e.status) from None
    except ClientGone:
        raise PageError("the client went away", 499) from None


async def read(datasette: Datasette, name: str, fn: Callable[[StoreReads], T]) -> T:
    """``fn(reads)`` on database ``name``'s own connection, in Datasette's SQL threads and
    under its SQL time limit (counted as ``quotes serve`` counts it)."""
    db = datasette.databases[name]
    limit_ms = datasette.setting("sql_time_limit_ms")

    def run(conn: sqlite3.Connection) -> T:
        from quotes.reads import StoreReads

        from .serve import cpu_time_limit

        with cpu_time_limit(conn, limit_ms):
            return fn(StoreReads.over(conn, db.path))

    try:
        return await db.execute_fn(run)
    except sqlite3.OperationalError as e:
        if "interrupted" in str(e):
            raise PageError("Reading the database took too long", 503) from None
        raise PageError(f"Cannot read the database: {e}", 500) from None


def _url(datasette: Datasette, path: str, params: Mapping[str, Any]) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return datasette.urls.path(path) + (f"?{query}" if query else "")


def _int_arg(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise PageError(f"{name} must be a whole number") from None
    return max(low, min(high, value))


def json_ld(data: Mapping[str, Any], status: int = 200) -> Response:
    """A schema.org JSON-LD document."""
    return Response(json.dumps(data, indent=2, ensure_ascii=False), status=status,
                    content_type="application/ld+json; charset=utf-8")


def _claim_review(verdict: Mapping[str, Any], request: Request) -> dict[str, Any]:
    """The verdict as ClaimReview JSON-LD, with the rating and the review's particulars
    the request gives (``rating_name``, ``rating``, ``review_url``, ``reviewer``,
    ``review_date``): ``/-/quotes/verify.jsonld?words=...&rating_name=False``."""
    from index.claimreview import ReviewError, claim_review

    def arg(name: str) -> str | None:
        return request.args.get(name) or None

    try:
        return claim_review(verdict, rating_name=arg("rating_name"), rating=arg("rating"), url=arg("review_url"),
                            reviewer=arg("reviewer"), date=arg("review_date"))
    except ReviewError as e:
        raise PageError(f"{e.field} {e}", 400) from None


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


def quote_page_url(datasette: Datasette, quote_id: Any) -> str:
    """The quote page: the quote in its article (:mod:`quotes_datasette.quote_page`)."""
    return datasette.urls.path(f"/-/quotes/quote/{int(quote_id)}")


def group_page_url(datasette: Datasette, group_id: Any) -> str:
    """The group page: every appearance of one quotation (:mod:`quotes_datasette.group_page`)."""
    return datasette.urls.path(f"/-/quotes/group/{int(group_id)}")


#: (table or view, column) of the cells that hold a quote's id, and a group's id (the
#: quotes table's group_id is a foreign key, linked by Datasette to the group's row).
ID_CELLS = {
    ("quotes", "id"): quote_page_url, ("quotes_view", "quote_id"): quote_page_url,
    ("quote_search", "quote_id"): quote_page_url, ("quotes_view", "group_id"): group_page_url,
    ("quote_search", "group_id"): group_page_url, ("quote_groups", "id"): group_page_url,
}


def id_cell(datasette: Datasette, database: str, table: str | None, column: str, value: Any) -> Markup | None:
    """A quote's or a group's id in the pages' database's own tables, as a link to its page."""
    page_url = ID_CELLS.get((table or "", column))
    if page_url is None or not isinstance(value, int):
        return None
    try:
        if target(datasette)[0] != database:
            return None
    except PageError:
        return None
    return Markup(f'<a href="{escape(page_url(datasette, value))}" class="quotes-page-link">{value}</a>')


def _links(datasette: Datasette, db_name: str, quote_id: Any, article_id: Any) -> dict[str, str | None]:
    return {
        "page_url": quote_page_url(datasette, quote_id) if quote_id is not None else None,
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


async def search_view(datasette: Datasette, request: Request) -> Response:
    fmt = request.url_vars.get("format")
    q = (request.args.get("q") or "").strip()
    filters = {f: (request.args.get(f) or "").strip() for f in FILTERS}
    size = request.args.get("_size")
    context: dict[str, Any] = {"q": q, "filters": filters, "error": None, "hits": [], "facets": {}, "total": None}
    status = 200
    try:
        name, db_file, index_dir = target(datasette)
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


async def verify_view(datasette: Datasette, request: Request) -> Response:
    from index.evidence import sureness

    fmt = request.url_vars.get("format")
    words = (request.args.get("words") or "").strip()
    speaker = (request.args.get("speaker") or "").strip()
    context: dict[str, Any] = {"words": words, "speaker": speaker, "error": None, "verdict": None, "evidence": []}
    status = 200
    try:
        name, db_file, index_dir = target(datasette)
        context["database"] = name
        if words:
            verdict = await _run(datasette, request, "verify", index_dir, db_file, index_dir, words, speaker or None)
            context["verdict"] = verdict
            first = (verdict.get("earliest") or {}).get("quote_id")
            context["evidence"] = [
                {**_evidence(datasette, name, e, first), "sureness": sureness(e.get("confidence"), e.get("similarity"))}
                for e in verdict.get("evidence") or []
            ]
            if verdict.get("group"):
                context["group_url"] = group_page_url(datasette, verdict["group"]["id"])
            context["sureness"] = sureness(verdict.get("confidence"), verdict.get("similarity"))
            if context["sureness"] and not verdict.get("evidence"):
                context["sureness"] += " (the closest stored quote)"
    except PageError as e:
        context["error"], status = str(e), e.status
    if fmt == "jsonld":
        if not context["error"] and context["verdict"] is None:
            context["error"], status = "give the words to verify: ?words=...", 400
        if not context["error"]:
            try:
                return json_ld(_claim_review(context["verdict"], request))
            except PageError as e:
                context["error"], status = str(e), e.status
        return Response.json({"ok": False, "error": context["error"]}, status=status)
    if fmt == "json":
        if context["error"]:
            return Response.json({"ok": False, "error": context["error"]}, status=status)
        verdict = context["verdict"]
        if verdict is not None:
            verdict = {**verdict, "evidence": [
                {**e, **{k: v for k, v in ev.items() if k.endswith("_url")}}
                for e, ev in zip(verdict.get("evidence") or [], context["evidence"])
            ]}
            if verdict.get("group"):
                verdict["group"] = {**verdict["group"], "group_url": context["group_url"]}
        return Response.json({"ok": True, "words": words, "speaker": speaker or None, "verdict": verdict})
    context["json_url"] = _url(datasette, "/-/quotes/verify.json", {"words": words, "speaker": speaker})
    context["jsonld_url"] = _url(datasette, "/-/quotes/verify.jsonld", {"words": words, "speaker": speaker})
    context["search_url"] = datasette.urls.path("/-/quotes")
    html = await datasette.render_template("quotes_verify.html", context, request=request)
    return Response.html(html, status=status)


def _evidence(datasette: Datasette, db_name: str, item: Mapping[str, Any], first: Any) -> dict[str, Any]:
    """One stored quote a verdict rests on, with the matched words marked and its links
    (``first``: the id of the first appearance the verdict rests on)."""
    start = item["start"]
    return {
        **item,
        "html": mark_spans(item["quote"], [[item["match_start"] - start, item["match_end"] - start]]),
        "published": str(item["published"])[:10] if item.get("published") else None,
        "first": item["quote_id"] == first,
        **_links(datasette, db_name, item["quote_id"], item["article_id"]),
    }
