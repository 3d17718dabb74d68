"""``quotes extract`` on a folder of files: the default workers against one.

Writes N generated articles of our own (HTML pages, text files or both) to a folder,
then runs ``quotes extract FOLDER`` with the default workers and with ``--workers 1``,
in turn (default first in even runs, one worker first in odd ones, so that a machine's
drift weighs on both alike), and prints each side's median seconds and the median of
the per-run ratio (default / one worker).

    python benchmarks/extract_workers.py                       # 300 HTML pages
    python benchmarks/extract_workers.py --articles 300 --kind text --runs 7
    python benchmarks/extract_workers.py --write DIR           # only write the files

The workers are worth starting only for an input large enough to pay for them: the
threshold (``quotes.ingest.PARALLEL_AFTER_SECONDS``) is measured with this script.
"""
from __future__ import annotations

import argparse
import html
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "council budget river bridge school plan town minister voters election tax report police "
    "hospital road court market water energy farm union strike park museum station trade "
    "county board vote rates housing transport health lawmakers company workers families"
).split()
NAMES = ["Ann Lee", "Tom Baker", "Maria Gomez", "Sam Patel", "Jo Novak", "Li Wei", "Ada Okafor"]
CUES = ["said", "told reporters", "added", "warned", "argued"]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n)).capitalize()


def paragraph(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    kind = rng.random()
    if kind < 0.35:
        return f"\u201c{sentence(rng, 14)},\u201d {name} {rng.choice(CUES)}. {sentence(rng, 16)}."
    if kind < 0.5:
        return f"{name} {rng.choice(CUES)} that the {rng.choice(WORDS)} was \u201c{sentence(rng, 6).lower()}.\u201d"
    if kind < 0.6:
        return f"\u201c{sentence(rng, 9)}?\u201d asked {name}. \u201c{sentence(rng, 12)}.\u201d"
    return f"{sentence(rng, 20)}. {sentence(rng, 12)}. {sentence(rng, 9)}."


def article(rng: random.Random, i: int) -> tuple[str, str, list[str]]:
    """(title, byline, paragraphs) of article ``i``."""
    title = f"{sentence(rng, 6)} in dispatch {i}"
    byline = f"By {rng.choice(NAMES)}"
    return title, byline, [paragraph(rng) for _ in range(rng.randint(8, 24))]


def as_html(rng: random.Random, title: str, byline: str, paras: list[str]) -> str:
    """A page the size of a news site's (about 110 KB): the article inside menus, teasers,
    scripts and styles, as trafilatura meets them."""
    e = html.escape
    links = "".join(
        f'<li class="menu-item"><a href="/section/{i}/{w}">{w.title()} {i}</a></li>'
        for i, w in enumerate(rng.choices(WORDS, k=160))
    )
    teasers = "".join(
        f'<div class="teaser"><div class="teaser-inner"><a href="/story/{i}"><h3>{e(sentence(rng, 7))}</h3></a>'
        f'<p>{e(sentence(rng, 18))}.</p><span class="time">{i} hours ago</span></div></div>'
        for i in range(40)
    )
    script = "".join(
        f"window.cfg_{i} = {{slot: '{w}', sizes: [[300, 250], [728, 90]], lazy: true}};\n"
        for i, w in enumerate(rng.choices(WORDS, k=600))
    )
    style = "".join(f".c{i} {{ margin: {i % 9}px; color: #{i % 4096:03x}; }}\n" for i in range(800))
    body = "\n".join(f'<div class="para-wrap"><p class="body-text">{e(p)}</p></div>' for p in paras)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{e(title)}</title>'
        f'<meta name="author" content="{e(byline[3:])}">'
        f"<style>{style}</style><script>{script}</script></head><body>"
        f'<header><nav><ul class="menu">{links}</ul></nav></header><div class="page"><div class="columns">'
        f'<main><article><h1>{e(title)}</h1><p class="byline">{e(byline)}</p>\n{body}</article></main>'
        f'<aside class="related">{teasers}</aside></div></div>'
        f'<footer><ul class="menu">{links}</ul><p>All rights reserved.</p></footer></body></html>\n'
    )


def as_text(title: str, byline: str, paras: list[str]) -> str:
    return f"{title}\n\n{byline}\n\n" + "\n\n".join(paras) + "\n"


def write_articles(folder: Path, n: int, kind: str, seed: int = 1) -> None:
    """``n`` articles in ``folder``: HTML pages, text files, or both in turn (``mixed``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        title, byline, paras = article(rng, i)
        page = kind == "html" or (kind == "mixed" and i % 2 == 0)
        if page:
            (folder / f"{i:05d}.html").write_text(as_html(rng, title, byline, paras), encoding="utf-8")
        else:
            (folder / f"{i:05d}.txt").write_text(as_text(title, byline, paras), encoding="utf-8")


def timed(args: list[str]) -> float:
    cmd = [sys.executable, "-c", "from cli.main import cli; cli()", "extract", *args]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"quotes extract failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300, help="how many articles (default 300)")
    parser.add_argument("--kind", choices=("html", "text", "mixed"), default="html", help="default: html")
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs (default 5)")
    parser.add_argument("--write", metavar="DIR", help="write the articles to DIR and stop")
    args = parser.parse_args()
    if args.write:
        write_articles(Path(args.write), args.articles, args.kind)
        return
    tmp = Path(tempfile.mkdtemp(prefix="quotes-extract-bench-"))
    try:
        folder = tmp / "articles"
        write_articles(folder, args.articles, args.kind)
        timed([str(folder), "--workers", "1"])  # warm the file cache and the imports
        default: list[float] = []
        one: list[float] = []
        for run in range(args.runs):
            pair = [("default", [str(folder)]), ("one", [str(folder), "--workers", "1"])]
            for side, cli_args in pair if run % 2 == 0 else pair[::-1]:
                (default if side == "default" else one).append(timed(cli_args))
        ratios = [d / o for d, o in zip(default, one)]
        print(f"{args.articles} {args.kind} articles, {args.runs} runs")
        print(f"default workers: {statistics.median(default):.2f}s (median; {min(default):.2f}-{max(default):.2f})")
        print(f"--workers 1:     {statistics.median(one):.2f}s (median; {min(one):.2f}-{max(one):.2f})")
        print(f"ratio default / one: {statistics.median(ratios):.3f} (median; {min(ratios):.3f}-{max(ratios):.3f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
