"""``quotes load``: shards written by ``quotes extract --output`` into the database."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from quotes.shards import read_shards, shard_files

from .common import db_option
from .ingest_cmd import Progress, no_whoosh_option, store_and_report


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line for every article, and every problem.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@no_whoosh_option
@click.option(
    "--procs", type=click.IntRange(min=1), metavar="N",
    help="Processes building the Whoosh index.  [default: number of CPUs, from 10,000 quotes; else 1]",
)
@click.pass_context
def load(
    ctx: click.Context, paths: tuple[str, ...], db_path: Path, quiet: bool, verbose: bool, as_json: bool,
    no_whoosh: bool, procs: int | None,
) -> None:
    """Load shards written by quotes extract --output into the database, with the search index.

    PATH is a shard (part-NNNNN.jsonl.gz) or a folder of them. The articles are stored
    with the quotes they were extracted with, as quotes ingest stores them; articles
    already stored are skipped, so loading again, or again after a run was killed,
    adds only what is missing.

    Each line that is not a shard's, or whose text does not match its content hash,
    is reported on stderr as PATH:LINE: reason and the rest goes on. A missing search
    index is built once everything is stored, in one pass with --procs processes;
    one there already is kept in step as the shards are stored. With --no-whoosh no
    index is built, and search is left to SQLite FTS5. Exit status: 0
    when everything was loaded, 1 when something was skipped, 2 for usage errors.

    \b
    Examples:
        quotes extract crawl/ --scheduler tcp://10.0.0.5:8786 --output shards/
        quotes load shards/ --db news.db
        quotes load shards/ --db news.db --no-whoosh
    """
    show_progress = not quiet and not verbose and not as_json and sys.stderr.isatty()
    total = sum(Path(f).stat().st_size for f in shard_files(paths) if isinstance(f, str)) if show_progress else None
    progress = Progress(show_progress, total)
    source = contextlib.nullcontext((read_shards(paths, progress=progress.advance), 1))
    store_and_report(
        ctx, db_path, source, progress, quiet=quiet, verbose=verbose, as_json=as_json, command="load",
        whoosh=not no_whoosh, index_procs=procs,
    )


COMMANDS = [load]
