"""The extractor's speed against another checkout of the project, side by side.

    python benchmarks/extract_pair.py --against /path/to/other/checkout [--runs 7] [--reps 3]
        [GOLD.jsonl ...]

Each run starts one process per checkout, in turn (this one first in even runs, the
other first in odd ones, so that a machine's drift weighs on both alike). A process puts
its checkout first on ``sys.path``, extracts every article of the gold files once to warm
up, then ``--reps`` more times, timed. Prints each side's articles/s (median of runs)
and the median and range of the per-run ratio of times (this checkout / the other).
The default gold files are PolNeAR dev and realnews dev. An old checkout works as long as
``from quotes.extract import extract`` does there (a module before the package split).

With ``--instructions``, each side is instead run under valgrind's callgrind (the Debian
package valgrind), once with the warm-up pass alone and once with one more pass: the
difference is the instructions of one pass, the same from run to run however busy the
machine is (each side runs with ``PYTHONHASHSEED=0``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_GOLD = [EVAL / "polnear.dev.jsonl", EVAL / "realnews.dev.jsonl"]


def worker(root: Path, gold: list[Path], reps: int) -> None:
    """Time ``reps`` extractions of every article with the checkout at ``root``; print JSON."""
    sys.path.insert(0, str(root))
    from quotes.extract import extract
    from quotes.model import Article

    source = Path(sys.modules[extract.__module__].__file__).resolve()
    if root.resolve() not in source.parents:
        raise SystemExit(f"imported {source}, not from {root}")
    texts = []
    for path in gold:
        with open(path, encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    articles = [Article(text=t) for t in texts]
    for a in articles:
        extract(a)
    t0 = time.perf_counter()
    for _ in range(reps):
        for a in articles:
            extract(a)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "articles": len(articles) * reps}))


def run(root: Path, gold: list[Path], reps: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(root), "--reps", str(reps), *map(str, gold)]
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if res.returncode != 0:
        raise SystemExit(f"{root}: {res.stderr.strip()}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def instructions(root: Path, gold: list[Path]) -> int:
    """Instructions (callgrind's count) of one extraction pass with the checkout at ``root``."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian package valgrind)")
    counts = []
    for reps in (0, 1):
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--worker", str(root), "--reps", str(reps), *map(str, gold)]
        # one hash seed for every count: with a random one, set and dict orders move the
        # count of the same code by about 1% from run to run
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        found = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
        if res.returncode != 0 or found is None:
            said = [line for line in res.stderr.splitlines() if line.strip() and not line.startswith("==")]
            raise SystemExit(f"{root}: {said[-1] if said else 'valgrind failed'}")
        counts.append(int(found.group(1)))
    return counts[1] - counts[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="*", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--against", type=Path, help="the other checkout's root (holding quotes/)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--reps", type=int, default=3, help="timed extractions of every article per process")
    ap.add_argument("--instructions", action="store_true", help="count instructions of one pass (valgrind) instead of timing")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.gold, args.reps)
        return
    if args.against is None:
        ap.error("--against is required")
    sides = {"this": ROOT, "other": args.against.resolve()}
    if args.instructions:
        counted = {side: instructions(root, args.gold) for side, root in sides.items()}
        print(f"{', '.join(p.name for p in args.gold)}; one pass after one of warm-up, counted by callgrind")
        for side in ("this", "other"):
            print(f"{side:<6} {str(sides[side]):<40} {counted[side] / 1e6:>10,.0f} million instructions")
        print(f"instruction ratio this/other: {counted['this'] / counted['other']:.3f}")
        return
    times: dict[str, list[float]] = {"this": [], "other": []}
    rates: dict[str, list[float]] = {"this": [], "other": []}
    for k in range(args.runs):
        for side in ("this", "other") if k % 2 == 0 else ("other", "this"):
            r = run(sides[side], args.gold, args.reps)
            times[side].append(r["seconds"])
            rates[side].append(r["articles"] / r["seconds"])
    ratios = sorted(a / b for a, b in zip(times["this"], times["other"]))
    print(f"{', '.join(p.name for p in args.gold)}; {args.runs} runs of {args.reps} timed passes each, "
          f"after one pass of warm-up; one process per run and side")
    for side in ("this", "other"):
        print(f"{side:<6} {str(sides[side]):<40} {statistics.median(rates[side]):>8.1f} articles/s")
    print(f"time ratio this/other: median {statistics.median(ratios):.3f} "
          f"(range {ratios[0]:.3f} to {ratios[-1]:.3f})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
