"""Search and verify at scale: Whoosh against SQLite FTS5 over the same quotes.

Generates N realistic quotes (sentences recombined from a corpus, speakers drawn from a
Zipf distribution over thousands of names, dates over ten years) into a quotes database
with the project's schema, builds the Whoosh index and the FTS5 index, and prints build
rate, peak memory, size on disk and median / 95th percentile query latencies.

    python benchmarks/search.py                  # 1,000,000 quotes
    python benchmarks/search.py --quotes 20000   # a quick run
    python benchmarks/search.py --corpus articles.jsonl --workdir /tmp/bench

The corpus is any JSON Lines file with a "text" field (sentences are taken from it);
without one, sentences are generated from a made-up vocabulary.
"""
from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from whoosh.analysis import STOP_WORDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import QuoteIndex, rebuild, verify  # noqa: E402
from quotes.store import Store  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear.train.jsonl"
FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan"
    " Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra"
    " Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin"
    " Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey"
    " Cynthia Ryan Dorothy Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda"
    " Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra"
    " Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry Helen Tyler"
    " Catherine Aaron Diane Jose Julie Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly Douglas Christina"
    " Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Walter Hannah Christian Andrea Keith Megan"
    " Roger Cheryl Terry Jacqueline Austin Madison Sean Teresa Gerald Abigail Carl Sophia Harold Martha Dylan"
    " Sara Arthur Gloria Lawrence Janice Jordan Kathryn Jesse Ann Bryan Isabella Billy Judy Bruce Charlotte"
    " Gabriel Julia Joe Grace Logan Amber Alan Alice Juan Jean Albert Denise Willie Frances Elijah Danielle"
).split()
SYLLABLES = (
    "an ber bro chen dal der dorf el en fer gan gar har hol ing ja kov la ler lin man mar mer mon na nov"
    " ol or pe quist ra ren ric ro sa sen ski son stein ta ter ton va vic wald well wick ya zer"
).split()
PUBLISHERS = (
    "Daily Courier|Morning Herald|The Ledger|Evening Post|Capital Gazette|Northern Tribune|Coastal Times"
    "|Valley Chronicle|Metro Observer|National Monitor|Harbor Press|River Journal|Summit Review|Prairie News"
    "|City Bulletin|Weekly Standard-Bearer|Lakeside Register|Granite Sentinel|Union Dispatch|Frontier Record"
    "|Global Wire|Civic Voice|Plains Examiner|Mountain Star|Bay Reporter|Delta Herald|Pacific Daily"
    "|Atlantic Dispatch|Central Mirror|Open Source Wire"
).split("|")
ROLES = ["Senator", "Governor", "Mayor", "Minister", "spokesperson", "President", "economist", "CEO", None]
STOP = set(
    "the a an and or of to in on for with at by from as is was are were be been it its this that he she they"
    " we i you his her their our not but have has had will would can could said says do does did".split()
) | set(STOP_WORDS)  # the index drops Whoosh's stop words: a query of one is an error
WORD = re.compile(r"[A-Za-z][a-z]+")


# -- corpus -----------------------------------------------------------------------


def corpus_sentences(path: Path | None, rng: random.Random, limit: int = 60_000) -> list[str]:
    sentences: list[str] = []
    if path and path.exists():
        with open(path, encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("text") or ""
                for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")):
                    s = s.strip().strip("\"“”")
                    n = len(s.split())
                    if 6 <= n <= 40 and '"' not in s and "“" not in s and "”" not in s:
                        sentences.append(s)
                if len(sentences) >= limit:
                    break
    if len(sentences) < 1000:
        vocab = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(20_000)]
        cum = list(itertools.accumulate(1 / (k + 1) for k in range(len(vocab))))
        for _ in range(limit):
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 30))
            sentences.append(" ".join(words).capitalize() + ".")
    return sentences


def make_quote(sentences: list[str], rng: random.Random) -> str:
    """One or two sentences, sometimes spliced at a word boundary (new wording)."""
    a = rng.choice(sentences)
    if rng.random() < 0.5:
        b = rng.choice(sentences).split()
        cut_a = a.split()
        i = rng.randint(3, max(3, len(cut_a) - 1))
        j = rng.randint(0, max(0, len(b) - 4))
        a = " ".join(cut_a[:i] + b[j:])
    if rng.random() < 0.25:
        a += " " + rng.choice(sentences)
    return a


def make_speakers(n: int, rng: random.Random) -> list[tuple[str, str, str | None]]:
    seen: set[str] = set()
    out: list[tuple[str, str, str | None]] = []
    while len(out) < n:
        last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{rng.choice(FIRST)} {last}"
        if name in seen:
            continue
        seen.add(name)
        out.append((name, last, rng.choice(ROLES)))
    return out


# -- database ---------------------------------------------------------------------


def generate_db(db_path: Path, n_quotes: int, corpus: Path | None, seed: int = 1) -> dict[str, Any]:
    """Fill a database with the project's schema (through Store) by bulk insert."""
    rng = random.Random(seed)
    sentences = corpus_sentences(corpus, rng)
    speakers = make_speakers(max(1000, min(20_000, n_quotes // 100)), rng)
    cum_weights = list(itertools.accumulate(1 / (k + 1) ** 1.07 for k in range(len(speakers))))
    speaker_range = range(len(speakers))
    store = Store(db_path)
    db = store.db
    conn = db.conn
    # FTS5 is built once at the end (timed), not row by row through the triggers.
    for (name,) in conn.execute("select name from sqlite_master where type = 'trigger'").fetchall():
        conn.execute(f"drop trigger [{name}]")
    conn.execute("pragma synchronous = off")
    with conn:
        conn.executemany(
            "insert into speakers (id, name, kind, role) values (?, ?, 'person', ?)",
            [(i + 1, s[0], s[2]) for i, s in enumerate(speakers)],
        )
        aliases = [(i + 1, s[0]) for i, s in enumerate(speakers)] + [(i + 1, s[1]) for i, s in enumerate(speakers)]
        conn.executemany("insert into speaker_aliases (speaker_id, alias) values (?, ?)", aliases)
    start_day = _dt.date(2015, 1, 1)
    qid = 0
    aid = 0
    started = time.perf_counter()
    articles: list[tuple[Any, ...]] = []
    quote_rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        with conn:
            conn.executemany(
                "insert into articles (id, doc_id, url, title, publisher, published, text, content_sha256,"
                " ingested_at) values (?,?,?,?,?,?,?,?,?)",
                articles,
            )
            conn.executemany(
                'insert into quotes (id, article_id, speaker_id, text, start, "end", paragraph, kind,'
                " speaker_mention, cue, method, confidence, context) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                quote_rows,
            )
        articles.clear()
        quote_rows.clear()

    while qid < n_quotes:
        aid += 1
        published = (start_day + _dt.timedelta(days=rng.randrange(3652))).isoformat()
        publisher = rng.choice(PUBLISHERS)
        title = make_quote(sentences, rng)[:90]
        parts: list[str] = [title, "\n\n"]
        pos = len(title) + 2
        for p in range(rng.randint(2, 8)):
            if qid >= n_quotes:
                break
            qid += 1
            sidx = rng.choices(speaker_range, cum_weights=cum_weights)[0]
            name, last, _ = speakers[sidx]
            words = make_quote(sentences, rng)
            opening = f"{name} said, \u201c"
            start = pos + len(opening)
            para = f"{opening}{words}\u201d\n\n"
            quote_rows.append(
                (qid, aid, sidx + 1, words, start, start + len(words), p, "direct", name, "said",
                 "named-subject", 0.9, f"{name} said, \u201c{words}\u201d")
            )
            parts.append(para)
            pos += len(para)
        text = "".join(parts)
        articles.append(
            (aid, f"bench-{aid}", f"https://news.example/{aid}", title, publisher, published, text,
             f"{aid:064x}", published)
        )
        if len(quote_rows) >= 20_000:
            flush()
    flush()
    generate_s = time.perf_counter() - started
    return {"quotes": qid, "articles": aid, "speakers": len(speakers), "generate_s": generate_s,
            "sentences": len(sentences)}


# -- measuring --------------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


class PeakMemory:
    """Peak resident memory of this process and its children, sampled every 50 ms."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p50 = statistics.median(s)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return p50 * 1000, p95 * 1000


CPU_TIMES: list[float] = []  # CPU seconds of the calls last timed (contention-free cost)


def timed(fn: Callable[[Any], Any], items: list[Any]) -> list[float]:
    """Wall-clock seconds per call; CPU seconds per call go to ``CPU_TIMES``."""
    out = []
    CPU_TIMES.clear()
    for item in items:
        t, c = time.perf_counter(), time.process_time()
        fn(item)
        out.append(time.perf_counter() - t)
        CPU_TIMES.append(time.process_time() - c)
    return out


# -- queries ----------------------------------------------------------------------


def sample_queries(db: sqlite3.Connection, n: int, rng: random.Random) -> dict[str, list[Any]]:
    max_id = db.execute("select max(id) from quotes").fetchone()[0]
    rows = []
    for qid in rng.sample(range(1, max_id + 1), min(max_id, n * 3)):
        row = db.execute(
            "select quotes.text, speakers.name, articles.publisher from quotes join speakers on"
            " speakers.id = quotes.speaker_id join articles on articles.id = quotes.article_id where quotes.id = ?",
            [qid],
        ).fetchone()
        if row:
            rows.append(row)
    term, phrase, fielded, fuzzy, dated = [], [], [], [], []
    for text, speaker, publisher in rows:
        words = [w.lower() for w in WORD.findall(text)]
        content = [w for w in words if w not in STOP and len(w) > 3]
        if not content or len(words) < 4:
            continue
        w = rng.choice(content)
        term.append(w)
        k = rng.choice((2, 3))
        starts = [i for i in range(len(words) - k + 1) if any(w in content for w in words[i : i + k])]
        if starts:
            i = rng.choice(starts)
            phrase.append(" ".join(words[i : i + k]))
        last = speaker.split()[-1].lower()
        fielded.append((last, w, publisher))
        j = rng.randrange(1, len(w) - 1)
        fuzzy.append(w[:j] + w[j + 1 :] if rng.random() < 0.5 else w[:j] + rng.choice("aeiou") + w[j + 1 :])
        year = rng.randint(2015, 2024)
        dated.append((w, f"{year}-01-01", f"{year}-12-31"))
    return {k: v[:n] for k, v in
            {"term": term, "phrase": phrase, "fielded": fielded, "fuzzy": fuzzy, "date": dated}.items()}


FTS_SQL = (
    "select quotes.id, quotes.text, speakers.name, articles.title, articles.publisher, articles.published,"
    " articles.url from quotes_fts join quotes on quotes.id = quotes_fts.rowid"
    " join articles on articles.id = quotes.article_id left join speakers on speakers.id = quotes.speaker_id"
    " where quotes_fts match ? {extra} order by quotes_fts.rank limit 20"
)


def fts_runner(db: sqlite3.Connection, kind: str) -> Callable[[Any], Any]:
    def run(item: Any) -> Any:
        if kind == "term":
            return db.execute(FTS_SQL.format(extra=""), [item]).fetchall()
        if kind == "phrase":
            return db.execute(FTS_SQL.format(extra=""), [f'"{item}"']).fetchall()
        if kind == "fielded":
            last, w, publisher = item
            return db.execute(
                FTS_SQL.format(extra="and quotes.speaker_id in (select speaker_id from speaker_aliases where"
                               " alias = ? collate nocase) and articles.publisher = ?"),
                [w, last, publisher],
            ).fetchall()
        if kind == "fuzzy":  # FTS5 has no edit-distance search: a prefix query is the nearest
            return db.execute(FTS_SQL.format(extra=""), [item[:4] + "*"]).fetchall()
        w, since, until = item
        return db.execute(FTS_SQL.format(extra="and articles.published between ? and ?"), [w, since, until]).fetchall()

    return run


def whoosh_runner(qi: QuoteIndex, kind: str) -> Callable[[Any], Any]:
    def run(item: Any) -> Any:
        if kind == "term":
            return qi.search(item)
        if kind == "phrase":
            return qi.search(f'"{item}"')
        if kind == "fielded":
            last, w, publisher = item
            return qi.search(f'speaker:{last} {w}', publisher=publisher)
        if kind == "fuzzy":
            return qi.search(f"{item}~")
        w, since, until = item
        return qi.search(w, since=since, until=until)

    return run


def verify_claims(db: sqlite3.Connection, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    max_id = db.execute("select max(id) from quotes").fetchone()[0]
    n_speakers = db.execute("select count(*) from speakers").fetchone()[0]
    claims = []
    for qid in rng.sample(range(1, max_id + 1), n):
        text, speaker = db.execute(
            "select quotes.text, speakers.name from quotes join speakers on speakers.id = quotes.speaker_id"
            " where quotes.id = ?", [qid]
        ).fetchone()
        words = text.split()
        i = rng.randrange(max(1, len(words) - 8))
        claim = words[i : i + rng.randint(6, 12)]
        mode = rng.choice(("confirmed", "confirmed", "altered", "misattributed"))
        if mode == "altered" and len(claim) > 3:
            claim[rng.randrange(len(claim))] = rng.choice(("never", "always", "certainly", "perhaps"))
        if mode == "misattributed":
            speaker = db.execute("select name from speakers where id = ?", [rng.randint(1, n_speakers)]).fetchone()[0]
        claims.append((" ".join(claim), speaker.split()[-1], mode))
    return claims


# -- main -------------------------------------------------------------------------


@click.command()
@click.option("--quotes", "n_quotes", type=int, default=1_000_000, show_default=True, help="Quotes to generate.")
@click.option("--queries", type=int, default=200, show_default=True, help="Queries of each kind.")
@click.option("--verifies", type=int, default=200, show_default=True, help="Verify calls to time.")
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS, show_default=True)
@click.option("--workdir", type=click.Path(path_type=Path), help="Where to build (default: a temporary folder).")
@click.option("--keep", is_flag=True, help="Keep the database and index afterwards.")
@click.option("--procs", type=int, help="Whoosh writer processes (default: 2 from 50,000 quotes).")
@click.option("--limitmb", type=int, default=256, show_default=True, help="Whoosh writer memory per process.")
@click.option("--reuse", is_flag=True, help="With --workdir: time queries on the database and index already there.")
def main(n_quotes: int, queries: int, verifies: int, corpus: Path, workdir: Path | None, keep: bool,
         procs: int | None, limitmb: int, reuse: bool) -> None:
    work = Path(workdir or tempfile.mkdtemp(prefix="quotes-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db_path = work / "bench.db"
    index_dir = work / "bench.index"
    rng = random.Random(7)
    out: list[str] = []

    def say(line: str = "") -> None:
        out.append(line)
        click.echo(line, err=True)

    if reuse and db_path.exists() and index_dir.exists():
        say(f"reusing {db_path} and {index_dir} (queries only)")
        store = Store(db_path)
        conn = store.db.conn
    else:
        for p in (db_path, Path(str(db_path) + "-wal"), Path(str(db_path) + "-shm")):
            p.unlink(missing_ok=True)
        shutil.rmtree(index_dir, ignore_errors=True)
        gen = generate_db(db_path, n_quotes, corpus)
        say(f"generated {gen['quotes']:,} quotes in {gen['articles']:,} articles by {gen['speakers']:,} speakers"
            f" ({gen['sentences']:,} source sentences) in {gen['generate_s']:.0f}s")

        store = Store(db_path)

        def cpu_seconds() -> float:
            me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

        with PeakMemory() as mem:
            t = time.perf_counter()
            cpu0 = cpu_seconds()
            rusage0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            count = rebuild(store, index_dir, procs=procs, limitmb=limitmb)
            whoosh_s = time.perf_counter() - t
            whoosh_cpu = cpu_seconds() - cpu0
        child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        whoosh_size = dir_size(index_dir)

        conn = store.db.conn
        t = time.perf_counter()
        with conn:
            conn.execute("insert into quotes_fts(quotes_fts) values('rebuild')")
        fts_s = time.perf_counter() - t
        try:
            fts_size = conn.execute("select sum(pgsize) from dbstat where name like 'quotes_fts%'").fetchone()[0] or 0
        except sqlite3.OperationalError:
            fts_size = 0
        db_size = db_path.stat().st_size

        say()
        say(f"{'build':<28}{'Whoosh':>16}{'FTS5':>16}")
        say(f"{'seconds':<28}{whoosh_s:>16.1f}{fts_s:>16.1f}")
        say(f"{'quotes/s':<28}{count / whoosh_s:>16,.0f}{count / fts_s:>16,.0f}")
        say(f"{'CPU seconds (all procs)':<28}{whoosh_cpu:>16.1f}")
        say(f"{'quotes per CPU second':<28}{count / whoosh_cpu:>16,.0f}")
        say(f"{'index size (MB)':<28}{whoosh_size / 1e6:>16.1f}{(fts_size / 1e6) if fts_size else float('nan'):>16.1f}")
        say(f"{'peak RSS, all procs (MB)':<28}{mem.peak_kb / 1024:>16.0f}")
        say(f"{'max RSS one proc (MB)':<28}{max(self_max, child_max, rusage0) / 1024:>16.0f}")
        say(f"(database file {db_size / 1e6:.0f} MB; quotes indexed: {count:,})")

    qs = sample_queries(conn, queries, rng)
    qi = QuoteIndex(index_dir)
    qi.search("warmup")
    ro = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    say()
    say(f"{'latency ms (p50 / p95)':<28}{'Whoosh':>16}{'Whoosh CPU':>16}{'FTS5':>16}   n")
    for kind, items in qs.items():
        w50, w95 = percentiles(timed(whoosh_runner(qi, kind), items))
        c50, c95 = percentiles(CPU_TIMES)
        f50, f95 = percentiles(timed(fts_runner(ro, kind), items))
        say(f"{kind:<28}{w50:>7.1f} / {w95:<6.1f}{c50:>8.1f} / {c95:<6.1f}{f50:>8.1f} / {f95:<6.1f}  {len(items)}")

    claims = verify_claims(conn, verifies, rng)
    verdicts: dict[str, int] = {}
    differ: list[str] = []

    def run_verify(claim: tuple[str, str, str]) -> None:
        v = verify(store, index_dir, claim[0], speaker=claim[1], index=qi)
        verdicts[f"{claim[2]}->{v.verdict}"] = verdicts.get(f"{claim[2]}->{v.verdict}", 0) + 1
        if v.verdict != claim[2]:
            differ.append(f"  generated {claim[2]}, verdict {v.verdict}: {claim[0]!r} --speaker {claim[1]!r}: {v.message}")

    v50, v95 = percentiles(timed(run_verify, claims))
    c50, c95 = percentiles(CPU_TIMES)
    say(f"{'verify':<28}{v50:>7.1f} / {v95:<6.1f}{c50:>8.1f} / {c95:<6.1f}{'':>16}  {len(claims)}")
    say(f"(verify outcomes, generated->verdict: {json.dumps(dict(sorted(verdicts.items())))})")
    if differ:
        say("(verdicts that differ from the generated label:)")
        out.extend(differ[:10])
    qi.close()
    click.echo("\n".join(out))
    if not keep and not workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
