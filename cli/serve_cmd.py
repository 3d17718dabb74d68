"""``quotes serve``: browse, search and verify the database in Datasette."""
from __future__ import annotations

import json
import os
import sqlite3
import webbrowser
from pathlib import Path
from typing import Any

import click

from index.budget import SITE_SECONDS

from .common import db_option, index_path_for

#: On SIGTERM or Ctrl-C, the longest the server waits for requests in flight (then
#: they are stopped, their worker processes with them).
SHUTDOWN_SECONDS = 5


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; 0.0.0.0 listens on every interface.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open the site in a web browser once it is running.")
@click.option(
    "-m",
    "--metadata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra Datasette metadata (JSON) merged over the bundled metadata.",
)
@click.option(
    "--sql-time-limit",
    default=2000,
    show_default=True,
    type=click.IntRange(1),
    help="Milliseconds of CPU time a SQL query may use before it is cancelled; one that waits instead (on the disk) is cancelled after ten times as long.",
)
@click.option(
    "--search-time-limit",
    default=int(SITE_SECONDS * 1000),
    show_default=True,
    type=click.IntRange(1),
    help="Milliseconds a search or verification on the /-/quotes pages may take before it is stopped.",
)
def serve(
    db_path: Path, host: str, port: int, open_browser: bool, metadata: Path | None, sql_time_limit: int,
    search_time_limit: int,
) -> None:
    """Serve the database with Datasette: tables, facets, SQL, a JSON API, and a
    search and verify page at /-/quotes.

    The database is served read-only and is not cached, so quotes added by a
    running `quotes ingest` show on the next page load. The SQL time limit counts
    the CPU time a query uses, so no query is cancelled for the time it waits while
    the machine is busy (an ingest running beside the server, say).

    \b
    Example:
        quotes serve                       # http://127.0.0.1:8001/
        quotes serve --db news.db --port 8080 --open
    """
    import uvicorn

    from quotes_datasette.serve import ServeError, make_datasette

    _bring_up_to_date(db_path)
    extra = None
    if metadata is not None:
        try:
            extra = json.loads(metadata.read_text())
        except (OSError, ValueError) as e:
            raise click.ClickException(f"{metadata}: {e}") from e
    try:
        ds = make_datasette(
            db_path,
            index_dir=index_path_for(db_path),
            metadata=extra,
            sql_time_limit_ms=sql_time_limit,
            search_time_limit_ms=search_time_limit,
        )
    except ServeError as e:
        raise click.ClickException(str(e)) from e
    url = f"http://{host}:{port}/"
    click.echo(f"Serving {db_path} at {url} (search: {url}-/quotes); Ctrl+C to stop", err=True)
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(
        ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )
    _server_class()(config).run()


def _server_class() -> Any:
    import uvicorn

    from quotes_datasette.workers import close_all

    class Server(uvicorn.Server):
        """Stops the searches in flight as soon as it is told to stop, so that it stops at once."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            close_all()

    return Server


def _bring_up_to_date(db_path: Path) -> None:
    """Give a database written by an earlier version the current views and columns
    (ranked search needs the quote_search view) when the file may be written; a
    read-only copy is served as it is."""
    from quotes.store import Store, StoreError
    from quotes_datasette import is_quotes_database

    if not (db_path.is_file() and os.access(db_path, os.W_OK) and os.access(db_path.parent, os.W_OK)):
        return
    if not is_quotes_database(db_path):
        return
    try:
        Store.upgrade(db_path)
    except (StoreError, sqlite3.Error):
        pass


COMMANDS = [serve]
