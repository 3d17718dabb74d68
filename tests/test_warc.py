"""Web archives as input: WARC files written with warcio, and ARC files, read into
articles (URL, dates, titles, record ids), other records passed over and counted, a
corrupt or truncated record reported, and ingest and extract of them from the CLI."""
from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cli.main import cli
from quotes.model import Article
from quotes.readers import ReadError, read_paths

NAMES = ["Ann Lee", "Tom Baker", "Maria Gomez"]


def page(i: int, *, date: str | None = None) -> bytes:
    """An HTML news page of our own with one attributed quote; ``i`` makes it unique."""
    meta = f'<meta name="date" content="{date}">' if date else ""
    name = NAMES[i % len(NAMES)]
    return (
        f"<!doctype html><html><head><title>Ferry timetable {i}</title>{meta}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Ferry timetable {i}</h1>"
        f"<p>The harbour board met on Monday to agree the new ferry timetable for route {i}.</p>"
        f"<p>\u201cThe early boat will run every day of the week from May,\u201d said {name}, who chairs the board.</p>"
        f"<p>Passengers had asked for the change for years, and the board said it would review it in autumn.</p>"
        f"</article></body></html>"
    ).encode()


class Archive:
    """Writes a WARC file with warcio's writer, and remembers what it wrote."""

    def __init__(self, path: Path, *, gzip: bool = True):
        self.path = path
        self.out = open(path, "wb")
        self.writer = WARCWriter(self.out, gzip=gzip)
        self.ids: list[str] = []  # WARC-Record-ID of each HTML page, in order

    def response(self, uri: str, payload: bytes, *, status: str = "200 OK", content_type: str = "text/html; charset=utf-8",
                 date: str | None = None, rec_type: str = "response") -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date} if date else None
        record = self.writer.create_warc_record(uri, rec_type, payload=io.BytesIO(payload), http_headers=http,
                                                warc_headers_dict=warc_headers or {})
        self.writer.write_record(record)
        if rec_type == "response" and status.startswith("200") and "html" in content_type:
            self.ids.append(record.rec_headers.get_header("WARC-Record-ID"))

    def request(self, uri: str) -> None:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(uri, "request", http_headers=http))

    def metadata(self, uri: str) -> None:
        self.writer.write_record(self.writer.create_warc_record(
            uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 80\n"), warc_content_type="application/warc-fields"))

    def close(self) -> Path:
        self.out.close()
        return self.path


def crawl(path: Path, *, gzip: bool = True) -> Archive:
    """A small crawl: two pages (one dated by the page, one only by its capture), with a
    request and metadata record, a PDF, a redirect, a not-found page and a revisit."""
    archive = Archive(path, gzip=gzip)
    archive.writer.write_record(archive.writer.create_warcinfo_record(path.name, {"software": "tests"}))
    archive.request("https://news.example.org/ferry-1")
    archive.response("https://news.example.org/ferry-1", page(1, date="2024-03-04"), date="2024-05-01T08:00:00Z")
    archive.metadata("https://news.example.org/ferry-1")
    archive.response("https://news.example.org/ferry.pdf", b"%PDF-1.4 timetable", content_type="application/pdf")
    archive.response("https://news.example.org/old", b"", status="301 Moved Permanently")
    archive.response("https://news.example.org/gone", page(9), status="404 Not Found")
    archive.response("https://news.example.org/ferry-1", b"", rec_type="revisit")
    archive.response("https://news.example.org/ferry-2", page(2), content_type="application/xhtml+xml",
                     date="2024-05-02T09:30:00Z")
    archive.close()
    return archive


def read(*paths: Path, **kwargs) -> tuple[list[Article | ReadError], Counter[str]]:
    passed_over: Counter[str] = Counter()
    items = list(read_paths(paths, on_skip=lambda kind: passed_over.update([kind]), **kwargs))
    return items, passed_over


@pytest.mark.parametrize("name, gzip", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_html_pages_become_articles(tmp_path: Path, name: str, gzip: bool) -> None:
    archive = crawl(tmp_path / name, gzip=gzip)
    items, passed_over = read(archive.path)
    assert all(isinstance(a, Article) for a in items), items
    first, second = items
    assert (first.url, second.url) == ("https://news.example.org/ferry-1", "https://news.example.org/ferry-2")
    assert (first.title, second.title) == ("Ferry timetable 1", "Ferry timetable 2")
    # The page's own date wins; the capture date stands in where the page gives none.
    assert (first.published, second.published) == ("2024-03-04", "2024-05-02T09:30:00Z")
    assert [first.doc_id, second.doc_id] == archive.ids
    assert first.source_path == str(archive.path)
    assert "said Tom Baker" in first.text
    assert (first.extra["record"], second.extra["record"]) == (3, 9)
    assert passed_over == {"request": 1, "metadata": 1, "not HTML": 1, "not status 200": 2, "revisit": 1, "other": 1}


def test_offsets_are_those_of_the_file(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    archive = crawl(tmp_path / "crawl.warc.gz")
    (first, second), _ = read(archive.path)
    with open(archive.path, "rb") as f:
        for offset, want in ((first.extra["offset"], archive.ids[0]), (second.extra["offset"], archive.ids[1])):
            f.seek(offset)
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_headers.get_header("WARC-Record-ID") == want


def test_a_corrupt_record_ends_its_file_and_the_batch_goes_on(tmp_path: Path) -> None:
    archive = crawl(tmp_path / "crawl.warc.gz")
    (first, second), _ = read(archive.path)
    data = bytearray(archive.path.read_bytes())
    offset = second.extra["offset"]
    data[offset : offset + 40] = b"\x00" * 40
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(data))
    other = crawl(tmp_path / "other.warc.gz")
    items, _ = read(bad, other.path)
    assert [a.doc_id for a in items if isinstance(a, Article)] == [first.doc_id, *other.ids]
    errors = [e for e in items if isinstance(e, ReadError)]
    assert [str(e) for e in errors] == [f"{bad}: record 9 at offset {offset}: not a WARC or ARC record"]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
@pytest.mark.parametrize("kept", [30, 100, 200, 400])
def test_a_truncated_file_is_one_error(tmp_path: Path, name: str, kept: int) -> None:
    """Cut in the record's WARC headers, its HTTP headers or its page: one error."""
    archive = crawl(tmp_path / name, gzip=name.endswith(".gz"))
    (first, second), _ = read(archive.path)
    cut = tmp_path / f"cut-{name}"
    cut.write_bytes(archive.path.read_bytes()[: second.extra["offset"] + kept])
    items, _ = read(cut)
    assert [a.doc_id for a in items if isinstance(a, Article)] == [first.doc_id]
    (error,) = [e for e in items if isinstance(e, ReadError)]
    assert error.path == str(cut)
    assert error.reason.startswith(f"record 9 at offset {second.extra['offset']}: ")


def test_a_page_over_max_bytes_is_skipped_alone(tmp_path: Path) -> None:
    archive = crawl(tmp_path / "crawl.warc.gz")
    items, _ = read(archive.path, max_bytes=len(page(2)) + 1)
    (error,) = [e for e in items if isinstance(e, ReadError)]
    assert error.reason == f"record 3 at offset {crawl_offsets(archive)[0]}: page is over the {len(page(2)) + 1} bytes limit (--max-bytes)"
    assert [a.url for a in items if isinstance(a, Article)] == ["https://news.example.org/ferry-2"]


def crawl_offsets(archive: Archive) -> list[int]:
    (first, second), _ = read(archive.path)
    return [first.extra["offset"], second.extra["offset"]]


def arc_file(path: Path, pages: list[tuple[str, str, bytes]]) -> Path:
    """An ARC (version 1) file of HTTP responses: (url, 14-digit date, HTML) each."""
    version = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    out = [b"filedesc://%s 0.0.0.0 20240501000000 text/plain %d\n" % (path.name.encode(), len(version)) + version]
    for url, date, html in pages:
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
        out.append(b"\n%s 127.0.0.1 %s text/html %d\n" % (url.encode(), date.encode(), len(block)) + block)
    path.write_bytes(b"".join(out) + b"\n")
    return path


def test_arc_files(tmp_path: Path) -> None:
    path = arc_file(tmp_path / "old.arc", [
        ("http://news.example.org/a", "20010911120000", page(3)),
        ("http://news.example.org/b", "20020101000000", page(4, date="2001-12-31")),
    ])
    items, _ = read(path)
    assert [(a.url, a.published, a.title, a.doc_id) for a in items] == [
        ("http://news.example.org/a", "2001-09-11T12:00:00Z", "Ferry timetable 3", None),
        ("http://news.example.org/b", "2001-12-31", "Ferry timetable 4", None),
    ]


def test_archives_gzipped_whole(tmp_path: Path) -> None:
    """``gzip crawl.warc`` and ``gzip old.arc``: one gzip member, not one per record."""
    plain = crawl(tmp_path / "crawl.warc", gzip=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.path.read_bytes()))
    (first, second), passed_over = read(whole)
    assert (first.url, second.published, [first.doc_id, second.doc_id]) == (
        "https://news.example.org/ferry-1", "2024-05-02T09:30:00Z", plain.ids)
    assert sum(passed_over.values()) == 7
    (a, b), _ = read(plain.path)
    assert (first.extra["offset"], second.extra["offset"]) == (a.extra["offset"], b.extra["offset"])
    arc = arc_file(tmp_path / "old.arc", [("http://news.example.org/a", "20010911120000", page(3))])
    arc_gz = tmp_path / "old.arc.gz"
    arc_gz.write_bytes(gzip.compress(arc.read_bytes()))
    items, _ = read(arc_gz)
    assert [(a.url, a.published) for a in items] == [("http://news.example.org/a", "2001-09-11T12:00:00Z")]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-300])
    items, _ = read(cut)
    assert [type(i).__name__ for i in items] == ["Article", "ReadError"]


def test_archives_are_found_in_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    crawl(tmp_path / "a" / "one.warc.gz")
    arc_file(tmp_path / "a" / "two.arc", [("http://news.example.org/c", "20240101000000", page(5))])
    items, _ = read(tmp_path)
    assert [a.url for a in items] == [
        "https://news.example.org/ferry-1", "https://news.example.org/ferry-2", "http://news.example.org/c",
    ]


def test_ingest_a_warc_gz(tmp_path: Path) -> None:
    archive = crawl(tmp_path / "crawl.warc.gz")
    db_path = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["ingest", str(archive.path), "--db", str(db_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Added 2 articles with 2 quotes; 0 unchanged")
    assert lines[1] == (
        "Passed over 7 web-archive records that are not HTML pages"
        " (2 not status 200, 1 other, 1 request, 1 metadata, 1 not HTML, 1 revisit)."
    )
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select doc_id, url, title, published, source_path from articles order by id"))
    assert rows == [
        {"doc_id": archive.ids[0], "url": "https://news.example.org/ferry-1", "title": "Ferry timetable 1",
         "published": "2024-03-04", "source_path": str(archive.path)},
        {"doc_id": archive.ids[1], "url": "https://news.example.org/ferry-2", "title": "Ferry timetable 2",
         "published": "2024-05-02T09:30:00Z", "source_path": str(archive.path)},
    ]
    speakers = [r["name"] for r in db.query(
        "select s.name from quotes q join speakers s on s.id = q.speaker_id order by q.id")]
    assert speakers == ["Tom Baker", "Maria Gomez"]

    again = CliRunner().invoke(cli, ["ingest", str(archive.path), "--db", str(db_path), "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert (data["articles_added"], data["articles_unchanged"], data["archive_records_skipped"]) == (0, 2, 7)


def test_ingest_reports_a_corrupt_record_and_exits_1(tmp_path: Path) -> None:
    archive = crawl(tmp_path / "crawl.warc.gz")
    (_, second), _ = read(archive.path)
    data = archive.path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: second.extra["offset"] + 100])
    result = CliRunner().invoke(cli, ["ingest", str(cut), "--db", str(tmp_path / "q.db")])
    assert result.exit_code == 1
    problem = [line for line in result.stderr.splitlines() if line.startswith(str(cut))]
    assert len(problem) == 1 and f"record 9 at offset {second.extra['offset']}" in problem[0]
    assert "Added 1 article with 1 quote" in result.stdout


def test_extract_a_warc(tmp_path: Path) -> None:
    archive = crawl(tmp_path / "crawl.warc.gz")
    result = CliRunner().invoke(cli, ["extract", str(archive.path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc_id"] for r in records] == archive.ids
    assert [[q["speaker"] for q in r["quotes"]] for r in records] == [["Tom Baker"], ["Maria Gomez"]]
    assert result.stderr.splitlines() == [
        "Passed over 7 web-archive records that are not HTML pages"
        " (2 not status 200, 1 other, 1 request, 1 metadata, 1 not HTML, 1 revisit)."
    ]
