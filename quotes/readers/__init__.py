"""Read articles from files, directories and streams.

Formats: plain text (including web-page text dumps), HTML pages, JSON Lines (one
article per line), JSON (an object or an array of objects), gzip files of any of
these, and web archives (WARC and ARC files, gzipped or not: an article per HTML
page, other records passed over and told to ``on_skip``). Each input that cannot be read becomes a :class:`ReadError` in the output
stream instead of an exception, so one bad file never stops a batch.

A text file's article text is its decoded contents, exactly (a leading byte order
mark removed), so quote offsets index the file as it is. An HTML page's article text
is the main text found by trafilatura, its paragraphs separated by blank lines.

A text file's title, byline and dateline come from the extractor's layout analysis;
the layout is kept with the article (:func:`layout_of`), so extraction does not
analyse the text again.

One module per format (``text``, ``html``, ``json_input``, ``warc``), with ``decoding`` (bytes to
text) and ``errors`` (:class:`ReadError` and its reasons); this module finds the files
and picks the format of each.
"""
from __future__ import annotations

import codecs
import errno
import fnmatch
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, cast

from ..model import Article
from .decoding import decode
from .errors import (
    DEFAULT_MAX_BYTES,
    Progress,
    ReadError,
    gzip_reason,
    human_size,
    os_reason,
)
from .html import MIN_HTML_WORDS, read_html
from .json_input import JSON_FIELDS, article_from_json, read_json_document, read_jsonl
from .text import LAYOUT_KEY, layout_of, read_text
from .warc import SKIPPED_KINDS, WARC_SUFFIXES, OnSkip, read_warc

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES + WARC_SUFFIXES

STDIN_NAME = "<stdin>"


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    stdin: IO[bytes] | None = None,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[Article | ReadError]:
    """Yield an :class:`Article` or a :class:`ReadError` for everything in ``paths``.

    A path may be a file, a directory (searched recursively for files matching
    ``glob``, by default every file with a known suffix), or ``-`` for JSON Lines on
    ``stdin``. ``max_bytes`` limits the size of one document: a text or HTML file, a
    JSON file, one JSON line, or one page of a web archive. ``progress`` is called with
    the number of input bytes consumed as reading advances; ``on_skip`` with the kind of
    each web-archive record that is not an HTML page (one of ``SKIPPED_KINDS``).
    """
    for item in iter_files(paths, glob):
        if isinstance(item, ReadError):
            yield item
        elif item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_jsonl(stream, STDIN_NAME, max_bytes, progress=progress)
        else:
            yield from read_file(item, max_bytes, progress=progress, on_skip=on_skip)


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
            yield ReadError(folder, None, f"cannot read folder ({os_reason(e)})")
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
        return os_reason(e)
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


def format_of(path: str) -> str | None:
    """The format a file is read as, from its name: ``text``, ``html``, ``jsonl``,
    ``json``, ``warc``, or None (then told by its contents)."""
    return _format_for(os.path.basename(path))


def _format_for(name: str) -> str | None:
    """``text``/``html``/``jsonl``/``json``/``warc`` from a file name (``.gz`` looked through)."""
    lower = name.lower()
    lower = lower.removesuffix(".gz")
    for fmt, suffixes in (
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("json", JSON_SUFFIXES),
        ("warc", WARC_SUFFIXES),
    ):
        if lower.endswith(suffixes):
            return fmt
    return None


def read_file(
    path: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    name: str | None = None,
) -> Iterator[Article | ReadError]:
    """Articles (or errors) from one file, its format chosen by suffix or by content.
    ``name`` is what the articles and errors call the file (default: ``path``)."""
    name = name or path
    try:
        raw = open(path, "rb")
    except OSError as e:
        yield ReadError(name, None, os_reason(e))
        return
    with raw:
        try:
            size = os.fstat(raw.fileno()).st_size
        except OSError as e:
            yield ReadError(name, None, os_reason(e))
            return
        yield from read_stream(raw, name, size, max_bytes, progress=progress, on_skip=on_skip)


def read_stream(
    raw: IO[bytes],
    path: str,
    size: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[Article | ReadError]:
    """Articles (or errors) from the contents of the file ``path``, ``size`` bytes open
    as ``raw`` (the file itself, or its bytes sent from elsewhere), read as
    :func:`read_file` reads the file."""
    try:
        head = _head(raw)
    except OSError as e:
        yield ReadError(path, None, os_reason(e))
        return
    fmt = _format_for(os.path.basename(path))
    if fmt == "warc":
        # Gzipped per record or not: the archive reader reads the file as it is, so
        # the offsets it gives are those of the file.
        yield from read_warc(raw, path, max_bytes, progress=progress, on_skip=on_skip)
        return
    gzipped = path.lower().endswith(".gz") or head == b"\x1f\x8b"
    if not gzipped and size > max_bytes and fmt != "jsonl":
        yield ReadError(path, None, f"file is {human_size(size)}, over the {human_size(max_bytes)} limit (--max-bytes)")
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
        yield ReadError(path, None, gzip_reason(e) if gzipped else os_reason(e))
        return
    if progress:
        progress(size)
    if len(data) > max_bytes:
        what = "uncompressed contents are" if gzipped else "file is"
        yield ReadError(path, None, f"{what} over the {human_size(max_bytes)} limit (--max-bytes)")
        return
    if fmt is None:
        fmt = _sniff(data)
    if fmt == "json":
        yield from read_json_document(data, path)
    elif fmt == "html":
        yield read_html(data, path)
    else:
        yield read_text(data, path)


def _head(raw: IO[bytes]) -> bytes:
    """The first two bytes of ``raw``, left unread."""
    if hasattr(raw, "peek"):
        return bytes(raw.peek(2)[:2])
    if raw.seekable():
        at = raw.tell()
        head = raw.read(2)
        raw.seek(at)
        return head
    return b""


def _sniff(data: bytes) -> str:
    head = data[:1024].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<body" in data[:65536].lower()):
        return "html"
    return "text"


__all__ = [
    "DEFAULT_MAX_BYTES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "JSON_FIELDS",
    "JSON_SUFFIXES",
    "KNOWN_SUFFIXES",
    "LAYOUT_KEY",
    "MIN_HTML_WORDS",
    "SKIPPED_KINDS",
    "STDIN_NAME",
    "TEXT_SUFFIXES",
    "WARC_SUFFIXES",
    "OnSkip",
    "Progress",
    "ReadError",
    "article_from_json",
    "decode",
    "format_of",
    "input_size",
    "iter_files",
    "layout_of",
    "read_file",
    "read_jsonl",
    "read_paths",
    "read_stream",
    "read_warc",
]
