"""``quotes search``: full-text search of the stored quotes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from index import BudgetExceeded, IndexMissing, QueryError, QuoteIndex
from index.budget import time_budget
from index.fts import search_fts
from quotes.model import QUOTE_KINDS, REVIEW_STATUSES

from .common import db_option, emit, output_options
from .reading import open_store, ready_index, timeout_option

SEARCH_COLUMNS = ["quote_id", "quote", "speaker", "title", "publisher", "published", "url"]
CSV_COLUMNS = [
    "quote_id", "quote", "highlighted", "speaker", "speaker_role", "title", "publisher", "published",
    "url", "kind", "review", "score", "article_id", "start", "end", "highlights",
]


def _hit_row(hit: Any) -> dict[str, Any]:
    d = hit.to_dict()
    return {
        "quote_id": d["quote_id"],
        "quote": d["text"],
        "highlighted": d["highlighted"],
        "highlights": d["highlights"],
        "speaker": d["speaker"],
        "speaker_role": d["speaker_role"],
        "title": d["title"],
        "publisher": d["publisher"],
        "published": d["published"],
        "url": d["url"],
        "kind": d["kind"],
        "review": d["review"],
        "score": d["score"],
        "article_id": d["article_id"],
        "start": d["start"],
        "end": d["end"],
    }


@click.command()
@click.argument("query", required=False, default="")
@db_option
@click.option("--speaker", metavar="NAME", help="Only quotes by this speaker (a name or alias).")
@click.option("--publisher", metavar="NAME", help="Only quotes from this publisher.")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE (YYYY[-MM[-DD]]).")
@click.option(
    "--kind", type=click.Choice((*QUOTE_KINDS, "any")),
    help="Only quoted spans of this kind [default: speech, direct and partial; any: every quoted span,"
    " titles and terms included].",
)
@click.option(
    "--review", type=click.Choice(REVIEW_STATUSES),
    help="Only quotes of this review status (machine: as extracted; reviewed; corrected).",
)
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Results to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many results.")
@click.option("--facets", is_flag=True, help="Also count the matching quotes by speaker.")
@timeout_option("search")
@output_options
def search(
    query: str, db_path: Path, speaker: str | None, publisher: str | None, since: str | None,
    until: str | None, kind: str | None, review: str | None, limit: int, offset: int, facets: bool, timeout: float,
    fmt: str | None,
) -> None:
    """Full-text search of quotes, best matches first (BM25F).

    QUERY uses the Whoosh query language: words (stemmed: "leave" finds "leaving"),
    "exact phrases", AND / OR / NOT, wildcards (minist*), fuzzy words (gadafi~ or
    gadafi~2, first letter right) and fields: speaker, publisher, title, role, kind, review, context,
    published.
    Matched words are shown in [brackets] (JSON: "highlights", offsets into "quote").
    --json prints an array of hits; with --facets, an object with total, hits, facets
    and suggestions. A query made only of words as common as "the" ("to be or not
    to be") is searched as a phrase in SQLite's full-text index.

    A database loaded with --no-whoosh is searched in SQLite FTS5 alone: ranked by
    BM25 over the quote's words, with words, "phrases", AND / OR / NOT, a word's
    prefix (minist*) and the fields speaker, publisher, kind, review and published
    narrowing the whole query; fuzzy words, other wildcards and the fields title,
    role and context are an error, and there are no suggestions.

    \b
    Example:
        quotes search '"step down" gadhafi'
        quotes search 'speaker:medvedev publisher:cnn'
        quotes search legitimacy --since 2011 --until 2011-06 --facets
        quotes search 'published:[2011-05-01 to 2011-05-31] leave' --json
    """
    store = open_store(db_path)
    index_dir = ready_index(store)
    filters: dict[str, Any] = {
        "speaker": speaker, "publisher": publisher, "since": since, "until": until, "kind": kind, "limit": limit,
        "offset": offset, "facets": facets, "review": review,
    }
    try:
        if index_dir is None:
            with time_budget(timeout, "search", (store.db.conn,)):
                results = search_fts(store, query, **filters)
        else:
            with QuoteIndex(index_dir) as qi, time_budget(timeout, "search", (store.db.conn,)):
                results = qi.search(query, store=store, **filters)
    except (QueryError, IndexMissing, BudgetExceeded) as e:
        raise click.ClickException(str(e)) from None
    rows = [_hit_row(h) for h in results.hits]
    if fmt == "json" and facets:
        click.echo(json.dumps({
            "total": results.total, "hits": rows, "facets": results.facets, "suggestions": results.suggestions,
        }, indent=2, ensure_ascii=False))
    elif fmt in ("json", "nl"):
        emit(rows, fmt)
    elif fmt == "csv":
        emit(rows, fmt, CSV_COLUMNS)
    else:
        table_rows = [{**r, "quote": r["highlighted"]} for r in rows]
        if table_rows:
            emit(table_rows, None, SEARCH_COLUMNS)
            last = offset + len(rows)
            click.echo(f"\n{offset + 1}-{last} of {results.total} quote{'s' * (results.total != 1)}")
        if facets and results.facets:
            click.echo("")
            emit(results.facets, None, ["speaker", "count"])
    if not results.hits:
        message = "No quotes match." if results.total == 0 else f"No quotes past result {results.total}."
        if results.suggestions:
            message += " Did you mean: " + " or ".join(results.suggestions)
        click.echo(message, err=True)


COMMANDS = [search]
