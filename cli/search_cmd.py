"""``quotes search``, ``quotes verify``, ``quotes index`` and ``quotes check``."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from index import (
    BudgetExceeded,
    IndexMissing,
    QueryError,
    QuoteIndex,
    QuoteIndexError,
    Verdict,
    index_exists,
    rebuild,
    sync,
)
from index import (
    check as check_index,
)
from index import (
    verify as verify_words,
)
from index.budget import DEFAULT_SECONDS, time_budget
from index.build import schema_current
from quotes.model import QUOTE_KINDS
from quotes.store import Store, StoreError

from .common import db_option, emit, index_path_for, output_options

SEARCH_COLUMNS = ["quote_id", "quote", "speaker", "title", "publisher", "published", "url"]
CSV_COLUMNS = [
    "quote_id", "quote", "highlighted", "speaker", "speaker_role", "title", "publisher", "published",
    "url", "kind", "score", "article_id", "start", "end", "highlights",
]


def open_store(db_path: Path) -> Store:
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database (create it with: quotes ingest PATH)")
    try:
        return Store(db_path)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


def _waiting() -> None:
    click.echo("waiting for a running ingest to finish...", err=True)


def ready_index(store: Store, db_path: Path) -> Path:
    """The index beside ``db_path``, built from SQLite first when it is missing."""
    index_dir = index_path_for(db_path)
    if not (index_exists(index_dir) and schema_current(index_dir)):
        click.echo(f"Building the search index {index_dir} from {db_path}...", err=True)
        try:
            sync(store, index_dir, on_wait=_waiting)
        except (QuoteIndexError, StoreError) as e:
            raise click.ClickException(str(e)) from None
    return index_dir


def timeout_option(what: str) -> Any:
    """``--timeout SECONDS``: the time the search or verification may take."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_SECONDS,
        show_default=True,
        metavar="SECONDS",
        help=f"Stop the {what} after this long, with an error.",
    )


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
@click.option("-n", "--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Results to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many results.")
@click.option("--facets", is_flag=True, help="Also count the matching quotes by speaker.")
@timeout_option("search")
@output_options
def search(
    query: str, db_path: Path, speaker: str | None, publisher: str | None, since: str | None,
    until: str | None, kind: str | None, limit: int, offset: int, facets: bool, timeout: float,
    fmt: str | None,
) -> None:
    """Full-text search of quotes, best matches first (BM25F).

    QUERY uses the Whoosh query language: words (stemmed: "leave" finds "leaving"),
    "exact phrases", AND / OR / NOT, wildcards (minist*), fuzzy words (gadafi~ or
    gadafi~2, first letter right) and fields: speaker, publisher, title, role, kind, context, published.
    Matched words are shown in [brackets] (JSON: "highlights", offsets into "quote").
    --json prints an array of hits; with --facets, an object with total, hits, facets
    and suggestions. A query made only of words as common as "the" ("to be or not
    to be") is searched as a phrase in SQLite's full-text index.

    \b
    Example:
        quotes search '"step down" gadhafi'
        quotes search 'speaker:medvedev publisher:cnn'
        quotes search legitimacy --since 2011 --until 2011-06 --facets
        quotes search 'published:[2011-05-01 to 2011-05-31] leave' --json
    """
    store = open_store(db_path)
    index_dir = ready_index(store, db_path)
    try:
        with QuoteIndex(index_dir) as qi, time_budget(timeout, "search", (store.db.conn,)):
            results = qi.search(
                query, speaker=speaker, publisher=publisher, since=since, until=until, kind=kind,
                limit=limit, offset=offset, facets=facets, store=store,
            )
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


def _evidence_lines(e: dict[str, Any]) -> list[str]:
    who = e["speaker"] or "(unidentified)"
    if e.get("speaker_role"):
        who += f", {e['speaker_role']}"
    if e.get("speaker_mention") and e["speaker_mention"] != e["speaker"]:
        written = f"written: {e['speaker_mention']!r}"
        if e.get("antecedent_mention"):
            written += f", resolved to {e['antecedent_mention']!r} at offset {e['antecedent_start']}"
        who += f" ({written})"
    lines = [
        f"  quote:    \u201c{e['quote']}\u201d",
        f"  speaker:  {who}" + (f"; cue: {e['cue']}" if e.get("cue") else ""),
        f"  article:  {e['title'] or '(untitled)'} \u2014 {e['publisher'] or '?'}, {e['published'] or 'undated'}",
    ]
    if e.get("url"):
        lines.append(f"  url:      {e['url']}")
    lines.append(
        f"  offsets:  quote {e['start']}-{e['end']}, matched words {e['match_start']}-{e['match_end']}"
        f" (article {e['article_id']}, quote {e['quote_id']})"
    )
    if e.get("context") and e["context"] != e["quote"]:
        lines.append(f"  sentence: {e['context']}")
    return lines


def print_verdict(v: Verdict) -> None:
    colour = {"confirmed": "green", "found": "green", "altered": "yellow"}.get(v.verdict, "red")
    click.echo(click.style(v.verdict.upper().replace("_", " "), fg=colour, bold=True) + "  " + v.message)
    d = v.to_dict()
    if v.diff_text:
        click.echo(f"\nDifference (claimed [-removed-] {{+stored+}}, similarity {v.similarity:.2f}):\n  {v.diff_text}")
    if not v.evidence:
        return
    click.echo("\nFirst appearance:")
    for line in _evidence_lines(d["earliest"]):
        click.echo(line)
    others = d["evidence"][1:]
    if others:
        click.echo(f"\nAlso in {len(others)} other quote{'s' * (len(others) != 1)}:")
        for e in others:
            click.echo(
                f"  - {e['published'] or 'undated'}  {e['publisher'] or '?'}: {e['title'] or '(untitled)'}"
                f"  [{e['speaker'] or 'unidentified'}; quote {e['quote_id']}]" + (f"  {e['url']}" if e.get("url") else "")
            )


@click.command()
@click.argument("words")
@click.option("--speaker", metavar="NAME", help="Who is said to have said it (a name or alias).")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Output the verdict and its evidence as JSON.")
@timeout_option("verification")
def verify(words: str, speaker: str | None, db_path: Path, as_json: bool, timeout: float) -> None:
    """Check a quotation against the stored articles: who said it, where, and first when.

    Case, punctuation, curly or straight quote marks and dashes do not matter; "..." or
    "\u2026" stands for omitted words. Speakers match by name or alias ("Obama" finds
    "Barack Obama").

    \b
    Verdicts with --speaker:
      confirmed      the words appear, attributed to that speaker
      misattributed  the words appear, attributed to someone else (named)
      altered        a stored quote is close but worded differently (word diff)
      not_found      no stored quote carries the words
    Without --speaker: found, altered or not_found, with who said it.

    Exit status: 0 when confirmed (or found, without --speaker), 1 otherwise.

    \b
    Example:
        quotes verify "he must leave" --speaker Medvedev
        quotes verify "the regime of Gadhafi ... must leave" --json
    """
    store = open_store(db_path)
    index_dir = ready_index(store, db_path)
    try:
        with time_budget(timeout, "verification", (store.db.conn,)):
            verdict = verify_words(store, index_dir, words, speaker=speaker)
    except (QueryError, IndexMissing, BudgetExceeded) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_verdict(verdict)
    if not verdict.ok:
        raise SystemExit(1)


@click.command(name="index")
@db_option
@click.option("--rebuild", "full", is_flag=True, help="Build the index afresh from the database.")
def index_cmd(db_path: Path, full: bool) -> None:
    """Bring the Whoosh search index in step with the database.

    Adds missing quotes, rewrites stale ones and removes deleted ones. --rebuild builds a
    new index from scratch (the old one keeps serving searches until it is replaced).

    \b
    Example:
        quotes index
        quotes index --rebuild --db news.db
    """
    store = open_store(db_path)
    index_dir = index_path_for(db_path)
    started = time.perf_counter()
    try:
        if full:
            count = rebuild(store, index_dir, on_wait=_waiting)
            summary = f"Indexed {count} quote{'s' * (count != 1)}"
        else:
            report = sync(store, index_dir, on_wait=_waiting)
            summary = (
                f"Added {report.added}, updated {report.updated}, deleted {report.deleted}"
                + (f"; names of {report.speakers} speaker{'s' * (report.speakers != 1)} updated" if report.speakers else "")
            )
    except (QuoteIndexError, StoreError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{summary} in {time.perf_counter() - started:.1f}s: {index_dir}")


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Output the report as JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Ids to list per kind of drift.")
def check(db_path: Path, as_json: bool, limit: int) -> None:
    """Check that the search index matches the database.

    Reports quotes missing from the index, documents indexed from outdated values
    (stale), documents whose quote is no longer in the database (orphaned) and
    speakers whose names (canonical and aliases) are not indexed as stored (speakers).
    Exit status: 0 when in step, 1 on any drift (fix it with: quotes index).

    \b
    Example:
        quotes check
        quotes check --json --db news.db
    """
    store = open_store(db_path)
    index_dir = index_path_for(db_path)
    try:
        report = check_index(store, index_dir)
    except QuoteIndexError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        if not report.index_exists:
            click.echo(f"{index_dir}: no search index ({report.quotes} quotes in the database)")
        elif not report.schema_ok:
            click.echo(f"{index_dir}: built by another version; rebuild it with: quotes index --rebuild")
        else:
            click.echo(f"{report.quotes} quotes in the database, {report.documents} documents in the index")
            for name in ("missing", "stale", "orphaned", "speakers"):
                ids = getattr(report, name)
                if ids:
                    shown = ", ".join(str(i) for i in ids[:limit]) + (", ..." if len(ids) > limit else "")
                    click.echo(f"{name}: {len(ids)} ({shown})")
        click.echo("OK: the index is in step with the database" if report.ok else "Drift found: run quotes index")
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [search, verify, index_cmd, check]
