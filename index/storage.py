"""The index folder: its two Whoosh indexes, its version file, opening it.

Two Whoosh indexes share the folder: ``quotes`` (one document per quote) and
``speakers`` (one small document per speaker with every name the speaker is known by).
A version file beside them says which schema built them.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from .errors import IndexMissing
from .schema import SCHEMA_VERSION

META_FILE = "quotes-index.json"
INDEX_NAME = "quotes"
SPEAKERS_NAME = "speakers"


def read_meta(index_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((index_dir / META_FILE).read_text())
    except (OSError, ValueError):
        return {}


def write_meta(index_dir: Path) -> None:
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")


def storage(index_dir: Path) -> FileStorage:
    """The index folder for writing and checking: files are read, not memory-mapped.

    A sync reads the segments it merges and a check reads every document; mapped,
    those pages would count towards the process's memory, which would then grow with
    the index. Searching (open_index) maps them, for speed.
    """
    return FileStorage(str(index_dir), supports_mmap=False)


def index_exists(index_dir: str | os.PathLike[str]) -> bool:
    path = Path(index_dir)
    return path.is_dir() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME)


def schema_current(index_dir: str | os.PathLike[str]) -> bool:
    return read_meta(Path(index_dir)).get("schema_version") == SCHEMA_VERSION


def open_index(index_dir: str | os.PathLike[str]) -> FileIndex:
    """The quotes index in ``index_dir``, for searching; IndexMissing when there is none
    or another version built it."""
    path = Path(index_dir)
    if not index_exists(path):
        raise IndexMissing(f"{path}: no search index (run: quotes index --rebuild)")
    if not schema_current(path):
        raise IndexMissing(f"{path}: the index was built by another version (run: quotes index --rebuild)")
    return whoosh_index.open_dir(str(path), indexname=INDEX_NAME)


def open_speakers_for_search(index_dir: Path) -> FileIndex | None:
    """The speakers index in ``index_dir`` for searching, or None when there is none."""
    if whoosh_index.exists_in(str(index_dir), indexname=SPEAKERS_NAME):
        return whoosh_index.open_dir(str(index_dir), indexname=SPEAKERS_NAME)
    return None
