"""``quotes ingest`` and the ingest pipeline: formats, bad input, idempotence, the index."""
from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import held_to_file_permissions
from test_common_words import GERMAN
from test_readers import HTML, NAV_ONLY_HTML

from cli.ingest_cmd import MAX_PROBLEM_LINES
from cli.main import cli
import index.follow
from index import check
from index.build import delete_documents
from index.follow import ingest_and_index
from quotes.extract import extract
from quotes.ingest import MAX_INFLIGHT_ARTICLES, extract_stream, ingest
from quotes.model import Article
from quotes.readers import read_paths
from quotes.store import Store, set_sync_pending, sync_pending, writer_lock

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Ann Lee", "Tom Baker", "Maria Gomez", "Sam Patel", "Jo Novak"]


def story(i: int) -> str:
    """A small article of our own with two attributed quotes; ``i`` makes it unique."""
    name = NAMES[i % len(NAMES)]
    return (
        f"Council report number {i}\n\n"
        f"The council met on day {i} of the sitting to discuss the budget and the roads.\n\n"
        f"\u201cWe will keep the rates low in year {i},\u201d said {name}, the council leader.\n\n"
        f"Others were not so sure. \u201cPlan {i} is a mistake,\u201d said Tom Baker, who runs a shop.\n"
    )


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def invoke(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, ["ingest", *args], input=input, catch_exceptions=False)


def stored(db_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(db_path)


def assert_offsets_true(db: sqlite_utils.Database) -> int:
    rows = list(db.query('select a.text as article, q.start, q."end", q.text from quotes q join articles a on a.id = q.article_id'))
    for r in rows:
        assert r["article"][r["start"] : r["end"]] == r["text"]
    return len(rows)


# -- formats ----------------------------------------------------------------------


def test_every_format_and_encoding(tmp_path: Path, db_path: Path) -> None:
    src = tmp_path / "in"
    (src / "nested").mkdir(parents=True)
    (src / "utf8.txt").write_text(story(1), encoding="utf-8")
    (src / "bom.txt").write_bytes(b"\xef\xbb\xbf" + story(2).encode("utf-8"))
    (src / "utf16.txt").write_bytes(b"\xff\xfe" + story(3).encode("utf-16-le"))
    (src / "legacy.txt").write_bytes(story(4).encode("cp1252"))
    (src / "nested" / "page.html").write_text(HTML, encoding="utf-8")
    (src / "nested" / "more.txt.gz").write_bytes(gzip.compress(story(5).encode()))
    (src / "feed.jsonl").write_text(jsonl([{"id": "j6", "text": story(6), "publisher": "Gazette"}]))
    (src / "feed2.jsonl.gz").write_bytes(gzip.compress(jsonl([{"doc_id": "j7", "text": story(7)}]).encode()))

    result = invoke(str(src), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "Added 8 articles with 16 quotes; 0 unchanged" in result.stdout
    db = stored(db_path)
    assert db["articles"].count == 8
    assert assert_offsets_true(db) == 16
    texts = {r["text"] for r in db["articles"].rows}
    assert {story(i) for i in (1, 2, 3, 4, 5, 6, 7)} <= texts  # BOMs stripped, legacy decoded
    page = next(db["articles"].rows_where("source_path like ?", ["%page.html"]))
    assert (page["publisher"], page["byline"], page["url"]) == (
        "Riverton Gazette", "Sam Writer", "https://gazette.example/bridge")
    assert page["published"].startswith("2024-03-05")
    feed = next(db["articles"].rows_where("doc_id = 'j6'"))
    assert feed["publisher"] == "Gazette"
    assert next(db["articles"].rows_where("doc_id = 'j7'"))["source_path"].endswith("feed2.jsonl.gz")


def test_seed_article_offsets_and_layout(db_path: Path, seed_dir: Path) -> None:
    result = invoke(str(seed_dir), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    db = stored(db_path)
    article = next(db["articles"].rows)
    seed_file = next(seed_dir.glob("*.txt"))
    assert article["text"] == seed_file.read_bytes().decode("utf-8")
    assert article["title"] == "In diplomatic shift, Russia calls for Gadhafi to step down"
    assert article["byline"] and "CNN" in article["byline"]
    assert article["dateline"] and article["dateline"].startswith("Tripoli, Libya")
    assert assert_offsets_true(db) >= 8


def test_stdin(db_path: Path) -> None:
    rows = [{"id": "s1", "text": story(1)}, {"id": "s2", "text": story(2), "title": "Second"}]
    result = invoke("-", "--db", str(db_path), input=jsonl(rows))
    assert result.exit_code == 0, result.output
    db = stored(db_path)
    assert [(r["doc_id"], r["title"], r["source_path"]) for r in db["articles"].rows] == [
        ("s1", None, "<stdin>"), ("s2", "Second", "<stdin>")]
    assert db["quotes"].count == 4


def test_reingest_is_a_no_op(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(5)]))
    assert invoke(str(path), "--db", str(db_path)).exit_code == 0
    db = stored(db_path)
    before = (db["articles"].count, db["quotes"].count, db["speakers"].count)
    result = invoke(str(path), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "Added 0 articles with 0 quotes; 5 unchanged" in result.stdout
    assert (db["articles"].count, db["quotes"].count, db["speakers"].count) == before
    # The same text under another id or file is still the same article.
    path2 = tmp_path / "copy.jsonl"
    path2.write_text(jsonl([{"id": "other", "text": story(3)}, {"id": "new", "text": story(99)}]))
    result = invoke(str(path2), "--db", str(db_path))
    assert "Added 1 article with 2 quotes; 1 unchanged" in result.stdout
    assert db["articles"].count == 6


def test_duplicates_within_one_run(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "dups.jsonl"
    path.write_text(jsonl([{"id": "x", "text": story(1)}] * 3))
    result = invoke(str(path), "--db", str(db_path), "--workers", "1")
    assert "Added 1 article with 2 quotes; 2 unchanged" in result.stdout
    assert stored(db_path)["quotes"].count == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_give_the_same_database(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(60)]))
    db_path = tmp_path / f"w{workers}.db"
    result = invoke(str(path), "--db", str(db_path), "--workers", str(workers))
    assert result.exit_code == 0, result.output
    db = stored(db_path)
    assert [r["doc_id"] for r in db["articles"].rows] == [f"a{i}" for i in range(60)]
    got = [(r["article_id"], r["start"], r["end"], r["text"]) for r in db.query(
        'select article_id, start, "end", text from quotes order by id')]
    expected = []
    for i in range(60):
        expected += [(i + 1, q.start, q.end, q.text) for q in extract(Article(text=story(i)))]
    assert got == expected


def test_json_summary(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": "a", "text": story(1)}]) + "{oops\n")
    result = invoke(str(path), "--db", str(db_path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["articles_added"], data["quotes_added"], data["skipped"]) == (1, 2, 1)
    assert data["errors"] == [f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"]
    assert data["index_updated"] is True


def test_articles_not_in_english_are_stored_and_counted(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": "a", "text": story(1)}, {"id": "b", "text": GERMAN}]))
    result = invoke(str(path), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "Added 2 articles with 2 quotes; 0 unchanged" in result.stdout
    assert "1 of the articles added are not in English: stored, with no quotes." in result.stdout
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 2
    data = json.loads(invoke(str(path), "--db", str(tmp_path / "other.db"), "--json").stdout)
    assert (data["articles_added"], data["articles_not_english"], data["quotes_added"]) == (2, 1, 2)


def test_verbose_and_quiet(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(story(1))
    result = invoke(str(path), "--db", str(db_path), "-v")
    assert result.stderr == f"{path}: added, 2 quotes\n"
    result = invoke(str(path), "--db", str(db_path), "-v")
    assert result.stderr == f"{path}: already stored\n"
    result = invoke(str(path), "--db", str(db_path), "-q")
    assert result.exit_code == 0 and result.output == ""


# -- bad input --------------------------------------------------------------------


def test_bad_inputs_are_reported_and_the_batch_goes_on(tmp_path: Path, db_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_good.txt").write_text(story(1))
    (src / "b_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (src / "c_empty.txt").write_bytes(b"")
    (src / "d_huge.txt").write_text(story(2) + "filler words " * 1000)
    (src / "e_feed.jsonl").write_text(
        jsonl([{"id": "ok1", "text": story(3)}]) + "{not json\n" + jsonl([{"id": "notext"}, {"id": "ok2", "text": story(4)}])
    )
    (src / "f_menu.html").write_text(NAV_ONLY_HTML)
    (src / "g_undecodable.txt").write_bytes(b"caf\xe9 \x81\x8d\x9d " * 5)
    (src / "h_good.html").write_text(HTML)
    missing = tmp_path / "missing.txt"

    result = invoke(str(src), str(missing), "--db", str(db_path), "--max-bytes", "4K")
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"{src / 'b_binary.txt'}: binary file (not text)",
        f"{src / 'c_empty.txt'}: empty file",
        f"{src / 'd_huge.txt'}: file is 13 KB, over the 4 KB limit (--max-bytes)",
        f"{src / 'e_feed.jsonl'}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f'{src / "e_feed.jsonl"}:3: no "text" field',
        f"{src / 'f_menu.html'}: no article text found in the HTML (only 6 words of text)",
        f"{src / 'g_undecodable.txt'}: cannot decode: not UTF-8, UTF-16 or Windows-1252 text",
        f"{missing}: no such file or directory",
    ]
    # The good items of the same batch are all stored.
    db = stored(db_path)
    assert db["articles"].count == 4
    assert {r["doc_id"] for r in db["articles"].rows if r["doc_id"]} == {"ok1", "ok2"}
    assert assert_offsets_true(db) == 8
    # The summary says what and where.
    assert "Added 4 articles with 8 quotes; 0 unchanged" in result.stdout
    assert f"Skipped 8: {src / 'b_binary.txt'}, {src / 'c_empty.txt'}" in result.stdout
    assert "Traceback" not in result.output


def test_strict_stops_at_the_first_problem(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": "a", "text": story(1)}]) + "{bad\n" + jsonl([{"id": "b", "text": story(2)}]))
    result = invoke(str(path), "--db", str(db_path), "--strict")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    assert "Stopped at the first problem (--strict)." in result.stdout
    assert [r["doc_id"] for r in stored(db_path)["articles"].rows] == ["a"]


def run_quotes(
    args: list[str], cwd: Path, *, timeout: float = 60, held_to_permissions: bool = False
) -> subprocess.CompletedProcess[str]:
    """``quotes ARGS`` in a new process, killed after ``timeout`` seconds.

    ``held_to_permissions``: file permissions apply to the process. Root reads any
    folder, so as root the process is root without that power (an unprivileged user
    could not run an interpreter installed in root's home)."""
    return subprocess.run(
        [sys.executable, "-c", "from cli.main import cli; cli()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=held_to_file_permissions if held_to_permissions and os.geteuid() == 0 else None,
    )


def stored_in(command: str, db_path: str | Path) -> list[str]:
    """``--db`` for the command that stores (``extract`` stores nothing)."""
    return ["--db", str(db_path)] if command == "ingest" else []


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_unreadable_folders_are_reported(tmp_path: Path, command: str) -> None:
    src = tmp_path / "in"
    (src / "private").mkdir(parents=True)
    (src / "a.txt").write_text(story(1))
    (src / "private" / "b.txt").write_text(story(2))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "c.txt").write_text(story(3))
    unreadable = [src / "private", tmp_path / "locked"]
    for folder in unreadable:
        folder.chmod(0)
    try:
        proc = run_quotes(
            [command, "in", "locked", *stored_in(command, "quotes.db"), "--workers", "1"], tmp_path,
            held_to_permissions=True,
        )
    finally:
        for folder in unreadable:
            folder.chmod(0o755)
    assert proc.stderr.splitlines() == [
        "in/private: cannot read folder (permission denied)",
        "locked: cannot read folder (permission denied)",
    ]
    assert proc.returncode == 1
    if command == "ingest":
        assert "Added 1 article with 2 quotes" in proc.stdout
        assert "Skipped 2: in/private, locked" in proc.stdout
    else:
        assert [json.loads(line)["doc_id"] for line in proc.stdout.splitlines()] == ["in/a.txt"]


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_fifo_in_a_folder_is_reported_not_read(tmp_path: Path, command: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(story(1))
    os.mkfifo(src / "b.txt")  # opening it to read would wait for a writer forever
    proc = run_quotes([command, "in", *stored_in(command, "quotes.db"), "--workers", "1"], tmp_path)
    assert proc.stderr.splitlines() == ["in/b.txt: not a regular file (a FIFO)"]
    assert proc.returncode == 1
    if command == "ingest":
        assert "Added 1 article with 2 quotes" in proc.stdout
    else:
        assert [json.loads(line)["doc_id"] for line in proc.stdout.splitlines()] == ["in/a.txt"]


def test_a_pipe_named_as_a_path_is_read(tmp_path: Path, db_path: Path) -> None:
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)

    def write_feed() -> None:
        try:
            with open(fifo, "w") as f:
                f.write(jsonl([{"id": "p1", "text": story(1)}, {"id": "p2", "text": story(2)}]))
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write_feed, daemon=True)
    writer.start()
    try:
        proc = run_quotes(["ingest", str(fifo), "--db", str(db_path), "--workers", "1"], tmp_path)
    finally:
        if writer.is_alive():  # the command never opened the pipe: release the writer
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(10)
    assert proc.returncode == 0, proc.stderr
    assert "Added 2 articles with 4 quotes" in proc.stdout


def bad_feed(path: Path, bad_lines: int) -> list[str]:
    """Write a gzip JSON Lines file of one good article and then ``bad_lines`` bad
    lines; return the problem line each bad line gives."""
    lines, problems = [json.dumps({"id": "good", "text": story(1)})], []
    for number in range(2, bad_lines + 2):
        if number % 2:
            lines.append("{oops")
            problems.append(f"{path}:{number}: invalid JSON: Expecting property name enclosed in double quotes (column 2)")
        else:
            lines.append(json.dumps({"id": f"b{number}"}))
            problems.append(f'{path}:{number}: no "text" field')
    path.write_bytes(gzip.compress("\n".join(lines).encode() + b"\n"))
    return problems


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_problem_lines_are_capped(tmp_path: Path, db_path: Path, command: str) -> None:
    path = tmp_path / "feed.jsonl.gz"
    problems = bad_feed(path, 3000)
    result = CliRunner().invoke(cli, [command, str(path), *stored_in(command, db_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        *problems[:MAX_PROBLEM_LINES], f"... and {3000 - MAX_PROBLEM_LINES:,} more problems not shown"
    ]
    if command == "ingest":
        assert "Added 1 article with 2 quotes" in result.stdout
        assert f"Skipped 3,000: {path}:2, {path}:3" in result.stdout
    else:
        assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["good"]


def test_verbose_shows_every_problem_and_json_counts_them(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    problems = bad_feed(path, 3000)
    result = invoke(str(path), "--db", str(db_path), "--json")
    assert len(result.stderr.splitlines()) == MAX_PROBLEM_LINES + 1
    assert json.loads(result.stdout)["skipped"] == 3000
    result = invoke(str(path), "--db", str(db_path), "-v")
    assert result.stderr.splitlines() == [f"{path}:1: already stored", *problems]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "Missing argument 'PATH...'"),
        (["x.txt", "--workers", "0"], "Invalid value for '-w' / '--workers'"),
        (["x.txt", "--max-bytes", "lots"], "'lots' is not a size"),
        (["x.txt", "--timeout", "0"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_exit_2(db_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["ingest", *args, "--db", str(db_path)])
    assert result.exit_code == 2
    assert message in result.output


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    (tmp_path / "a.txt").write_text(story(1))
    result = invoke(str(tmp_path / "a.txt"), "--db", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


def boom_on_plan_3(article: Article) -> list:
    if "Plan 3 " in article.text:
        raise ValueError("cannot cope")
    return extract(article)


@pytest.mark.parametrize("workers", [1, 2])
def test_extraction_failure_skips_only_that_article(tmp_path: Path, db_path: Path, workers: int) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(6)]))
    store = Store(db_path)
    report = ingest(store, read_paths([path]), workers=workers, extractor=boom_on_plan_3, parallel_after=0)
    assert [str(e) for e in report.errors] == [f"{path}:4: extraction failed: ValueError: cannot cope"]
    assert (report.articles_added, report.quotes_added) == (5, 10)
    assert len(report.new_quote_ids) == 10 and not report.ok


def hang_on_plan_2(article: Article) -> list:
    if "Plan 2 " in article.text:
        while True:  # a pathological input: never returns on its own
            pass
    return extract(article)


@pytest.mark.parametrize("workers", [1, 2])
def test_extraction_that_hangs_is_timed_out(tmp_path: Path, db_path: Path, workers: int) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(4)]))
    store = Store(db_path)
    started = time.monotonic()
    report = ingest(
        store, read_paths([path]), workers=workers, extractor=hang_on_plan_2, timeout=0.5, parallel_after=0
    )
    assert time.monotonic() - started < 30
    assert [str(e) for e in report.errors] == [f"{path}:3: extraction took longer than 0.5s (skipped)"]
    assert report.articles_added == 3 and not report.ok
    # The timer is off again once the ingest is done.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_extract_stream_bounded_and_ordered() -> None:
    """Items come back in input order, and the input is not read far ahead."""
    pulled = 0

    def items():
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield Article(text=story(i), doc_id=str(i))

    seen = 0
    for article, quotes in extract_stream(items(), workers=2, chunk_size=4, parallel_after=0):
        assert article.doc_id == str(seen)
        assert len(quotes) == 2
        seen += 1
        assert pulled - seen <= MAX_INFLIGHT_ARTICLES + 8  # a bounded number in flight
    assert seen == 1000


def extracted_with_children(items: Iterable[Article], **kwargs: Any) -> tuple[list[tuple[str, list]], int]:
    """``extract_stream(items, workers=2, ...)``'s (doc_id, quotes) pairs, and the most
    child processes it had started at once while they came."""

    def children() -> set[int | None]:
        return {p.pid for p in multiprocessing.active_children()}

    others = children()  # what earlier tests left running
    pairs, most = [], 0
    for article, quotes in extract_stream(items, workers=2, **kwargs):
        most = max(most, len(children() - others))
        pairs.append((article.doc_id, quotes))
    return pairs, most


def test_workers_start_only_for_an_input_that_pays_for_them() -> None:
    articles = [Article(text=story(i), doc_id=str(i)) for i in range(300)]
    serial = [(a.doc_id, extract(a)) for a in articles]

    # Less work than the threshold: extracted here, no process started.
    pairs, children = extracted_with_children(articles, parallel_after=3600)
    assert pairs == serial and children == 0

    # Past it (the first article), extraction, the slower part, moves to the workers.
    pairs, children = extracted_with_children(articles, parallel_after=1e-9)
    assert pairs == serial and children == 2


def test_no_workers_while_reading_is_the_slower_part() -> None:
    articles = [Article(text=story(i), doc_id=str(i)) for i in range(40)]

    def slow_to_read() -> Iterator[Article]:
        for article in articles:
            time.sleep(0.05)  # far longer than extracting a story takes
            yield article

    pairs, children = extracted_with_children(slow_to_read(), parallel_after=1e-9)
    assert pairs == [(a.doc_id, extract(a)) for a in articles] and children == 0


# -- the search index follows SQLite ----------------------------------------------


def test_index_follows_and_is_repaired(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(10)]))
    assert invoke(str(path), "--db", str(db_path)).exit_code == 0
    index_dir = tmp_path / "quotes.index"
    store = Store(db_path)
    assert check(store, index_dir).ok
    assert not sync_pending(store)

    # A run that died after storing and before indexing leaves the pending mark.
    ids = [r[0] for r in store.db.execute("select id from quotes limit 3")]
    delete_documents(index_dir, ids)
    set_sync_pending(store, True)
    assert not check(store, index_dir).ok

    # The next ingest, even one that adds nothing, repairs the index.
    result = invoke(str(path), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "bringing the search index up to date" in result.stderr
    assert check(store, index_dir).ok
    assert not sync_pending(store)


def test_missing_index_is_rebuilt(tmp_path: Path, db_path: Path) -> None:
    import shutil

    path = tmp_path / "a.txt"
    path.write_text(story(1))
    assert invoke(str(path), "--db", str(db_path)).exit_code == 0
    shutil.rmtree(tmp_path / "quotes.index")
    (tmp_path / "b.txt").write_text(story(2))
    assert invoke(str(tmp_path / "b.txt"), "--db", str(db_path)).exit_code == 0
    report = check(Store(db_path), tmp_path / "quotes.index")
    assert report.ok and report.documents == 4


def test_second_ingest_waits_for_the_first(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(story(1))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with writer_lock(db_path):
        proc = subprocess.Popen(
            [sys.executable, "-c", "from cli.main import cli; cli()", "ingest", str(path), "--db", str(db_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.strip() == "waiting for another ingest to finish..."
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Added 1 article with 2 quotes" in out


def test_large_syncs_run_in_a_child_process(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index.follow, "INDEX_BATCH", 10)
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(40)]))
    result = invoke(str(path), "--db", str(db_path), "--workers", "1")
    assert result.exit_code == 0, result.output
    report = check(Store(db_path), tmp_path / "quotes.index")
    assert report.ok and report.documents == 80


def test_bulk_load_indexes_while_storing(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index.follow, "INDEX_BATCH", 10)
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(40)]))
    result = invoke(str(path), "--db", str(db_path), "--workers", "2")
    assert result.exit_code == 0, result.output
    report = check(Store(db_path), tmp_path / "quotes.index")
    assert report.ok and report.documents == 80
    # A smaller run afterwards adds to the index batch by batch.
    path.write_text(jsonl([{"id": f"b{i}", "text": story(100 + i)} for i in range(20)]))
    result = invoke(str(path), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    report = check(Store(db_path), tmp_path / "quotes.index")
    assert report.ok and report.documents == 120


def test_reported_time_covers_the_index_catch_up(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_quotes, set_pending = index.follow.run_ingest, index.follow.set_sync_pending
    marks: dict[str, float] = {}

    def timed_store(*args: object, **kwargs: object) -> object:
        marks["storing"] = time.monotonic()
        report = store_quotes(*args, **kwargs)
        marks["stored"] = time.monotonic()
        return report

    def timed_set_pending(store: Store, pending: bool) -> None:
        set_pending(store, pending)
        if not pending:  # the index has caught up
            marks["indexed"] = time.monotonic()

    monkeypatch.setattr(index.follow, "run_ingest", timed_store)
    monkeypatch.setattr(index.follow, "set_sync_pending", timed_set_pending)
    path = tmp_path / "feed.jsonl"
    path.write_text(jsonl([{"id": f"a{i}", "text": story(i)} for i in range(100)]))
    report, index_ok = ingest_and_index(db_path, tmp_path / "quotes.index", read_paths([path]))
    assert index_ok and report.quotes_added == 200
    assert check(Store(db_path), tmp_path / "quotes.index").documents == 200
    assert marks["stored"] < marks["indexed"]  # the quotes were indexed after storing...
    assert report.seconds >= marks["indexed"] - marks["storing"]  # ...and the time says so


def test_index_failure_is_reported_and_repaired_next_time(tmp_path: Path, db_path: Path) -> None:
    from index import rebuild

    (tmp_path / "a.txt").write_text(story(1))
    assert invoke(str(tmp_path / "a.txt"), "--db", str(db_path)).exit_code == 0
    index_dir = tmp_path / "quotes.index"
    for toc in index_dir.glob("*.toc"):
        toc.write_bytes(b"garbage")
    (tmp_path / "b.txt").write_text(story(2))
    result = invoke(str(tmp_path / "b.txt"), "--db", str(db_path))
    assert result.exit_code == 1
    assert "Error: search index not updated" in result.stderr
    assert "Added 1 article with 2 quotes" in result.stdout  # the quotes themselves are stored
    assert stored(db_path)["quotes"].count == 4
    assert sync_pending(Store(db_path))
    rebuild(Store(db_path), index_dir)
    result = invoke(str(tmp_path / "b.txt"), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert check(Store(db_path), index_dir).ok
    assert not sync_pending(Store(db_path))


def test_ingest_and_index_as_a_library_call(tmp_path: Path, db_path: Path) -> None:
    index_dir = tmp_path / "news.index"
    (tmp_path / "a.txt").write_text(story(1))
    statuses: list[str] = []
    report, index_ok = ingest_and_index(db_path, index_dir, read_paths([tmp_path / "a.txt"]), on_status=statuses.append)
    assert index_ok and (report.articles_added, report.quotes_added) == (1, 2)
    assert check(Store(db_path), index_dir).ok and statuses == []  # nothing to catch up with

    # An index that cannot be written is reported; the quotes are stored all the same.
    for toc in index_dir.glob("*.toc"):
        toc.write_bytes(b"garbage")
    (tmp_path / "b.txt").write_text(story(2))
    reasons: list[str] = []
    report, index_ok = ingest_and_index(
        db_path, index_dir, read_paths([tmp_path / "b.txt"]), on_index_error=reasons.append
    )
    assert not index_ok and len(reasons) == 1 and report.quotes_added == 2
    assert sync_pending(Store(db_path))


def test_a_text_file_is_laid_out_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import quotes.extract.layout
    import quotes.extract.pipeline

    calls: list[str] = []
    analyse = quotes.extract.layout.analyse

    def counted(text: str) -> object:
        calls.append(text)
        return analyse(text)

    monkeypatch.setattr(quotes.extract.layout, "analyse", counted)
    monkeypatch.setattr(quotes.extract.pipeline, "analyse", counted)
    (tmp_path / "a.txt").write_text(story(1))
    [(article, quotes)] = list(extract_stream(read_paths([tmp_path / "a.txt"])))
    assert len(calls) == 1  # by the reader, for the title; extraction reuses it
    assert article.title == "Council report number 1"
    assert quotes == extract(Article(text=story(1)))

    # A text changed after reading is analysed afresh.
    article.text = article.text.replace("Tom Baker", "Sam Patel")
    del calls[:]
    [(_, changed)] = list(extract_stream([article]))
    assert len(calls) == 1
    assert changed == extract(Article(text=article.text))
    assert any(q.speaker == "Sam Patel" for q in changed)
