"""How long ``quotes --help`` takes to start, and which imports it spends the time on.

    python benchmarks/startup.py [--runs 20] [--top 12] [--commands] [ARGS ...]

Runs the installed ``quotes`` command (beside this Python; else ``python -c "from cli.main
import cli; cli()"``) ``--runs`` times with ARGS (default ``--help``), each in a fresh
process, and prints the median and range of the wall time. Then runs it once under
``python -X importtime`` and prints the imports that took longest, cumulative (a module's
time includes what it imports). ``--commands`` also times ``quotes COMMAND --help`` for
every command.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "from cli.main import cli; cli(prog_name='quotes')"


def command() -> list[str]:
    script = Path(sys.executable).parent / "quotes"
    return [str(script)] if script.exists() else [sys.executable, "-c", ENTRY]


def wall_times(args: list[str], runs: int) -> list[float]:
    """Seconds each of ``runs`` fresh ``quotes ARGS`` processes took, start to exit."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([*command(), *args], check=False, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"quotes {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return times


def import_times(args: list[str]) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) for every import ``quotes ARGS`` makes."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", ENTRY, *args],
        check=False, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(own), int(cumulative), name.strip()))
    return rows


def report(args: list[str], runs: int) -> None:
    times = wall_times(args, runs)
    print(
        f"quotes {' '.join(args)}: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; {runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=12, help="imports to list")
    parser.add_argument("--commands", action="store_true", help="also time `quotes COMMAND --help` for each command")
    parser.add_argument("args", nargs="*", default=["--help"])
    opts = parser.parse_args()
    command()  # fails early when neither form can run
    wall_times(opts.args, 1)  # warm the file cache and the bytecode
    report(opts.args, opts.runs)
    rows = import_times(opts.args)
    total = sum(own for own, _, _ in rows)
    print(f"\nimports: {len(rows)} modules, {total / 1000:.0f} ms in all; the slowest, cumulative:")
    for own, cumulative, name in sorted(rows, key=lambda r: r[1], reverse=True)[: opts.top]:
        print(f"  {cumulative / 1000:7.1f} ms  (self {own / 1000:5.1f})  {name}")
    if opts.commands:
        sys.path.insert(0, str(ROOT))
        import click

        from cli.main import cli

        print()
        for name in cli.list_commands(click.Context(cli)):
            report([name, "--help"], max(3, opts.runs // 4))


if __name__ == "__main__":
    main()
