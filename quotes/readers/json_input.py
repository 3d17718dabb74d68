"""Articles from JSON Lines (one per line, read line by line with bounded memory) and
from JSON documents (an object or an array of objects)."""
from __future__ import annotations

import codecs
import json
import zlib
from collections.abc import Iterator
from typing import IO, Any

from ..model import Article
from .decoding import Undecodable, clean_surrogates, decode
from .errors import (
    DEFAULT_MAX_BYTES,
    Progress,
    ReadError,
    gzip_reason,
    human_size,
    os_reason,
)

# Optional string fields of a JSON article, with the other names they may go by.
JSON_FIELDS = {
    "title": ("title", "headline"),
    "url": ("url",),
    "publisher": ("publisher", "source"),
    "published": ("published", "date"),
    "byline": ("byline", "author"),
    "dateline": ("dateline",),
}


def read_jsonl(
    stream: IO[bytes],
    path: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    progress: Progress | None = None,
    raw: IO[bytes] | None = None,
    first_line: int = 1,
) -> Iterator[Article | ReadError]:
    """One article per JSON line of ``stream``; blank lines are ignored.

    ``raw`` is the underlying file when ``stream`` decompresses it, for progress.
    ``first_line`` is the number of ``stream``'s first line in its file, when it holds
    a run of the file's lines.
    """
    number = first_line - 1
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
            yield ReadError(path, number, gzip_reason(e) if raw is not None and raw is not stream else os_reason(e))
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
            yield ReadError(path, number, f"line is over the {human_size(max_bytes)} limit (--max-bytes)")
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


def read_json_document(data: bytes, path: str) -> Iterator[Article | ReadError]:
    text = decode(data)
    if isinstance(text, Undecodable):
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
        text=clean_surrogates(text),
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
    s = clean_surrogates(str(value)).strip()
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
