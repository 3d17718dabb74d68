"""A rebuild and the processes around it cannot lose or break each other's work.

- ``quotes index --rebuild`` while an ingest runs: neither loses the other's quotes.
- Searches running while a rebuilt index is swapped in never fail.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from conftest import fill_store
from test_ingest import jsonl
from test_kill import long_story

from index import QuoteIndex, check, rebuild
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
QUOTES = [sys.executable, "-c", "from cli.main import cli; cli()"]


def quotes_process(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([*QUOTES, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_rebuild_during_an_ingest_loses_nothing(large_db: Path, tmp_path: Path) -> None:
    index_dir = large_db.with_name("quotes.index")
    store = Store(large_db)
    rebuild(store, index_dir)
    corpus = tmp_path / "more.jsonl"
    corpus.write_text(jsonl([{"id": f"m{i}", "text": long_story(50_000 + i)} for i in range(800)]))

    rebuilding = quotes_process("index", "--rebuild", "--db", str(large_db))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("quotes.index.building-*")):
        assert rebuilding.poll() is None and time.monotonic() < deadline, "the rebuild never started building"
        time.sleep(0.01)
    ingesting = quotes_process("ingest", str(corpus), "--db", str(large_db), "--workers", "2")
    for proc in (rebuilding, ingesting):
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    added = store.db.execute("select count(*) from quotes").fetchone()[0] - 40_000
    assert added > 5_000  # the ingest stored, and indexed, while the rebuild ran
    report = check(store, index_dir)
    assert report.ok, (len(report.missing), len(report.stale), len(report.orphaned))
    assert report.documents == 40_000 + added


def test_searches_never_fail_while_rebuilt_indexes_are_swapped_in(tmp_path: Path) -> None:
    db = fill_store(tmp_path / "quotes.db", 300)
    index_dir = tmp_path / "quotes.index"
    store = Store(db)
    rebuild(store, index_dir)
    with QuoteIndex(index_dir) as qi:
        expected = [h.quote_id for h in qi.search('"plan 7 part"', limit=5).hits]
    assert len(expected) == 5
    errors: Counter[str] = Counter()
    answered = [0, 0]
    stop = threading.Event()

    def searching(slot: int) -> None:
        qi = QuoteIndex(index_dir)
        while not stop.is_set():
            try:
                hits = [h.quote_id for h in qi.search('"plan 7 part"', limit=5).hits]
                assert hits == expected, hits
                answered[slot] += 1
            except Exception as e:  # every kind of failure counts
                errors[f"{type(e).__name__}: {e}"] += 1
            time.sleep(0.005)

    readers = [threading.Thread(target=searching, args=(i,)) for i in range(2)]
    for t in readers:
        t.start()
    try:
        for _ in range(10):
            rebuild(store, index_dir)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, errors
    assert min(answered) > 20


async def test_the_site_answers_every_search_while_rebuilt_indexes_are_swapped_in(tmp_path: Path) -> None:
    import asyncio

    from quotes_datasette.serve import make_datasette

    db = fill_store(tmp_path / "quotes.db", 300)
    store = Store(db)
    index_dir = tmp_path / "quotes.index"
    rebuild(store, index_dir)
    ds = make_datasette(db)
    statuses: Counter[int] = Counter()
    done = threading.Event()

    def rebuilding() -> None:
        try:
            for _ in range(8):
                rebuild(Store(db), index_dir)
        finally:
            done.set()

    thread = threading.Thread(target=rebuilding)
    thread.start()
    try:
        while not done.is_set():
            response = await ds.client.get("/-/quotes.json?q=harbour&_size=5")
            statuses[response.status_code] += 1
            assert response.status_code != 200 or response.json()["total"] > 0
            await asyncio.sleep(0.005)
    finally:
        thread.join()
        ds.__dict__["_quotes_workers"].close()
    assert set(statuses) == {200} and statuses[200] > 20, statuses
