"""``quotes index`` and ``quotes check``: keeping the search index in step with the database."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click

from index import QuoteIndexError, rebuild, sync
from index import check as check_index
from index.fts import whoosh_off
from quotes.store import StoreError

from .common import db_option
from .reading import open_store, waiting


@click.command(name="index")
@db_option
@click.option("--rebuild", "full", is_flag=True, help="Build the index afresh from the database.")
@click.option(
    "--procs", type=click.IntRange(min=1), metavar="N",
    help="Processes building the index.  [default: number of CPUs, from 10,000 quotes; else 1]",
)
def index_cmd(db_path: Path, full: bool, procs: int | None) -> None:
    """Bring the Whoosh search index in step with the database.

    Adds missing quotes, rewrites stale ones and removes deleted ones. --rebuild builds a
    new index from scratch (the old one keeps serving searches until it is replaced),
    each process writing a segment of its own. For a database loaded with --no-whoosh,
    either builds the index, and search uses it again.

    \b
    Example:
        quotes index
        quotes index --rebuild --db news.db --procs 4
    """
    store = open_store(db_path)
    if whoosh_off(store):
        store = open_store(db_path, write=True)  # the build clears the setting
        full = True
    index_dir = store.index_dir
    started = time.perf_counter()
    try:
        if full:
            count = rebuild(store, on_wait=waiting, procs=procs)
            summary = f"Indexed {count} quote{'s' * (count != 1)}"
        else:
            report = sync(store, on_wait=waiting, procs=procs)
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
    index_dir = store.index_dir
    if whoosh_off(store):
        message = f"{index_dir}: no Whoosh index, search is left to SQLite FTS5 (build one with: quotes index --rebuild)"
        click.echo(json.dumps({"whoosh": False, "ok": True}, indent=2) if as_json else message)
        return
    try:
        report = check_index(store)
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


COMMANDS = [index_cmd, check]
