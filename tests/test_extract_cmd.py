"""``quotes extract``: JSON Lines of quotes with offsets, nothing stored."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FERRY, FERRY_ANTECEDENT
from test_ingest import jsonl, story
from test_readers import HTML

from cli.main import cli
from quotes.extract import extract
from quotes.model import Article

REQUIRED = ["text", "start", "end", "kind", "speaker", "speaker_mention", "speaker_start", "speaker_end",
            "cue", "method", "confidence"]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["extract", *args], input=input, catch_exceptions=False)


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_text_file_offsets_index_the_decoded_file(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(story(1).replace("\n", "\r\n").encode("cp1252"))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    [record] = lines(result.stdout)
    assert record["doc_id"] == str(path)
    text = path.read_bytes().decode("cp1252")
    assert len(record["quotes"]) == 2
    for q in record["quotes"]:
        assert list(q)[: len(REQUIRED)] == REQUIRED
        assert text[q["start"] : q["end"]] == q["text"]
        if q["speaker_start"] is not None:
            assert text[q["speaker_start"] : q["speaker_end"]] == q["speaker_mention"]
    assert [q["speaker"] for q in record["quotes"]] == ["Tom Baker", "Tom Baker"]


def test_jsonl_doc_ids_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "first", "text": story(1)}, {"doc_id": 2, "text": story(2)}, {"text": story(3)}]
    path.write_text(jsonl(rows))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    records = lines(result.stdout)
    assert [r["doc_id"] for r in records] == ["first", "2", f"{path}:3"]
    for row, record in zip(rows, records):
        expected = extract(Article(text=row["text"]))
        assert [(q["start"], q["end"], q["text"], q["speaker"]) for q in record["quotes"]] == [
            (q.start, q.end, q.text, q.speaker) for q in expected
        ]
        for q in record["quotes"]:
            assert row["text"][q["start"] : q["end"]] == q["text"]


def test_a_pronoun_carries_its_antecedent() -> None:
    result = run("-", input=jsonl([FERRY]))
    assert result.exit_code == 0, result.output
    [record] = lines(result.stdout)
    she, baker = record["quotes"]
    assert (she["speaker"], she["speaker_mention"], she["speaker_start"]) == ("Maria Lopez", "she", 107)
    assert (she["antecedent_mention"], she["antecedent_start"], she["antecedent_end"]) == FERRY_ANTECEDENT
    assert FERRY["text"][she["antecedent_start"] : she["antecedent_end"]] == "Lopez"
    assert (baker["antecedent_mention"], baker["antecedent_start"], baker["antecedent_end"]) == (None, None, None)


def test_stdin_and_with_text(tmp_path: Path) -> None:
    result = run("-", "--with-text", input=jsonl([{"id": "s", "text": story(4)}]))
    assert result.exit_code == 0
    [record] = lines(result.stdout)
    assert record["text"] == story(4)
    assert all(record["text"][q["start"] : q["end"]] == q["text"] for q in record["quotes"])


def test_html_offsets_index_the_extracted_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(HTML.encode()))
    [record] = lines(run(str(path), "--with-text").stdout)
    assert record["doc_id"] == str(path)
    assert [q["text"] for q in record["quotes"]] == [
        "We have waited long enough for this bridge,", "It will cost far more than they say,"]
    assert all(record["text"][q["start"] : q["end"]] == q["text"] for q in record["quotes"])


def test_nothing_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(story(1))
    assert run("a.txt").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    # ...so it takes no database to store into.
    result = CliRunner().invoke(cli, ["extract", "a.txt", "--db", "news.db"])
    assert result.exit_code == 2 and "No such option '--db'" in result.output


def test_bad_input_reported_others_printed(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": "a", "text": story(1)}]) + "[1, 2]\n" + jsonl([{"id": "b", "text": story(2)}]))
    result = run(str(path), str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert [r["doc_id"] for r in lines(result.stdout)] == ["a", "b"]
    assert result.stderr.splitlines() == [
        f"{path}:2: expected a JSON object, got an array",
        f"{tmp_path / 'nope.txt'}: no such file or directory",
    ]
    strict = run(str(path), "--strict")
    assert strict.exit_code == 1 and [r["doc_id"] for r in lines(strict.stdout)] == ["a"]


def test_workers_same_output(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(40)]))
    one = run(str(path), "--workers", "1").stdout
    two = run(str(path), "--workers", "2").stdout
    assert one == two and len(lines(one)) == 40
