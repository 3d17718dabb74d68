"""Speakers from real pages: how many attributed quotes go to something that is not a
person, an organisation or a group (page furniture, headlines, datelines, places, plain
words, names with a role glued on).

Ingests a folder of saved HTML pages into a fresh database with this checkout's code,
then lists every speaker with the attributed quotes it holds. No page is shipped (they
belong to their publishers): ``benchmarks/furniture_pages.sh`` assembles 424 of them from
the test pages that HTML-extraction projects publish in their packages. Whether a
speaker's name is one is a reader's judgement, so it is read from a judgements file, one
line a name: ``ok<TAB>name`` or ``bad<TAB>name`` (a name judged once stays judged, so
after a change only the new names need a look); ``benchmarks/furniture_judged.tsv``
holds the judgements of every speaker those pages have given. Names not yet judged are
listed and written to ``--unjudged`` for the next pass, and the share is given as a
range until every name is judged.

    bash benchmarks/furniture_pages.sh /tmp/furniture/pages
    python benchmarks/furniture.py /tmp/furniture/pages
    python benchmarks/furniture.py /tmp/furniture/pages --unjudged new.tsv --show-bad
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
QUOTES = [sys.executable, "-c", "from cli.main import cli; cli()"]  # this checkout's code


def read_judged(path: Path | None) -> dict[str, str]:
    """name -> ok | bad, from a judgements file (lines that are not judgements are skipped)."""
    judged: dict[str, str] = {}
    if path is None or not path.exists():
        return judged
    for line in path.read_text().splitlines():
        verdict, _, name = line.partition("\t")
        if verdict in ("ok", "bad") and name:
            judged[name] = verdict
    return judged


def speakers(db: Path) -> list[tuple[str, str, int]]:
    """(name, kind, attributed quotes) for every speaker with a quote."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "select s.name, coalesce(s.kind, ''), count(*) from quotes q join speakers s on s.id = q.speaker_id"
            " group by s.id order by count(*) desc, s.name"
        ).fetchall()


@click.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--judged", type=click.Path(path_type=Path), default=ROOT / "benchmarks" / "furniture_judged.tsv",
              show_default=True, help="Judgements file: ok<TAB>name or bad<TAB>name a line.")
@click.option("--unjudged", type=click.Path(path_type=Path), help="Write the names not yet judged here, as ?<TAB>name.")
@click.option("--db", type=click.Path(path_type=Path), help="Database to ingest into (default: a temporary one).")
@click.option("--show-bad", is_flag=True, help="List the speakers judged bad.")
def main(pages: tuple[Path, ...], judged: Path | None, unjudged: Path | None, db: Path | None, show_bad: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = db or Path(tmp) / "pages.db"
        for p in target.parent.glob(target.name + "*"):
            p.unlink()
        started = time.monotonic()
        done = subprocess.run([*QUOTES, "ingest", *map(str, pages), "--db", str(target), "--no-whoosh"],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            raise click.ClickException(f"quotes ingest failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        seconds = time.monotonic() - started
        with sqlite3.connect(target) as conn:
            articles = conn.execute("select count(*) from articles").fetchone()[0]
            by_kind = dict(conn.execute("select kind, count(*) from quotes group by kind").fetchall())
        rows = speakers(target)
    verdicts = read_judged(judged)
    attributed = sum(n for _, _, n in rows)
    bad = [(name, kind, n) for name, kind, n in rows if verdicts.get(name) == "bad"]
    open_rows = [(name, kind, n) for name, kind, n in rows if name not in verdicts]
    n_bad, n_open = sum(n for *_, n in bad), sum(n for *_, n in open_rows)
    pct = 100 / attributed if attributed else 0.0
    click.echo(f"{articles:,} articles stored from {', '.join(map(str, pages))} in {seconds:.0f} s; quotes by kind: "
               + ", ".join(f"{k} {v:,}" for k, v in sorted(by_kind.items())))
    click.echo(f"{attributed:,} attributed quotes, {len(rows):,} speakers")
    if open_rows:
        click.echo(f"not a person, organisation or group: {n_bad:,} quotes ({n_bad * pct:.1f}%) judged so, and"
                   f" {n_open:,} more ({n_open * pct:.1f}%) of {len(open_rows):,} names not yet judged:"
                   f" {n_bad * pct:.1f}% to {(n_bad + n_open) * pct:.1f}%")
        for name, kind, n in open_rows[:40]:
            click.echo(f"  ? {n:4d}  {name} ({kind})")
        if unjudged is not None:
            unjudged.write_text("".join(f"?\t{name}\n" for name, _, _ in open_rows))
    else:
        click.echo(f"not a person, organisation or group: {n_bad:,} of {attributed:,} attributed quotes"
                   f" ({n_bad * pct:.2f}%), {len(bad):,} of {len(rows):,} speakers")
    if show_bad:
        for name, kind, n in bad:
            click.echo(f"  bad {n:4d}  {name} ({kind})")


if __name__ == "__main__":
    main()
