"""Whoosh documents made from the store's rows, each with a signature of its fields.

A quote document is built only from what never changes once the quote is stored, and
carries a signature of the fields it was built from, so a document that no longer
matches its row (an edited quote) is detectable. Rows are the store's quote rows
(:meth:`quotes.reads.StoreReads.quote_rows`), with their column names.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Any

from quotes.dates import parse_published


def parse_date(value: str | None) -> _dt.datetime | None:
    """An ISO 8601 date or datetime as a naive UTC datetime (None when unparseable);
    never raises: a date past either end of the calendar is clamped to it."""
    return parse_published(value)


def digest(parts: list[Any]) -> str:
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def signature(row: dict[str, Any]) -> str:
    return digest([
        row.get("quote"), row.get("kind"), row.get("start"), row.get("end"), row.get("context"),
        row.get("article_id"), row.get("speaker_id"), row.get("speaker"), row.get("speaker_role"),
        row.get("article_title"), row.get("publisher"), row.get("published"), row.get("url"), row.get("review"),
    ])


def document(row: dict[str, Any]) -> dict[str, Any]:
    """The Whoosh document for one quote row."""
    text = row["quote"] or ""
    doc: dict[str, Any] = {
        "id": str(row["quote_id"]),
        "sig": signature(row).encode("ascii"),
        "text": text,
        "kind": row.get("kind") or "direct",
        "review": row.get("review") or "machine",
        "article_id": int(row["article_id"]),
        "start": row.get("start"),
        "end": row.get("end"),
        "url": row.get("url"),
    }
    if row.get("speaker"):
        doc["speaker"] = row["speaker"]
        doc["speaker_name"] = row["speaker"]
    if row.get("speaker_id") is not None:
        doc["speaker_id"] = str(row["speaker_id"])
    if row.get("speaker_role"):
        doc["role"] = row["speaker_role"]
    if row.get("article_title"):
        doc["title"] = row["article_title"]
    if row.get("publisher"):
        doc["publisher"] = row["publisher"]
        doc["publisher_key"] = row["publisher"].casefold()
        doc["publisher_name"] = row["publisher"]
    published = parse_date(row.get("published"))
    if published is not None:
        doc["published"] = published
    around = context_words(row.get("context"), text)
    if around:
        doc["context"] = around
    return doc


def context_words(context: str | None, text: str) -> str:
    """The sentence around a quote without the quote itself ("Medvedev said, according to
    RIA Novosti"): the quoted words are indexed already, in ``text``."""
    if not context:
        return ""
    i = context.find(text) if text else -1
    if i < 0:
        return context
    return (context[:i] + " " + context[i + len(text) :]).strip()


def speaker_document(sid: int, names: list[str]) -> dict[str, Any]:
    """The speakers-index document for one speaker (``names``: canonical first)."""
    return {
        "id": str(sid),
        "names": " ".join(names),
        "keys": ",".join(n.casefold().replace(",", " ") for n in names),
        "sig": digest(names),
    }
