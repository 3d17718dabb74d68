"""``/-/quotes/group/ID``: one quotation as every article carries it (a quote group,
:mod:`quotes.groups`), oldest first, each appearance with its outlet, date, speaker, a
link to its quote page and its words set against the earliest wording; ``.json`` gives
the same. The quote page shows its group's summary (:func:`group_summary`).

First is by published date; undated articles come after every dated one, in the order
they were stored, and the page says so when there are any. A page lists at most
PAGE_SIZE appearances, so the word diffs one request makes are bounded.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from .pages import (
    PageError,
    _int_arg,
    _url,
    group_page_url,
    quote_page_url,
    read,
    target,
)

if TYPE_CHECKING:
    from datasette.app import Datasette

    from quotes.reads import StoreReads

#: Appearances on one page.
PAGE_SIZE = 100
#: What a variant's difference from the earliest wording is, by the operations in it.
CHANGES = {frozenset(): "the same words", frozenset({"delete"}): "trimmed", frozenset({"insert"}): "extended"}


def dated(published: str | None) -> str | None:
    """The date of ``published`` (YYYY-MM-DD), or None when it is not a date."""
    from quotes.dates import parse_published

    return str(published)[:10] if parse_published(published) is not None else None


def group_summary(reads: StoreReads, group_id: int | None) -> dict[str, Any] | None:
    """Group ``group_id``'s row (see ``StoreReads.group``), its first appearance's date
    (``first_date``, None when undated); None when there is no such group."""
    group = reads.group(group_id) if group_id is not None else None
    if group is None:
        return None
    return {**group, "disputed": bool(group["disputed"]), "first_date": dated(group["first_published"])}


def variant(diff: list[dict[str, str]]) -> str:
    """How a wording differs from the earliest, by its word diff: the same words, trimmed,
    extended, or changed (a word changed, or words both left out and added)."""
    return CHANGES.get(frozenset(op["op"] for op in diff if op["op"] != "equal"), "changed")


def group_appearances(reads: StoreReads, group_id: int, page: int) -> dict[str, Any] | None:
    """Group ``group_id`` with page ``page`` (from 1) of its appearances, oldest first,
    each with its word diff against the earliest wording; None when there is no such group."""
    from quotes.groups import word_diff

    group = group_summary(reads, group_id)
    if group is None:
        return None
    rows = reads.group_quotes(group_id)
    earliest = group["earliest"] or (rows[0]["quote"] if rows else "")
    stored = reads.articles_ingested({r["article_id"] for r in rows if dated(r["published"]) is None})
    shown = []
    for number, row in enumerate(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], (page - 1) * PAGE_SIZE + 1):
        diff = word_diff(earliest, row["quote"])
        shown.append({
            "number": number,
            "quote_id": row["quote_id"], "quote": row["quote"], "speaker": row["speaker"],
            "speaker_mention": row["speaker_mention"], "kind": row["kind"], "confidence": row["confidence"],
            "article_id": row["article_id"], "title": row["article_title"], "publisher": row["publisher"],
            "published": row["published"], "date": dated(row["published"]), "ingested_at": stored.get(row["article_id"]),
            "earliest": row["quote_id"] == group["earliest_quote_id"],
            "fullest": row["quote_id"] == group["fullest_quote_id"],
            "variant": variant(diff), "diff": diff,
        })
    speakers = Counter(r["speaker"] for r in rows)
    return {
        "group": group,
        "appearances": shown,
        "total": len(rows),
        "undated": sum(1 for r in rows if dated(r["published"]) is None),
        "speakers": [{"speaker": name, "quotes": n} for name, n in sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0] or ""))],
        "page": page,
        "pages": max(1, -(-len(rows) // PAGE_SIZE)),
    }


async def group_view(datasette: Datasette, request: Request) -> Response:
    fmt = request.url_vars.get("format")
    context: dict[str, Any] = {"error": None, "group_id": request.url_vars["group_id"]}
    status = 200
    try:
        name, _, _ = target(datasette)
        context["database"] = name
        group_id = int(request.url_vars["group_id"])
        page = _int_arg(request, "page", 1, 1, 10**9)
        found = None
        if group_id < 2**63:
            found = await read(datasette, name, lambda reads: group_appearances(reads, group_id, page))
        if found is None:
            raise PageError(f"No quote group {group_id}", 404)
        context.update(found)
        here = f"/-/quotes/group/{group_id}"
        for a in found["appearances"]:
            a["page_url"] = quote_page_url(datasette, a["quote_id"])
            a["article_url"] = datasette.urls.row(name, "articles", str(a["article_id"]))
        group = found["group"]
        context["first_url"] = quote_page_url(datasette, group["earliest_quote_id"]) if group["earliest_quote_id"] else None
        context["page_url"] = group_page_url(datasette, group_id)
        context["json_url"] = _url(datasette, here + ".json", {"page": page if page > 1 else None})
        if page < found["pages"]:
            context["next_url"] = _url(datasette, here, {"page": page + 1})
        if page > 1:
            context["prev_url"] = _url(datasette, here, {"page": page - 1})
    except PageError as e:
        context["error"], status = str(e), e.status
    if fmt == "json":
        if context["error"]:
            return Response.json({"ok": False, "error": context["error"], "status": status}, status=status)
        keys = ("group", "appearances", "total", "undated", "speakers", "page", "pages", "next_url")
        return Response.json({"ok": True, **{k: context.get(k) for k in keys}})
    html = await datasette.render_template("quotes_group.html", context, request=request)
    return Response.html(html, status=status)
