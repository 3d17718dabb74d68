"""The speakers index: one small document per speaker with every name they are known by.

Quote documents hold the canonical name only. A speaker who gains an alias changes
one speaker document, not all of that speaker's quotes, so keeping the index in step
costs the same however large the database grows.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from whoosh.index import FileIndex

from quotes.store import Store

from .documents import speaker_document
from .schema import make_speaker_schema
from .storage import SPEAKERS_NAME, storage
from .writing import open_writer


def open_speakers(index_dir: Path) -> FileIndex:
    """The speakers index in ``index_dir``, created empty when there is none."""
    store = storage(index_dir)
    if store.index_exists(SPEAKERS_NAME):
        return store.open_index(SPEAKERS_NAME)
    return store.create_index(make_speaker_schema(), indexname=SPEAKERS_NAME)


def speaker_signatures(six: FileIndex, ids: set[int] | None = None) -> dict[int, str]:
    """speaker id -> signature of the names indexed, for all speakers or ``ids``."""
    with six.searcher() as searcher:
        if ids is None:
            return {int(f["id"]): f["sig"] for f in searcher.all_stored_fields()}
        found = (searcher.document(id=str(sid)) for sid in ids)
        return {int(f["id"]): f["sig"] for f in found if f}


def sync_speakers(store: Store, index_dir: str | os.PathLike[str], speaker_ids: Iterable[int] | None = None) -> int:
    """Bring speaker documents (all, or those of ``speaker_ids``) in step with SQLite;
    returns how many were written or removed."""
    six = open_speakers(Path(index_dir))
    wanted = None if speaker_ids is None else {int(i) for i in speaker_ids}
    if wanted is not None and not wanted:
        return 0
    have = speaker_signatures(six, wanted)
    changed = 0
    writer = open_writer(six, 0)
    try:
        live: set[int] = set()
        for sid, names in store.speakers(wanted):
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
