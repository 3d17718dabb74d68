"""Datasette page latency on a large quotes database.

Builds (or reuses, with --db) a database of N generated quotes with the project's
schema, its FTS5 table and its Whoosh index, then requests each page through
Datasette's ASGI client, exactly as `quotes serve` configures it, and prints the
median and 95th percentile response time per page.

    python benchmarks/datasette.py                          # 1,000,000 quotes
    python benchmarks/datasette.py --quotes 50000           # a quick run
    python benchmarks/datasette.py --db /tmp/bench/bench.db # reuse a database
    python benchmarks/datasette.py --db /tmp/bench/bench.db --no-plugin --only search --facet-sql

The text is generated from a made-up vocabulary (benchmarks/search.py's generator).
Searches use one word drawn from a stored quote per request; a search from the search
box on quotes or quotes_view is redirected to the ranked quote_search view, and the
time includes the redirect. --facet-sql also times, directly in SQLite and without
Datasette's facet time limit, each facet query of the 4-facet quotes_view page.
"""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import click

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is named datasette.py: keep its folder off the path so `import datasette`
# finds the package, not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

from index import index_exists, rebuild  # noqa: E402
from quotes.store import Store  # noqa: E402
from quotes_datasette.serve import make_datasette  # noqa: E402

TARGET_MS = 300


def build(db_path: Path, n_quotes: int) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_search", HERE / "search.py")
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    generate_db = search.generate_db

    for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    gen = generate_db(db_path, n_quotes, corpus=None)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("insert into quotes_fts(quotes_fts) values('rebuild')")
    conn.execute("analyze")
    conn.close()
    click.echo(
        f"generated {gen['quotes']:,} quotes in {gen['articles']:,} articles by {gen['speakers']:,} speakers,"
        f" with FTS5, in {time.perf_counter() - t:.0f}s",
        err=True,
    )


def build_index(db_path: Path, index_dir: Path) -> None:
    t = time.perf_counter()
    store = Store(db_path)
    count = rebuild(store, index_dir)
    store.db.conn.close()
    click.echo(f"Whoosh index of {count:,} quotes built in {time.perf_counter() - t:.0f}s", err=True)


def pages(db_name: str, conn: sqlite3.Connection, rng: random.Random, n: int) -> dict[str, list[str]]:
    """Paths to request for each kind of page (search words drawn from the data)."""
    top_speakers = [r[0] for r in conn.execute(
        "select speakers.name from speakers join (select speaker_id, count(*) c from quotes"
        " where speaker_id <= 200 group by speaker_id order by c desc limit 20) t on t.speaker_id = speakers.id"
    )]
    max_id = conn.execute("select max(id) from quotes").fetchone()[0]
    words: list[str] = []  # one word per search, drawn from stored quotes
    claims: list[str] = []  # 6 to 10 consecutive words of a stored quote, with its speaker
    while len(words) < n or len(claims) < n:
        row = conn.execute(
            "select quotes.text, speakers.name from quotes left join speakers on speakers.id = quotes.speaker_id"
            " where quotes.id = ?",
            [rng.randint(1, max_id)],
        ).fetchone()
        if not row:
            continue
        tokens = row[0].split()
        candidates = [w.strip(".,;:!?").lower() for w in tokens if len(w) > 5]
        if candidates and len(words) < n:
            words.append(rng.choice(candidates))
        if len(tokens) >= 6 and len(claims) < n:
            k = rng.randint(6, min(10, len(tokens)))
            i = rng.randint(0, len(tokens) - k)
            claims.append(urlencode({"words": " ".join(tokens[i : i + k]), "speaker": row[1] or ""}))
    db = f"/{db_name}"
    return {
        # default facets: speaker_id (with labels) and kind
        "quotes table": [f"{db}/quotes"] * n,
        "quotes table, page 50": [f"{db}/quotes?_next={50 * 100}"] * n,
        "quotes + method facet": [f"{db}/quotes?_facet=method"] * n,
        # default facets: publisher and published (by date)
        "articles (publisher, date)": [f"{db}/articles"] * n,
        "quotes_view, 4 facets asked": [
            f"{db}/quotes_view?_facet=speaker&_facet=publisher&_facet=kind&_facet_date=published"
        ] * n,
        "quotes_view by speaker, 3 facets": [
            f"{db}/quotes_view?speaker={quote(s)}&_facet=publisher&_facet=kind&_facet_date=published"
            for s in rng.choices(top_speakers, k=n)
        ],
        "quotes_view browse": [f"{db}/quotes_view"] * n,
        "quotes_view by speaker": [f"{db}/quotes_view?speaker={quote(s)}" for s in rng.choices(top_speakers, k=n)],
        # the search box: quotes_view and quotes redirect HTML searches to quote_search
        "search box, quotes_view (ranked)": [f"{db}/quotes_view?_search={w}" for w in words],
        "search box, quotes (ranked)": [f"{db}/quotes?_search={w}&_sort=id" for w in words],
        "quote_search ranked": [f"{db}/quote_search?_search={w}" for w in words],
        "quote_search ranked, 2 facets": [f"{db}/quote_search?_search={w}&_facet=speaker&_facet=publisher" for w in words],
        "quotes_view.json search (ranked)": [f"{db}/quotes_view.json?_search={w}" for w in words],
        "quotes.json search (id order)": [f"{db}/quotes.json?_search={w}" for w in words],
        "canned who_said": [f"{db}/who_said?phrase={w}" for w in words],
        "plugin /-/quotes?q=": [f"/-/quotes?q={w}" for w in words],
        "plugin /-/quotes (speaker)": [f"/-/quotes?q={w}&speaker={quote(s)}" for w, s in zip(words, rng.choices(top_speakers, k=n))],
        "plugin verify (phrase)": [f"/-/quotes/verify?{c}" for c in claims],
    }


def facet_sql_times(db_path: Path, repeat: int = 3) -> list[tuple[str, float]]:
    """Median time of each facet query of the "4 facets asked" page, run directly in
    SQLite with no time limit (Datasette stops each at facet_time_limit_ms)."""
    inner = "select * from quotes_view"
    queries = {
        f"facet {col}": f"select {expr} as value, count(*) as count from ({inner}) where {expr} is not null"
        f" group by {expr} order by count desc, value limit 31"
        for col, expr in (("speaker", "speaker"), ("publisher", "publisher"), ("kind", "kind"),
                          ("published (date)", "date(published)"))
    }
    queries["count(*)"] = f"select count(*) from ({inner})"
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    out = []
    for name, sql in queries.items():
        timings = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.execute(sql).fetchall()
            timings.append((time.perf_counter() - t) * 1000)
        out.append((name, statistics.median(timings)))
    conn.close()
    return out


async def measure(
    db_path: Path, index_dir: Path, n: int, plugin: bool = True, only: tuple[str, ...] = ()
) -> list[tuple[str, float, float, str]]:
    ds = make_datasette(db_path, index_dir=index_dir)
    await ds.invoke_startup()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    plan = pages(db_path.stem, conn, random.Random(7), n)
    conn.close()
    if not plugin:
        plan = {k: v for k, v in plan.items() if not k.startswith("plugin")}
    if only:
        plan = {k: v for k, v in plan.items() if any(o in k for o in only)}
    rows = []
    for name, paths in plan.items():
        # a redirect (a search sent to quote_search) is followed, and timed with it
        response = await ds.client.get(paths[0], follow_redirects=True)  # warm up caches and check it works
        if response.status_code != 200:
            raise click.ClickException(f"{paths[0]}: HTTP {response.status_code}: {response.text[:300]}")
        timings = []
        notes: set[str] = set()
        for path in paths:
            t = time.perf_counter()
            response = await ds.client.get(path, follow_redirects=True)
            timings.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                notes.add(f"HTTP {response.status_code}")  # e.g. the SQL time limit
            elif "These facets timed out" in response.text:
                notes.add("a facet timed out")
        s = sorted(timings)
        rows.append((name, statistics.median(s), s[min(len(s) - 1, round(0.95 * (len(s) - 1)))], ", ".join(sorted(notes))))
        click.echo(f"  {name}: {rows[-1][1]:.0f} ms", err=True)
    return rows


@click.command()
@click.option("--quotes", "n_quotes", default=1_000_000, show_default=True, help="Quotes to generate.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), help="Reuse (or build at) this database.")
@click.option("--requests", "n", default=20, show_default=True, help="Requests per page.")
@click.option("--keep", is_flag=True, help="Keep the generated database and index.")
@click.option("--no-plugin", is_flag=True, help="Skip the Whoosh index and the plugin's pages.")
@click.option("--only", multiple=True, help="Measure only pages whose name contains this (repeatable).")
@click.option("--facet-sql", is_flag=True, help="Also time the facet queries of the 4-facet page directly in SQLite.")
def main(n_quotes: int, db_path: Path | None, n: int, keep: bool, no_plugin: bool, only: tuple[str, ...], facet_sql: bool) -> None:
    """Median / 95th percentile Datasette response times on a large database."""
    work = None
    if db_path is None:
        work = Path(tempfile.mkdtemp(prefix="quotes-ds-bench-"))
        db_path = work / "bench.db"
    index_dir = db_path.with_name(db_path.stem + ".index")
    if not db_path.exists():
        build(db_path, n_quotes)
    else:
        Store(db_path).db.conn.close()  # a reused database gets the current views
    if not no_plugin and not index_exists(index_dir):
        build_index(db_path, index_dir)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    total = conn.execute("select count(*) from quotes").fetchone()[0]
    conn.close()
    load_before = os.getloadavg()[0]
    rows = asyncio.run(measure(db_path, index_dir, n, plugin=not no_plugin, only=only))
    load = os.getloadavg()[0]
    click.echo(f"\nDatasette {__import__('datasette').__version__}, SQLite {sqlite3.sqlite_version}, {total:,} quotes,"
               f" {n} requests per page (target p50 <= {TARGET_MS} ms);"
               f" load average {load_before:.1f} before, {load:.1f} after, on {os.cpu_count()} CPUs\n")
    click.echo(f"{'page':<36}{'p50 ms':>9}{'p95 ms':>9}  note")
    for name, p50, p95, notes in rows:
        note = "ok" if p50 <= TARGET_MS else f"over by {p50 - TARGET_MS:.0f} ms"
        if notes:
            note += f" ({notes})"
        click.echo(f"{name:<36}{p50:>9.0f}{p95:>9.0f}  {note}")
    if facet_sql:
        click.echo("\nFacet queries of the 4-facet quotes_view page, in SQLite without a time limit (median of 3):\n")
        for name, ms in facet_sql_times(db_path):
            click.echo(f"{name:<36}{ms:>9.0f} ms")
    if work is not None:
        if keep:
            click.echo(f"\n(kept {work})", err=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
