"""Past one machine: extraction, loading and the Whoosh build at scale, and what 200
million articles would take on a cluster.

Generates a corpus of N articles as JSON Lines (benchmarks/ingest.py's generator), then
runs the commands a cluster run would, each in a subprocess, sampling every process of
its tree (wall time, CPU time, peak RSS of the parent and of each child):

    extract-compare  quotes extract --output on a slice of the corpus (--extract-articles):
                     the process pool (default workers), and --scheduler local with 1
                     and with 2 workers (articles/s, and per worker)
    extract          quotes extract --output on the whole corpus: the shards loaded next
    load             quotes load SHARDS --no-whoosh (SQLite and FTS5; articles/s, quotes/s)
    whoosh           quotes index --rebuild --procs 1, then --procs 2 (quotes/s, index size)
    search           search latency at that size, Whoosh and FTS5 (p50 / p95), each search
                     under the served site's time budget (how many it stopped)
    project          wall time and cost for --target articles on N workers, from the
                     measured per-worker rate

    python benchmarks/scale.py --articles 2000 --extract-articles 500    # a quick run
    python benchmarks/scale.py --workdir /tmp/scale                      # 1,000,000 articles
    python benchmarks/scale.py --workdir /tmp/scale --reuse --stage whoosh --stage project
    python benchmarks/scale.py --workdir /tmp/scale --reuse --stage whoosh --whoosh-procs 2

Figures are kept in WORKDIR/figures.json, so a stage run again (``--reuse``, the same
corpus and shards) replaces its own figures and ``project`` uses the latest ones.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest import _cpu_seconds, _tree, du, write_corpus

STAGES = ("extract-compare", "extract", "load", "whoosh", "search", "project")
QUOTES = [sys.executable, "-c", "from cli.main import cli; cli()"]  # this checkout's code


def _peak_kb(pid: int) -> int:
    """The peak resident set (VmHWM) of one process, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_sampled(args: list[str], log: Path) -> dict[str, Any]:
    """Run ``quotes ARGS`` in a subprocess; its wall and CPU seconds, the peak RSS of the
    parent and of its largest child (MB), how many processes it had, and its output."""
    started = time.monotonic()
    with log.open("w") as err:
        proc = subprocess.Popen([*QUOTES, *args], stdout=subprocess.PIPE, stderr=err, cwd=ROOT, text=True)
        peaks: dict[int, int] = {}
        cpu: dict[int, float] = {}
        while proc.poll() is None:
            for p in _tree(proc.pid):
                try:
                    peaks[p] = max(peaks.get(p, 0), _peak_kb(p))
                    cpu[p] = max(cpu.get(p, 0.0), _cpu_seconds(p))
                except (OSError, IndexError, ValueError):
                    pass
            time.sleep(0.5)
        out = proc.stdout.read() if proc.stdout else ""
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"quotes {' '.join(args)} failed ({proc.returncode}); see {log}")
    children = [kb for p, kb in peaks.items() if p != proc.pid]
    return {
        "seconds": wall,
        "cpu_seconds": sum(cpu.values()),
        "parent_peak_mb": peaks.get(proc.pid, 0) / 1024,
        "child_peak_mb": max(children, default=0) / 1024,
        "processes": len(peaks),
        "output": out,
    }


def _count_shards(folder: Path) -> tuple[int, int]:
    """(articles, quotes) in the shards of ``folder``."""
    import gzip

    articles = quotes = 0
    for shard in sorted(folder.glob("part-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as f:
            for line in f:
                articles += 1
                quotes += len(json.loads(line)["quotes"])
    return articles, quotes


def _row(name: str, r: dict[str, Any], extra: str = "") -> str:
    return (
        f"{name:<34} {r['seconds']:>8.1f} s  cpu {r['cpu_seconds']:>8.1f} s  parent {r['parent_peak_mb']:>6.0f} MB"
        f"  largest child {r['child_peak_mb']:>6.0f} MB  ({r['processes']} processes){extra}"
    )


def stage_extract(corpus: Path, out: Path, runs: list[tuple[str, list[str], int]], work: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, options, workers in runs:
        shards = out / name
        shutil.rmtree(shards, ignore_errors=True)
        r = run_sampled(["extract", str(corpus), "--output", str(shards), *options], work / f"extract-{name}.log")
        articles, quotes = _count_shards(shards)
        r.update(articles=articles, quotes=quotes, workers=workers, articles_per_s=articles / r["seconds"])
        r["articles_per_s_per_worker"] = r["articles_per_s"] / workers
        r.pop("output")
        figures[name] = r
        click.echo(_row(f"extract {name}", r, f"  {r['articles_per_s']:,.0f} articles/s,"
                                             f" {r['articles_per_s_per_worker']:,.0f} per worker"))
    return figures


def _latencies(db: Path, n: int, seed: int = 1) -> dict[str, Any]:
    """p50 / p95 ms of ``n`` one-word and ``n`` two-word-phrase searches, Whoosh and FTS5,
    each under the served site's time budget, and how many that budget stopped."""
    from index import QuoteIndex
    from index.budget import SITE_SECONDS, time_budget
    from index.errors import BudgetExceeded
    from index.fts import search_fts
    from quotes.store import Store

    store = Store(db, read_only=True)
    rng = random.Random(seed)
    top = store.max_quote_id() or 0
    texts = [row["quote"] for row in store.quote_rows(rng.sample(range(1, top + 1), min(n, top)))]
    words = [[w for w in t.split() if w.isalpha() and len(w) > 3] for t in texts]
    terms = [rng.choice(ws) for ws in words if ws]
    phrases = ['"' + " ".join(t.split()[:2]) + '"' for t in texts if len(t.split()) > 1]
    out: dict[str, Any] = {}
    with QuoteIndex(store.index_dir) as qi:
        for kind, queries in (("term", terms), ("phrase", phrases)):
            for engine in ("whoosh", "fts5"):
                times, stopped = [], 0
                for q in queries:
                    t = time.perf_counter()
                    try:
                        with time_budget(SITE_SECONDS):
                            qi.search(q, store=store) if engine == "whoosh" else search_fts(store, q)
                    except BudgetExceeded:
                        stopped += 1
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                out[f"{engine} {kind}"] = (statistics.median(times), times[int(0.95 * (len(times) - 1))], stopped, len(times))
    return out


def project(figures: dict[str, Any], target: int, workers: list[int], price: float) -> None:
    """The table of wall time and cost for ``target`` articles on each number of workers."""
    runs = figures.get("extract-compare", {})
    cluster = runs.get("local-2") or runs.get("local-1")
    if not cluster:
        click.echo("project: no extraction figures yet (run the extract-compare stage)")
        return
    rate = cluster["articles_per_s_per_worker"]
    quotes_per_article = cluster["quotes"] / max(cluster["articles"], 1)
    load = figures.get("load")
    click.echo(f"\n{target:,} articles at {rate:,.0f} articles/s per worker (LocalCluster, {cluster['workers']}"
               f" workers of one core each), ${price:.3f} per core-hour:")
    click.echo(f"{'workers':>8} {'extraction wall':>16} {'core-hours':>11} {'cost':>10}")
    for n in workers:
        seconds = target / (rate * n)
        core_hours = n * seconds / 3600
        click.echo(f"{n:>8,} {_duration(seconds):>16} {core_hours:>11,.0f} {'$' + format(core_hours * price, ',.0f'):>10}")
    if load:
        seconds = target / load["articles_per_s"]
        click.echo(f"then quotes load --no-whoosh on one machine: {_duration(seconds)} at {load['articles_per_s']:,.0f}"
                   f" articles/s ({target * quotes_per_article:,.0f} quotes at {quotes_per_article:.1f} a article)")
    whoosh = figures.get("whoosh", {}).get("procs-2")
    if whoosh:
        seconds = target * quotes_per_article / whoosh["quotes_per_s"]
        click.echo(f"a Whoosh index of them, at {whoosh['quotes_per_s']:,.0f} quotes/s (2 processes): {_duration(seconds)}")


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


@click.command(help=__doc__)
@click.option("--articles", type=int, default=1_000_000, show_default=True, help="Articles in the corpus.")
@click.option("--extract-articles", type=int, default=20_000, show_default=True,
              help="Articles of the slice each extraction configuration runs on.")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("/tmp/quotes-scale"),
              show_default=True)
@click.option("--reuse", is_flag=True, help="Keep the corpus, shards and database already in WORKDIR.")
@click.option("--stage", "stages", multiple=True, type=click.Choice(STAGES), help="Run only these stages.")
@click.option("--skip", multiple=True, type=click.Choice(STAGES), help="Skip these stages.")
@click.option("--whoosh-procs", "whoosh_procs", multiple=True, type=int,
              help="The Whoosh builds to time, by processes (default: 1 and 2); figures of others are kept.")
@click.option("--queries", type=int, default=100, show_default=True, help="Searches of each kind for latency.")
@click.option("--target", type=int, default=200_000_000, show_default=True, help="Articles to project for.")
@click.option("--cluster-workers", "cluster_workers", multiple=True, type=int, help="Workers to project for.")
@click.option("--price-per-core-hour", "price", type=float, default=0.04, show_default=True,
              help="The price of one core for an hour, in dollars.")
def main(articles: int, extract_articles: int, workdir: Path, reuse: bool, stages: tuple[str, ...],
         skip: tuple[str, ...], whoosh_procs: tuple[int, ...], queries: int, target: int, cluster_workers: tuple[int, ...], price: float) -> None:
    chosen = [s for s in (stages or STAGES) if s not in skip]
    workdir.mkdir(parents=True, exist_ok=True)
    figures_path = workdir / "figures.json"
    figures: dict[str, Any] = json.loads(figures_path.read_text()) if reuse and figures_path.exists() else {}

    def save() -> None:
        figures_path.write_text(json.dumps(figures, indent=2))

    corpus, sliced = workdir / "corpus.jsonl", workdir / "slice.jsonl"
    needs_corpus = {"extract-compare", "extract"} & set(chosen)
    if needs_corpus and not (reuse and corpus.exists() and figures.get("corpus", {}).get("articles") == articles):
        t = time.monotonic()
        write_corpus(corpus, articles)
        with corpus.open() as f, sliced.open("w") as out:
            out.writelines(islice(f, extract_articles))
        figures["corpus"] = {"articles": articles, "slice": extract_articles, "mb": corpus.stat().st_size / 1e6}
        save()
        click.echo(f"wrote {articles:,} articles ({corpus.stat().st_size / 1e6:,.0f} MB) in {time.monotonic() - t:.0f}s")
    cores = len(os.sched_getaffinity(0))
    click.echo(f"{cores} cores; load average {os.getloadavg()[0]:.1f}; work folder {workdir}")

    if "extract-compare" in chosen:
        runs = [("pool", [], cores), ("local-1", ["--scheduler", "local", "--workers", "1"], 1),
                ("local-2", ["--scheduler", "local", "--workers", "2"], 2)]
        figures["extract-compare"] = stage_extract(sliced, workdir / "compare", runs, workdir)
        for r in figures["extract-compare"].values():
            r["load_average"] = os.getloadavg()[0]
        shutil.rmtree(workdir / "compare", ignore_errors=True)
        save()
    shards = workdir / "shards"
    if "extract" in chosen:
        figures["extract"] = stage_extract(corpus, workdir, [("shards", [], cores)], workdir)["shards"]
        save()
    db = workdir / "scale.db"
    if "load" in chosen:
        for p in workdir.glob("scale.*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        r = run_sampled(["load", str(shards), "--db", str(db), "--no-whoosh", "--json"], workdir / "load.log")
        report = json.loads(r.pop("output"))
        r.update(articles=report["articles_added"], quotes=report["quotes_added"])
        r.update(articles_per_s=r["articles"] / r["seconds"], quotes_per_s=r["quotes"] / r["seconds"])
        r["db_mb"] = sum(du(p) for p in workdir.glob("scale.db*") if p.is_file()) / 1e6
        figures["load"] = r
        click.echo(_row("load --no-whoosh", r, f"  {r['articles_per_s']:,.0f} articles/s, {r['quotes_per_s']:,.0f}"
                                                f" quotes/s, database {r['db_mb']:,.0f} MB"))
        save()
    if "whoosh" in chosen:
        figures.setdefault("whoosh", {})
        for procs in whoosh_procs or (1, 2):
            r = run_sampled(["index", "--rebuild", "--db", str(db), "--procs", str(procs)], workdir / f"whoosh-{procs}.log")
            quotes = int(r.pop("output").split()[1])
            r.update(procs=procs, quotes=quotes, quotes_per_s=quotes / r["seconds"], index_mb=du(workdir / "scale.index") / 1e6)
            figures["whoosh"][f"procs-{procs}"] = r
            click.echo(_row(f"index --rebuild --procs {procs}", r, f"  {r['quotes_per_s']:,.0f} quotes/s,"
                                                                 f" index {r['index_mb']:,.0f} MB"))
            save()
    if "search" in chosen:
        figures["search"] = _latencies(db, queries)
        for name, (p50, p95, stopped, n) in figures["search"].items():
            click.echo(f"search {name:<14} p50 {p50:>8.1f} ms  p95 {p95:>8.1f} ms  stopped by the site's budget: {stopped} of {n}")
        save()
    if "project" in chosen:
        project(figures, target, list(cluster_workers or (10, 50, 100, 500)), price)


if __name__ == "__main__":
    main()
