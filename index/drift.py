"""How the index differs from SQLite, document by document (``quotes check``)."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from quotes.store import Store

from .documents import signature, speaker_document
from .speaker_index import speaker_signatures
from .storage import INDEX_NAME, SPEAKERS_NAME, index_exists, schema_current, storage


@dataclass
class DriftReport:
    """How the index differs from SQLite."""

    missing: list[int] = field(default_factory=list)  # in SQLite, not in the index
    stale: list[int] = field(default_factory=list)  # indexed from different field values
    orphaned: list[int] = field(default_factory=list)  # in the index, not in SQLite
    speakers: list[int] = field(default_factory=list)  # speakers whose names are not indexed as stored
    index_exists: bool = True
    schema_ok: bool = True
    quotes: int = 0  # rows in SQLite
    documents: int = 0  # documents in the index

    @property
    def ok(self) -> bool:
        return self.index_exists and self.schema_ok and not (
            self.missing or self.stale or self.orphaned or self.speakers
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def indexed_signatures(ix: FileIndex) -> dict[int, str]:
    """quote id -> signature for every live document."""
    out: dict[int, str] = {}
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return out
        ids = reader.column_reader("id")
        sigs = reader.column_reader("sig")
        for docnum in reader.all_doc_ids():
            out[int(ids[docnum])] = sigs[docnum].decode("ascii")
    return out


def check(store: Store, index_dir: str | os.PathLike[str] | None = None) -> DriftReport:
    """Compare the index (by default the store's, :attr:`Store.index_dir`) with SQLite."""
    path = Path(store.index_dir if index_dir is None else index_dir)
    quotes_count = store.quote_count()
    if not index_exists(path):
        return DriftReport(missing=store.quote_ids(), index_exists=False, quotes=quotes_count)
    if not schema_current(path):
        return DriftReport(schema_ok=False, quotes=quotes_count)
    folder = storage(path)
    indexed = indexed_signatures(folder.open_index(INDEX_NAME))
    report = DriftReport(quotes=quotes_count, documents=len(indexed))
    live: set[int] = set()
    for row in store.quote_rows():
        qid = int(row["quote_id"])
        live.add(qid)
        have = indexed.get(qid)
        if have is None:
            report.missing.append(qid)
        elif have != signature(row):
            report.stale.append(qid)
    report.orphaned = sorted(indexed.keys() - live)
    speakers = speaker_signatures(folder.open_index(SPEAKERS_NAME)) if folder.index_exists(SPEAKERS_NAME) else {}
    seen: set[int] = set()
    for sid, names in store.speakers():
        seen.add(sid)
        if speakers.get(sid) != speaker_document(sid, names)["sig"]:
            report.speakers.append(sid)
    report.speakers.extend(sorted(speakers.keys() - seen))
    return report
