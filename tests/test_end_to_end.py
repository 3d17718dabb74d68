"""The foundation's promise, end to end through the CLI: ingest the seed, search it."""
from __future__ import annotations

import json

import sqlite_utils
from click.testing import CliRunner

from cli.main import cli


def test_seed_ingest_search_and_offsets(tmp_path, seed_dir):
    db = tmp_path / "quotes.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(seed_dir), "--db", str(db)])
    assert result.exit_code == 0, result.output
    database = sqlite_utils.Database(db)
    assert database["articles"].count == 1
    rows = list(database.query('select a.text, q.start, q."end", q.text as quote from quotes q join articles a on a.id = q.article_id'))
    assert len(rows) >= 8
    assert all(r["text"][r["start"] : r["end"]] == r["quote"] for r in rows)
    assert (tmp_path / "quotes.index").is_dir()

    result = runner.invoke(cli, ["search", "finish the job", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits and hits[0]["speaker"] == "Barack Obama"
    assert "finish the job" in hits[0]["quote"]

    # Re-ingesting the same article adds nothing.
    result = runner.invoke(cli, ["ingest", str(seed_dir), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert database["quotes"].count == len(rows)


def test_db_from_environment(tmp_path, seed_dir, monkeypatch):
    db = tmp_path / "elsewhere.db"
    monkeypatch.setenv("QUOTES_DB", str(db))
    result = CliRunner().invoke(cli, ["ingest", str(seed_dir)])
    assert result.exit_code == 0, result.output
    assert db.exists() and (tmp_path / "elsewhere.index").is_dir()
