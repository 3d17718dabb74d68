"""How fast fastwarc and warcio read the same WARC file, the reader for ``.warc`` input.

    python benchmarks/warc.py [--pages 3000] [--runs 5] [--keep FILE]

Writes a WARC file the way Common Crawl does (each record gzipped on its own): for each
of ``--pages`` generated news pages a request, an HTML response and a metadata record,
and after every tenth page a PDF response, a redirect and a revisit. Then reads it
``--runs`` times with each library, as the reader does: every record's type and
headers, and the body of each HTML response with status 200, and prints the median
seconds and records/s of each, and for scale the seconds the HTML reader then takes
over the same pages. Needs both libraries installed (``pip install fastwarc
warcio``); the file is written with warcio.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable

PARAGRAPH = (
    "<p>The council met on Tuesday evening to discuss the proposal for the new bridge. "
    '"We have waited long enough for this," said Maria Lopez, who chairs the transport '
    "committee. The vote is expected next month, after a second public hearing.</p>"
)


def page(n: int) -> bytes:
    body = "\n".join(PARAGRAPH for _ in range(8))
    return (
        f"<!doctype html><html><head><title>Bridge vote, part {n}</title>"
        f'<meta name="date" content="2024-03-{n % 28 + 1:02d}"></head>'
        f"<body><article><h1>Bridge vote, part {n}</h1>{body}</article></body></html>"
    ).encode()


def write_warc(path: str, pages: int) -> int:
    """Write the benchmark's WARC file at ``path``; returns the number of records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)

        def http(uri: str, status: str, content_type: str, payload: bytes, rec_type: str = "response",
                 extra: list[tuple[str, str]] | None = None) -> None:
            nonlocal count
            headers = StatusAndHeaders(status, [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(payload), http_headers=headers)
            writer.write_record(record)
            count += 1

        for n in range(pages):
            uri = f"https://news.example.org/2024/bridge-{n}.html"
            request = StatusAndHeaders(f"GET /2024/bridge-{n}.html HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            http(uri, "200 OK", "text/html; charset=utf-8", page(n))
            writer.write_record(writer.create_warc_record(uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\n"),
                                                          warc_content_type="application/warc-fields"))
            count += 2
            if n % 10 == 0:
                http(f"https://news.example.org/report-{n}.pdf", "200 OK", "application/pdf", b"%PDF-1.4 " * 200)
                http(f"https://news.example.org/old-{n}", "301 Moved Permanently", "text/html", b"",
                     extra=[("Location", uri)])
                http(uri, "200 OK", "text/html", b"", rec_type="revisit")
    return count


def read_fastwarc(path: str) -> tuple[int, int]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = pages = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, parse_http=True):
            records += 1
            if record.record_type != WarcRecordType.response or record.http_headers is None:
                continue
            if record.http_headers.status_code == 200 and "html" in (record.http_content_type or ""):
                record.headers.get("WARC-Target-URI"), record.headers.get("WARC-Date")
                pages += bool(record.reader.read())
    return records, pages


def read_warcio(path: str) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = pages = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, arc2warc=True):
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() == "200" and "html" in (record.http_headers.get_header("Content-Type") or ""):
                record.rec_headers.get_header("WARC-Target-URI"), record.rec_headers.get_header("WARC-Date")
                pages += bool(record.content_stream().read())
    return records, pages


def time_reader(read: Callable[[str], tuple[int, int]], path: str, runs: int) -> tuple[float, tuple[int, int]]:
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        counts = read(path)
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds), counts


def html_reader_seconds(pages: int) -> float:
    from quotes.readers.html import read_html

    read_html(page(0), "warm-up")
    t0 = time.perf_counter()
    for n in range(pages):
        read_html(page(n), f"page-{n}")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="FILE", help="write the WARC file here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "bench.warc.gz")
        total = write_warc(path, args.pages)
        size = os.path.getsize(path)
        print(f"{path}: {total:,} records, {args.pages:,} HTML pages, {size / 1e6:.1f} MB (gzip per record)")
        for name, read in (("fastwarc", read_fastwarc), ("warcio", read_warcio)):
            seconds, (records, pages) = time_reader(read, path, args.runs)
            print(f"{name:9} {seconds:6.3f} s median of {args.runs}  {records / seconds:9,.0f} records/s  ({records:,} records, {pages:,} pages)")
        seconds = html_reader_seconds(args.pages)
        print(f"HTML reader on the same {args.pages:,} pages: {seconds:.3f} s (what each page costs after the WARC reader)")


if __name__ == "__main__":
    main()
