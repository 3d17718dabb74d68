"""Reading articles from files, directories and streams, good and bad."""
from __future__ import annotations

import gzip
import io
import json
import os
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.model import Article
from quotes.readers import (
    ReadError,
    decode,
    input_size,
    iter_files,
    read_jsonl,
    read_paths,
)

TEXT = (
    "Council backs new bridge\n\n"
    "By Sam Writer\n\n"
    "Riverton (Gazette) -- The town council voted on Tuesday to build a new bridge over the river.\n\n"
    "\u201cWe have waited long enough for this bridge,\u201d said Mayor Ann Lee after the vote.\n\n"
    "Opponents were not convinced. \u201cIt will cost far more than they say,\u201d said Tom Baker,"
    " who runs a shop by the old crossing.\n"
)

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Council backs new bridge | Riverton Gazette</title>
<meta name="author" content="Sam Writer">
<meta property="og:site_name" content="Riverton Gazette">
<meta property="og:url" content="https://gazette.example/bridge">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Council backs new bridge</h1>
<p>The town council voted on Tuesday to build a new bridge over the river, ending years of argument.</p>
<p>\u201cWe have waited long enough for this bridge,\u201d said Mayor Ann Lee after the vote.</p>
<p>Opponents were not convinced. \u201cIt will cost far more than they say,\u201d said Tom Baker.</p>
</article>
<footer>Copyright Riverton Gazette</footer>
</body></html>
"""

NAV_ONLY_HTML = """<html><head><title>Riverton Gazette</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About us</a></nav>
</body></html>"""


def read(*paths: Path | str, **kw: object) -> list[Article | ReadError]:
    return list(read_paths([str(p) for p in paths], **kw))  # type: ignore[arg-type]


def only(items: list[Article | ReadError]) -> Article:
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def error(items: list[Article | ReadError]) -> ReadError:
    assert len(items) == 1, items
    assert isinstance(items[0], ReadError), items[0]
    return items[0]


# -- formats ----------------------------------------------------------------------


def test_text_file_is_decoded_contents_exactly(tmp_path: Path) -> None:
    path = tmp_path / "bridge.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    article = only(read(path))
    assert article.text == TEXT.replace("\n", "\r\n")
    assert article.source_path == str(path)
    assert article.doc_id is None


def test_text_file_gets_title_byline_dateline(tmp_path: Path) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text(TEXT, encoding="utf-8")
    article = only(read(path))
    assert article.title == "Council backs new bridge"
    assert article.byline and "Sam Writer" in article.byline
    assert article.dateline and article.dateline.startswith("Riverton")


def test_html_page(tmp_path: Path) -> None:
    path = tmp_path / "bridge.html"
    path.write_text(HTML, encoding="utf-8")
    article = only(read(path))
    assert "We have waited long enough for this bridge" in article.text
    assert "Sport" not in article.text and "Copyright" not in article.text
    # Paragraphs are separated by blank lines, as in text files.
    assert "\n\n\u201cWe have waited" in article.text
    assert article.title and "Council backs new bridge" in article.title
    assert article.byline == "Sam Writer"
    assert article.url == "https://gazette.example/bridge"
    assert article.publisher == "Riverton Gazette"
    assert article.published and article.published.startswith("2024-03-05")


def test_html_in_legacy_encoding_declared_by_meta(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    page = HTML.replace('charset="utf-8"', 'charset="windows-1252"')
    path.write_bytes(page.encode("cp1252"))
    article = only(read(path))
    assert "\u201cWe have waited long enough for this bridge,\u201d" in article.text


def test_jsonl_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [
        {"id": "a1", "text": "First \"one\" here.", "title": "T1", "url": "https://x.example/1",
         "publisher": "X", "published": "2024-01-02", "byline": "Jo Bloggs", "other": [1, 2]},
        {"doc_id": 7, "text": "Second text.", "date": "2023-05-06"},
        {"text": "Third text."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    a, b, c = read(path)
    assert isinstance(a, Article) and isinstance(b, Article) and isinstance(c, Article)
    assert (a.doc_id, a.text, a.title, a.url, a.publisher, a.published, a.byline) == (
        "a1", 'First "one" here.', "T1", "https://x.example/1", "X", "2024-01-02", "Jo Bloggs",
    )
    assert (b.doc_id, b.published) == ("7", "2023-05-06")
    assert c.doc_id is None
    assert [x.extra["line"] for x in (a, b, c)] == [1, 2, 3]


def test_json_document_object_and_array(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "x", "text": "Solo text."}))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": "A text."}, {"text": "B text."}]))
    assert [a.text for a in read(one, many)] == ["Solo text.", "A text.", "B text."]  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["a.jsonl.gz", "a.ndjson.gz"])
def test_gzipped_jsonl(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(b'{"id": "g1", "text": "Zipped \\"words\\" here."}\n{"id": "g2", "text": "More."}\n'))
    items = read(path)
    assert [a.doc_id for a in items] == ["g1", "g2"]  # type: ignore[union-attr]
    assert items[0].text == 'Zipped "words" here.'  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["a.txt.gz", "a.html.gz"])
def test_gzipped_text_and_html(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    body = HTML if name.startswith("a.html") else TEXT
    path.write_bytes(gzip.compress(body.encode("utf-8")))
    article = only(read(path))
    assert "We have waited long enough for this bridge" in article.text
    if name == "a.txt.gz":
        assert article.text == TEXT


def test_gzip_detected_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_bytes(gzip.compress(TEXT.encode("utf-8")))
    assert only(read(path)).text == TEXT


def test_directory_recursive_with_default_suffixes(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("One text.")
    (tmp_path / "a" / "b" / "two.txt").write_text("Two text.")
    (tmp_path / "a" / "b" / "three.jsonl").write_text('{"text": "Three text."}\n')
    (tmp_path / "a" / "notes.md").write_text("Not read by default.")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden.")
    texts = [a.text for a in read(tmp_path / "a")]  # type: ignore[union-attr]
    assert texts == ["One text.", "Three text.", "Two text."]


def test_directory_glob(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.txt").write_text("One text.")
    (tmp_path / "sub" / "notes.md").write_text("Markdown text.")
    assert [a.text for a in read(tmp_path, glob="*.md")] == ["Markdown text."]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "kind,reason",
    [
        ("fifo", "not a regular file (a FIFO)"),
        ("socket", "not a regular file (a socket)"),
        ("link to a device", "not a regular file (a character device)"),
        ("broken link", "broken symbolic link"),
        ("link loop", "symbolic link loop"),
    ],
)
def test_directory_entries_that_are_not_files_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)  # short paths: a socket's path has a length limit
    folder = Path("in")
    folder.mkdir()
    (folder / "a.txt").write_text("One text.")
    odd = folder / "b.txt"
    (folder / "c.txt").symlink_to("a.txt")  # a link to a file is read
    with socket.socket(socket.AF_UNIX) as sock:
        if kind == "fifo":
            os.mkfifo(odd)
        elif kind == "socket":
            sock.bind(str(odd))
        elif kind == "link to a device":
            odd.symlink_to(os.devnull)
        elif kind == "broken link":
            odd.symlink_to("missing.txt")
        else:
            odd.symlink_to("b.txt")
        items = list(iter_files([folder]))
    assert [str(x) for x in items] == ["in/a.txt", f"in/b.txt: {reason}", "in/c.txt"]
    assert isinstance(items[1], ReadError)


def test_input_size_counts_files_and_has_none_for_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One text.")
    os.mkfifo(tmp_path / "b.txt")
    assert input_size([tmp_path]) == len("One text.")
    assert input_size([tmp_path / "a.txt", tmp_path / "b.txt"]) is None
    assert input_size([tmp_path / "a.txt", "-"]) is None


def test_stdin_jsonl() -> None:
    stream = io.BytesIO(b'{"id": "s1", "text": "From stdin."}\nnot json\n')
    items = list(read_paths(["-"], stdin=stream))
    assert isinstance(items[0], Article) and items[0].doc_id == "s1"
    assert str(items[1]).startswith("<stdin>:2: invalid JSON")


def test_progress_counts_input_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One text.")
    (tmp_path / "b.jsonl").write_text('{"text": "Two."}\n{"text": "Three."}\n')
    seen: list[int] = []
    list(read_paths([tmp_path], progress=seen.append))
    assert sum(seen) == (tmp_path / "a.txt").stat().st_size + (tmp_path / "b.jsonl").stat().st_size


# -- encodings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
     ("cp1252", b""), ("latin-1", b"")],
)
def test_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = TEXT if encoding != "latin-1" else TEXT.replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("Tom Baker", "Zo\u00eb Br\u00fcck")
    path = tmp_path / "article.txt"
    path.write_bytes(bom + text.encode(encoding))
    assert only(read(path)).text == text


def test_utf8_bom_stripped_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "Bom first."}\n')
    assert only(read(path)).text == "Bom first."


def test_lone_surrogates_in_json_are_replaced_keeping_offsets(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "bad \\ud800 here \\"quoted\\""}\n')
    article = only(read(path))
    assert article.text == 'bad \ufffd here "quoted"'
    article.text.encode("utf-8")


def test_decode_prefers_utf8() -> None:
    assert decode("caf\u00e9 \u201cx\u201d".encode("utf-8")) == "caf\u00e9 \u201cx\u201d"


# -- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (not text)"),
        ("data.bin", bytes(range(256)) * 4, "binary file (not text)"),
        ("undecodable.txt", b"caf\xe9 \x81\x8d\x9d here", "cannot decode: not UTF-8, UTF-16 or Windows-1252 text"),
        ("broken16.txt", b"\xff\xfe\x00\xd8", "not valid UTF-16 despite its byte order mark"),
        ("menu.html", NAV_ONLY_HTML.encode(), "no article text found in the HTML"),
        ("empty.html", b"", "empty file"),
        ("bad.gz", b"\x1f\x8bnot really gzip", "not a valid gzip file"),
        ("cut.txt.gz", gzip.compress(TEXT.encode() * 50)[:60], "truncated gzip file"),
        ("bad.json", b"{not json", "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    err = error(read(path))
    assert err.path == str(path) and err.line is None
    assert err.reason.startswith(reason)
    assert str(err) == f"{path}: {err.reason}"


def test_missing_path(tmp_path: Path) -> None:
    err = error(read(tmp_path / "nope.txt"))
    assert str(err) == f"{tmp_path / 'nope.txt'}: no such file or directory"


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 400)
    assert str(error(read(path, max_bytes=1000))) == f"{path}: file is 2 KB, over the 1000 bytes limit (--max-bytes)"
    assert only(read(path, max_bytes=2000)).text == "word " * 400


def test_gzip_bomb_limited_by_uncompressed_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 100_000))
    assert error(read(path, max_bytes=10_000)).reason.startswith("uncompressed contents are over")


def test_jsonl_bad_lines_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        '{"id": "ok1", "text": "Good one."}',
        "{broken",
        '{"id": "notext"}',
        '{"text": 42}',
        '["an", "array"]',
        '{"text": "   "}',
        '{"id": "long", "text": "' + "x" * 300 + '"}',
        '{"id": "ok2", "text": "Good two."}',
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"text": "caf\xe9"}\n')
    items = read(path, max_bytes=200)
    got = [(x.doc_id if isinstance(x, Article) else str(x)) for x in items]
    assert got == [
        "ok1",
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f'{path}:3: no "text" field',
        f'{path}:4: "text" is a number, not a string',
        f"{path}:5: expected a JSON object, got an array",
        f'{path}:6: empty "text"',
        f"{path}:7: line is over the 200 bytes limit (--max-bytes)",
        "ok2",
        f"{path}:9: not UTF-8",
    ]


def test_jsonl_binary_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "random.jsonl"
    path.write_bytes(b"\x00\x01\x02\n\x00\x05\n" * 100)
    assert str(error(read(path))) == f"{path}:1: binary data, not a JSON line"


def test_bad_files_do_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First good.")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text("Second good.")
    items = read(tmp_path / "a.txt", tmp_path / "missing", tmp_path / "b.txt", tmp_path / "c.txt")
    assert [type(x).__name__ for x in items] == ["Article", "ReadError", "ReadError", "Article"]


# -- arbitrary bytes never raise --------------------------------------------------

SUFFIXES = [".txt", ".html", ".jsonl", ".json", ".txt.gz", ".jsonl.gz", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.lists(st.dictionaries(st.sampled_from(["id", "text", "title", "date"]),
                                 st.one_of(st.text(max_size=40), st.integers(), st.none())), max_size=4)
        .map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode()),
    ),
    suffix=st.sampled_from(SUFFIXES),
    gz=st.booleans(),
)
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str, gz: bool) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(gzip.compress(data) if gz and suffix.endswith(".gz") else data)
    for item in read_paths([str(path)], max_bytes=10_000):
        assert isinstance(item, (Article, ReadError))
        if isinstance(item, Article):
            assert item.text.strip()
            item.text.encode("utf-8")  # storable in SQLite
        else:
            assert str(item).startswith(str(path))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_stdin_never_raises(data: bytes) -> None:
    for item in read_jsonl(io.BytesIO(data), "<stdin>"):
        assert isinstance(item, (Article, ReadError))
