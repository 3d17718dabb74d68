"""The README documents every command, with help that matches the code."""
from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from cli.reference import END, START, render

ROOT = Path(__file__).resolve().parent.parent

README = (ROOT / "README.md").read_text()
COMMANDS = cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("name", COMMANDS)
def test_command_documented(name):
    assert f"### quotes {name}\n" in README, f"quotes {name} is missing from the README's CLI reference"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_example(name):
    result = CliRunner().invoke(cli, [name, "-h"], terminal_width=100)
    assert result.exit_code == 0
    assert "Example" in result.output, f"quotes {name} --help has no example block"


def test_reference_is_current():
    section = README.split(START, 1)[1].split(END, 1)[0]
    assert section.strip() == render().strip(), "run: python -m cli.reference README.md"


def test_changelog_mentions_version():
    from quotes import __version__

    assert __version__ in (ROOT / "CHANGELOG.md").read_text()
