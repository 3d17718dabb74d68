"""Articles from web archives: WARC and ARC files, gzipped per record (as Common Crawl
writes them), gzipped whole, or not, read with warcio (``pip install 'news-quotes[warc]'``).

Each HTML response record (HTTP 200, ``text/html`` or ``application/xhtml+xml``)
becomes an article through the HTML reader. The URL is the record's
``WARC-Target-URI`` (where the page was fetched from, over any URL the page declares);
the published date is the page's own, else the capture date (``WARC-Date``, the day the
page is known to have existed). The article's ``doc_id`` is the ``WARC-Record-ID``
(none for an ARC record); its place in the file is kept in ``extra`` (``record``: the record's number from 1,
``offset``: its byte offset in the file, what archive tools seek to; in a file gzipped
whole, in its uncompressed contents).

Every other record (requests, metadata, non-HTML responses, redirects and other
statuses, revisits) is passed over and told to ``on_skip`` with its kind. A record that
cannot be read ends the file with one ReadError naming it: records after a corrupt one
cannot be found reliably.

warcio rather than fastwarc (``benchmarks/warc.py``): fastwarc parses records about six
times faster, but the HTML reader takes ten times longer than warcio over the same
pages; warcio is a pure-Python wheel a twentieth of the size, reads ARC files too, and
writes WARC files (the tests write theirs with it).
"""
from __future__ import annotations

import contextlib
import io
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

from ..model import Article
from .errors import Progress, ReadError, human_size, os_reason
from .html import read_html

WARC_SUFFIXES = (".warc", ".arc")

HTML_TYPES = ("text/html", "application/xhtml+xml")

#: ``on_skip(kind)``: a record passed over, of one of these kinds.
SKIPPED_KINDS = ("request", "metadata", "revisit", "not HTML", "not status 200", "other")

OnSkip = Callable[[str], None]


def read_warc(
    raw: IO[bytes],
    path: str,
    max_bytes: int,
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[Article | ReadError]:
    """The articles of the HTML response records in the WARC or ARC file open as ``raw``
    (gzipped or not), and a ReadError for each page the HTML reader cannot read and for
    a record that cannot be read (the last of the file). ``progress`` is called with the
    bytes of the file consumed; ``on_skip`` with the kind of each record passed over."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield ReadError(path, None, "reading WARC and ARC files needs warcio: pip install 'news-quotes[warc]'")
        return
    stream = cast(IO[bytes], _Gunzipped(raw)) if _gzipped_whole(raw) else raw
    records = ArchiveIterator(stream, arc2warc=True)
    arc = path.lower().removesuffix(".gz").endswith(".arc")
    number = 0
    consumed = 0

    def advance() -> None:
        nonlocal consumed
        if progress:
            at = _tell(raw, consumed)
            progress(at - consumed)
            consumed = at

    while True:
        try:
            record = next(records)
        except StopIteration:
            # warcio ends quietly at a gzip member cut short: bytes left over are a record.
            if getattr(stream, "cut_short", False) or _left_over(stream, records.offset):
                yield ReadError(path, None, f"record {number + 1} at offset {records.offset}: truncated record")
            break
        except Exception as e:  # a third-party parser on arbitrary input
            yield ReadError(path, None, f"record {number + 1} at offset {records.offset}: {_reason(e)}")
            break
        number += 1
        here = f"record {number} at offset {records.offset}"
        if not record.rec_type:
            yield ReadError(path, None, f"{here}: truncated or corrupt record (no WARC-Type)")
            break
        page = _page(record, path, max_bytes, on_skip, arc)
        try:
            # To the record's end, so that records.offset is where the next one starts.
            records.read_to_end()
        except Exception as e:
            yield ReadError(path, None, f"{here}: {_reason(e)}")
            break
        if getattr(record.raw_stream, "limit", 0):
            # warcio stops quietly where the file ends, short of the record's length.
            yield ReadError(path, None, f"{here}: truncated record")
            break
        advance()
        if isinstance(page, ReadError):
            yield ReadError(path, None, f"{here}: {page.reason}")
        elif page is not None:
            page.extra["record"] = number
            page.extra["offset"] = records.member_info[0]
            yield page
    advance()


def _left_over(raw: IO[bytes], offset: int) -> bool:
    """Whether the file open as ``raw`` holds more than white space from ``offset`` on."""
    try:
        raw.seek(offset)
        while chunk := raw.read(65536):
            if chunk.strip():
                return True
    except (OSError, ValueError):
        pass
    return False


def _page(record: Any, path: str, max_bytes: int, on_skip: OnSkip | None, arc: bool) -> Article | ReadError | None:
    """The article of one record, a ReadError (its reason only), or None for a record
    passed over."""
    kind = _skipped_kind(record)
    if kind is not None:
        if on_skip:
            on_skip(kind)
        return None
    try:
        data = record.content_stream().read(max_bytes + 1)
    except Exception as e:  # a truncated or corrupt payload
        return ReadError(path, None, _reason(e))
    if len(data) > max_bytes:
        return ReadError(path, None, f"page is over the {human_size(max_bytes)} limit (--max-bytes)")
    page = read_html(data, path)
    if isinstance(page, ReadError):
        return page
    headers = record.rec_headers
    page.url = _header(headers, "WARC-Target-URI") or page.url
    page.published = page.published or _header(headers, "WARC-Date")
    # An ARC record has no id: the one warcio makes up for it is new at every read.
    page.doc_id = None if arc else _header(headers, "WARC-Record-ID")
    return page


class _Gunzipped(io.RawIOBase):
    """A file gzipped whole, read uncompressed. Where it breaks off it ends, with
    ``cut_short`` set (a GzipFile would give nothing of the last block read)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.member = zlib.decompressobj(wbits=31)
        self.pending = b""
        self.position = 0
        self.cut_short = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.member.eof:
            chunk = self.raw.read(1 << 16)
            if not chunk:
                self.cut_short = True
                break
            self.pending = self.member.decompress(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.position += n
        return n

    def tell(self) -> int:
        return self.position


def _gzipped_whole(raw: IO[bytes]) -> bool:
    """Whether ``raw`` is one gzip member holding the whole archive: gzipped as a file
    rather than record by record, which warcio does not read as it is."""
    try:
        at = raw.tell()
    except (OSError, ValueError):
        return False
    try:
        if raw.read(2) != b"\x1f\x8b":
            return False
        raw.seek(at)
        member = zlib.decompressobj(wbits=31)
        while not member.eof and (chunk := raw.read(1 << 16)):
            member.decompress(chunk)
        # A member that ends where the file ends (or is cut short with it) is the whole.
        return not member.unused_data and not raw.read(1)
    except (OSError, ValueError, zlib.error):
        return False  # warcio reads it, and says what is wrong
    finally:
        with contextlib.suppress(OSError, ValueError):
            raw.seek(at)


def _skipped_kind(record: Any) -> str | None:
    """Why ``record`` is not an article (one of SKIPPED_KINDS), or None when it is one."""
    kind = record.rec_type
    if kind in ("request", "metadata", "revisit"):
        return str(kind)
    if kind != "response" or record.http_headers is None:
        return "other"
    if record.http_headers.get_statuscode() != "200":
        return "not status 200"
    content_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        return "not HTML"
    return None


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _tell(raw: IO[bytes], default: int) -> int:
    try:
        return raw.tell()
    except (OSError, ValueError):
        return default


def _reason(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "truncated record"
    if isinstance(e, zlib.error):
        return f"corrupt gzip data ({e})"
    if isinstance(e, OSError):
        return os_reason(e)
    name = type(e).__name__
    if name == "ArchiveLoadFailed":
        return "not a WARC or ARC record"
    # warcio fails on a record cut short with whatever the missing bytes led to.
    return f"truncated or corrupt record ({name})"
