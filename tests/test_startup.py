"""``quotes --help`` imports no command: the lazy group's table matches the commands, and
its listing is the one click makes of the commands themselves."""
from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from importlib import metadata

import click
import pytest
from click.testing import CliRunner

import cli as cli_package
from cli.main import LAZY_COMMANDS, cli

HEAVY = ("whoosh", "datasette", "sqlite_utils", "trafilatura", "lxml", "index", "quotes", "quotes_datasette")


def defined_commands() -> dict[str, tuple[str, click.Command]]:
    """Every command in a ``COMMANDS`` list of a ``cli`` module: name -> (module, command)."""
    found: dict[str, tuple[str, click.Command]] = {}
    for info in pkgutil.iter_modules(cli_package.__path__, "cli."):
        module = importlib.import_module(info.name)
        for command in getattr(module, "COMMANDS", []):
            assert command.name not in found, f"{command.name} is defined twice"
            found[command.name] = (info.name, command)
    return found


def test_table_names_each_command_and_its_module():
    defined = defined_commands()
    assert sorted(LAZY_COMMANDS) == sorted(defined)
    assert {name: module for name, (module, _) in defined.items()} == {n: m for n, (m, _) in LAZY_COMMANDS.items()}


@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_listing_is_the_commands_own(width):
    """``quotes --help`` as a group holding the real commands would print it."""
    eager = click.Group(
        name=cli.name, params=cli.params, help=cli.help, context_settings=cli.context_settings,
        commands=[command for _, command in defined_commands().values()],
    )
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=width, prog_name="quotes")
    real = CliRunner().invoke(eager, ["--help"], terminal_width=width, prog_name="quotes")
    assert lazy.exit_code == real.exit_code == 0
    assert lazy.output == real.output
    assert "Commands:" in lazy.output


def test_help_imports_no_command():
    script = (
        "import json, sys\n"
        "from cli.main import cli\n"
        "try:\n"
        "    cli(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Commands:" in done.stdout
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "cli.main" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY or (m.startswith("cli.") and m != "cli.main"))
    assert loaded == []


def test_a_command_runs_once_asked_for():
    result = CliRunner().invoke(cli, ["serve", "--help"], prog_name="quotes")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: quotes serve [OPTIONS]")
    assert CliRunner().invoke(cli, ["nosuch"]).exit_code == 2


def test_version_is_the_distributions():
    from quotes import __version__

    result = CliRunner().invoke(cli, ["--version"], prog_name="quotes")
    assert result.exit_code == 0
    assert result.output == f"quotes, version {__version__}\n"
    assert metadata.version("news-quotes") == __version__
