"""Reading and extraction on a Dask cluster: a real LocalCluster of two worker
processes on loopback gives the same database and the same ``quotes extract`` output as
this machine alone, loses nothing when a worker is killed, and a scheduler that cannot
be reached is one line and exit status 2."""
from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner
from test_ingest import story

from cli.main import cli
from quotes import distributed as cluster_module
from quotes.extract import extract
from quotes.ingest import extract_stream, ingest
from quotes.model import Article, Quote
from quotes.readers import ReadError, read_paths
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
def corpus(folder: Path) -> list[str]:
    """Inputs of every kind a partition is made of: runs of JSON lines (a bad one far
    down), a gzipped JSON Lines file, text files, a missing path. Returns the paths."""
    folder.mkdir()
    lines = [json.dumps({"id": f"j{i}", "text": story(i)}) for i in range(40)]
    lines.insert(33, "{not json")
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    import gzip

    (folder / "more.jsonl.gz").write_bytes(gzip.compress(
        "".join(json.dumps({"text": story(100 + i)}) + "\n" for i in range(12)).encode()))
    texts = folder / "texts"
    texts.mkdir()
    for i in range(7):
        (texts / f"t{i}.txt").write_text(story(200 + i))
    (texts / "empty.txt").write_text("")
    return [str(folder / "feed.jsonl"), str(folder / "more.jsonl.gz"), str(texts), str(folder / "missing.txt")]


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Partitions of a few articles, so a small input makes many of them."""
    monkeypatch.setattr(cluster_module, "LINES_PER_PARTITION", 6)
    monkeypatch.setattr(cluster_module, "FILES_PER_PARTITION", 3)


def dump(db_path: Path) -> dict[str, list[dict[str, Any]]]:
    """Articles and quotes, in the order stored, without row ids or timestamps."""
    db = sqlite_utils.Database(db_path)
    articles = [{k: v for k, v in row.items() if k not in ("id", "ingested_at")} for row in db.query(
        "select * from articles order by id")]
    quotes = [{k: v for k, v in row.items() if k not in ("id", "article_id", "speaker_id", "continues_quote_id")}
              for row in db.query(
        "select q.*, a.content_sha256 as article, s.name as speaker, c.text as continues"
        " from quotes q join articles a on a.id = q.article_id left join speakers s on s.id = q.speaker_id"
        " left join quotes c on c.id = q.continues_quote_id order by q.id")]
    return {"articles": articles, "quotes": quotes}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def without_time(summary: str) -> str:
    return "\n".join(line.rsplit(" (", 1)[0] if line.startswith("Added") else line for line in summary.splitlines())


def test_ingest_on_a_local_cluster_gives_the_same_database(tmp_path: Path, small_partitions: None) -> None:
    paths = corpus(tmp_path / "in")
    here = run("ingest", *paths, "--db", str(tmp_path / "here.db"))
    there = run("ingest", *paths, "--db", str(tmp_path / "there.db"), "--scheduler", "local", "--workers", "2")
    assert here.exit_code == there.exit_code == 1
    assert there.stderr == here.stderr
    assert f"{paths[0]}:34: invalid JSON" in there.stderr
    assert without_time(there.stdout) == without_time(here.stdout)
    assert without_time(here.stdout).startswith("Added 59 articles with 118 quotes; 0 unchanged")
    assert dump(tmp_path / "there.db") == dump(tmp_path / "here.db")


def test_extract_on_the_cluster_prints_the_same(tmp_path: Path, client: Any, small_partitions: None) -> None:
    paths = corpus(tmp_path / "in")
    here = run("extract", *paths)
    there = run("extract", *paths, "--scheduler", client.scheduler.address)
    assert here.exit_code == there.exit_code == 1
    assert there.stdout == here.stdout
    assert there.stderr == here.stderr
    assert len(there.stdout.splitlines()) == 59


def test_stdin_and_files_the_workers_cannot_see_are_sent(tmp_path: Path, client: Any, small_partitions: None) -> None:
    paths = corpus(tmp_path / "in")
    local = [(item, outcome) for item, outcome in extract_stream(read_paths(paths), workers=1)]
    sent = list(extract_stream(cluster_module.cluster_items(client, paths, share=False), workers=1))
    assert [_key(item, outcome) for item, outcome in sent] == [_key(item, outcome) for item, outcome in local]

    feed = Path(paths[0]).read_text()
    here = run("extract", "-", input=feed)
    there = run("extract", "-", "--scheduler", client.scheduler.address, input=feed)
    assert (there.exit_code, there.stdout, there.stderr) == (here.exit_code, here.stdout, here.stderr)


def _key(item: Article | ReadError, outcome: Any) -> Any:
    if isinstance(item, ReadError):
        return str(item)
    return (item.content_sha256, item.doc_id, item.extra.get("line"),
            [(q.start, q.end, q.speaker) for q in outcome] if isinstance(outcome, list) else outcome)


def test_partitions_follow_the_input(tmp_path: Path) -> None:
    paths = corpus(tmp_path / "in")
    parts = list(cluster_module.partitions(paths, lines_per_partition=6, files_per_partition=3))
    runs = [p[0].lines for p in parts if not isinstance(p, ReadError) and p[0].path == paths[0]]
    # 41 lines of feed.jsonl in runs of 6, by offset (the workers read the file).
    assert [(first, end - start > 0) for start, end, first in runs] == [(1 + 6 * i, True) for i in range(7)]
    data = Path(paths[0]).read_bytes()
    assert b"".join(data[start:end] for start, end, _ in runs) == data
    gz = [p[0] for p in parts if not isinstance(p, ReadError) and p[0].path == paths[1]]
    assert [piece.lines[2] for piece in gz] == [1, 7] and all(piece.data for piece in gz)
    texts = [tuple(os.path.basename(piece.path) for piece in p) for p in parts
             if not isinstance(p, ReadError) and p[0].lines is None]
    assert texts == [("empty.txt", "t0.txt", "t1.txt"), ("t2.txt", "t3.txt", "t4.txt"), ("t5.txt", "t6.txt")]
    assert str(parts[-1]) == f"{paths[3]}: no such file or directory"


def killing_extractor(article: Article, marker: str) -> list[Quote]:
    """Kills the worker it runs on at story 17, the first time (``marker``, a file,
    says it has been done), else extracts."""
    if "number 17\n" in article.text and not os.path.exists(marker):
        Path(marker).write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return extract(article)


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, client: Any) -> None:
    import cloudpickle

    # The workers cannot import this test module: send the extractor by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = tmp_path / "killed"
    extractor = functools.partial(killing_extractor, marker=str(marker))
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": f"j{i}", "text": story(i)}) + "\n" for i in range(40)))
    try:
        store = Store(tmp_path / "quotes.db")
        items = cluster_module.cluster_items(client, [path], extractor=extractor, lines_per_partition=4)
        report = ingest(store, items)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert marker.exists(), "no worker was killed"
    assert report.ok, report.errors
    assert (report.articles_added, report.quotes_added) == (40, 80)
    rows = list(store.db.query("select doc_id, count(*) as n from articles group by doc_id order by id"))
    assert [(r["doc_id"], r["n"]) for r in rows] == [(f"j{i}", 1) for i in range(40)]
    assert store.db.execute("select count(*) from quotes").fetchone()[0] == 80


def test_a_scheduler_that_cannot_be_reached_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nothing listens there
    (tmp_path / "a.txt").write_text(story(1))
    for command in (["ingest", "--db", str(tmp_path / "q.db")], ["extract"]):
        result = CliRunner().invoke(cli, [*command, str(tmp_path / "a.txt"), "--scheduler", f"tcp://127.0.0.1:{port}"])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (")
    assert not (tmp_path / "q.db").exists()


def test_the_cli_does_not_import_dask() -> None:
    code = (
        "import sys; from cli.main import cli; import cli.ingest_cmd; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def hang_on_story_3(article: Article) -> list[Quote]:
    """Extracts, except that story 3 never ends (in Python code, as a runaway extractor's
    loop would)."""
    while "number 3\n" in article.text:
        pass
    return extract(article)


def test_an_article_that_hangs_is_timed_out_on_the_cluster(tmp_path: Path, client: Any) -> None:
    import cloudpickle

    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": f"j{i}", "text": story(i)}) + "\n" for i in range(6)))
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        store = Store(tmp_path / "quotes.db")
        items = cluster_module.cluster_items(client, [path], timeout=0.5, extractor=hang_on_story_3, lines_per_partition=2)
        report = ingest(store, items)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert [str(e) for e in report.errors] == [f"{path}:4: extraction took longer than 0.5s (skipped)"]
    assert report.articles_added == 5
    # The worker is free again: the next partition on it is extracted.
    assert sorted(r["doc_id"] for r in store.db.query("select doc_id from articles")) == ["j0", "j1", "j2", "j4", "j5"]


def test_a_truncated_gzip_file_is_reported_as_without_a_cluster(tmp_path: Path, client: Any) -> None:
    import gzip

    data = gzip.compress("".join(json.dumps({"text": story(i)}) + "\n" for i in range(30)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    here = run("extract", str(path))
    there = run("extract", str(path), "--scheduler", client.scheduler.address)
    assert (there.exit_code, there.stdout, there.stderr) == (here.exit_code, here.stdout, here.stderr)
    assert here.exit_code == 1 and here.stderr.endswith(": truncated gzip file\n") and here.stdout


def test_strict_stops_as_without_a_cluster(tmp_path: Path, client: Any, small_partitions: None) -> None:
    paths = corpus(tmp_path / "in")
    command = [sys.executable, "-c", "from cli.main import cli; cli()", "ingest", *paths, "--strict"]
    here = subprocess.run([*command, "--db", str(tmp_path / "here.db")], capture_output=True, text=True, cwd=ROOT)
    there = subprocess.run([*command, "--db", str(tmp_path / "there.db"), "--scheduler", client.scheduler.address],
                           capture_output=True, text=True, cwd=ROOT)
    assert here.returncode == there.returncode == 1
    # The partitions still out are cancelled: nothing more is said.
    assert there.stderr == here.stderr == f"{paths[0]}:34: invalid JSON: Expecting property name enclosed in double quotes (column 2)\n"
    assert without_time(there.stdout) == without_time(here.stdout)
    assert dump(tmp_path / "there.db") == dump(tmp_path / "here.db")


def test_relative_paths_are_read_by_workers_in_another_folder(
    tmp_path: Path, client: Any, small_partitions: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    paths = ["in/feed.jsonl", "in/texts"]
    folders = client.run(os.getcwd)
    client.run(os.chdir, "/")
    try:
        here = run("extract", *paths)
        there = run("extract", *paths, "--scheduler", client.scheduler.address)
    finally:
        for worker, folder in folders.items():
            client.run(os.chdir, folder, workers=[worker])
    assert (there.exit_code, there.stdout, there.stderr) == (here.exit_code, here.stdout, here.stderr)
    assert '"doc_id": "in/texts/t0.txt"' in there.stdout
