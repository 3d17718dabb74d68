"""Options and output helpers shared by every command."""
from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from quotes.store import index_path_for

__all__ = ["DEFAULT_DB", "db_option", "emit", "index_path_for", "output_options", "table"]

DEFAULT_DB = "quotes.db"


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH`` (env ``QUOTES_DB``); the Whoosh index lives beside it."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        envvar="QUOTES_DB",
        show_default=True,
        show_envvar=True,
        help="SQLite database; the Whoosh index is the .index folder beside it.",
    )(fn)


def output_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--json`` / ``--nl`` / ``--csv``; a readable table by default."""
    fn = click.option("--csv", "fmt", flag_value="csv", help="Output CSV.")(fn)
    fn = click.option("--nl", "fmt", flag_value="nl", help="Output one JSON object per line.")(fn)
    fn = click.option("--json", "fmt", flag_value="json", help="Output a JSON array.")(fn)
    return fn


def emit(rows: Sequence[dict[str, Any]], fmt: str | None, columns: Sequence[str] | None = None) -> None:
    """Write ``rows`` in the chosen format to stdout."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False))
    elif fmt == "nl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        cols = list(columns or (rows[0].keys() if rows else []))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _flat(row.get(k)) for k in cols})
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(table(rows, columns))


def _flat(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, max_width: int | None = None) -> str:
    """A plain-text table that fits the terminal, long cells wrapped to their column."""
    if not rows:
        return ""
    cols = list(columns or rows[0].keys())
    width = max_width or shutil.get_terminal_size((120, 24)).columns
    cells = [[("" if r.get(c) is None else str(_flat(r.get(c)))).replace("\n", " ") for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    # Shrink the widest columns until the table fits.
    budget = width - 2 * (len(cols) - 1)
    while sum(widths) > budget and max(widths) > 12:
        widths[widths.index(max(widths))] -= 1
    lines = ["  ".join(c.ljust(w)[:w] for c, w in zip(cols, widths)), "  ".join("-" * w for w in widths)]
    for row in cells:
        wrapped = [_wrap(v, w) for v, w in zip(row, widths)]
        for k in range(max(len(x) for x in wrapped)):
            lines.append("  ".join((x[k] if k < len(x) else "").ljust(w) for x, w in zip(wrapped, widths)).rstrip())
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
