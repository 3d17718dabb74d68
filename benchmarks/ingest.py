"""End-to-end ingest speed and memory: read, extract, SQLite, Whoosh.

Builds a corpus of N articles as JSON Lines in a temporary folder (paragraphs of the
PolNeAR training articles recombined when that file is available, generated text
otherwise), then times the ingest ``quotes ingest corpus.jsonl`` runs
(``index.follow.ingest_and_index``: store, and keep the search index in step) in a
subprocess with 1 and with 2 worker processes, sampling the memory of the whole process
tree.

    python benchmarks/ingest.py                      # 100,000 articles
    python benchmarks/ingest.py --articles 10000 --articles 100000 --workers 2

Figures: articles/s and quotes/s (wall clock, the whole command), CPU time per article
summed over the process tree (what the speed would be on idle cores follows from it),
peak memory of the process tree (sum of proportional set sizes, so pages shared after
fork count once) and of its largest process (RSS), database and index size on disk.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear.train.jsonl"

WORDS = (
    "council budget river bridge school plan town minister voters election tax report police "
    "hospital road court market water energy farm union strike park museum station trade"
).split()
NAMES = ["Ann Lee", "Tom Baker", "Maria Gomez", "Sam Patel", "Jo Novak", "Li Wei", "Ada Okafor"]
CUES = ["said", "told reporters", "added", "warned", "argued"]


def paragraphs_from(path: Path) -> list[str]:
    paras: list[str] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            paras.extend(p.strip() for p in text.split("\n") if len(p.strip()) > 40)
    return paras


# Between the nouns, the small words every English text is mostly made of (a text of
# nouns alone does not read as English, and gives no quotes)
GLUE = "the of and to in for on with at from by that is was will has".split()


def generated_paragraph(rng: random.Random) -> str:
    def sentence(n: int) -> str:
        nouns, glue = rng.choices(WORDS, k=(n + 1) // 2), rng.choices(GLUE, k=n // 2)
        words = [w for pair in zip(nouns, glue) for w in pair] + nouns[len(glue):]
        return " ".join(words).capitalize()

    kind = rng.random()
    name = rng.choice(NAMES)
    if kind < 0.4:
        return f"\u201c{sentence(12)},\u201d {name} {rng.choice(CUES)}. {sentence(15)}."
    if kind < 0.6:
        return f"{name} {rng.choice(CUES)} that the {rng.choice(WORDS)} was \u201c{sentence(5).lower()}.\u201d"
    return f"{sentence(18)}. {sentence(10)}."


def write_corpus(path: Path, n: int, seed: int = 1) -> None:
    """Stream ``n`` articles to ``path`` as JSON Lines."""
    rng = random.Random(seed)
    paras = paragraphs_from(POLNEAR) if POLNEAR.exists() else None
    publishers = ["gazette", "herald", "courier", "tribune", "post"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            k = rng.randint(6, 18)
            body = rng.sample(paras, k) if paras else [generated_paragraph(rng) for _ in range(k)]
            text = f"Dispatch number {i}\n\n" + "\n\n".join(body) + "\n"
            row = {
                "id": f"bench-{i}",
                "title": f"Dispatch number {i}",
                "publisher": publishers[i % len(publishers)],
                "published": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "url": f"https://news.example/{i}",
                "text": text,
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory(pid: int, cpu: dict[int, float]) -> tuple[int, int]:
    """(sum of PSS, largest RSS) in kB over the process tree of ``pid``.

    Also records each process's CPU time so far in ``cpu``.
    """
    pss_total = rss_max = 0
    for p in _tree(pid):
        try:
            cpu[p] = max(cpu.get(p, 0.0), _cpu_seconds(p))
        except (OSError, IndexError, ValueError):
            pass
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss_total += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss_max = max(rss_max, int(line.split()[1]))
        except OSError:
            continue
    return pss_total, rss_max


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(corpus: Path, workdir: Path, workers: int) -> dict[str, float]:
    db = workdir / f"w{workers}.db"
    for p in workdir.glob(f"w{workers}.*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    cmd = [sys.executable, __file__, "--child", str(corpus), str(db), str(workers)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True)
    peak_pss = peak_rss = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        pss, rss = _memory(proc.pid, cpu)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.25)
    elapsed = time.monotonic() - started
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {err.strip()[-2000:]}")
    report = json.loads(out)
    index = db.with_name(db.stem + ".index")
    db_size = sum(du(p) for p in workdir.glob(f"w{workers}.db*") if p.is_file())
    return {
        "workers": workers,
        "articles": report["articles_added"],
        "quotes": report["quotes_added"],
        "seconds": elapsed,
        "articles_per_s": report["articles_added"] / elapsed,
        "quotes_per_s": report["quotes_added"] / elapsed,
        "cpu_ms_per_article": 1000 * sum(cpu.values()) / max(report["articles_added"], 1),
        # The process that reads, stores (and with one worker extracts): CPU it used itself.
        "writer_cpu_ms_per_article": 1000 * report["writer_cpu_seconds"] / max(report["articles_added"], 1),
        "peak_tree_pss_mb": peak_pss / 1024,
        "peak_process_rss_mb": peak_rss / 1024,
        "db_mb": db_size / 1e6,
        "index_mb": du(index) / 1e6,
    }


def child(corpus: str, db: str, workers: int) -> None:
    """Ingest ``corpus`` into ``db`` and its index; print the report as JSON."""
    sys.path.insert(0, str(ROOT))
    from index.follow import ingest_and_index
    from quotes.readers import read_paths

    index_dir = Path(db).with_name(Path(db).stem + ".index")
    report, index_ok = ingest_and_index(
        db, index_dir, read_paths([corpus]), workers=workers,
        on_index_error=lambda reason: print(reason, file=sys.stderr),
    )
    if not (report.ok and index_ok):
        raise SystemExit(f"ingest incomplete: {report.to_dict()['errors'][:5]}")
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({**report.to_dict(), "writer_cpu_seconds": own.ru_utime + own.ru_stime}))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        corpus, db, workers = sys.argv[2:5]
        child(corpus, db, int(workers))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, action="append", help="corpus size (repeatable; default 100000)")
    parser.add_argument("--workers", type=int, action="append", help="worker processes (repeatable; default 1 and 2)")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep the files")
    args = parser.parse_args()
    sizes = args.articles or [100_000]
    workers = args.workers or [1, 2]
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="quotes-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    source = "PolNeAR train paragraphs" if POLNEAR.exists() else "generated text"
    print(f"corpus: {source}; {os.cpu_count()} CPUs; work folder {tmp}")
    header = (
        f"{'articles':>9} {'workers':>7} {'seconds':>8} {'art/s':>7} {'quotes/s':>9}"
        f" {'quotes':>9} {'cpu ms/art':>10} {'peak tree MB':>12} {'peak proc MB':>12} {'db MB':>7} {'index MB':>8}"
    )
    try:
        for n in sizes:
            corpus = tmp / f"corpus-{n}.jsonl"
            t = time.monotonic()
            write_corpus(corpus, n)
            print(f"wrote {n:,} articles ({corpus.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - t:.1f}s")
            print(header)
            for w in workers:
                r = run(corpus, tmp, w)
                print(
                    f"{n:>9,} {w:>7} {r['seconds']:>8.1f} {r['articles_per_s']:>7.0f} {r['quotes_per_s']:>9.0f}"
                    f" {r['quotes']:>9,} {r['cpu_ms_per_article']:>10.1f} {r['peak_tree_pss_mb']:>12.0f} {r['peak_process_rss_mb']:>12.0f}"
                    f" {r['db_mb']:>7.0f} {r['index_mb']:>8.0f}",
                    flush=True,
                )
            corpus.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
