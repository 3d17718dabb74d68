"""The ``quotes`` click group. Each command lives in a module named for what it does."""
from __future__ import annotations

import click

from quotes import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="quotes")
def cli() -> None:
    """Who said it, where, and when: a searchable database of quotations from news articles.

    \b
    Example:
        quotes ingest articles/          # extract and store every quote
        quotes search "finish the job"   # full-text search
        quotes verify "finish the job" --speaker Obama
        quotes serve                     # browse with Datasette
    """


def _register() -> None:
    from . import eval_cmd, ingest_cmd, search_cmd, serve_cmd

    for module in (ingest_cmd, search_cmd, serve_cmd, eval_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
