"""An ingest killed with SIGKILL at any moment leaves a consistent database.

Re-running it completes the work without duplicates, and brings the search index
back in step with SQLite.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RUN_TAG, tagged
from test_ingest import jsonl, story

from index import check
from quotes.extract import extract
from quotes.model import Article
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 1000


def long_story(i: int) -> str:
    return story(i) + "".join(story(i * 7 + k).split("\n\n", 1)[1] for k in range(1, 4))


def ingest_cmd(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-c", "from cli.main import cli; cli()", "ingest", str(corpus), "--db", str(db), "--workers", "2"]


def count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def processes_mentioning(marker: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if marker.encode() in f.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def kill_mid_way(corpus: Path, db: Path, after_articles: int, extra_delay: float) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(ingest_cmd(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while count(db, "select count(*) from articles") < after_articles:
        assert proc.poll() is None, "the ingest finished before it could be killed: make the corpus larger"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(extra_delay)
    assert proc.poll() is None, "the ingest finished before it could be killed: make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert_none_left_reading(corpus)


def assert_none_left_reading(corpus: Path) -> None:
    """The extraction workers notice their parent is gone and exit."""
    deadline = time.monotonic() + 20
    while processes_mentioning(str(corpus)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(corpus)) == []


def assert_consistent(db: Path, texts: dict[str, str]) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    rows = conn.execute(
        "select a.id, a.doc_id, a.text, (select count(*) from quotes q where q.article_id = a.id) from articles a"
    ).fetchall()
    for _, doc_id, text, n in rows:
        assert text == texts[doc_id]
        # Every stored article has all its quotes: exactly what extraction gives.
        assert n == len(extract(Article(text=text, doc_id=doc_id))), doc_id
    assert conn.execute("select count(distinct content_sha256) from articles").fetchone()[0] == len(rows)
    conn.close()
    return len(rows)


@pytest.mark.parametrize("after_articles,extra_delay", [(1, 0.0), (200, 0.4)])
def test_sigkill_mid_ingest(tmp_path: Path, after_articles: int, extra_delay: float) -> None:
    texts = {f"k{i}": long_story(i) for i in range(ARTICLES)}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(jsonl([{"id": k, "text": t} for k, t in texts.items()]))
    db = tmp_path / "quotes.db"

    kill_mid_way(corpus, db, after_articles, extra_delay)
    stored = assert_consistent(db, texts)
    assert 0 < stored < ARTICLES

    # Running the same ingest again completes it, without duplicates.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(ingest_cmd(corpus, db), capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "bringing the search index up to date" in done.stderr
    assert f"{stored:,} unchanged" in done.stdout
    assert assert_consistent(db, texts) == ARTICLES
    expected_quotes = sum(len(extract(Article(text=t))) for t in texts.values())
    assert count(db, "select count(*) from quotes") == expected_quotes

    # The search index is in step with SQLite again.
    assert check(Store(db), tmp_path / "quotes.index").ok


def test_extraction_workers_end_with_a_killed_ingest(tmp_path: Path) -> None:
    """An input large enough for the ingest to start its extraction workers."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(jsonl([{"id": f"w{i}", "text": long_story(i)} for i in range(5 * ARTICLES)]))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        ingest_cmd(corpus, tmp_path / "quotes.db"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    deadline = time.monotonic() + 120
    while len(processes_mentioning(str(corpus))) < 3:  # the ingest and its two workers
        assert proc.poll() is None, "the ingest finished before its workers started: make the corpus larger"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert_none_left_reading(corpus)


# -- the search index's processes end with the command that started them -------------

def start(args: list[str], token: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), RUN_TAG: token}
    cmd = [sys.executable, "-c", "from cli.main import cli; cli()", *args]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def run_quotes(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", "from cli.main import cli; cli()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def kill_when(proc: subprocess.Popen, token: str, processes: int) -> None:
    """SIGKILL ``proc`` once its run has ``processes`` processes (it and its children)."""
    wait_until(lambda: len(tagged(token)) >= processes or proc.poll() is not None, 120, "the index writers")
    assert proc.poll() is None, "the command finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def assert_no_reader_holds_the_database(db: Path) -> None:
    conn = sqlite3.connect(db)
    busy, _, _ = conn.execute("pragma wal_checkpoint(truncate)").fetchone()
    conn.close()
    assert busy == 0, "a process still holds a read transaction: the WAL cannot be reset"


def test_sigkill_of_a_rebuild_ends_its_writers_and_the_rerun_cleans_up(large_db: Path) -> None:
    token = f"rebuild-{os.getpid()}-{time.monotonic_ns()}"
    proc = start(["index", "--rebuild", "--db", str(large_db)], token)
    kill_when(proc, token, processes=3)  # the command and its two sub-writers
    wait_until(lambda: not tagged(token), 3, "the sub-writers to end with their parent")

    rerun = run_quotes("index", "--rebuild", "--db", str(large_db))
    assert rerun.returncode == 0, rerun.stderr
    assert "Indexed 40,000 quotes" in rerun.stdout or "Indexed 40000 quotes" in rerun.stdout
    assert sorted(p.name for p in large_db.parent.glob("quotes.index*")) == ["quotes.index"]
    assert check(Store(large_db), large_db.with_name("quotes.index")).ok


def test_sigkill_of_an_ingest_while_it_indexes_ends_every_child(large_db: Path, tmp_path: Path) -> None:
    """The ingest builds the missing index in a child, with sub-writers of its own."""
    corpus = tmp_path / "new.jsonl"
    corpus.write_text(jsonl([{"id": f"n{i}", "text": long_story(20_000 + i)} for i in range(20)]))
    token = f"ingest-{os.getpid()}-{time.monotonic_ns()}"
    proc = start(["ingest", str(corpus), "--db", str(large_db), "--workers", "2"], token)
    # the ingest, its fork server, the indexing child and that child's two sub-writers
    kill_when(proc, token, processes=5)
    wait_until(lambda: not tagged(token), 3, "every child of the ingest to end with it")
    assert_no_reader_holds_the_database(large_db)

    rerun = run_quotes("ingest", str(corpus), "--db", str(large_db), "--workers", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert "Directory not empty" not in rerun.stderr
    assert_no_reader_holds_the_database(large_db)
    assert check(Store(large_db), large_db.with_name("quotes.index")).ok
