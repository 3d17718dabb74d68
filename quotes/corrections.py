"""Corrections that last: a person's fix of a quote, kept apart from what the extractor said.

A correction sets a quote's speaker, its kind (``--not-quote`` makes a span a title,
term or other), or marks it reviewed. It is stored in the ``corrections`` table with the
quote identified by its article's content hash and its offsets, not by its id, so it
outlives the row it was made on: whenever an article's quotes are stored again (after
its quotes are extracted anew, or in another database built from the same articles),
the store applies the corrections of that article in the order they were made
(:func:`apply_to_article`). A correction whose quote is no longer there (the extractor
now reads other spans) stays, and is reported as ``dangling``.

Each correction keeps the value it replaced, who made it, when and why; undoing one
marks it undone (never deleted) and gives the quote back the value of the latest
correction still in force, or the extractor's. What the extractor said is kept on the
quote itself (``extracted_kind``, ``extracted_speaker_id``) from the first correction
on, so a fact-checker sees both. Every quote has a review status: ``machine`` (no one
has looked), ``reviewed`` (confirmed as the extractor has it) or ``corrected``, with
who and when.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import groups
from .database import StoreError
from .model import NON_SPEECH_KINDS, QUOTE_KINDS, SPEECH_KINDS

if TYPE_CHECKING:
    from .store import Store

TABLE = "corrections"
FIELDS = ("speaker", "kind", "review")
KINDS = QUOTE_KINDS

#: Quote columns this module writes (added to a database made before corrections).
QUOTE_COLUMNS = {
    "review": str,  # machine (the default), reviewed, corrected
    "reviewed_by": str,
    "reviewed_at": str,
    "extracted_kind": str,  # what the extractor said, once a correction changed it
    "extracted_speaker_id": int,
}


class CorrectionError(StoreError):
    """A correction that cannot be made (no such quote, an unknown kind, ...)."""


@dataclass
class Correction:
    """One correction, as stored, with the quote it applies to now (or None: dangling)."""

    id: int
    article_sha256: str
    start: int
    end: int
    quote: str
    field: str
    old_value: str | None
    new_value: str | None
    note: str | None
    by: str | None
    at: str
    undone_at: str | None
    undone_by: str | None
    quote_id: int | None

    @property
    def status(self) -> str:
        if self.undone_at:
            return "undone"
        return "applied" if self.quote_id is not None else "dangling"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"status": self.status}


def create_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"create table if not exists {TABLE} (id integer primary key, article_sha256 text not null,"
        ' start integer not null, "end" integer not null, quote text, field text not null,'
        " old_value text, new_value text, note text, by text, at text not null, undone_at text, undone_by text)"
    )
    conn.execute(f'create index if not exists idx_{TABLE}_quote on {TABLE} (article_sha256, start, "end")')


def create_quote_indexes(conn: sqlite3.Connection) -> None:
    """The quotes table's index of review status (a facet on millions of rows)."""
    conn.execute("create index if not exists idx_quotes_review on quotes (review)")


# -- making, listing, undoing ---------------------------------------------------------


def correct(
    store: Store, quote_id: int, *, speaker: str | None = None, not_quote: bool = False, kind: str | None = None,
    reviewed: bool = False, note: str | None = None, by: str | None = None, now: str,
) -> list[Correction]:
    """Correct quote ``quote_id``: give it ``speaker`` (a name, looked up as search and
    verify look names up, or a new speaker), make it not a quotation (``not_quote``:
    kind ``term`` unless ``kind`` says ``title`` or ``other``), set its ``kind``, or
    mark it ``reviewed``. One correction per change, in one transaction; returns them."""
    if kind is not None and kind not in KINDS:
        raise CorrectionError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if not_quote:
        if kind in SPEECH_KINDS:
            raise CorrectionError(f"--not-quote and kind {kind!r} disagree: a quotation is direct or partial")
        kind = kind or "term"
    if speaker is not None and not speaker.strip():
        raise CorrectionError("the speaker's name is empty")
    if speaker is not None and kind in NON_SPEECH_KINDS:
        raise CorrectionError("a span that is not a quotation has no speaker")
    if speaker is None and kind is None and not reviewed:
        raise CorrectionError("nothing to correct: give --speaker, --not-quote, --kind or --reviewed")
    conn = store.db.conn
    made: list[int] = []
    with conn:
        conn.execute("begin immediate")
        row = _quote(conn, quote_id)
        if row is None:
            raise CorrectionError(f"no quote {quote_id}")
        changes: list[tuple[str, str | None, str | None]] = []
        if kind is not None and kind != row["kind"]:
            changes.append(("kind", row["kind"], kind))
        if speaker is not None:
            name = _speaker_name(conn, store, speaker.strip())
            if name != row["speaker"]:
                changes.append(("speaker", row["speaker"], name))
        if reviewed or not changes:
            changes.append(("review", row["review"], "reviewed"))
        for field, old, new in changes:
            cur = conn.execute(
                f'insert into {TABLE} (article_sha256, start, "end", quote, field, old_value, new_value, note, by, at)'
                " values (?,?,?,?,?,?,?,?,?,?)",
                [row["sha"], row["start"], row["end"], row["text"], field, old, new, note, by, now],
            )
            made.append(int(cur.lastrowid or 0))
        _settle(conn, quote_id, now)
    return list_corrections(store, ids=made)


def undo(store: Store, correction_id: int, *, by: str | None = None, now: str) -> Correction:
    """Undo correction ``correction_id``: its quote gets back the value of the latest
    correction still in force, or the extractor's."""
    conn = store.db.conn
    with conn:
        conn.execute("begin immediate")
        row = conn.execute(f'select article_sha256, start, "end", undone_at from {TABLE} where id = ?', [correction_id]).fetchone()
        if row is None:
            raise CorrectionError(f"no correction {correction_id}")
        if row[3] is not None:
            raise CorrectionError(f"correction {correction_id} was undone already, at {row[3]}")
        conn.execute(f"update {TABLE} set undone_at = ?, undone_by = ? where id = ?", [now, by, correction_id])
        qid = _quote_id(conn, row[0], row[1], row[2])
        if qid is not None:
            _settle(conn, qid, now)
    return list_corrections(store, ids=[correction_id])[0]


def list_corrections(store: Store, *, dangling_only: bool = False, ids: Sequence[int] | None = None) -> list[Correction]:
    """Every correction (or those of ``ids``), oldest first, each with the id of the
    quote it applies to now."""
    if ids is not None and not ids:
        return []
    where = f" where c.id in ({','.join(str(int(i)) for i in ids)})" if ids is not None else ""
    rows = store.db.execute(
        f'select c.id, c.article_sha256, c.start, c."end", c.quote, c.field, c.old_value, c.new_value, c.note,'
        f" c.by, c.at, c.undone_at, c.undone_by, q.id from {TABLE} c"
        " left join articles a on a.content_sha256 = c.article_sha256"
        ' left join quotes q on q.article_id = a.id and q.start = c.start and q."end" = c."end"'
        f"{where} order by c.id"
    ).fetchall()
    out = [Correction(*r) for r in rows]
    return [c for c in out if c.status == "dangling"] if dangling_only else out


# -- applying ------------------------------------------------------------------------


def apply_to_article(conn: sqlite3.Connection, article_id: int, sha: str, now: str) -> list[int]:
    """Apply the corrections in force for the article just stored (``article_id``, content
    hash ``sha``) to its quotes, inside the caller's transaction; the quote ids changed."""
    spans = conn.execute(
        f'select distinct start, "end" from {TABLE} where article_sha256 = ? and undone_at is null', [sha]
    ).fetchall()
    changed: list[int] = []
    for start, end in spans:
        q = conn.execute('select id from quotes where article_id = ? and start = ? and "end" = ?', [article_id, start, end]).fetchone()
        if q is not None:
            _settle(conn, q[0], now, regroup=False)
            changed.append(q[0])
    return changed


def _settle(conn: sqlite3.Connection, quote_id: int, now: str, *, regroup: bool = True) -> None:
    """Give quote ``quote_id`` what its corrections in force say (the latest of each
    field), or what the extractor said where none is left; and its review status."""
    row = _quote(conn, quote_id)
    assert row is not None
    active = conn.execute(
        f"select field, new_value, by, at from {TABLE} where article_sha256 = ? and start = ? and \"end\" = ?"
        " and undone_at is null order by id",
        [row["sha"], row["start"], row["end"]],
    ).fetchall()
    latest = {field: (value, by, at) for field, value, by, at in active}
    extracted_kind = row["extracted_kind"] or row["kind"]
    extracted_speaker = row["extracted_speaker_id"] if row["extracted_kind"] is not None else row["speaker_id"]
    kind = latest["kind"][0] if "kind" in latest else extracted_kind
    speaker_id = extracted_speaker
    if "speaker" in latest and latest["speaker"][0]:
        speaker_id = _speaker_id(conn, latest["speaker"][0])
    if kind in NON_SPEECH_KINDS:
        speaker_id = None
    changed = [f for f in ("kind", "speaker") if f in latest]
    if changed:
        review, by, at = "corrected", *max((latest[f][1:] for f in changed), key=lambda v: v[1])
    elif "review" in latest:
        review, by, at = "reviewed", latest["review"][1], latest["review"][2]
    else:
        review, by, at = "machine", None, None
    corrected = bool(active) or row["extracted_kind"] is not None
    conn.execute(
        "update quotes set kind = ?, speaker_id = ?, review = ?, reviewed_by = ?, reviewed_at = ?,"
        " extracted_kind = ?, extracted_speaker_id = ? where id = ?",
        [kind, speaker_id, review, by, at, extracted_kind if corrected else None,
         extracted_speaker if corrected else None, quote_id],
    )
    if not regroup:
        return
    # the quote's group follows: out of it when no longer speech, into one when speech again
    gid = row["group_id"]
    if kind in NON_SPEECH_KINDS and gid is not None:
        groups.leave_groups(conn, [quote_id], now)
    elif kind in SPEECH_KINDS and gid is None:
        groups.group_quotes(conn, [quote_id], now)
    elif gid is not None and speaker_id != row["speaker_id"]:
        groups.refresh(conn, gid, now)


# -- reading -----------------------------------------------------------------------


_QUOTE_SQL = (
    'select quotes.id, quotes.text, quotes.start, quotes."end", quotes.kind, quotes.speaker_id, speakers.name,'
    " quotes.review, quotes.extracted_kind, quotes.extracted_speaker_id, quotes.group_id, articles.content_sha256"
    " from quotes join articles on articles.id = quotes.article_id"
    " left join speakers on speakers.id = quotes.speaker_id where quotes.id = ?"
)
_QUOTE_KEYS = ("id", "text", "start", "end", "kind", "speaker_id", "speaker", "review", "extracted_kind",
               "extracted_speaker_id", "group_id", "sha")


def _quote(conn: sqlite3.Connection, quote_id: int) -> dict[str, Any] | None:
    row = conn.execute(_QUOTE_SQL, [quote_id]).fetchone()
    return dict(zip(_QUOTE_KEYS, row)) if row else None


def _quote_id(conn: sqlite3.Connection, sha: str, start: int, end: int) -> int | None:
    row = conn.execute(
        'select quotes.id from quotes join articles on articles.id = quotes.article_id'
        ' where articles.content_sha256 = ? and quotes.start = ? and quotes."end" = ?',
        [sha, start, end],
    ).fetchone()
    return row[0] if row else None


def _speaker_name(conn: sqlite3.Connection, store: Store, name: str) -> str:
    """The stored speaker ``name`` means (by the rule search and verify use), or ``name``
    itself for a speaker not yet stored; an ambiguous name is an error."""
    ids = sorted(store.speakers_named(name))
    if len(ids) > 1:
        names = [r[0] for r in conn.execute(f"select name from speakers where id in ({','.join('?' * len(ids))})", ids)]
        raise CorrectionError(f"{name!r} could be any of {', '.join(sorted(names))}: give the full name")
    if ids:
        return str(conn.execute("select name from speakers where id = ?", [ids[0]]).fetchone()[0])
    return name


def _speaker_id(conn: sqlite3.Connection, name: str) -> int:
    """The speakers row named ``name``, made (kind unknown) when there is none."""
    row = conn.execute("select id from speakers where name = ?", [name]).fetchone()
    if row:
        return int(row[0])
    sid = int(conn.execute("insert into speakers (name, kind) values (?, 'unknown')", [name]).lastrowid or 0)
    conn.execute("insert or ignore into speaker_aliases (speaker_id, alias) values (?, ?)", [sid, name])
    return sid


def corrected_quote_ids(corrections: Iterable[Correction]) -> Sequence[int]:
    """The quotes the ``corrections`` apply to now, once each, in order."""
    return sorted({c.quote_id for c in corrections if c.quote_id is not None})
