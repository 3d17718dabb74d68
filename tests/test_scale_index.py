"""The index at scale: a build with several processes holds the same documents as one
with one; ``--no-whoosh`` leaves search to SQLite FTS5 (no index folder; search,
verify and the site's pages answer from FTS5) until ``quotes index --rebuild``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from index import QuoteIndex, rebuild
from index.drift import indexed_signatures
from index.fts import search_fts, whoosh_off
from index.storage import open_index
from quotes.store import Store, setting
from quotes_datasette.serve import make_datasette

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_two_processes_give_the_same_documents_as_one(large_db: Path, tmp_path: Path) -> None:
    store = Store(large_db)
    one, two = tmp_path / "one.index", tmp_path / "two.index"
    assert rebuild(store, one, procs=1) == rebuild(store, two, procs=2) == store.quote_count() == 40_000
    ix1, ix2 = open_index(one), open_index(two)
    try:
        assert len(ix2._segments()) == 2  # one segment from each process
        assert indexed_signatures(ix1) == indexed_signatures(ix2)
        with ix1.searcher() as s1, ix2.searcher() as s2:
            fields1 = sorted((f for f in s1.all_stored_fields()), key=lambda f: int(f["id"]))
            fields2 = sorted((f for f in s2.all_stored_fields()), key=lambda f: int(f["id"]))
        assert fields1 == fields2
    finally:
        ix1.close()
        ix2.close()
    for q in ("budget", '"plan 17 part"', "speaker:speaker12"):
        with QuoteIndex(one) as a, QuoteIndex(two) as b:
            hits1 = a.search(q, limit=100_000, store=store, kind="any")
            hits2 = b.search(q, limit=100_000, store=store, kind="any")
        assert hits1.total == hits2.total > 0
        assert {h.quote_id for h in hits1.hits} == {h.quote_id for h in hits2.hits}


@pytest.fixture
def shards(tmp_path: Path) -> Path:
    result = run("extract", str(SEEDS), "--output", str(tmp_path / "shards"), "--workers", "1")
    assert result.exit_code == 0, result.output
    return tmp_path / "shards"


@pytest.fixture
def fts_db(shards: Path, tmp_path: Path) -> Path:
    """The seeds, loaded from shards with --no-whoosh."""
    db = tmp_path / "news.db"
    result = run("load", str(shards), "--db", str(db), "--no-whoosh")
    assert result.exit_code == 0, result.output
    return db


def test_load_no_whoosh_builds_no_index(fts_db: Path) -> None:
    assert not fts_db.with_name("news.index").exists()
    store = Store(fts_db, read_only=True)
    assert whoosh_off(store) and setting(store, "whoosh") == "off"
    assert store.quote_count() > 0
    # Another load (or ingest) without the flag follows the database's setting.
    assert run("ingest", str(SEEDS), "--db", str(fts_db), "--workers", "1").exit_code == 0
    assert not fts_db.with_name("news.index").exists()
    result = run("check", "--db", str(fts_db))
    assert result.exit_code == 0 and "search is left to SQLite FTS5" in result.output


def test_ingest_no_whoosh_removes_an_index(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    assert run("ingest", str(SEEDS), "--db", str(db), "--workers", "1").exit_code == 0
    assert db.with_name("news.index").is_dir()
    assert run("ingest", str(SEEDS), "--db", str(db), "--workers", "1", "--no-whoosh").exit_code == 0
    assert not db.with_name("news.index").exists()
    assert whoosh_off(Store(db, read_only=True))


def _search(db: Path, *args: str) -> list[dict]:
    result = run("search", *args, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_and_verify_answer_from_fts5_then_from_whoosh_after_rebuild(fts_db: Path) -> None:
    hits = _search(fts_db, "leave")
    assert [h["speaker"] for h in hits] == ["Dmitry Medvedev"]
    assert hits[0]["highlighted"].endswith("he must [leave],")
    ids = [h["quote_id"] for h in hits]
    prefixed = _search(fts_db, "legitim*")  # a word's prefix
    assert [h["quote_id"] for h in prefixed] == ids and "[legitimacy]" in prefixed[0]["highlighted"]
    assert _search(fts_db, "leave speaker:medvedev") == hits
    assert _search(fts_db, "leave", "--speaker", "Gallal") == []
    assert _search(fts_db, "leave NOT gadhafi") == []
    either = {h["quote_id"] for h in _search(fts_db, "regime")} | {h["quote_id"] for h in _search(fts_db, "people")}
    assert {h["quote_id"] for h in _search(fts_db, "regime OR people")} == either and len(either) > 1

    result = run("verify", "he must leave", "--speaker", "Medvedev", "--db", str(fts_db))
    assert result.exit_code == 0 and result.output.startswith("CONFIRMED  Confirmed: Dmitry Medvedev said it")
    result = run("verify", "the regime of Gadhafi has lost its legitimacy and he must go", "--db", str(fts_db), "--json")
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "altered" and verdict["earliest"]["speaker"] == "Dmitry Medvedev"

    # What FTS5 cannot say is one line and exit status 1.
    for q, said in (("gadafi~", "fuzzy words"), ("title:russia", "title:"), ("le*ve", "wildcards")):
        result = run("search", q, "--db", str(fts_db))
        assert result.exit_code == 1 and said in result.output and len(result.output.splitlines()) == 1

    result = run("index", "--rebuild", "--db", str(fts_db), "--procs", "2")
    assert result.exit_code == 0 and result.output.startswith("Indexed ")
    assert fts_db.with_name("news.index").is_dir()
    assert not whoosh_off(Store(fts_db, read_only=True))
    # Whoosh answers again: fuzzy words are its own.
    assert [h["speaker"] for h in _search(fts_db, "legitimacy~")] == ["Dmitry Medvedev"]
    assert [h["quote_id"] for h in _search(fts_db, "leave")] == ids


def test_fts5_search_finds_what_whoosh_finds(large_indexed: Path, tmp_path: Path) -> None:
    store = Store(large_indexed, read_only=True)
    with QuoteIndex(large_indexed.with_name("quotes.index")) as qi:
        for q, filters in (
            ("budget", {}), ('"plan 17 part"', {}), ("harbour", {"speaker": "Speaker0 Person"}),
            ("budget OR harbour", {"since": "2020-01-05", "until": "2020-01-09"}), ("", {"speaker": "Speaker3 Person"}),
            ("tunnel published:[2020-01-03 to 2020-01-04]", {}), ("(budget OR ferry) NOT harbour", {}),
        ):
            whoosh = qi.search(q or "*", limit=100_000, store=store, kind="any", **filters)
            fts = search_fts(store, q, limit=100_000, kind="any", **filters)
            assert fts.total == whoosh.total > 0, q
            assert {h.quote_id for h in fts.hits} == {h.quote_id for h in whoosh.hits}, q
    facets = search_fts(store, "budget", kind="any", facets=True).facets
    assert facets and facets[0]["count"] >= facets[-1]["count"]


async def test_site_searches_from_fts5(fts_db: Path) -> None:
    datasette = make_datasette(fts_db)
    await datasette.invoke_startup()
    response = await datasette.client.get("/-/quotes?q=leave")
    assert response.status_code == 200
    assert "he must <mark>leave</mark>" in response.text
    response = await datasette.client.get("/-/quotes.json", params={"q": "gadafi~"})
    assert response.status_code == 400 and "fuzzy words" in response.json()["error"]
    response = await datasette.client.get("/-/quotes/verify.json", params={"words": "he must leave", "speaker": "Medvedev"})
    assert response.status_code == 200 and response.json()["verdict"]["verdict"] == "confirmed"
