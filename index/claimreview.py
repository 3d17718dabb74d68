"""A verdict as schema.org ClaimReview JSON-LD, the form fact-checking sites publish, and a
stored quote as schema.org Quotation.

Everything is filled from the evidence: the claim (the words, and who is said to have
said them), its author (that speaker, with the role an article gives), where the words
appeared and where first (URL, headline, outlet, date). The rating is the checker's to
give (``rating_name`` is the textual rating, ``Rating.alternateName``); the review's own
page, date and publisher likewise. A field the evidence lacks is left out, never made
up: :func:`missing` says which of the fields Google's fact-check markup requires or
recommends are absent, so the caller can say so.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quotes.dates import parse_published

CONTEXT = "https://schema.org"
#: Google's fact-check markup: properties a ClaimReview must have, and should have.
REQUIRED = ("claimReviewed", "reviewRating", "url")
RECOMMENDED = ("author", "datePublished", "itemReviewed")
CLAIM_RECOMMENDED = ("appearance", "author", "datePublished", "firstAppearance")
RATING_REQUIRED = ("alternateName",)
RATING_RECOMMENDED = ("bestRating", "ratingValue", "worstRating")


def _date(published: str | None) -> str | None:
    """A published date as ISO 8601 (day, or time when the article gives one)."""
    d = parse_published(published)
    if d is None:
        return None
    return d.date().isoformat() if (d.hour, d.minute, d.second) == (0, 0, 0) else d.isoformat()


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _agent(name: str | None, kind: str | None, role: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    if kind in ("organisation", "group"):
        return {"@type": "Organization", "name": name}
    return _drop_empty({"@type": "Person", "name": name, "jobTitle": role})


def appearance(e: Mapping[str, Any]) -> dict[str, Any]:
    """The article a piece of evidence (``Evidence.to_dict()``) stands in, as a schema.org
    NewsArticle."""
    publisher = {"@type": "Organization", "name": e["publisher"]} if e.get("publisher") else None
    return _drop_empty({"@type": "NewsArticle", "url": e.get("url"), "headline": e.get("title"), "publisher": publisher,
                        "datePublished": _date(e.get("published"))})


class ReviewError(ValueError):
    """A rating or date the checker gave that is not one; ``field`` says which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def claim_review(
    v: Mapping[str, Any], *, rating_name: str | None = None, rating: str | None = None, url: str | None = None,
    reviewer: str | None = None, reviewer_url: str | None = None, date: str | None = None,
) -> dict[str, Any]:
    """ClaimReview JSON-LD for verdict ``v`` (``Verdict.to_dict()``): the checker gives
    the rating (``rating_name``, and ``rating`` as ``"VALUE"`` or ``"VALUE/BEST"``), the
    review's page ``url``, its publisher ``reviewer`` (and ``reviewer_url``) and ``date``.
    ReviewError for a rating or date that is not one."""
    value = best = worst = None
    if rating is not None:
        try:
            value, best, worst = parse_rating(rating)
        except ValueError as bad:
            raise ReviewError("rating", str(bad)) from None
    if date is not None and parse_published(date) is None:
        raise ReviewError("review_date", f"{date!r}: not a date")
    who = v.get("claimed_speaker")
    said = f"“{v['words']}”"
    claim_reviewed = f"{who} said {said}" if who else f"{said} (a quotation)"
    first = v.get("earliest")
    evidence = v.get("evidence") or []
    speaker_evidence = [e for e in evidence if e.get("speaker_matches")] if who else []
    role = next((e["speaker_role"] for e in speaker_evidence if e.get("speaker_role")), None)
    kind = next((e["speaker_kind"] for e in speaker_evidence if e.get("speaker_kind")), None)
    seen: set[str] = set()
    appearances = []
    for e in evidence:
        a = appearance(e)
        key = a.get("url") or f"{a.get('headline')}|{a.get('datePublished')}"
        if key in seen or (first is not None and e.get("article_id") == first.get("article_id")):
            continue
        seen.add(key)
        appearances.append(a)
    claim = _drop_empty({
        "@type": "Claim",
        "author": _agent(who and (speaker_evidence[0]["speaker"] if speaker_evidence else who), kind, role),
        "datePublished": _date(first.get("published")) if first is not None else None,
        "firstAppearance": appearance(first) if first is not None else None,
        "appearance": appearances,
    })
    rating_obj = _drop_empty({
        "@type": "Rating", "alternateName": rating_name, "ratingValue": value, "bestRating": best, "worstRating": worst,
    }) if rating_name or value is not None else None
    author = _drop_empty({"@type": "Organization", "name": reviewer, "url": reviewer_url}) if reviewer else None
    return _drop_empty({
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim_reviewed,
        "reviewRating": rating_obj,
        "url": url,
        "author": author,
        "datePublished": date,
        "itemReviewed": claim,
        "reviewBody": v.get("message"),
    })


def parse_rating(rating: str) -> tuple[float | int | None, float | int | None, float | int | None]:
    """``"3"`` or ``"3/5"`` as (ratingValue, bestRating, worstRating): a scale from 1 to
    BEST (from 0 when BEST is under 1). ValueError when it is not one."""
    raw, _, top = rating.partition("/")
    try:
        value, best = float(raw), float(top) if top else None
    except ValueError:
        raise ValueError(f"{rating!r}: give a number, or VALUE/BEST (3/5)") from None
    worst = None
    if best is not None:
        worst = 1.0 if best >= 1 else 0.0
        if not worst <= value <= best:
            raise ValueError(f"{rating!r}: the value is off the scale {worst:g} to {best:g}")
    return _number(value), _number(best), _number(worst)


def _number(x: float | None) -> float | int | None:
    return int(x) if x is not None and x.is_integer() else x


def missing(review: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The fields of Google's fact-check markup that ``review`` lacks: (required,
    recommended), dotted for those inside ``reviewRating`` and ``itemReviewed``."""
    required = [k for k in REQUIRED if k not in review]
    recommended = [k for k in RECOMMENDED if k not in review]
    rating = review.get("reviewRating")
    if rating is not None:
        required += [f"reviewRating.{k}" for k in RATING_REQUIRED if k not in rating]
        recommended += [f"reviewRating.{k}" for k in RATING_RECOMMENDED if k not in rating]
    claim = review.get("itemReviewed")
    if claim is not None:
        recommended += [f"itemReviewed.{k}" for k in CLAIM_RECOMMENDED if k not in claim]
    return required, recommended


def quotation(row: dict[str, Any], *, url: str | None = None) -> dict[str, Any]:
    """A stored quote (a row of ``quotes_view``'s columns) as schema.org Quotation JSON-LD:
    its words, who spoke them, and the article it is quoted in."""
    publisher = {"@type": "Organization", "name": row["publisher"]} if row.get("publisher") else None
    article = _drop_empty({"@type": "NewsArticle", "url": row.get("url"), "headline": row.get("article_title"),
                           "publisher": publisher, "datePublished": _date(row.get("published"))})
    return _drop_empty({
        "@context": CONTEXT,
        "@type": "Quotation",
        "text": row.get("quote"),
        "spokenByCharacter": _agent(row.get("speaker"), row.get("speaker_kind"), row.get("speaker_role")),
        "isPartOf": article,
        "url": url,
    })
