"""Opening a database, and its search index, for the commands that read them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from index import QuoteIndexError, index_exists, sync
from index.budget import DEFAULT_SECONDS
from index.build import schema_current
from index.fts import whoosh_off
from quotes.store import Store, StoreError


def open_store(db_path: Path, *, write: bool = False) -> Store:
    """The existing database at ``db_path``, opened read-only unless ``write`` (the
    commands that correct quotes)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database (create it with: quotes ingest PATH)")
    try:
        return Store(db_path, read_only=not write)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


def waiting() -> None:
    click.echo("waiting for a running ingest to finish...", err=True)


def ready_index(store: Store) -> Path | None:
    """The store's index, built from SQLite first when it is missing; None for a
    database that leaves search to SQLite FTS5 (loaded with --no-whoosh)."""
    if whoosh_off(store):
        return None
    index_dir = store.index_dir
    if not (index_exists(index_dir) and schema_current(index_dir)):
        click.echo(f"Building the search index {index_dir} from {store.path}...", err=True)
        try:
            sync(store, on_wait=waiting)
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
