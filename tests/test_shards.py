"""Shards: ``quotes extract --output DIR`` writes articles and quotes with all their
evidence, ``quotes load DIR`` stores them (the same database as ``quotes ingest`` of
the same input, searchable), again without adding anything, and completes a load that
was cut short or killed; a line that is not a shard's, or whose text does not match its hash, is
reported and the rest is loaded."""
from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_cluster import corpus, dump

from cli.main import cli
from quotes.ingest import ingest
from quotes.model import Article, Quote
from quotes.shards import ARTICLE_FIELDS, QUOTE_FIELDS, ShardWriter, read_shards
from quotes.store import Store


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Path]:
    """The test corpus, and its shards (10 articles each) written by quotes extract."""
    import quotes.shards

    monkeypatch.setattr(quotes.shards, "SHARD_ARTICLES", 10)
    paths = corpus(tmp_path / "in")
    result = run("extract", *paths, "--output", str(tmp_path / "shards"))
    assert result.exit_code == 1  # the corpus has its bad inputs
    assert result.stdout == f"Wrote 59 articles with 118 quotes to 6 shards in {tmp_path / 'shards'}.\n"
    assert "invalid JSON" in result.stderr
    return paths, tmp_path / "shards"


def test_shards_hold_every_field(shards: tuple[list[str], Path]) -> None:
    _, folder = shards
    assert sorted(p.name for p in folder.iterdir()) == [f"part-{i:05d}.jsonl.gz" for i in range(6)]
    with gzip.open(folder / "part-00000.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    assert len(records) == 10
    first = records[0]
    assert set(first["article"]) == {*ARTICLE_FIELDS, "content_sha256"}
    assert first["article"]["doc_id"] == "j0" and first["article"]["text"].startswith("Council report number 0")
    assert all(set(q) == set(QUOTE_FIELDS) for r in records for q in r["quotes"])
    quote = first["quotes"][0]
    assert first["article"]["text"][quote["start"] : quote["end"]] == quote["text"]
    assert (quote["speaker"], quote["cue"]) == ("Ann Lee", "said")


def test_load_gives_the_database_ingest_gives(tmp_path: Path, shards: tuple[list[str], Path]) -> None:
    paths, folder = shards
    loaded = run("load", str(folder), "--db", str(tmp_path / "loaded.db"))
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout.startswith("Added 59 articles with 118 quotes; 0 unchanged")
    run("ingest", *paths, "--db", str(tmp_path / "ingested.db"))
    assert dump(tmp_path / "loaded.db") == dump(tmp_path / "ingested.db")
    # The search index and FTS5 are up to date.
    assert run("check", "--db", str(tmp_path / "loaded.db")).exit_code == 0
    found = json.loads(run("search", "mistake", "-n", "100", "--db", str(tmp_path / "loaded.db"), "--json").stdout)
    assert len(found) == 59 and {r["speaker"] for r in found} == {"Tom Baker"}

    again = run("load", str(folder), "--db", str(tmp_path / "loaded.db"), "--json")
    assert again.exit_code == 0
    data = json.loads(again.stdout)
    assert (data["articles_added"], data["articles_unchanged"]) == (0, 59)


def test_a_load_cut_short_is_completed_by_the_next(tmp_path: Path, shards: tuple[list[str], Path]) -> None:
    _, folder = shards
    db_path = tmp_path / "quotes.db"

    def cut_short():
        for n, article in enumerate(read_shards([folder])):
            if n == 25:
                raise KeyboardInterrupt
            yield article

    with pytest.raises(KeyboardInterrupt):
        ingest(Store(db_path), cut_short(), batch_size=10)
    assert Store(db_path).db.execute("select count(*) from articles").fetchone()[0] == 20
    result = run("load", str(folder), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added 39 articles with 78 quotes; 20 unchanged")
    run("load", str(folder), "--db", str(tmp_path / "whole.db"))
    assert dump(db_path) == dump(tmp_path / "whole.db")


def test_bad_lines_are_reported_and_the_rest_is_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    with ShardWriter(folder) as writer:
        writer.add(Article(text="One text.", doc_id="a"), [Quote(text="One", start=0, end=3)])
        writer.add(Article(text="Two texts.", doc_id="b"), [])
    path = folder / "part-00000.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    forged = json.loads(lines[1])
    forged["article"]["text"] = "Another text."
    path.write_bytes(gzip.compress("\n".join([lines[0], "{oops", json.dumps(forged)]).encode() + b"\n"))
    result = run("load", str(folder), str(tmp_path / "missing"), "--db", str(tmp_path / "q.db"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:2: not a shard's line (JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        f"{path}:3: the article's text does not match its content_sha256",
        f"{tmp_path / 'missing'}: no such file or directory",
    ]
    assert result.stdout.startswith("Added 1 article with 1 quote; 0 unchanged")


def test_a_truncated_shard_keeps_its_whole_lines(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    with ShardWriter(folder) as writer:
        for i in range(50):
            writer.add(Article(text=f"Text number {i}. " * 40), [])
    path = folder / "part-00000.jsonl.gz"
    path.write_bytes(path.read_bytes()[:-200])
    items = list(read_shards([folder]))
    errors = [e for e in items if not isinstance(e, Article)]
    assert len(errors) == 1 and str(errors[0]).startswith(f"{path}: after line ")
    assert 0 < len(items) - 1 < 50


def test_a_load_killed_mid_way_is_completed_by_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    with ShardWriter(folder, per_shard=100) as writer:
        for i in range(2000):
            text = f"Report {i}. \u201cWe will build the bridge number {i},\u201d said Ann Lee."
            start = text.index("We")
            end = text.index(",\u201d") + 1
            writer.add(Article(text=text, doc_id=f"r{i}"), [Quote(text=text[start:end], start=start, end=end)])
    db_path = tmp_path / "quotes.db"
    command = [sys.executable, "-c", "from cli.main import cli; cli()", "load", str(folder), "--db", str(db_path)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stored() -> int:
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
                return conn.execute("select count(*) from articles").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 120
    while stored() < 200:
        assert proc.poll() is None, "the load finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 200 <= stored() < 2000
    result = run("load", str(folder), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    store = Store(db_path)
    assert store.db.execute("select count(*), count(distinct content_sha256) from articles").fetchone() == (2000, 2000)
    assert store.db.execute("select count(*) from quotes").fetchone()[0] == 2000
    assert run("check", "--db", str(db_path)).exit_code == 0


def test_workers_write_the_shards_when_they_see_the_folder(tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import quotes.distributed

    monkeypatch.setattr(quotes.distributed, "LINES_PER_PARTITION", 6)
    monkeypatch.setattr(quotes.distributed, "FILES_PER_PARTITION", 3)
    paths = corpus(tmp_path / "in")
    folder = tmp_path / "shards"
    here = run("extract", *paths, "--output", str(tmp_path / "here"))
    there = run("extract", *paths, "--output", str(folder), "--scheduler", client.scheduler.address)
    assert (there.exit_code, there.stderr) == (here.exit_code, here.stderr)
    # One shard a partition: 7 runs of feed.jsonl, 2 of more.jsonl.gz, 3 groups of texts.
    assert there.stdout == f"Wrote 59 articles with 118 quotes to 12 shards in {folder}.\n"
    assert sorted(p.name for p in folder.iterdir()) == [f"part-{i:05d}.jsonl.gz" for i in range(12)]
    run("load", str(folder), "--db", str(tmp_path / "loaded.db"))
    run("ingest", *paths, "--db", str(tmp_path / "ingested.db"))
    assert dump(tmp_path / "loaded.db") == dump(tmp_path / "ingested.db")
