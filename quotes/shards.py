"""Shards: extracted articles with their quotes, in gzipped JSON Lines files, the
hand-off between the machines that extract (``quotes extract --output DIR``) and the one
that stores and publishes (``quotes load DIR``).

A shard is ``part-NNNNN.jsonl.gz``: a line per article, ``{"article": {...}, "quotes":
[...]}``, the article with every field it is stored with and its ``content_sha256``,
each quote with every field and all its evidence (offsets, speaker mention, antecedent,
cue, method, confidence, context, ``continues``). A shard is written to a temporary name
and renamed when whole, so a run that is killed leaves whole shards only.

Loading reads the shards back as articles carrying their outcome (``extra[OUTCOME_KEY]``),
so :func:`quotes.ingest.ingest` stores them as if it had extracted them: by content
hash, so loading again, or again after a kill, adds only what is missing. An article
whose text does not match its hash is a ReadError, as is a line that is not one.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .ingest import OUTCOME_KEY
from .model import Article, Quote
from .readers import ReadError
from .readers.errors import Progress, gzip_reason, os_reason

#: Articles per shard, at most.
SHARD_ARTICLES = 1000
SHARD_GLOB = "part-*.jsonl.gz"

ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name != "extra")
QUOTE_FIELDS = tuple(f.name for f in dataclasses.fields(Quote))


def shard_record(article: Article, quotes: list[Quote]) -> dict[str, Any]:
    """The line of a shard that holds ``article`` and its ``quotes``."""
    fields = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    fields["content_sha256"] = article.content_sha256
    return {"article": fields, "quotes": [{name: getattr(q, name) for name in QUOTE_FIELDS} for q in quotes]}


def shard_name(number: int) -> str:
    """The file name of shard ``number`` (from 0)."""
    return f"part-{number:05d}.jsonl.gz"


def write_shard(path: str | os.PathLike[str], pairs: Iterable[tuple[Article, list[Quote]]]) -> None:
    """Write the shard at ``path``: each article with its quotes (replacing a shard there)."""
    _write_lines(Path(path), [_line(article, quotes) for article, quotes in pairs])


def _line(article: Article, quotes: list[Quote]) -> bytes:
    line = json.dumps(shard_record(article, quotes), ensure_ascii=False) + "\n"
    return line.encode("utf-8", "surrogatepass")


def _write_lines(path: Path, lines: list[bytes]) -> None:
    """Write a shard's lines under another name, and rename it when whole."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with gzip.open(partial, "wb", compresslevel=6) as out:
        out.writelines(lines)
    os.replace(partial, path)


class ShardWriter:
    """Writes articles and their quotes to shards in ``folder``, ``per_shard`` at most in
    each (SHARD_ARTICLES), numbered from 0 in the order given (a shard of the same number from an earlier
    run is replaced)."""

    def __init__(self, folder: str | os.PathLike[str], per_shard: int | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.per_shard = per_shard or SHARD_ARTICLES
        self.shards = 0
        self.articles = 0
        self.quotes = 0
        self._lines: list[bytes] = []

    def add(self, article: Article, quotes: list[Quote]) -> None:
        self._lines.append(_line(article, quotes))
        self.articles += 1
        self.quotes += len(quotes)
        if len(self._lines) >= self.per_shard:
            self.flush()

    def flush(self) -> None:
        """Write the articles added since the last shard as a shard of their own."""
        if not self._lines:
            return
        _write_lines(self.folder / shard_name(self.shards), self._lines)
        self.shards += 1
        self._lines = []

    def close(self) -> None:
        self.flush()

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        # A run that fails keeps the shards already whole, and writes no partial one.
        if exc[0] is None:
            self.close()


def shard_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str | ReadError]:
    """The shards named by ``paths``: files, and the shards in folders, in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob(SHARD_GLOB))
            if not found:
                yield ReadError(str(path), None, f"no shards ({SHARD_GLOB}) in the folder")
            yield from (str(p) for p in found)
        elif path.exists():
            yield str(path)
        else:
            yield ReadError(str(path), None, "no such file or directory")


def read_shards(
    paths: Iterable[str | os.PathLike[str]], *, progress: Progress | None = None
) -> Iterator[Article | ReadError]:
    """The articles of the shards named by ``paths``, each carrying its quotes as its
    outcome (``extra[OUTCOME_KEY]``), and a ReadError for each line, or file, that is
    not a shard's. ``progress`` is called with the bytes of each shard read."""
    for item in shard_files(paths):
        if isinstance(item, ReadError):
            yield item
            continue
        yield from read_shard(item)
        if progress:
            progress(os.path.getsize(item))


def read_shard(path: str) -> Iterator[Article | ReadError]:
    """The articles of one shard (see :func:`read_shards`)."""
    number = 0
    try:
        with gzip.open(path, "rb") as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    yield _article_from(line, path, number)
    except (OSError, EOFError, zlib.error) as e:
        reason = gzip_reason(e) if not isinstance(e, FileNotFoundError) else os_reason(e)
        yield ReadError(path, None, f"after line {number}: {reason}" if number else reason)


def _article_from(line: bytes, path: str, number: int) -> Article | ReadError:
    try:
        record = json.loads(line)
        fields = record["article"]
        article = Article(**{name: fields.get(name) for name in ARTICLE_FIELDS})
        quotes = [Quote(**{name: q[name] for name in QUOTE_FIELDS if name in q}) for q in record["quotes"]]
    except (ValueError, KeyError, TypeError) as e:
        return ReadError(path, number, f"not a shard's line ({type(e).__name__}: {e})")
    if not isinstance(article.text, str) or fields.get("content_sha256") != article.content_sha256:
        return ReadError(path, number, "the article's text does not match its content_sha256")
    article.extra[OUTCOME_KEY] = quotes
    return article


__all__ = [
    "ARTICLE_FIELDS",
    "QUOTE_FIELDS",
    "SHARD_ARTICLES",
    "ShardWriter",
    "read_shard",
    "read_shards",
    "shard_files",
    "shard_name",
    "shard_record",
    "write_shard",
]
