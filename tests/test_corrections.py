"""Corrections that last: made with the CLI on a real SQLite file and a real Whoosh index,
kept over ingesting the same article again, extracting it anew with a changed
extractor and rebuilding the index; shown in search, the views and Datasette; undone;
reported when their quote is gone."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from quotes.corrections import list_corrections
from quotes.ingest import default_extractor
from quotes.model import Article, Quote
from quotes.reextract import reextract
from quotes.store import Store

STORY = """Harbour town votes on the pier

The council met on Tuesday to vote on the future of the old pier.

"We will rebuild the pier this year, whatever it costs," said Mayor Ruth Okafor after the vote.

The harbour master, Jon Pike, was less sure. "Nobody has asked the fishermen," he said.

The pier appears in the film "Harbour Lights of Summer", which opens next month.

Critics called the plan "a fairy tale for the tourists" at the meeting.
"""


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output if code else result.stdout


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "pier.txt"
    path.write_text(STORY)
    return path


@pytest.fixture
def db(tmp_path: Path, story: Path) -> Path:
    db = tmp_path / "quotes.db"
    run("ingest", str(story), "--db", str(db))
    return db


def quote_id(db: Path, words: str) -> int:
    conn = sqlite3.connect(db)
    row = conn.execute("select id from quotes where text like ?", [words + "%"]).fetchone()
    conn.close()
    assert row, words
    return int(row[0])


def row(db: Path, words: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    r = conn.execute(
        "select q.id, q.kind, s.name as speaker, q.review, q.reviewed_by, q.extracted_kind, e.name as extracted_speaker"
        " from quotes q left join speakers s on s.id = q.speaker_id left join speakers e on e.id = q.extracted_speaker_id"
        " where q.text like ?", [words + "%"]).fetchone()
    conn.close()
    return dict(r)


def searched(db: Path, *args: str) -> list[dict]:
    return json.loads(run("search", *args, "--db", str(db), "--json"))


def test_a_speaker_correction_is_kept_with_who_when_and_why(db: Path):
    qid = quote_id(db, "Nobody has asked")
    assert row(db, "Nobody has asked")["speaker"] == "Jon Pike"
    out = run("correct", str(qid), "--speaker", "Okafor", "--note", "the council's video, 14:02", "--by", "ana",
              "--db", str(db))
    assert out == f"Quote {qid}: speaker Jon Pike -> Ruth Okafor (correction 1)\n"  # "Okafor": the stored speaker
    r = row(db, "Nobody has asked")
    assert (r["speaker"], r["review"], r["reviewed_by"]) == ("Ruth Okafor", "corrected", "ana")
    assert (r["extracted_kind"], r["extracted_speaker"]) == ("direct", "Jon Pike")
    [listed] = json.loads(run("corrections", "--db", str(db), "--json"))
    assert {k: listed[k] for k in ("id", "quote_id", "status", "field", "old_value", "new_value", "by", "note")} == {
        "id": 1, "quote_id": qid, "status": "applied", "field": "speaker", "old_value": "Jon Pike",
        "new_value": "Ruth Okafor", "by": "ana", "note": "the council's video, 14:02"}
    assert listed["at"].endswith("Z") and listed["quote"].startswith("Nobody has asked")
    # the search index followed at once: the words are found under the corrected speaker
    hits = searched(db, "fishermen", "--speaker", "Ruth Okafor")
    assert [h["quote_id"] for h in hits] == [qid] and hits[0]["review"] == "corrected"
    assert searched(db, "fishermen", "--speaker", "Jon Pike") == []
    assert [h["quote_id"] for h in searched(db, "fishermen", "--review", "corrected")] == [qid]
    assert qid not in [h["quote_id"] for h in searched(db, "pier OR fishermen", "--review", "machine")]


def test_not_a_quote_leaves_the_quote_views_and_search(db: Path):
    qid = quote_id(db, "a fairy tale")
    assert row(db, "a fairy tale")["kind"] == "partial"
    out = run("correct", str(qid), "--not-quote", "--by", "ana", "--db", str(db))
    assert out == f"Quote {qid}: kind partial -> term (correction 1)\n"
    r = row(db, "a fairy tale")
    assert (r["kind"], r["speaker"], r["review"]) == ("term", None, "corrected")
    assert searched(db, "fairy tale") == []
    assert [h["quote_id"] for h in searched(db, "fairy tale", "--kind", "term")] == [qid]
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from quotes_view where quote_id = ?", [qid]).fetchone()[0] == 0
    assert conn.execute("select group_id from quotes where id = ?", [qid]).fetchone()[0] is None
    conn.close()


def test_reviewed_and_the_review_status_of_every_quote(db: Path):
    qid = quote_id(db, "We will rebuild")
    assert run("correct", str(qid), "--reviewed", "--by", "ben", "--db", str(db)) == f"Quote {qid}: reviewed (correction 1)\n"
    conn = sqlite3.connect(db)
    statuses = dict(conn.execute("select quote_id, review from quotes_view").fetchall())
    conn.close()
    assert statuses[qid] == "reviewed"
    assert set(statuses.values()) == {"reviewed", "machine"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["999", "--speaker", "Ruth Okafor"], "no quote 999"),
        (["{qid}"], "nothing to correct"),
        (["{qid}", "--not-quote", "--kind", "direct"], "disagree"),
        (["{qid}", "--speaker", " "], "the speaker's name is empty"),
        (["{qid}", "--kind", "title", "--speaker", "Ruth Okafor"], "has no speaker"),
    ],
)
def test_a_correction_that_cannot_be_made_is_one_line(db: Path, args: list[str], message: str):
    qid = quote_id(db, "We will rebuild")
    out = run("correct", *[a.format(qid=qid) for a in args], "--db", str(db), code=1)
    assert out.startswith("Error: ") and message in out and out.count("\n") == 1
    assert list_corrections(Store(db)) == []


def test_an_ambiguous_name_is_refused(db: Path, tmp_path: Path):
    other = tmp_path / "other.txt"
    other.write_text('Ferry news\n\n"The ferry runs on time," said Tom Okafor, the captain.\n')
    run("ingest", str(other), "--db", str(db))
    qid = quote_id(db, "Nobody has asked")
    out = run("correct", str(qid), "--speaker", "Okafor", "--db", str(db), code=1)
    assert "could be any of Ruth Okafor, Tom Okafor" in out


def test_undo_gives_back_what_the_extractor_said(db: Path):
    qid = quote_id(db, "Nobody has asked")
    run("correct", str(qid), "--speaker", "Ruth Okafor", "--db", str(db))
    run("correct", str(qid), "--speaker", "Mara Quill", "--by", "ben", "--db", str(db))  # a new speaker
    assert row(db, "Nobody has asked")["speaker"] == "Mara Quill"
    # undoing the first leaves the later one in force; undoing that one restores the extractor's
    run("undo-correction", "1", "--by", "ana", "--db", str(db))
    assert row(db, "Nobody has asked")["speaker"] == "Mara Quill"
    assert run("undo-correction", "2", "--db", str(db)) == f"Correction 2 undone: quote {qid}'s speaker is Jon Pike\n"
    r = row(db, "Nobody has asked")
    assert (r["speaker"], r["review"]) == ("Jon Pike", "machine")
    assert [h["quote_id"] for h in searched(db, "fishermen", "--speaker", "Jon Pike")] == [qid]
    listed = json.loads(run("corrections", "--db", str(db), "--json"))
    assert [(c["id"], c["status"], c["undone_by"]) for c in listed] == [(1, "undone", "ana"), (2, "undone", None)]
    out = run("undo-correction", "2", "--db", str(db), code=1)
    assert "was undone already" in out


def test_corrections_outlast_ingest_reextraction_and_a_rebuilt_index(db: Path, story: Path):
    speaker_q, term_q = quote_id(db, "Nobody has asked"), quote_id(db, "a fairy tale")
    run("correct", str(speaker_q), "--speaker", "Ruth Okafor", "--by", "ana", "--db", str(db))
    run("correct", str(term_q), "--not-quote", "--by", "ana", "--db", str(db))
    # the same article ingested again changes nothing
    run("ingest", str(story), "--db", str(db))
    assert row(db, "Nobody has asked")["speaker"] == "Ruth Okafor"

    # a changed extractor: other confidences, every speaker given as "Someone Else", and
    # the quote of the fairy tale no longer found in full (a shorter span)
    def changed(article: Article) -> list[Quote]:
        out = []
        for q in default_extractor()(article):
            if q.text.startswith("a fairy tale"):
                q.end -= len(" for the tourists")
                q.text = article.text[q.start : q.end]
            q.speaker = "Someone Else" if q.speaker else None
            q.confidence = 0.5
            out.append(q)
        return out

    store = Store(db)
    report = reextract(store, changed)
    assert (report.articles, report.changed) == (1, 1)
    r = row(db, "Nobody has asked")
    assert (r["speaker"], r["review"], r["extracted_speaker"]) == ("Ruth Okafor", "corrected", "Someone Else")
    assert row(db, "We will rebuild")["speaker"] == "Someone Else"
    # the correction whose span is gone is reported, not dropped
    dangling = list_corrections(store, dangling_only=True)
    assert [(c.field, c.quote) for c in dangling] == [("kind", "a fairy tale for the tourists")]
    out = CliRunner().invoke(cli, ["corrections", "--dangling", "--db", str(db)])
    assert out.exit_code == 1 and "no longer finds their quote: 2" in out.output

    # a rebuilt index reads the corrected rows
    run("index", "--rebuild", "--db", str(db))
    hits = searched(db, "fishermen")
    assert [(h["speaker"], h["review"]) for h in hits] == [("Ruth Okafor", "corrected")]
    assert "in step" in run("check", "--db", str(db))


def test_reextract_leaves_an_unchanged_article_alone(db: Path):
    before = quote_id(db, "We will rebuild")
    out = run("reextract", "--db", str(db))
    assert out.startswith("Read 1 article; 0 with quotes extracted anew")
    assert quote_id(db, "We will rebuild") == before


def test_a_correction_reaches_datasette(db: Path):
    import asyncio

    from datasette.app import Datasette

    qid = quote_id(db, "Nobody has asked")
    run("correct", str(qid), "--speaker", "Ruth Okafor", "--by", "ana", "--db", str(db))

    async def fetch() -> tuple[dict, str]:
        ds = Datasette([str(db)], settings={"default_facet_size": 10})
        response = await ds.client.get(f"/{db.stem}/quotes_view.json?_shape=objects&_facet=review&quote_id={qid}")
        page = await ds.client.get(f"/-/quotes/quote/{qid}")
        return response.json(), page.text

    data, page = asyncio.run(fetch())
    assert "corrected by ana on 20" in page
    [shown] = data["rows"]
    assert (shown["speaker"], shown["review"], shown["reviewed_by"]) == ("Ruth Okafor", "corrected", "ana")
    assert {f["value"] for f in data["facet_results"]["review"]["results"]} == {"corrected"}


def test_verify_says_who_corrected_the_evidence(db: Path):
    qid = quote_id(db, "Nobody has asked")
    run("correct", str(qid), "--speaker", "Ruth Okafor", "--by", "ana", "--db", str(db))
    out = CliRunner().invoke(cli, ["verify", "Nobody has asked the fishermen", "--speaker", "Ruth Okafor", "--db", str(db)])
    assert out.exit_code == 0 and out.stdout.startswith("CONFIRMED")
    assert "; corrected by ana on 20" in out.stdout
    assert "which the extractor resolved to 'Jon Pike'" in out.stdout
    data = json.loads(run("verify", "Nobody has asked the fishermen", "--db", str(db), "--json"))
    assert (data["earliest"]["review"], data["earliest"]["reviewed_by"]) == ("corrected", "ana")
