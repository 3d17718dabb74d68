"""Quote groups at scale: the cost of grouping, ingest with and without it, verify with groups.

1. Grouping cost: N generated quotes (new sentences in the words of
   ``benchmarks/search.py``'s corpus, see :class:`Sentences`; a share of them carried
   again by later articles: the same words, or trimmed, extended, with a word changed,
   or spliced from a longer quote) are written
   into a database without groups, then grouped as a database from before groups is
   when opened (:func:`quotes.groups.group_ungrouped`): quotes/s, per-quote cost, keys
   kept, and how many of the generated variants joined their source's group.
2. Ingest: ``benchmarks/ingest.py``'s corpus ingested end to end (extract, store, Whoosh)
   as that benchmark times it (one worker, extracting in the writing process, and two,
   extracting beside it), with grouping and with grouping switched
   off, alternately, in the same run: the ratio of the medians, wall clock and CPU time
   of the process tree.
3. Verify: p50 / p95 of ``benchmarks/search.py``'s verify claims on the largest
   database (with its Whoosh index), verify with the group report and without it,
   alternately on the same database.

    python benchmarks/groups.py                                  # 100,000 and 1,000,000 quotes
    python benchmarks/groups.py --quotes 20000 --articles 500    # a quick run
    python benchmarks/groups.py --workdir /tmp/groups-bench      # build once, then --reuse
    python benchmarks/groups.py --compare-lsh --quotes 20000     # keys against MinHash/LSH
    python benchmarks/groups.py --check-sentences                # generated wording against real
"""
from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest import run as run_ingest  # noqa: E402
from ingest import write_corpus  # noqa: E402
from search import (  # noqa: E402
    DEFAULT_CORPUS,
    PUBLISHERS,
    corpus_sentences,
    make_speakers,
    percentiles,
    verify_claims,
)

from quotes import groups  # noqa: E402
from quotes.store import Store  # noqa: E402

#: Share of quotes that carry an earlier quote's words again, and how.
RECUR = 0.3
VARIANTS = ("exact", "exact", "trimmed", "extended", "changed", "spliced")


# -- a corpus with quotes that recur ---------------------------------------------------


class Sentences:
    """New sentences in the corpus's words: a chain of the word that follows each word
    in the training articles, so common phrases stay common while each new quote is
    new wording. Measured on PolNeAR train (20,000 sentences, 5,000 against 10,000
    others): a real sentence shares 5.4% of its runs of four words with the others, a
    sentence of this chain 4.0% (``--check-sentences``), one of a chain on the two words
    before 46% (it copies its sources). Recombining a fixed set of sentences instead (some 20,000) puts every
    sentence in about 50 unrelated quotes of a million, which no news corpus does."""

    def __init__(self, sentences: list[str]):
        self.next: dict[str, list[str]] = {}
        for sentence in sentences:
            w = ["", *sentence.split(), ""]
            for a, b in itertools.pairwise(w):
                self.next.setdefault(a, []).append(b)

    def sentence(self, rng: random.Random, longest: int = 40) -> str:
        out: list[str] = []
        word = ""
        while len(out) < longest:
            word = rng.choice(self.next[word])
            if not word:
                if len(out) >= 6:
                    break
                continue
            out.append(word)
        return " ".join(out)

    def quote(self, rng: random.Random) -> str:
        """One new sentence, sometimes two."""
        text = self.sentence(rng)
        return text + " " + self.sentence(rng) if rng.random() < 0.25 else text


def variant(words: list[str], kind: str, rng: random.Random, sentences: Sentences) -> list[str]:
    """``words`` carried again as ``kind`` (the exact words when too short to vary)."""
    n = len(words)
    if kind == "trimmed" and n >= 10:
        cut = rng.randint(2, max(2, n // 3))
        return words[cut:] if rng.random() < 0.5 else words[:-cut]
    if kind == "extended":
        return words + sentences.sentence(rng).split()
    if kind == "changed" and n >= 8:
        i = rng.randrange(2, n - 2)
        return [*words[:i], rng.choice(("never", "always", "certainly", "perhaps")), *words[i + 1 :]]
    if kind == "spliced" and n >= 16:
        i, j = n // 3, 2 * n // 3
        return words[: i - 1] + words[j:]
    return list(words)


def generate(db_path: Path, n_quotes: int, corpus: Path | None, seed: int = 1) -> dict[str, Any]:
    """A database of ``n_quotes`` quotes, RECUR of them another article's words again,
    written around the store (no groups yet), and which quote each variant came from."""
    rng = random.Random(seed)
    sentences = Sentences(corpus_sentences(corpus, rng))
    speakers = make_speakers(max(1000, min(20_000, n_quotes // 100)), rng)
    cum_weights = list(itertools.accumulate(1 / (k + 1) ** 1.07 for k in range(len(speakers))))
    store = Store(db_path)
    conn = store.db.conn
    for (name,) in conn.execute("select name from sqlite_master where type = 'trigger'").fetchall():
        conn.execute(f"drop trigger [{name}]")  # FTS5 is rebuilt once at the end
    conn.execute("pragma synchronous = off")
    with conn:
        conn.executemany("insert into speakers (id, name, kind, role) values (?, ?, 'person', ?)",
                         [(i + 1, s[0], s[2]) for i, s in enumerate(speakers)])
        conn.executemany("insert into speaker_aliases (speaker_id, alias) values (?, ?)",
                         [(i + 1, s[0]) for i, s in enumerate(speakers)])
    start_day = _dt.date(2015, 1, 1)
    pool: list[tuple[int, list[str]]] = []  # (quote id, words) of quotes that may recur
    sources: dict[int, tuple[int, str]] = {}  # variant quote id -> (source quote id, kind)
    articles: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    qid = aid = 0
    started = time.perf_counter()

    def flush() -> None:
        with conn:
            conn.executemany("insert into articles (id, doc_id, title, publisher, published, text, content_sha256,"
                             " ingested_at) values (?,?,?,?,?,?,?,?)", articles)
            conn.executemany('insert into quotes (id, article_id, speaker_id, text, start, "end", paragraph, kind,'
                             " speaker_mention, cue, confidence) values (?,?,?,?,?,?,?,'direct',?,'said',0.9)", rows)
        articles.clear()
        rows.clear()

    while qid < n_quotes:
        aid += 1
        published = (start_day + _dt.timedelta(days=rng.randrange(3652))).isoformat()
        parts, pos = ["Report\n\n"], 8
        for p in range(rng.randint(2, 8)):
            if qid >= n_quotes:
                break
            qid += 1
            if pool and rng.random() < RECUR:
                source, words = rng.choice(pool)
                kind = rng.choice(VARIANTS)
                text = " ".join(variant(words, kind, rng, sentences))
                sources[qid] = (source, kind)
            else:
                text = sentences.quote(rng)
                if len(pool) < 50_000:
                    pool.append((qid, text.split()))
                else:
                    pool[rng.randrange(len(pool))] = (qid, text.split())
            sidx = rng.choices(range(len(speakers)), cum_weights=cum_weights)[0]
            name = speakers[sidx][0]
            para = f"{name} said, \u201c{text}\u201d\n\n"
            start = pos + len(name) + 8
            rows.append((qid, aid, sidx + 1, text, start, start + len(text), p, name))
            parts.append(para)
            pos += len(para)
        articles.append((aid, f"bench-{aid}", "Report", rng.choice(PUBLISHERS), published, "".join(parts),
                         f"{aid:064x}", published))
        if len(rows) >= 20_000:
            flush()
    flush()
    with conn:
        conn.execute("insert into quotes_fts(quotes_fts) values('rebuild')")
    store.db.conn.close()
    return {"quotes": qid, "articles": aid, "variants": sources, "seconds": time.perf_counter() - started}


def group_all(db_path: Path) -> dict[str, float]:
    """Group every quote of ``db_path`` as an upgrade does; timings and sizes."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    t, c = time.perf_counter(), time.process_time()
    n = groups.group_ungrouped(conn, "2026-01-01T00:00:00+00:00")
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    keys = conn.execute(f"select count(*) from {groups.KEYS_TABLE}").fetchone()[0]
    n_groups, shared = conn.execute(f"select count(*), sum(quotes > 1) from {groups.GROUPS_TABLE}").fetchone()
    try:
        key_mb = conn.execute("select sum(pgsize) from dbstat where name in (?, ?)",
                              [groups.KEYS_TABLE, groups.GROUPS_TABLE]).fetchone()[0] / 1e6
    except sqlite3.OperationalError:
        key_mb = float("nan")
    conn.close()
    return {"quotes": n, "seconds": seconds, "cpu": cpu, "keys": keys, "groups": n_groups,
            "shared_groups": shared or 0, "mb": key_mb}


def recall(db_path: Path, sources: dict[int, tuple[int, str]]) -> dict[str, tuple[int, int]]:
    """Per kind of variant: (joined their source's group, generated)."""
    conn = sqlite3.connect(db_path)
    out: dict[str, list[int]] = {}
    ids = list(sources)
    group_of: dict[int, int] = {}
    wanted = sorted(set(ids) | {s for s, _ in sources.values()})
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        group_of.update(conn.execute(f"select id, group_id from quotes where id in ({','.join('?' * len(chunk))})", chunk))
    conn.close()
    for qid, (source, kind) in sources.items():
        hit = out.setdefault(kind, [0, 0])
        hit[0] += int(group_of.get(qid) == group_of.get(source) is not None)
        hit[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


# -- MinHash/LSH, for the comparison the module docstring of quotes.groups cites --------


def candidate_study(n_quotes: int, corpus: Path | None, hashes: int = 64, band: int = 2) -> dict[str, Any]:
    """Winnowed keys against MinHash/LSH as ways to find candidates, on the same quotes:
    for each generated variant, whether its source is among its candidates, and how
    many candidates (other quotes to compare) each way gives."""
    rng = random.Random(1)
    sentences = Sentences(corpus_sentences(corpus, rng))
    salts = [rng.getrandbits(63) for _ in range(hashes)]
    texts: list[list[str]] = []
    variants: list[tuple[int, int, str]] = []  # (variant, source, kind)
    while len(texts) < n_quotes:
        if texts and rng.random() < RECUR:
            source = rng.randrange(len(texts))
            kind = rng.choice(VARIANTS)
            variants.append((len(texts), source, kind))
            texts.append(variant(texts[source], kind, rng, sentences))
        else:
            texts.append(sentences.quote(rng).split())
    shingles = [groups.shingle_keys(groups.quote_words(" ".join(t))) for t in texts]
    by_key: dict[int, set[int]] = {}
    by_band: dict[tuple[int, ...], set[int]] = {}
    bands_of: list[list[tuple[int, ...]]] = []
    for i, keys in enumerate(shingles):
        for k in groups.winnow(keys):
            by_key.setdefault(k, set()).add(i)
        sig = [min(k ^ s for k in keys) for s in salts] if keys else []
        bands = [(j, *sig[j : j + band]) for j in range(0, len(sig), band)]
        bands_of.append(bands)
        for b in bands:
            by_band.setdefault(b, set()).add(i)
    out: dict[str, Any] = {"keys": {}, "lsh": {}, "stored": {
        "keys": sum(len(groups.winnow(k)) for k in shingles) / len(texts), "lsh": hashes // band}}
    cands = {"keys": 0, "lsh": 0}
    for v, source, kind in variants:
        by_keys = set().union(*(by_key.get(k, set()) for k in shingles[v] if len(by_key.get(k, ())) <= groups.COMMON_KEY)) - {v}
        by_lsh = set().union(*(by_band.get(b, set()) for b in bands_of[v])) - {v}
        for name, found in (("keys", by_keys), ("lsh", by_lsh)):
            hit = out[name].setdefault(kind, [0, 0])
            hit[0] += int(source in found)
            hit[1] += 1
            cands[name] += len(found)
    out["candidates"] = {k: c / max(1, len(variants)) for k, c in cands.items()}
    return out


# -- ingest with and without grouping ------------------------------------------------------


#: Imported first by every Python process of an ingest without grouping (the index is
#: synced by processes of its own): grouping switched off.
NO_GROUPING = """import quotes.groups as g
g.group_quotes = lambda conn, quote_ids, now: None
g.has_ungrouped = lambda conn: False
"""


def ingest_once(corpus: Path, work: Path, grouping: bool, workers: int = 1) -> dict[str, float]:
    """``benchmarks/ingest.py``'s timed ingest with ``workers`` extracting (1: in the
    writing process), with grouping or without."""
    saved = os.environ.get("PYTHONPATH")
    if not grouping:
        site = work / "no-grouping"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(NO_GROUPING)
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), saved) if p)
    try:
        result = run_ingest(corpus, work, workers)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    conn = sqlite3.connect(work / f"w{workers}.db")
    n_groups = conn.execute(f"select count(*) from {groups.GROUPS_TABLE}").fetchone()[0]
    conn.close()
    if bool(n_groups) != grouping:
        raise SystemExit(f"grouping {'on' if grouping else 'off'}, yet {n_groups} groups")
    return result


# -- verify with and without the group report -------------------------------------------------


def time_verify(db_path: Path, n: int, rounds: int) -> tuple[list[float], list[float], dict[str, int]]:
    """Seconds per verify call with the group report and without it, alternating rounds."""
    import importlib

    from index import QuoteIndex, verify

    verify_module: Any = importlib.import_module("index.verify")  # the package's ``verify`` is the function

    store = Store(db_path, read_only=True)
    qi = QuoteIndex(db_path.with_name(db_path.stem + ".index"))
    claims = verify_claims(store.db.conn, n, random.Random(7))
    report = verify_module.group_report
    with_groups: list[float] = []
    without: list[float] = []
    verdicts: dict[str, int] = {}

    def run(samples: list[float], record: bool) -> None:
        for words, speaker, _mode in claims:
            t = time.perf_counter()
            v = verify(store, None, words, speaker=speaker, index=qi)
            samples.append(time.perf_counter() - t)
            if record:
                verdicts["with a group" if v.group else "no group"] = verdicts.get(
                    "with a group" if v.group else "no group", 0) + 1
                if v.group and v.group.quotes > 1:
                    verdicts["group of several"] = verdicts.get("group of several", 0) + 1

    verify(store, None, claims[0][0], index=qi)  # warm up
    for r in range(rounds):
        verify_module.group_report = report
        run(with_groups, r == 0)
        verify_module.group_report = lambda store, quote_id: None
        run(without, False)
    verify_module.group_report = report
    qi.close()
    return with_groups, without, verdicts


# -- main ---------------------------------------------------------------------------------------


def _say(line: str = "") -> None:
    click.echo(line, err=True)


@click.command()
@click.option("--quotes", "sizes", type=int, multiple=True, help="Quotes to generate and group (repeatable; default 100,000 and 1,000,000).")
@click.option("--articles", type=int, default=3000, show_default=True, help="Articles ingested with and without grouping.")
@click.option("--repeats", type=int, default=3, show_default=True, help="Ingest runs of each kind, alternating.")
@click.option("--workers", "worker_counts", type=int, multiple=True, help="Extracting processes in the ingest  [default: 1 and 2].")
@click.option("--verifies", type=int, default=200, show_default=True, help="Verify claims on the largest database.")
@click.option("--rounds", type=int, default=2, show_default=True, help="Rounds of the claims, with groups and without, alternating.")
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS, show_default=True)
@click.option("--workdir", type=click.Path(path_type=Path), help="Where to build (kept; default: a temporary folder, removed).")
@click.option("--reuse", is_flag=True, help="With --workdir: reuse the databases and index already built there.")
@click.option("--skip", type=click.Choice(["grouping", "ingest", "verify"]), multiple=True, help="Leave out a part.")
@click.option("--compare-lsh", is_flag=True, help="Only compare the recall of MinHash/LSH with the winnowed keys.")
@click.option("--check-sentences", is_flag=True, help="Only compare the generated sentences' shared wording with real ones'.")
def main(sizes: tuple[int, ...], articles: int, repeats: int, worker_counts: tuple[int, ...], verifies: int, rounds: int, corpus: Path,
         workdir: Path | None, reuse: bool, skip: tuple[str, ...], compare_lsh: bool, check_sentences: bool) -> None:
    work = Path(workdir or tempfile.mkdtemp(prefix="quotes-groups-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = sizes or (100_000, 1_000_000)
    out: list[str] = []

    def say(line: str = "") -> None:
        out.append(line)
        _say(line)

    try:
        if compare_lsh:
            _compare_lsh(sizes[0], corpus, say)
            return
        if check_sentences:
            _check_sentences(corpus, say)
            return
        largest: Path | None = None
        if "grouping" not in skip:
            say(f"{'quotes':>10} {'generate s':>10} {'group s':>8} {'quotes/s':>9} {'CPU us/quote':>12} {'keys/quote':>10}"
                f" {'groups':>9} {'shared':>8} {'keys MB':>8}  variants joined (kind: joined/generated)")
        for n in sizes:
            db = work / f"groups-{n}.db"
            largest = db
            if "grouping" in skip or (reuse and db.exists()):
                continue
            for p in work.glob(f"groups-{n}.db*"):
                p.unlink()
            gen = generate(db, n, corpus)
            g = group_all(db)
            joined = recall(db, gen["variants"])
            say(f"{n:>10,} {gen['seconds']:>10.0f} {g['seconds']:>8.0f} {g['quotes'] / g['seconds']:>9,.0f}"
                f" {1e6 * g['cpu'] / g['quotes']:>12.0f} {g['keys'] / g['quotes']:>10.1f} {g['groups']:>9,}"
                f" {g['shared_groups']:>8,} {g['mb']:>8.0f}  "
                + ", ".join(f"{k}: {a:,}/{b:,}" for k, (a, b) in joined.items()))
        if "ingest" not in skip:
            for workers in worker_counts or (1, 2):
                _ingest(articles, repeats, workers, work, say)
        if "verify" not in skip and largest is not None and largest.exists():
            _verify(largest, verifies, rounds, say)
    finally:
        click.echo("\n".join(out))
        if not workdir:
            shutil.rmtree(work, ignore_errors=True)


def _check_sentences(corpus: Path, say: Callable[..., None], n: int = 5000) -> None:
    """How much of a sentence's wording (runs of four words) other sentences share: real
    ones, against :class:`Sentences` made from other real ones."""
    rng = random.Random(1)
    real = corpus_sentences(corpus, rng)
    rng.shuffle(real)
    source, held = real[: 2 * n], real[2 * n : 3 * n]
    chain = Sentences(source)
    made = [chain.sentence(rng) for _ in range(3 * n)]

    def share(sample: list[str], others: list[str]) -> float:
        seen = {tuple(w[i : i + 4]) for s in others for w in [s.split()] for i in range(len(w) - 3)}
        runs = [tuple(w[i : i + 4]) for s in sample for w in [s.split()] for i in range(len(w) - 3)]
        return sum(r in seen for r in runs) / max(1, len(runs))

    say(f"runs of four words a sentence shares with {2 * n:,} others: real {share(held, source):.1%},"
        f" generated {share(made[:n], made[n:]):.1%}")


def _compare_lsh(n: int, corpus: Path, say: Callable[..., None]) -> None:
    study = candidate_study(n, corpus)
    for name, label in (("keys", "winnowed keys"), ("lsh", "MinHash/LSH, 64 hashes in 32 bands of 2")):
        say(f"{label}: {study['stored'][name]:.1f} keys kept a quote, {study['candidates'][name]:.1f} candidates"
            " a variant; source found: " + ", ".join(f"{k} {a / b:.1%}" for k, (a, b) in sorted(study[name].items())))


def _ingest(articles: int, repeats: int, workers: int, work: Path, say: Callable[..., None]) -> None:
    corpus = work / f"ingest-{articles}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, articles)
    runs: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    writer: dict[bool, list[float]] = {True: [], False: []}
    quotes = 0
    for _ in range(repeats):
        for grouping in (False, True):
            r = ingest_once(corpus, work, grouping, workers)
            runs[grouping].append(r["seconds"])
            cpu[grouping].append(r["cpu_ms_per_article"])
            writer[grouping].append(r["writer_cpu_ms_per_article"])
            quotes = int(r["quotes"])
    say()
    say(f"ingest of {articles:,} articles ({quotes:,} quotes; extract, store, Whoosh; {workers} worker{'s' * (workers > 1)}),"
        f" median of {repeats}:")
    for grouping, label in ((False, "without grouping"), (True, "with grouping   ")):
        wall, used = statistics.median(runs[grouping]), statistics.median(cpu[grouping])
        own = statistics.median(writer[grouping])
        say(f"  {label} {wall:.1f} s ({articles / wall:.0f} articles/s), {used:.1f} CPU ms per article"
            f" (process tree), {own:.2f} in the writing process; runs {', '.join(f'{s:.1f}' for s in runs[grouping])}")
    ratio = statistics.median(runs[True]) / statistics.median(runs[False])
    cpu_ratio = statistics.median(cpu[True]) / statistics.median(cpu[False])
    writer_ratio = statistics.median(writer[True]) / statistics.median(writer[False])
    say(f"  ratio with/without: {ratio:.3f} wall clock, {cpu_ratio:.3f} CPU of the tree,"
        f" {writer_ratio:.3f} CPU of the writing process")


def _verify(db: Path, n: int, rounds: int, say: Callable[..., None]) -> None:
    index_dir = db.with_name(db.stem + ".index")
    if not index_dir.exists():
        from index import rebuild

        t = time.perf_counter()
        store = Store(db)
        rebuild(store, index_dir)
        store.db.conn.close()
        say(f"\n(Whoosh index of {db.name} built in {time.perf_counter() - t:.0f} s)")
    with_groups, without, verdicts = time_verify(db, n, rounds)
    w50, w95 = percentiles(with_groups)
    o50, o95 = percentiles(without)
    say()
    say(f"verify on {db.name}, {n} claims x {rounds} rounds, alternating (ms, p50 / p95):")
    say(f"  without the group report {o50:.1f} / {o95:.1f}")
    say(f"  with the group report    {w50:.1f} / {w95:.1f}   (p50 ratio {w50 / o50:.3f})")
    say(f"  ({json.dumps(verdicts)})")


if __name__ == "__main__":
    main()
