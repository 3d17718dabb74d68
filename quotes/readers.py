"""Read articles from files, directories and streams.

Formats: plain text (including web-page text dumps), HTML pages, JSON Lines (one
article per line), JSON (an object or an array of objects), and gzip files of any
of these. Each input that cannot be read becomes a :class:`ReadError` in the output
stream instead of an exception, so one bad file never stops a batch.

A text file's article text is its decoded contents, exactly (a leading byte order
mark removed), so quote offsets index the file as it is. An HTML page's article text
is the main text found by trafilatura, its paragraphs separated by blank lines.

A text file's title, byline and dateline come from the extractor's layout analysis;
the layout is kept with the article (:func:`layout_of`), so extraction does not
analyse the text again.
"""
from __future__ import annotations

import codecs
import errno
import fnmatch
import gzip
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, cast

from .model import Article

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES

# Optional string fields of a JSON article, with the other names they may go by.
JSON_FIELDS = {
    "title": ("title", "headline"),
    "url": ("url",),
    "publisher": ("publisher", "source"),
    "published": ("published", "date"),
    "byline": ("byline", "author"),
    "dateline": ("dateline",),
}

STDIN_NAME = "<stdin>"

# Below this, what trafilatura finds in a page is navigation or a teaser, not an article.
MIN_HTML_WORDS = 20

Progress = Callable[[int], None]


class ReadError(Exception):
    """An input that could not be read: ``str()`` is ``PATH[:LINE]: reason``."""

    def __init__(self, path: str, line: int | None, reason: str):
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def __repr__(self) -> str:
        return f"ReadError({self.path!r}, {self.line!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReadError) and self.args == other.args

    def __hash__(self) -> int:
        return hash(self.args)


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    stdin: IO[bytes] | None = None,
    progress: Progress | None = None,
) -> Iterator[Article | ReadError]:
    """Yield an :class:`Article` or a :class:`ReadError` for everything in ``paths``.

    A path may be a file, a directory (searched recursively for files matching
    ``glob``, by default every file with a known suffix), or ``-`` for JSON Lines on
    ``stdin``. ``max_bytes`` limits the size of one document: a text or HTML file, a
    JSON file, or one JSON line. ``progress`` is called with the number of input bytes
    consumed as reading advances.
    """
    for item in iter_files(paths, glob):
        if isinstance(item, ReadError):
            yield item
        elif item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_jsonl(stream, STDIN_NAME, max_bytes, progress=progress)
        else:
            yield from read_file(item, max_bytes, progress=progress)


def iter_files(paths: Iterable[str | os.PathLike[str]], glob: str | None = None) -> Iterator[str | ReadError]:
    """The files named by ``paths``, directories expanded, in a stable order; a
    missing path, a folder that cannot be listed and, in a folder, anything that is
    not a regular file (or a link to one) is a ReadError."""
    for raw in paths:
        path = os.fspath(raw)
        if path == "-":
            yield path
        elif os.path.isdir(path):
            yield from _walk(path, glob)
        elif os.path.exists(path):
            yield path
        else:
            yield ReadError(path, None, "no such file or directory")


def input_size(paths: Iterable[str | os.PathLike[str]], glob: str | None = None) -> int | None:
    """Total bytes of the files ``read_paths`` would read; None when one is a stream
    (``-``, or a pipe or device named as a path)."""
    total = 0
    for item in iter_files(paths, glob):
        if isinstance(item, ReadError):
            continue
        if item == "-":
            return None
        try:
            info = os.stat(item)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


def _walk(top: str, glob: str | None) -> Iterator[str | ReadError]:
    """The wanted files below ``top``, names sorted, each folder's files before its
    subfolders. A folder that cannot be listed, and a wanted name that is not a
    regular file or a symbolic link to one, is a ReadError (reading a FIFO would wait
    forever). Hidden names and symbolic links to folders are passed over."""
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as e:
            yield ReadError(folder, None, f"cannot read folder ({_os_reason(e)})")
            continue
        subfolders = []
        for entry in entries:
            if _entry_is(entry.is_dir):
                if not entry.is_symlink():
                    subfolders.append(entry.path)
            elif _wanted(entry.path, top, glob):
                regular = _entry_is(lambda: entry.is_file(follow_symlinks=False))
                problem = None if regular else _not_regular(entry.path)
                yield entry.path if problem is None else ReadError(entry.path, None, problem)
        folders.extend(reversed(subfolders))


def _entry_is(test: Callable[[], bool]) -> bool:
    """A DirEntry type test, False when it fails (a link loop, a folder that can be
    listed but not entered): _not_regular then says why."""
    try:
        return test()
    except OSError:
        return False


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(path: str) -> str | None:
    """Why ``path`` is not read as a file, or None for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if e.errno == errno.ENOENT and os.path.islink(path):
            return "broken symbolic link"
        return _os_reason(e)
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_FILES if test(mode)), None)
    return f"not a regular file ({kind})" if kind else "not a regular file"


def _wanted(path: str, top: str, glob: str | None) -> bool:
    """Whether a file found below ``top`` is read: it matches ``glob`` (by name or by
    path relative to ``top``), or without one it has a known suffix."""
    name = os.path.basename(path)
    if glob is None:
        return _format_for(name) is not None
    return fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(os.path.relpath(path, top), glob)


def _format_for(name: str) -> str | None:
    """``text``/``html``/``jsonl``/``json`` from a file name (``.gz`` looked through)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for fmt, suffixes in (
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("json", JSON_SUFFIXES),
    ):
        if lower.endswith(suffixes):
            return fmt
    return None


# -- files ----------------------------------------------------------------------


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES, *, progress: Progress | None = None) -> Iterator[Article | ReadError]:
    """Articles (or errors) from one file, its format chosen by suffix or by content."""
    try:
        raw = open(path, "rb")
    except OSError as e:
        yield ReadError(path, None, _os_reason(e))
        return
    with raw:
        try:
            size = os.fstat(raw.fileno()).st_size
            head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
        except OSError as e:
            yield ReadError(path, None, _os_reason(e))
            return
        fmt = _format_for(os.path.basename(path))
        gzipped = path.lower().endswith(".gz") or head == b"\x1f\x8b"
        if not gzipped and size > max_bytes and fmt != "jsonl":
            yield ReadError(path, None, f"file is {_size(size)}, over the {_size(max_bytes)} limit (--max-bytes)")
            return
        stream: IO[bytes] = raw
        if gzipped:
            stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
        if fmt == "jsonl":
            yield from read_jsonl(stream, path, max_bytes, progress=progress, raw=raw)
            return
        try:
            data = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as e:
            yield ReadError(path, None, _gzip_reason(e) if gzipped else _os_reason(e))
            return
        if progress:
            progress(size)
        if len(data) > max_bytes:
            what = "uncompressed contents are" if gzipped else "file is"
            yield ReadError(path, None, f"{what} over the {_size(max_bytes)} limit (--max-bytes)")
            return
        if fmt is None:
            fmt = _sniff(data)
        if fmt == "json":
            yield from _read_json_document(data, path)
        elif fmt == "html":
            yield _read_html(data, path)
        else:
            yield _read_text(data, path)


def _sniff(data: bytes) -> str:
    head = data[:1024].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<body" in data[:65536].lower()):
        return "html"
    return "text"


def _read_text(data: bytes, path: str) -> Article | ReadError:
    text = decode(data)
    if isinstance(text, str):
        problem = _text_problem(text)
        if problem:
            return ReadError(path, None, problem)
    else:
        return ReadError(path, None, text.reason)
    article = Article(text=text, source_path=path)
    _apply_layout(article)
    return article


#: ``Article.extra`` key of the layout a reader found: (the text analysed, its Layout).
LAYOUT_KEY = "layout"


def layout_of(article: Article) -> Any:
    """The ``Layout`` the reader found for ``article``'s text, or None (none found, or
    the text has changed since)."""
    found = article.extra.get(LAYOUT_KEY) if article.extra else None
    if found is None or found[0] != article.text:
        return None
    return found[1]


def _apply_layout(article: Article) -> None:
    """Title, byline, dateline (and what else the layout finds) of a page text dump."""
    try:
        from .extract.layout import analyse
    except ImportError:
        return
    try:
        layout = analyse(article.text)
    except Exception:  # a layout guess must never cost the article itself
        return
    article.extra[LAYOUT_KEY] = (article.text, layout)
    for name in ("title", "byline", "dateline", "publisher", "published", "url"):
        value = getattr(layout, name, None)
        if isinstance(value, str) and value.strip() and getattr(article, name) is None:
            setattr(article, name, value.strip())


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _read_html(data: bytes, path: str) -> Article | ReadError:
    declared = None
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace")
    html = decode(data, declared)
    if isinstance(html, _Undecodable):
        return ReadError(path, None, html.reason)
    if "\x00" in html:
        return ReadError(path, None, "binary file (not text)")
    if not html.strip():
        return ReadError(path, None, "empty file")
    doc = _trafilatura_extract(html)
    if isinstance(doc, str):
        return ReadError(path, None, doc)
    lines = [line.strip() for line in (doc.text or "").splitlines()]
    text = _clean_surrogates("\n\n".join(line for line in lines if line))
    words = text.split()
    if len(words) < MIN_HTML_WORDS or not any(len(line.split()) >= 8 for line in lines):
        detail = f" (only {len(words)} words of text)" if words else ""
        return ReadError(path, None, f"no article text found in the HTML{detail}")
    return Article(
        text=text,
        title=_opt(doc.title),
        url=_opt(doc.url),
        publisher=_opt(doc.sitename) or _opt(doc.hostname),
        published=_opt(doc.date),
        byline=_opt(doc.author),
        source_path=path,
    )


def _trafilatura_extract(html: str) -> Any:
    """trafilatura's Document for ``html``, or a reason string when it finds nothing."""
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as e:  # a third-party parser on arbitrary input
        return f"could not parse the HTML ({type(e).__name__})"
    if doc is None:
        return "no article text found in the HTML"
    return doc


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    value = _clean_surrogates(str(value)).strip()
    return value or None


# -- JSON -----------------------------------------------------------------------


def read_jsonl(
    stream: IO[bytes],
    path: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    progress: Progress | None = None,
    raw: IO[bytes] | None = None,
) -> Iterator[Article | ReadError]:
    """One article per JSON line of ``stream``; blank lines are ignored.

    ``raw`` is the underlying file when ``stream`` decompresses it, for progress.
    """
    number = 0
    seen = 0
    while True:
        number += 1
        try:
            line = stream.readline(max_bytes + 1)
            too_long = len(line) > max_bytes and not line.endswith(b"\n")
            if too_long:
                # Skip the rest of the line without holding it in memory.
                while True:
                    more = stream.readline(1 << 20)
                    if not more or more.endswith(b"\n"):
                        break
        except (OSError, EOFError, zlib.error) as e:
            yield ReadError(path, number, _gzip_reason(e) if raw is not None and raw is not stream else _os_reason(e))
            return
        if not line:
            break
        if progress:
            if raw is not None and raw is not stream:
                try:
                    pos = raw.tell()
                except (OSError, ValueError):
                    pos = seen
                progress(pos - seen)
                seen = pos
            else:
                progress(len(line))
        if too_long:
            yield ReadError(path, number, f"line is over the {_size(max_bytes)} limit (--max-bytes)")
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        if not line.strip():
            continue
        if b"\x00" in line:
            yield ReadError(path, number, "binary data, not a JSON line")
            if number == 1:
                return  # a binary file: one message, not one per "line"
            continue
        try:
            value = json.loads(line)
        except UnicodeDecodeError:
            yield ReadError(path, number, "not UTF-8")
            continue
        except (ValueError, RecursionError) as e:
            yield ReadError(path, number, f"invalid JSON: {_json_reason(e)}")
            continue
        yield article_from_json(value, path, number)


def _read_json_document(data: bytes, path: str) -> Iterator[Article | ReadError]:
    text = decode(data)
    if isinstance(text, _Undecodable):
        yield ReadError(path, None, text.reason)
        return
    if not text.strip():
        yield ReadError(path, None, "empty file")
        return
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as e:
        yield ReadError(path, None, f"invalid JSON: {_json_reason(e)}")
        return
    if isinstance(value, list):
        for i, item in enumerate(value, 1):
            result = article_from_json(item, path, None)
            if isinstance(result, ReadError):
                result = ReadError(path, None, f"item {i}: {result.reason}")
            yield result
    else:
        yield article_from_json(value, path, None)


def article_from_json(value: Any, path: str, line: int | None) -> Article | ReadError:
    """An Article from one decoded JSON object (``text`` required)."""
    if not isinstance(value, dict):
        return ReadError(path, line, f"expected a JSON object, got {_json_type(value)}")
    text = value.get("text")
    if text is None:
        return ReadError(path, line, 'no "text" field')
    if not isinstance(text, str):
        return ReadError(path, line, f'"text" is {_json_type(text)}, not a string')
    if not text.strip():
        return ReadError(path, line, 'empty "text"')
    doc_id = value.get("id")
    if doc_id is None:
        doc_id = value.get("doc_id")
    article = Article(
        text=_clean_surrogates(text),
        doc_id=_scalar(doc_id),
        source_path=path,
    )
    for attr, names in JSON_FIELDS.items():
        for name in names:
            v = _scalar(value.get(name))
            if v:
                setattr(article, attr, v)
                break
    if line is not None:
        article.extra["line"] = line
    return article


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        value = str(value).lower()
    s = _clean_surrogates(str(value)).strip()
    return s or None


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _json_reason(e: Exception) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} (column {e.colno})"
    if isinstance(e, RecursionError):
        return "nested too deeply"
    return str(e)


# -- decoding -------------------------------------------------------------------


class _Undecodable:
    def __init__(self, reason: str):
        self.reason = reason


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, declared: str | None = None) -> str | _Undecodable:
    """Decode bytes: a BOM wins (and is removed), then UTF-8, a declared charset, cp1252.

    Legacy text with no BOM that is not UTF-8 is read as Windows-1252 (a superset of
    the printable Latin-1 range) when that gives text without control characters.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return _Undecodable(f"not valid {encoding.upper().replace('-LE', '').replace('-BE', '')} despite its byte order mark")
    if b"\x00" in data[:8192]:
        return _Undecodable("binary file (not text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        try:
            candidates.append(codecs.lookup(declared).name)
        except LookupError:
            pass
    candidates.append("cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _has_controls(text):
            return text
    return _Undecodable("cannot decode: not UTF-8, UTF-16 or Windows-1252 text")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "binary file (not text)"
    if not text.strip():
        return "empty file"
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > max(2, len(text[:65536]) // 100):
        return "binary file (not text)"
    return None


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean_surrogates(text: str) -> str:
    """Unpaired surrogates (possible in JSON escapes) become U+FFFD; offsets are kept."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# -- messages -------------------------------------------------------------------


def _os_reason(e: BaseException) -> str:
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    strerror = getattr(e, "strerror", None)
    return strerror.lower() if strerror else str(e)


def _gzip_reason(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "truncated gzip file"
    if isinstance(e, (gzip.BadGzipFile, zlib.error)):
        return f"not a valid gzip file ({e})"
    return _os_reason(e) if isinstance(e, OSError) else str(e)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadError",
    "article_from_json",
    "decode",
    "input_size",
    "iter_files",
    "read_file",
    "read_jsonl",
    "read_paths",
]
