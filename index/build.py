"""Build the Whoosh index from SQLite and keep it in step with it.

SQLite is the record; the index is derived from it and can always be rebuilt. Each
document carries a signature of the fields it was built from, so a document that no
longer matches its row (an edited quote) is detectable.

Two Whoosh indexes share the folder: ``quotes`` (one document per quote, built only from
what never changes once the quote is stored) and ``speakers`` (one small document per
speaker with every name the speaker is known by). A speaker who gains an alias changes
one speaker document, not all of that speaker's quotes, so keeping the index in step
costs the same however large the database grows.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from quotes.dates import parse_published
from quotes.store import Store, writer_lock

from .errors import IndexMissing
from .schema import SCHEMA_VERSION, make_schema, make_speaker_schema
from .writing import (
    building_folder,
    open_writer,
    remove_leftovers,
    swap_in,
    write_errors,
)

META_FILE = "quotes-index.json"
INDEX_NAME = "quotes"
SPEAKERS_NAME = "speakers"

QUOTE_SQL = (
    'select quotes.id, quotes.text, quotes.kind, quotes.start, quotes."end", quotes.context,'
    " quotes.article_id, quotes.speaker_id, speakers.name as speaker, quotes.speaker_role,"
    " articles.title, articles.publisher, articles.published, articles.url"
    " from quotes join articles on articles.id = quotes.article_id"
    " left join speakers on speakers.id = quotes.speaker_id"
)


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


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    speakers: int = 0  # speaker documents written or removed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- documents --------------------------------------------------------------------


def parse_date(value: str | None) -> _dt.datetime | None:
    """An ISO 8601 date or datetime as a naive UTC datetime (None when unparseable);
    never raises: a date past either end of the calendar is clamped to it."""
    return parse_published(value)


def split_aliases(aliases: str | None, speaker: str | None) -> list[str]:
    """The canonical name first, then the other names once each, in a stable order."""
    seen: dict[str, str] = {}
    others = sorted(aliases.split("|")) if aliases else []
    for name in ([speaker] if speaker else []) + others:
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def _digest(parts: list[Any]) -> str:
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def signature(row: dict[str, Any]) -> str:
    return _digest([
        row.get("text"), row.get("kind"), row.get("start"), row.get("end"), row.get("context"),
        row.get("article_id"), row.get("speaker_id"), row.get("speaker"), row.get("speaker_role"),
        row.get("title"), row.get("publisher"), row.get("published"), row.get("url"),
    ])


def document(row: dict[str, Any]) -> dict[str, Any]:
    """The Whoosh document for one joined quote row."""
    doc: dict[str, Any] = {
        "id": str(row["id"]),
        "sig": signature(row).encode("ascii"),
        "text": row["text"] or "",
        "kind": row.get("kind") or "direct",
        "article_id": int(row["article_id"]),
        "start": row.get("start"),
        "end": row.get("end"),
        "url": row.get("url"),
    }
    if row.get("speaker"):
        doc["speaker"] = row["speaker"]
        doc["speaker_name"] = row["speaker"]
    if row.get("speaker_id") is not None:
        doc["speaker_id"] = str(row["speaker_id"])
    if row.get("speaker_role"):
        doc["role"] = row["speaker_role"]
    if row.get("title"):
        doc["title"] = row["title"]
    if row.get("publisher"):
        doc["publisher"] = row["publisher"]
        doc["publisher_key"] = row["publisher"].casefold()
        doc["publisher_name"] = row["publisher"]
    published = parse_date(row.get("published"))
    if published is not None:
        doc["published"] = published
    around = context_words(row.get("context"), row["text"] or "")
    if around:
        doc["context"] = around
    return doc


def context_words(context: str | None, text: str) -> str:
    """The sentence around a quote without the quote itself ("Medvedev said, according to
    RIA Novosti"): the quoted words are indexed already, in ``text``."""
    if not context:
        return ""
    i = context.find(text) if text else -1
    if i < 0:
        return context
    return (context[:i] + " " + context[i + len(text) :]).strip()


def iter_rows(
    store: Store, ids: Iterable[int] | None = None, order: str = "quotes.id", batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Joined quote rows (all, or those with ``ids``), read ``batch`` at a time."""

    def dicts(cur: Any) -> Iterator[dict[str, Any]]:
        cols = [d[0] for d in cur.description]
        for values in cur:
            yield dict(zip(cols, values))

    if ids is None:
        yield from dicts(store.db.execute(QUOTE_SQL + f" order by {order}"))
        return
    id_list = sorted(set(int(i) for i in ids))
    for i in range(0, len(id_list), batch):
        chunk = id_list[i : i + batch]
        marks = ",".join("?" * len(chunk))
        yield from dicts(store.db.execute(QUOTE_SQL + f" where quotes.id in ({marks}) order by quotes.id", chunk))


# -- speakers ---------------------------------------------------------------------

SPEAKER_SQL = (
    "select speakers.id, speakers.name,"
    " (select group_concat(alias, '|') from speaker_aliases a where a.speaker_id = speakers.id) as aliases"
    " from speakers"
)


def iter_speakers(store: Store, ids: Iterable[int] | None = None, batch: int = 500) -> Iterator[tuple[int, list[str]]]:
    """(speaker id, names: canonical first, then aliases) for all speakers or ``ids``."""
    if ids is None:
        for sid, name, aliases in store.db.execute(SPEAKER_SQL + " order by speakers.id"):
            yield sid, split_aliases(aliases, name)
        return
    id_list = sorted(set(int(i) for i in ids))
    for i in range(0, len(id_list), batch):
        chunk = id_list[i : i + batch]
        sql = SPEAKER_SQL + f" where speakers.id in ({','.join('?' * len(chunk))}) order by speakers.id"
        for sid, name, aliases in store.db.execute(sql, chunk):
            yield sid, split_aliases(aliases, name)


def speaker_document(sid: int, names: list[str]) -> dict[str, Any]:
    return {
        "id": str(sid),
        "names": " ".join(names),
        "keys": ",".join(n.casefold().replace(",", " ") for n in names),
        "sig": _digest(names),
    }


def _open_speakers(index_dir: Path) -> FileIndex:
    storage = _storage(index_dir)
    if storage.index_exists(SPEAKERS_NAME):
        return storage.open_index(SPEAKERS_NAME)
    return storage.create_index(make_speaker_schema(), indexname=SPEAKERS_NAME)


def _speaker_signatures(six: FileIndex, ids: set[int] | None = None) -> dict[int, str]:
    with six.searcher() as searcher:
        if ids is None:
            return {int(f["id"]): f["sig"] for f in searcher.all_stored_fields()}
        found = (searcher.document(id=str(sid)) for sid in ids)
        return {int(f["id"]): f["sig"] for f in found if f}


def sync_speakers(store: Store, index_dir: str | os.PathLike[str], speaker_ids: Iterable[int] | None = None) -> int:
    """Bring speaker documents (all, or those of ``speaker_ids``) in step with SQLite;
    returns how many were written or removed."""
    six = _open_speakers(Path(index_dir))
    wanted = None if speaker_ids is None else {int(i) for i in speaker_ids}
    if wanted is not None and not wanted:
        return 0
    have = _speaker_signatures(six, wanted)
    changed = 0
    writer = open_writer(six, 0)
    try:
        live: set[int] = set()
        for sid, names in iter_speakers(store, wanted):
            live.add(sid)
            doc = speaker_document(sid, names)
            if have.get(sid) != doc["sig"]:
                (writer.update_document if sid in have else writer.add_document)(**doc)
                changed += 1
        gone = (have.keys() if wanted is None else wanted & have.keys()) - live
        for sid in gone:
            writer.delete_by_term("id", str(sid))
            changed += 1
        if changed:
            writer.commit()
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    return changed


# -- opening ----------------------------------------------------------------------


def _read_meta(index_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((index_dir / META_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _write_meta(index_dir: Path) -> None:
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")


def _storage(index_dir: Path) -> FileStorage:
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
    return _read_meta(Path(index_dir)).get("schema_version") == SCHEMA_VERSION


def open_index(index_dir: str | os.PathLike[str]) -> FileIndex:
    path = Path(index_dir)
    if not index_exists(path):
        raise IndexMissing(f"{path}: no search index (run: quotes index --rebuild)")
    if not schema_current(path):
        raise IndexMissing(f"{path}: the index was built by another version (run: quotes index --rebuild)")
    return whoosh_index.open_dir(str(path), indexname=INDEX_NAME)


def _create(index_dir: Path) -> FileIndex:
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = _storage(index_dir).create_index(make_schema(), indexname=INDEX_NAME)
    _write_meta(index_dir)
    return ix


# -- building ---------------------------------------------------------------------


def _data_version(store: Store) -> int:
    """Changes whenever another connection commits to the database."""
    return int(store.db.execute("pragma data_version").fetchone()[0])


def _build(store: Store, folder: Path, procs: int | None, limitmb: int) -> None:
    ix = _create(folder)
    total = store.db.execute("select count(*) from quotes").fetchone()[0]
    writer = open_writer(ix, total, procs, limitmb)
    try:
        for row in iter_rows(store, order="articles.published, quotes.id"):
            writer.add_document(**document(row))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    sync_speakers(store, folder)


def rebuild(
    store: Store, index_dir: str | os.PathLike[str], *, procs: int | None = None, limitmb: int = 256,
    writer_locked: bool = False, on_wait: Callable[[], None] | None = None,
) -> int:
    """Build a fresh index from SQLite and swap it in place; returns the document count.

    Documents are added in publication order, so document numbers follow time. The
    old index answers searches until the new one replaces it in one step. The build
    runs beside it without locking the database; then, holding the database's writer
    lock (waiting for a running ingest, after calling ``on_wait``), it adds what was
    stored in the meantime and swaps in, so a rebuild never loses an ingest's quotes.
    ``writer_locked``: the caller holds that lock already (an ingest).
    """
    target = Path(index_dir)
    with write_errors(target):
        remove_leftovers(target)
        with building_folder(target) as folder:
            version = _data_version(store)
            _build(store, folder, procs, limitmb)
            with contextlib.nullcontext() if writer_locked else writer_lock(store.path, on_wait=on_wait):
                if _data_version(store) != version:
                    _sync_all(store, folder)
                remove_leftovers(target, all_unlocked=True)
                swap_in(folder, target)
        ix = _storage(target).open_index(INDEX_NAME)
        try:
            return int(ix.doc_count())
        finally:
            ix.close()


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


def sync(
    store: Store, index_dir: str | os.PathLike[str], quote_ids: Iterable[int] | None = None,
    *, procs: int | None = None, limitmb: int = 128, writer_locked: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> SyncReport:
    """Add or update the given quotes in the index (creating it if needed).

    With ``quote_ids=None`` bring the whole index in step with SQLite (add missing
    documents, rewrite stale ones, delete orphans), holding the database's writer lock
    unless the caller does (``writer_locked``). ``procs``: indexing processes (default:
    several for large batches); ``limitmb``: memory for each.
    """
    path = Path(index_dir)
    with write_errors(path):
        if not (index_exists(path) and schema_current(path)):
            # A new or outdated index: index everything, not just the new quotes.
            count = rebuild(store, path, procs=procs, limitmb=limitmb, writer_locked=writer_locked, on_wait=on_wait)
            return SyncReport(added=count)
        if quote_ids is None:
            with contextlib.nullcontext() if writer_locked else writer_lock(store.path, on_wait=on_wait):
                return _sync_all(store, path)
        return _sync_ids(store, path, {int(i) for i in quote_ids}, procs, limitmb)


def _sync_all(store: Store, path: Path) -> SyncReport:
    ix = _storage(path).open_index(INDEX_NAME)
    report = SyncReport()
    indexed = indexed_signatures(ix)
    writer = open_writer(ix, 0)
    try:
        live: set[int] = set()
        for row in iter_rows(store):
            qid = int(row["id"])
            live.add(qid)
            doc = document(row)
            have = indexed.get(qid)
            if have is None:
                writer.add_document(**doc)
                report.added += 1
            elif have != doc["sig"].decode("ascii"):
                writer.update_document(**doc)
                report.updated += 1
        for qid in indexed.keys() - live:
            writer.delete_by_term("id", str(qid))
            report.deleted += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    report.speakers = sync_speakers(store, path)
    return report


def _sync_ids(store: Store, path: Path, wanted: set[int], procs: int | None, limitmb: int) -> SyncReport:
    report = SyncReport()
    if not wanted:
        return report
    ix = _storage(path).open_index(INDEX_NAME)
    with ix.reader() as reader:
        # New quotes (the usual case after an ingest) need no delete-then-add.
        indexed = {qid for qid in wanted if ("id", str(qid)) in reader}
    writer = open_writer(ix, len(wanted), procs, limitmb)
    speakers: set[int] = set()
    try:
        found: set[int] = set()
        # Rows are streamed: memory stays the same however large the batch.
        for row in iter_rows(store, wanted):
            qid = int(row["id"])
            found.add(qid)
            if row["speaker_id"] is not None:
                speakers.add(int(row["speaker_id"]))
            if qid in indexed:
                writer.update_document(**document(row))
            else:
                writer.add_document(**document(row))
        report.updated = len(found)
        for qid in wanted - found:
            writer.delete_by_term("id", str(qid))
            report.deleted += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    report.speakers = sync_speakers(store, path, speakers)
    return report


def check(store: Store, index_dir: str | os.PathLike[str]) -> DriftReport:
    """Compare the index with SQLite, document by document."""
    path = Path(index_dir)
    quotes_count = store.db.execute("select count(*) from quotes").fetchone()[0]
    if not index_exists(path):
        ids = [r[0] for r in store.db.execute("select id from quotes order by id")]
        return DriftReport(missing=ids, index_exists=False, quotes=quotes_count)
    if not schema_current(path):
        return DriftReport(schema_ok=False, quotes=quotes_count)
    storage = _storage(path)
    ix = storage.open_index(INDEX_NAME)
    indexed = indexed_signatures(ix)
    report = DriftReport(quotes=quotes_count, documents=len(indexed))
    live: set[int] = set()
    for row in iter_rows(store):
        qid = int(row["id"])
        live.add(qid)
        have = indexed.get(qid)
        if have is None:
            report.missing.append(qid)
        elif have != signature(row):
            report.stale.append(qid)
    report.orphaned = sorted(indexed.keys() - live)
    speakers = _speaker_signatures(storage.open_index(SPEAKERS_NAME)) if storage.index_exists(SPEAKERS_NAME) else {}
    seen: set[int] = set()
    for sid, names in iter_speakers(store):
        seen.add(sid)
        if speakers.get(sid) != speaker_document(sid, names)["sig"]:
            report.speakers.append(sid)
    report.speakers.extend(sorted(speakers.keys() - seen))
    return report


def delete_documents(index_dir: str | os.PathLike[str], quote_ids: Iterable[int]) -> int:
    """Remove documents from the index (not from SQLite)."""
    ix = open_index(index_dir)
    n = 0
    with open_writer(ix, 0) as writer:
        for qid in quote_ids:
            n += writer.delete_by_term("id", str(qid))
    return n


