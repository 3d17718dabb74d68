"""A read-only copy of a database, in a folder the server may not write, is served as it is.

Root ignores permission bits, so as root the server runs without the capabilities that
let it (see ``conftest.held_to_file_permissions``); otherwise the folder's own
permissions already bind it. The folder is made with ``tempfile.mkdtemp`` because pytest's temporary root is
private to its owner.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import SEEDS, held_to_file_permissions
from test_browser import quotes_command

from quotes.model import Article, Quote
from quotes.store import Store

# Words of this file's own, added by a writer whose changes are still in the -wal file.
LATE_TEXT = 'Lighthouse keeper Mara Quill said: "The lamp has not missed a night in forty years."'
LATE_WORDS = "The lamp has not missed a night in forty years."

# `quotes serve --db DB`, with each of PATHS asked of the app it would give uvicorn's server
# (through httpx's ASGI transport) and the answers printed as JSON.
SERVE_SCRIPT = """
import asyncio, json, os, sys
import httpx, uvicorn
from cli.main import cli

db, paths = sys.argv[1], json.loads(sys.argv[2])
answers = {}

def answer(server, sockets=None):
    app = server.config.app

    async def fetch():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            for path in paths:
                response = await client.get(path)
                answers[path] = [response.status_code, response.text]
    asyncio.run(fetch())

uvicorn.Server.run = answer
try:
    open(os.path.join(os.path.dirname(db), "probe"), "x").close()
    answers["can write"] = True
except PermissionError:
    answers["can write"] = False
try:
    cli(["serve", "--db", db])
finally:
    print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """The seeds, ingested by `quotes ingest` (which builds the Whoosh index beside them)."""
    db = tmp_path_factory.mktemp("ingested") / "quotes.db"
    done = subprocess.run([*quotes_command(), "ingest", str(SEEDS), "--db", str(db)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not db.with_name("quotes.db-wal").exists()  # the ingest checkpointed as it closed
    return db


@pytest.fixture
def source(ingested, tmp_path) -> Path:
    """A writable copy of the ingested database and its index."""
    db = tmp_path / "quotes.db"
    shutil.copy(ingested, db)
    shutil.copytree(ingested.with_name("quotes.index"), tmp_path / "quotes.index")
    return db


@contextlib.contextmanager
def read_only_copy(db: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """``db`` (with the files named by ``suffixes``) and its index copied into a folder
    that is then made read-only; yields the copy of ``db``."""
    folder = Path(tempfile.mkdtemp(prefix="quotes-read-only-"))
    try:
        for suffix in ("", *suffixes):
            shutil.copy(db.with_name(db.name + suffix), folder / (db.name + suffix))
        shutil.copytree(db.with_name(db.stem + ".index"), folder / (db.stem + ".index"))
        for path in [*folder.rglob("*"), folder]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield folder / db.name
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o700)
        shutil.rmtree(folder)


def serve(db: Path, paths: list[str]) -> tuple[subprocess.CompletedProcess, dict[str, Any]]:
    """Run SERVE_SCRIPT on ``db`` held to file permissions: (the process, its answers by path)."""
    done = subprocess.run(
        [sys.executable, "-c", SERVE_SCRIPT, str(db), json.dumps(paths)],
        cwd=db.parent, capture_output=True, text=True, timeout=300,
        preexec_fn=held_to_file_permissions if os.geteuid() == 0 else None,
    )
    answers = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    assert answers.get("can write") is False, (answers, done.stderr)  # the serving process cannot write there
    return done, answers


def add_late_quote(store: Store) -> int:
    start = LATE_TEXT.index(LATE_WORDS)
    quote = Quote(text=LATE_WORDS, start=start, end=start + len(LATE_WORDS), speaker="Mara Quill", speaker_kind="person", confidence=0.9)
    return store.add(Article(text=LATE_TEXT, title="Lamp", publisher="Coast Courier", published="2024-08-01"), [quote]).quote_ids[0]


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def seed_quote(db: Path) -> tuple[str, int, str, set[int]]:
    """The seed article's most quoted speaker, the id and words of their longest quote,
    and the ids of all their quotes."""
    (speaker, speaker_id, quote_id, words), = rows(db, (
        "select s.name, s.id, q.id, q.text from quotes q join speakers s on s.id = q.speaker_id"
        " where q.speaker_id = (select speaker_id from quotes where speaker_id is not null"
        " group by speaker_id order by count(*) desc limit 1) order by length(q.text) desc limit 1"))
    return speaker, quote_id, words, {r[0] for r in rows(db, "select id from quotes where speaker_id = ?", (speaker_id,))}


PAGES = ["/", "/quotes", "/quotes/quotes", "/quotes/quotes_view", "/quotes/speakers", "/quotes/quotes/1"]
TABLE_JSON = "/quotes/quotes.json?_shape=array&_size=max&_col=text"


@pytest.mark.parametrize("while_ingesting", [False, True], ids=["checkpointed", "ingest-running"])
def test_read_only_copy_is_served(source, while_ingesting):
    """Pages, table JSON, ranked search and the plugin's search and verify pages all
    answer from the copy, and `quotes serve` leaves its schema alone without a word.

    Checkpointed, the copy has no -wal and no -shm, and SQLite cannot make the -shm a
    read needs; copied while an ingest holds changes in its -wal (with the -shm), those
    changes are served too."""
    writer = None
    suffixes: tuple[str, ...] = ()
    if while_ingesting:
        writer = Store(source)
        late_id = add_late_quote(writer)
        suffixes = ("-wal", "-shm")
        assert source.with_name("quotes.db-wal").stat().st_size > 0
    try:
        expected = rows(source, "select id, text from quotes order by id")
        if while_ingesting:
            assert (late_id, LATE_WORDS) in expected
        speaker, quote_id, words, their_ids = seed_quote(source)
        word = max(words.split(), key=len).strip(".,;:!?\"'")
        # The plugin answers a search of the browsing view from quote_search, ranked.
        ranked = "/quotes/quotes_view.json?" + urlencode({"_search": word, "_shape": "array"})
        search_json = "/-/quotes.json?" + urlencode({"speaker": speaker, "_size": 100})
        search_page = "/-/quotes?" + urlencode({"speaker": speaker})
        verify_json = "/-/quotes/verify.json?" + urlencode({"words": words, "speaker": speaker})
        verify_page = "/-/quotes/verify?" + urlencode({"words": words, "speaker": speaker})
        paths = [*PAGES, TABLE_JSON, ranked, search_json, search_page, verify_json, verify_page]
        with read_only_copy(source, suffixes) as db:
            done, answers = serve(db, paths)
    finally:
        if writer is not None:
            writer.db.conn.close()
    assert done.returncode == 0, done.stderr
    for path in paths:
        assert answers[path][0] == 200, (path, answers[path][1][:1000])
    assert [(r["id"], r["text"]) for r in json.loads(answers[TABLE_JSON][1])] == expected
    matches = json.loads(answers[ranked][1])
    assert quote_id in {r["quote_id"] for r in matches} and all(isinstance(r["rank"], float) for r in matches)
    found = json.loads(answers[search_json][1])
    assert found["ok"] and {h["quote_id"] for h in found["hits"]} == their_ids
    assert f"{len(their_ids)}</strong> quotes found" in answers[search_page][1]
    verdict = json.loads(answers[verify_json][1])["verdict"]
    assert verdict["verdict"] == "confirmed" and quote_id in {e["quote_id"] for e in verdict["evidence"]}
    assert 'id="verdict">confirmed<' in answers[verify_page][1]
    # One line, the server's: no upgrade was tried.
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and said[0].startswith(f"Serving {db} at "), done.stderr


def test_unreadable_wal_in_a_read_only_folder_is_refused(source):
    """Changes in a -wal that cannot be read (no -shm, and none can be made) are not
    silently left out: `quotes serve` says so in one line."""
    writer = Store(source)
    try:
        add_late_quote(writer)
        with read_only_copy(source, ("-wal",)) as db:
            done, _ = serve(db, PAGES)
    finally:
        writer.db.conn.close()
    assert done.returncode == 1
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and "Traceback" not in done.stderr, done.stderr
    assert said[0].startswith("Error: ") and f"{db}-wal" in said[0] and "-shm" in said[0], said[0]
