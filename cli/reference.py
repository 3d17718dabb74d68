"""Keep the README's CLI reference in step with the commands' own help.

    python -m cli.reference README.md   # rewrite the reference section in place
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from .main import cli

START = "<!-- [[[cli-reference -->"
END = "<!-- ]]] -->"


def render() -> str:
    """Markdown for every command: a heading and its ``--help`` output."""
    runner = CliRunner()
    parts = []
    for name in cli.list_commands(click.Context(cli)):
        result = runner.invoke(cli, [name, "--help"], terminal_width=100, prog_name="quotes")
        parts.append(f"### quotes {name}\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def update(path: Path) -> bool:
    """Rewrite the reference between the markers; True when the file changed."""
    text = path.read_text()
    head, sep, rest = text.partition(START)
    if not sep:
        raise SystemExit(f"{path}: no {START} marker")
    _, sep2, tail = rest.partition(END)
    if not sep2:
        raise SystemExit(f"{path}: no {END} marker")
    new = f"{head}{START}\n{render()}{END}{tail}"
    if new != text:
        path.write_text(new)
        return True
    return False


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print(f"{target}: {'updated' if update(target) else 'already up to date'}")
