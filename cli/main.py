"""The ``quotes`` click group. Each command lives in a module named for what it does.

A command's module is imported only when that command runs (or its own help is asked
for): ``quotes --help`` lists the commands from :data:`LAZY_COMMANDS` without importing
Whoosh, Datasette, sqlite-utils or the extractor. ``tests/test_startup.py`` checks the
table against the commands themselves.
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Each command's module, and the first sentence of its help (what ``quotes --help`` shows).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("cli.index_cmd", "Check that the search index matches the database."),
    "correct": ("cli.correct_cmd", "Correct a quote's speaker or kind, or mark it reviewed."),
    "corrections": ("cli.correct_cmd", "List the corrections made, oldest first."),
    "eval": ("cli.eval_cmd", "Measure quote and speaker accuracy against gold quotations."),
    "extract": ("cli.ingest_cmd", "Print the quotes of articles as JSON Lines, without storing anything."),
    "index": ("cli.index_cmd", "Bring the Whoosh search index in step with the database."),
    "reextract": ("cli.correct_cmd", "Extract the quotes of the stored articles anew, after an upgrade of the extractor."),
    "ingest": ("cli.ingest_cmd", "Extract the quotes of articles and store them, with the search index."),
    "load": ("cli.load_cmd", "Load shards written by quotes extract --output into the database, with the search index."),
    "search": ("cli.search_cmd", "Full-text search of quotes, best matches first (BM25F)."),
    "serve": (
        "cli.serve_cmd",
        "Serve the database with Datasette: tables, facets, SQL, a JSON API, and a search and verify page at /-/quotes.",
    ),
    "undo-correction": ("cli.correct_cmd", "Undo a correction: the quote gets back the value of the latest correction still in force, or what the extractor said."),
    "verify": ("cli.verify_cmd", "Check a quotation against the stored articles: who said it, where, and first when."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from their modules when first asked for, as
    click's documentation describes ("lazy loading subcommands"), and listed in its help
    from their summaries alone.

    ``lazy_commands`` maps a command's name to its module (whose ``COMMANDS`` list holds
    it) and its summary.
    """

    def __init__(self, *args: Any, lazy_commands: Mapping[str, tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module = importlib.import_module(self.lazy_commands[cmd_name][0])
            for command in module.COMMANDS:
                if command.name == cmd_name:
                    self.add_command(command)
                    break
            else:
                raise RuntimeError(f"{module.__name__} has no command {cmd_name!r}")
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click's own listing, of stand-ins that carry the summaries: nothing is imported.
        listed = [
            self.commands.get(name) or click.Command(name, help=self.lazy_commands[name][1])
            for name in self.list_commands(ctx)
        ]
        click.Group(commands=listed).format_commands(ctx, formatter)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``, as ``click.version_option`` prints it, importing the version only then."""
    if not value or ctx.resilient_parsing:
        return
    from quotes import __version__

    click.echo(f"quotes, version {__version__}")
    ctx.exit()


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.option(
    "-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Who said it, where, and when: a searchable database of quotations from news articles.

    \b
    Example:
        quotes ingest articles/          # extract and store every quote
        quotes search "finish the job"   # full-text search
        quotes verify "finish the job" --speaker Obama
        quotes serve                     # browse with Datasette
    """
