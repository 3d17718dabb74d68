"""``/-/quotes/quote/ID``: one quote in its article, with the quotation, the speaker as
mentioned, the cue and the mention a pronoun was resolved to marked in place, the
article's particulars and how the quote was attributed; ``.json`` gives the same.

A request reads only what it shows, through the store's reads on the server's own
connection and under Datasette's time limit for SQL: the quote's row and, of the
article's text, the paragraphs around the quote, or one part of at most PART_CHARS
characters of the whole text.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from datasette.utils.asgi import Request, Response

from .group_page import dated, group_summary
from .highlights import CUE_REACH, TITLES, Span, find_cue, mark, paragraphs_around
from .pages import (
    PageError,
    _int_arg,
    _links,
    _url,
    group_page_url,
    json_ld,
    quote_page_url,
    read,
    target,
)

if TYPE_CHECKING:
    from datasette.app import Datasette

    from quotes.reads import StoreReads

#: Characters read either side of the quote's parts to find the paragraphs around them.
EXCERPT_READ = 3_000
#: How far from the quote the resolved mention may be and still be in the excerpt.
ANTECEDENT_REACH = 5_000
#: The most characters of the text one page shows; a longer text comes in parts.
PART_CHARS = 50_000
#: The longest speaker or antecedent mention read.
MENTION_CHARS = 500
#: Kinds of quoted span that are speech; the others are what they are, said by no one.
SPEECH = ("direct", "partial")
NOT_SPEECH = {"title": "a title", "term": "a term", "other": "a quoted span that is not speech"}
_WHITE = re.compile(r"\s")


def _span(start: Any, end: Any, kind: str, length: int) -> Span | None:
    """The span, when its offsets are stored and lie in a text of ``length`` characters."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= length:
        return None
    return Span(start, end, kind)


class ArticleText:
    """An article's text of ``length`` characters, read a stretch at a time: the stretch
    around the quote is read once (:meth:`hold`) and what lies within it is cut from it,
    and where each part of a long text starts is found once."""

    def __init__(self, reads: StoreReads, article_id: int, length: int):
        self.reads, self.article_id, self.length = reads, article_id, length
        self._held: tuple[int, str] = (0, "")
        self._starts: dict[int, int] = {}

    def read(self, start: int, end: int) -> str:
        """Characters ``start`` to ``end``."""
        at, held = self._held
        if at <= start and end <= at + len(held):
            return held[start - at : end - at]
        return self.reads.article_text(self.article_id, start, end)

    def hold(self, start: int, end: int) -> str:
        """Characters ``start`` to ``end``, kept for what is read within them next."""
        self._held = (start, self.reads.article_text(self.article_id, start, end))
        return self._held[1]

    def part_start(self, k: int) -> int:
        """Where part ``k`` (from 0) of the text starts: past the first white space at or
        after ``k * PART_CHARS``, so no word is cut."""
        if k not in self._starts:
            at = k * PART_CHARS
            if k <= 0 or at >= self.length:
                self._starts[k] = min(max(at, 0), self.length)
            else:
                m = _WHITE.search(self.read(at, at + 2_000))
                self._starts[k] = min(at + (m.end() if m else 0), self.length)
        return self._starts[k]

    @property
    def parts(self) -> int:
        n = max(1, math.ceil(self.length / PART_CHARS))
        return n - 1 if n > 1 and self.part_start(n - 1) >= self.length else n

    def part_of(self, offset: int) -> int:
        """The part (from 1) that holds character ``offset``."""
        k = min(offset // PART_CHARS, self.parts - 1)
        while k > 0 and offset < self.part_start(k):
            k -= 1
        return k + 1


def quote_in_source(reads: StoreReads, quote_id: int, full: bool = False, part: int | None = None) -> dict[str, Any] | None:
    """What the quote page shows of quote ``quote_id``, or None when there is none: its
    row, its marks (article offsets and text) and the stretch of text shown (the
    paragraphs around the quote, or with ``full`` part ``part`` of the whole text:
    by default the part that holds the quote)."""
    row = reads.quote_source(quote_id)
    if row is None:
        return None
    length = int(row["article_length"] or 0)
    text = ArticleText(reads, row["article_id"], length)
    speech = row["kind"] in SPEECH
    quote = Span(row["start"], row["end"], "quote" if speech else row["kind"] if row["kind"] in NOT_SPEECH else "other")
    spans = [quote]
    speaker = _span(row["speaker_start"], row["speaker_end"], "speaker", length) if speech else None
    antecedent = _span(row["antecedent_start"], row["antecedent_end"], "antecedent", length) if speech else None
    for s in (speaker, antecedent):
        if s is not None and s.end - s.start <= MENTION_CHARS:
            spans.append(s)
    # The stretch around the quote, its mention and (when near) the resolved mention.
    near = [s for s in spans if s.kind != "antecedent" or abs(s.start - quote.start) <= ANTECEDENT_REACH]
    lo, hi = min(s.start for s in near), max(s.end for s in near)
    hi = min(hi, lo + PART_CHARS)
    read_lo, read_hi = max(0, lo - EXCERPT_READ), min(length, hi + EXCERPT_READ)
    around = text.hold(read_lo, read_hi)
    if speech and row["cue"]:
        by = speaker or quote
        cue_lo, cue_hi = max(0, by.start - CUE_REACH), min(length, by.end + CUE_REACH)
        if cue_hi - cue_lo <= 2 * CUE_REACH + MENTION_CHARS:  # never the whole of a long quote
            cue = find_cue(text.read(cue_lo, cue_hi), cue_lo, row["cue"], (by.start, by.end), [(s.start, s.end) for s in spans])
            if cue is not None:
                spans.append(cue)
    spans.sort()
    marks: list[dict[str, Any]] = [
        {"kind": s.kind, "start": s.start, "end": s.end, "text": row["quote"] if s is quote else text.read(s.start, s.end)}
        for s in spans
    ]

    if full:
        k = max(1, min(text.parts, part if part is not None else text.part_of(quote.start)))
        start, end = text.part_start(k - 1), text.part_start(k)
        shown = text.read(start, end)
        view: dict[str, Any] = {"mode": "full", "part": k}
    else:
        start, end = paragraphs_around(around, read_lo, lo, hi)
        shown = around[start - read_lo : end - read_lo]
        view = {"mode": "excerpt", "part": text.part_of(quote.start)}
    view.update(parts=text.parts, start=start, end=end, length=length, text=shown, html=mark(shown, start, spans, first_id="quote"))
    view["outside"] = [
        {**m, "label": TITLES[m["kind"]], "part": text.part_of(m["start"])}
        for m in marks if m["end"] <= start or m["start"] >= end
    ]
    group = group_summary(reads, row.get("group_id")) if speech else None
    return {"row": row, "speech": speech, "marks": marks, "view": view, "group": group}


async def quote_view(datasette: Datasette, request: Request) -> Response:
    fmt = request.url_vars.get("format")
    context: dict[str, Any] = {"error": None, "source": None, "quote_id": request.url_vars["quote_id"]}
    status = 200
    try:
        name, _, _ = target(datasette)
        context["database"] = name
        quote_id = int(request.url_vars["quote_id"])
        full = request.args.get("full") not in (None, "", "0")
        part = _int_arg(request, "part", 0, 0, 10**9) or None
        source = None
        if quote_id < 2**63:
            source = await read(datasette, name, lambda reads: quote_in_source(reads, quote_id, full, part))
        if source is None:
            raise PageError(f"No quote {quote_id}", 404)
        context.update(_page_context(datasette, name, source, quote_id))
    except PageError as e:
        context["error"], status = str(e), e.status
    if fmt in ("json", "jsonld"):
        if context["error"]:
            return Response.json({"ok": False, "error": context["error"], "status": status}, status=status)
        if fmt == "jsonld":
            from index.claimreview import quotation

            page = datasette.absolute_url(request, context["page_url"])
            return json_ld(quotation(context["row"], url=page))
        return Response.json({"ok": True, **_json(context)})
    html = await datasette.render_template("quotes_quote.html", context, request=request)
    return Response.html(html, status=status)


def _page_context(datasette: Datasette, name: str, source: dict[str, Any], quote_id: int) -> dict[str, Any]:
    row, view = source["row"], source["view"]
    here = quote_page_url(datasette, quote_id)
    published = dated(row["published"])
    url = (row.get("url") or "").strip()
    context: dict[str, Any] = {
        "source": source,
        "row": row,
        "speech": source["speech"],
        "what": None if source["speech"] else NOT_SPEECH.get(row["kind"], NOT_SPEECH["other"]),
        "published": published,
        "article_link": url if url.lower().startswith(("http://", "https://")) else None,
        "page_url": here,
        "json_url": _url(datasette, f"/-/quotes/quote/{quote_id}.json",
                         {"full": 1, "part": view["part"]} if view["mode"] == "full" else {}),
        "jsonld_url": _url(datasette, f"/-/quotes/quote/{quote_id}.jsonld", {}),
        **_links(datasette, name, quote_id, row["article_id"]),
    }
    group = source["group"]
    if group is not None:
        context["group"] = group
        context["group_url"] = group_page_url(datasette, group["id"])
        context["first_url"] = quote_page_url(datasette, group["earliest_quote_id"]) if group["earliest_quote_id"] else None
    kinds = {m["kind"] for m in source["marks"]}
    context["legend"] = [(kind, label) for kind, label in TITLES.items() if kind in kinds]
    context["excerpt_url"] = here + "#quote"
    def part_url(k: int) -> str:
        return f"{here}?{urlencode({'full': 1, 'part': k})}"

    context["full_url"] = part_url(view["part"]) + "#quote"
    context["part_urls"] = [(k, part_url(k)) for k in range(1, view["parts"] + 1)]
    for m in view["outside"]:
        m["url"] = part_url(m["part"])
    if source["speech"]:
        context["verify_url"] = _url(datasette, "/-/quotes/verify", {"words": row["quote"], "speaker": row["speaker"]})
    return context


def _json(context: dict[str, Any]) -> dict[str, Any]:
    row, view = context["row"], context["source"]["view"]
    return {
        "quote": {k: v for k, v in row.items() if k != "article_length"},
        "speech": context["speech"],
        "article": {
            "id": row["article_id"], "title": row["article_title"], "publisher": row["publisher"],
            "published": row["published"], "byline": row["byline"], "url": row["url"], "length": row["article_length"],
            "article_url": context["article_url"],
        },
        "marks": context["source"]["marks"],
        "text": {**{k: v for k, v in view.items() if k != "html"}, "html": str(view["html"])},
        "group": context.get("group") and {**context["group"], "group_url": context["group_url"]},
        "quote_url": context["quote_url"],
        "page_url": context["page_url"],
    }
