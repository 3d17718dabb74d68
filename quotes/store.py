"""The SQLite store: articles, speakers and their aliases, quotes, quote groups, full-text search.

Every article is written in one transaction together with its quotes, any new
speakers and the grouping of its quotes (:mod:`quotes.groups`), so a database never
holds half an article. Articles are identified by the
SHA-256 of their text: adding the same text again is a no-op.

A store opened with ``group_later`` (what ``quotes ingest`` does when it extracts in
the storing process, so that grouping runs beside storing, in the process that keeps
the search index) leaves its quotes' groups to :meth:`Store.group_pending`, which the
ingest runs before it ends and any opening for writing runs too (so the quotes of a
run killed before grouping them are grouped by the next).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import corrections, groups
from .database import StoreError, connect_read_only, index_path_for
from .model import Article, Quote
from .reads import StoreReads
from .views import VIEWS

SCHEMA_VERSION = 1

__all__ = [
    "SCHEMA_VERSION", "AddResult", "Store", "StoreError", "connect_read_only", "index_path_for",
    "set_setting", "set_sync_pending", "setting", "sync_pending", "writer_lock",
]

ARTICLE_COLUMNS = {
    "id": int,
    "doc_id": str,
    "url": str,
    "title": str,
    "publisher": str,
    "published": str,
    "byline": str,
    "dateline": str,
    "text": str,
    "content_sha256": str,
    "source_path": str,
    "ingested_at": str,
}
SPEAKER_COLUMNS = {"id": int, "name": str, "kind": str, "role": str}
QUOTE_COLUMNS = {
    "id": int,
    "article_id": int,
    "speaker_id": int,
    "text": str,
    "start": int,
    "end": int,
    "paragraph": int,
    "kind": str,
    "speaker_mention": str,
    "speaker_role": str,
    "speaker_start": int,
    "speaker_end": int,
    "antecedent_mention": str,
    "antecedent_start": int,
    "antecedent_end": int,
    "cue": str,
    "method": str,
    "confidence": float,
    "context": str,
    "continues_quote_id": int,
    "group_id": int,
    **corrections.QUOTE_COLUMNS,
}
#: Quote columns with a default value.
QUOTE_DEFAULTS = {"review": "machine"}
#: Quote columns that hold the id of another table's row.
QUOTE_REFERENCES = {
    "article_id": "articles", "speaker_id": "speakers", "continues_quote_id": "quotes", "group_id": groups.GROUPS_TABLE,
    "extracted_speaker_id": "speakers",
}

#: Quote columns added since the first schema: a database made before gains them, empty
#: for the quotes it holds, when opened for writing.
ADDED_QUOTE_COLUMNS = (
    "speaker_role", "antecedent_mention", "antecedent_start", "antecedent_end", "group_id", *corrections.QUOTE_COLUMNS,
)


#: The full-text index follows a quote's words, and only them: the trigger sqlite-utils
#: makes fires on an update of any column, and grouping sets every quote's group_id.
FTS_UPDATE_TRIGGER = (
    'CREATE TRIGGER "quotes_au" AFTER UPDATE OF "text" ON "quotes" BEGIN\n'
    '  INSERT INTO "quotes_fts" ("quotes_fts", rowid, "text") VALUES(\'delete\', old.rowid, old."text");\n'
    '  INSERT INTO "quotes_fts" (rowid, "text") VALUES (new.rowid, new."text");\nEND'
)

PRONOUNS = {
    "he", "she", "they", "it", "we", "i", "him", "her", "them", "you",
    "his", "hers", "their", "its",
}


@dataclass
class AddResult:
    article_id: int
    added: bool  # False when the article was already stored
    quote_ids: list[int]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


class Store(StoreReads):
    """A quotes database at ``path`` (created with its schema when new, brought up to
    date when made by an earlier version), or with ``read_only`` an existing one opened
    by ``connect_read_only`` and read as it is. Reading: see :class:`quotes.reads.StoreReads`."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, group_later: bool = False):
        self.path = os.fspath(path)
        self.group_later = group_later
        if read_only:
            self.db = sqlite_utils.Database(connect_read_only(self.path))
        else:
            try:
                self.db = sqlite_utils.Database(self.path)
                self.db.execute("pragma busy_timeout = 30000")
                self.ensure_schema()
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{self.path}: {e}") from e

    @classmethod
    def upgrade(cls, path: str | os.PathLike[str]) -> None:
        """Give the database at ``path`` the current schema and views (created when new)."""
        cls(path).db.conn.close()

    @property
    def index_dir(self) -> Path:
        """The search index folder that belongs to this database (see :func:`index_path_for`)."""
        return index_path_for(self.path)

    # -- schema -----------------------------------------------------------------

    def ensure_schema(self) -> None:
        db = self.db
        if db.journal_mode != "wal":
            db.enable_wal()
        if "articles" in db.table_names() and "quotes" in db.table_names():
            self._migrate()
            return
        with db.conn:
            groups.create_tables(db.conn)
            corrections.create_table(db.conn)
            db.table("articles").create(ARTICLE_COLUMNS, pk="id", not_null={"text", "content_sha256"}, if_not_exists=True)
            db.table("articles").create_index(["content_sha256"], unique=True, if_not_exists=True)
            for col in ("publisher", "published", "doc_id"):
                db.table("articles").create_index([col], if_not_exists=True)
            db.table("speakers").create(SPEAKER_COLUMNS, pk="id", not_null={"name"}, if_not_exists=True)
            db.table("speakers").create_index(["name"], if_not_exists=True)
            db.table("speakers").create_index(["kind"], if_not_exists=True)
            db.table("speaker_aliases").create(
                {"speaker_id": int, "alias": str},
                pk=("speaker_id", "alias"),
                foreign_keys=[("speaker_id", "speakers", "id")],
                if_not_exists=True,
            )
            db.table("speaker_aliases").create_index(["alias"], if_not_exists=True)
            _create_name_indexes(db.conn)
            db.table("quotes").create(
                QUOTE_COLUMNS,
                pk="id",
                not_null={"text", "article_id", "start", "end"},
                foreign_keys=[(column, table, "id") for column, table in QUOTE_REFERENCES.items()],
                defaults=QUOTE_DEFAULTS,
                if_not_exists=True,
            )
            for col in ("article_id", "speaker_id", "continues_quote_id", "kind", "method"):
                db.table("quotes").create_index([col], if_not_exists=True)
            groups.create_quote_indexes(db.conn)
            corrections.create_quote_indexes(db.conn)
        if "quotes_fts" not in db.table_names():
            db.table("quotes").enable_fts(["text"], tokenize="porter", create_triggers=True)
        self._ensure_fts_trigger()
        self._ensure_views()

    def _migrate(self) -> None:
        """Bring a database made by an earlier version up to the current schema."""
        db = self.db
        if not {groups.GROUPS_TABLE, groups.KEYS_TABLE, corrections.TABLE} <= set(db.table_names()):
            with db.conn:
                groups.create_tables(db.conn)
                corrections.create_table(db.conn)
        if any(c not in db["quotes"].columns_dict for c in ADDED_QUOTE_COLUMNS):
            self._add_quote_columns()
        with db.conn:
            groups.create_quote_indexes(db.conn)
            corrections.create_quote_indexes(db.conn)
            _create_name_indexes(db.conn)
            # Earlier versions called every quoted span that is not speech "scare".
            changed = db.execute("update quotes set kind = 'term' where kind = 'scare'").rowcount
        if changed:
            set_sync_pending(self, True)  # their index documents are out of date: the next ingest rewrites them
        self._ensure_fts_trigger()
        self._ensure_views()
        self.group_pending()  # quotes stored before groups, or by a run that ended before grouping them

    def group_pending(self) -> int:
        """Group the speech quotes stored without a group (oldest first, a batch per
        transaction); the number grouped."""
        if not groups.has_ungrouped(self.db.conn):
            return 0
        return groups.group_ungrouped(self.db.conn, _now())

    def _add_quote_columns(self) -> None:
        """Add the missing ADDED_QUOTE_COLUMNS in one transaction: all or none."""
        conn = self.db.conn
        with conn:
            conn.execute("begin immediate")
            # Read again inside the write lock: another process may have added them.
            have = self.db["quotes"].columns_dict
            for name in ADDED_QUOTE_COLUMNS:
                if name in have:
                    continue
                if name in QUOTE_REFERENCES:  # add_column would declare the reference by rebuilding the table
                    conn.execute(f"alter table quotes add column [{name}] integer references [{QUOTE_REFERENCES[name]}]([id])")
                elif name in QUOTE_DEFAULTS:  # a constant default: the rows held read it, none is rewritten
                    conn.execute(f"alter table quotes add column [{name}] text default '{QUOTE_DEFAULTS[name]}'")
                else:
                    self.db.table("quotes").add_column(name, QUOTE_COLUMNS[name])

    def _ensure_fts_trigger(self) -> None:
        db = self.db
        row = db.execute("select sql from sqlite_master where type = 'trigger' and name = 'quotes_au'").fetchone()
        if row and row[0] != FTS_UPDATE_TRIGGER:
            with db.conn:
                db.execute("drop trigger quotes_au")
                db.execute(FTS_UPDATE_TRIGGER)

    def _ensure_views(self) -> None:
        db = self.db
        current = {name: sql for name, sql in db.execute("select name, sql from sqlite_master where type = 'view'")}
        for name, sql in VIEWS.items():
            wanted = f"CREATE VIEW {name} AS {sql}"
            if current.get(name) == wanted:
                continue
            with db.conn:
                db.execute(f"drop view if exists [{name}]")
                db.execute(wanted)

    # -- writing ----------------------------------------------------------------

    def article_id_for_hash(self, sha: str) -> int | None:
        row = self.db.execute("select id from articles where content_sha256 = ?", [sha]).fetchone()
        return row[0] if row else None

    def add(self, article: Article, quotes: Sequence[Quote]) -> AddResult:
        """Store one article with its quotes in a single transaction."""
        existing = self.article_id_for_hash(article.content_sha256)
        if existing is not None:
            return AddResult(existing, False, [])
        return self.add_many([(article, quotes)])[0]

    def add_many(self, pairs: Sequence[tuple[Article, Sequence[Quote]]]) -> list[AddResult]:
        """Store several articles with their quotes in one transaction (all or none).

        Each article already stored (by content hash), or repeated within ``pairs``,
        comes back with ``added=False``.
        """
        for article, quotes in pairs:
            _check_offsets(article.text, quotes, "the article text")
        conn = self.db.conn
        results: list[AddResult] = []
        now = _now()
        try:
            with conn:
                conn.execute("begin immediate")
                for article, quotes in pairs:
                    results.append(self._insert(conn, article, quotes, now))
                    if not self.group_later:
                        groups.group_quotes(conn, results[-1].quote_ids, now)
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: {e}") from e
        return results

    def _insert(self, conn: sqlite3.Connection, article: Article, quotes: Sequence[Quote], now: str) -> AddResult:
        sha = article.content_sha256
        # Checked inside the write lock: another writer, or this batch, may have added it.
        row = conn.execute("select id from articles where content_sha256 = ?", [sha]).fetchone()
        if row:
            return AddResult(row[0], False, [])
        cur = conn.execute(
            "insert into articles (doc_id, url, title, publisher, published, byline, dateline,"
            " text, content_sha256, source_path, ingested_at) values (?,?,?,?,?,?,?,?,?,?,?)",
            [
                article.doc_id, article.url, article.title, article.publisher,
                article.published, article.byline, article.dateline, article.text,
                sha, article.source_path, now,
            ],
        )
        article_id = _row_id(cur)
        return AddResult(article_id, True, self._insert_quotes(conn, article_id, sha, quotes, now))

    def _insert_quotes(self, conn: sqlite3.Connection, article_id: int, sha: str, quotes: Sequence[Quote], now: str) -> list[int]:
        """Store the quotes of article ``article_id`` and apply its corrections (the
        caller groups them)."""
        speaker_ids = self._resolve_speakers(conn, quotes)
        quote_ids: list[int] = []
        for i, q in enumerate(quotes):
            cont = quote_ids[q.continues] if q.continues is not None and 0 <= q.continues < i else None
            cur = conn.execute(
                'insert into quotes (article_id, speaker_id, text, start, "end", paragraph, kind,'
                " speaker_mention, speaker_role, speaker_start, speaker_end, antecedent_mention,"
                " antecedent_start, antecedent_end, cue, method, confidence, context,"
                " continues_quote_id) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    article_id, speaker_ids[i], q.text, q.start, q.end, q.paragraph, q.kind,
                    q.speaker_mention, q.speaker_role or None, q.speaker_start, q.speaker_end,
                    q.antecedent_mention, q.antecedent_start, q.antecedent_end, q.cue, q.method,
                    round(float(q.confidence), 3), q.context, cont,
                ],
            )
            quote_ids.append(_row_id(cur))
        corrections.apply_to_article(conn, article_id, sha, now)
        return quote_ids

    def replace_quotes(self, article_id: int, quotes: Sequence[Quote]) -> tuple[list[int], list[int]]:
        """Replace the quotes of stored article ``article_id`` (extracted anew) in one
        transaction: the old ones leave their groups and are deleted, the new ones are
        stored, corrected and grouped. Returns (deleted ids, new ids)."""
        conn = self.db.conn
        now = _now()
        try:
            with conn:
                conn.execute("begin immediate")
                row = conn.execute("select content_sha256, text from articles where id = ?", [article_id]).fetchone()
                if row is None:
                    raise StoreError(f"{self.path}: no article {article_id}")
                sha, text = row
                _check_offsets(text, quotes, f"the text of article {article_id}")
                old = [r[0] for r in conn.execute("select id from quotes where article_id = ? order by id", [article_id])]
                groups.leave_groups(conn, old, now)
                conn.execute("update quotes set continues_quote_id = null where article_id = ?", [article_id])
                conn.execute("delete from quotes where article_id = ?", [article_id])
                new = self._insert_quotes(conn, article_id, sha, quotes, now)
                groups.group_quotes(conn, new, now)
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: {e}") from e
        return old, new

    def _resolve_speakers(self, conn: sqlite3.Connection, quotes: Sequence[Quote]) -> list[int | None]:
        """Map each quote's canonical speaker to a speakers row, merging across articles.

        A multi-word name joins the row with the same name, or the row that already has
        it as an alias. A single-word name (a surname the article never expands) joins a
        row only when exactly one known person has that surname; otherwise it gets a row
        of its own, so "Clinton" is never silently made Bill or Hillary.
        """
        cache: dict[str, int] = {}
        out: list[int | None] = []
        for q in quotes:
            name = (q.speaker or "").strip()
            if not name:
                out.append(None)
                continue
            key = _norm(name)
            sid = cache.get(key)
            if sid is None:
                sid = self._find_speaker(conn, name, q.speaker_kind)
                if sid is None:
                    sid = _row_id(conn.execute(
                        "insert into speakers (name, kind, role) values (?,?,?)",
                        [name, q.speaker_kind or "unknown", q.speaker_role],
                    ))
                cache[key] = sid
                self._add_alias(conn, sid, name)
            if q.speaker_role:
                conn.execute("update speakers set role = ? where id = ?", [q.speaker_role, sid])
            mention = (q.speaker_mention or "").strip()
            if mention and _is_name_alias(mention, name):
                self._add_alias(conn, sid, mention)
            out.append(sid)
        return out

    def _find_speaker(self, conn: sqlite3.Connection, name: str, kind: str | None) -> int | None:
        row = conn.execute("select id from speakers where name = ? collate nocase", [name]).fetchone()
        if row:
            return row[0]
        tokens = name.split()
        if len(tokens) > 1:
            rows = conn.execute(
                "select distinct speaker_id from speaker_aliases where alias = ? collate nocase", [name]
            ).fetchall()
            return rows[0][0] if len(rows) == 1 else None
        if kind not in (None, "person", "unknown"):
            return None
        rows = conn.execute(
            "select id from speakers where kind = 'person' and name like ? collate nocase",
            ["% " + name],
        ).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    @staticmethod
    def _add_alias(conn: sqlite3.Connection, speaker_id: int, alias: str) -> None:
        conn.execute(
            "insert or ignore into speaker_aliases (speaker_id, alias) values (?, ?)", [speaker_id, alias]
        )


def _create_name_indexes(conn: sqlite3.Connection) -> None:
    """Speakers and aliases are looked up by name whatever its case (each quote's speaker,
    as it is stored): without these each lookup reads every speaker."""
    conn.execute("create index if not exists idx_speakers_name_nocase on speakers (name collate nocase)")
    conn.execute("create index if not exists idx_speaker_aliases_alias_nocase on speaker_aliases (alias collate nocase)")


def _check_offsets(text: str, quotes: Sequence[Quote], what: str) -> None:
    for q in quotes:
        if text[q.start : q.end] != q.text:
            raise StoreError(f"quote offsets {q.start}:{q.end} do not match {what}")


def _row_id(cur: sqlite3.Cursor) -> int:
    """The rowid an insert through ``cur`` gave its row."""
    rowid = cur.lastrowid
    assert rowid is not None  # set by every successful insert
    return rowid


def _is_name_alias(mention: str, name: str) -> bool:
    """True when ``mention`` names the speaker (not "he" or "the official")."""
    if _norm(mention) in PRONOUNS:
        return False
    name_tokens = {t.strip(".,'’").casefold() for t in name.split()}
    words = [t.strip(".,'’") for t in mention.split()]
    return any(w[:1].isupper() and w.casefold() in name_tokens for w in words if w)


# -- one writer at a time -------------------------------------------------------

_HELD: set[str] = set()  # lock files this process holds


@contextlib.contextmanager
def writer_lock(db_path: str | os.PathLike[str], on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the exclusive lock for writing ``db_path`` and its search index (waits,
    calling ``on_wait`` first, while another process holds it).

    An ingest holds it for its whole run; an index rebuild holds it to catch up with
    what was stored while it was building, and to swap the new index in. The lock is
    the file ``DB-lock`` beside the database, locked with ``flock``: the operating
    system releases it when the process ends, however it ends.
    """
    try:
        import fcntl
    except ImportError:  # no flock: SQLite's own busy timeout still serialises writes
        yield
        return
    lock_path = os.path.realpath(os.fspath(db_path) + "-lock")
    if lock_path in _HELD:  # this process holds it already (a nested use)
        yield
        return
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreError(f"{os.fspath(db_path)}: cannot open for writing ({e.strerror or e})") from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD.add(lock_path)
        yield
    finally:
        _HELD.discard(lock_path)
        os.close(fd)


# -- keeping followers (the search index) in step -------------------------------

SYNC_TABLE = "sync_state"


def _ensure_sync_table(store: Store) -> None:
    store.db.execute(
        f"create table if not exists {SYNC_TABLE} (name text primary key, pending integer not null, updated_at text)"
    )


def sync_pending(store: Store, name: str = "index") -> bool:
    """True when quotes were stored that follower ``name`` may not have seen.

    A follower (the search index) is marked pending before an ingest writes anything
    and cleared once it has caught up, so a run that dies in between leaves the mark
    for the next run to see.
    """
    if SYNC_TABLE not in store.db.table_names():
        return False
    row = store.db.execute(f"select pending from {SYNC_TABLE} where name = ?", [name]).fetchone()
    return bool(row and row[0])


def set_sync_pending(store: Store, pending: bool, name: str = "index") -> None:
    conn = store.db.conn
    with conn:
        _ensure_sync_table(store)
        conn.execute(
            f"insert into {SYNC_TABLE} (name, pending, updated_at) values (?, ?, ?)"
            " on conflict(name) do update set pending = excluded.pending, updated_at = excluded.updated_at",
            [name, int(pending), _now()],
        )


# -- settings -------------------------------------------------------------------

SETTINGS_TABLE = "settings"


def setting(store: StoreReads, name: str) -> str | None:
    """The value of setting ``name`` (None when it is not set)."""
    if SETTINGS_TABLE not in store.db.table_names():
        return None
    row = store.db.execute(f"select value from {SETTINGS_TABLE} where name = ?", [name]).fetchone()
    return None if row is None else row[0]


def set_setting(store: Store, name: str, value: str | None) -> None:
    """Set ``name`` to ``value`` (None: remove the setting)."""
    conn = store.db.conn
    with conn:
        conn.execute(f"create table if not exists {SETTINGS_TABLE} (name text primary key, value text, updated_at text)")
        if value is None:
            conn.execute(f"delete from {SETTINGS_TABLE} where name = ?", [name])
        else:
            conn.execute(
                f"insert into {SETTINGS_TABLE} (name, value, updated_at) values (?, ?, ?)"
                " on conflict(name) do update set value = excluded.value, updated_at = excluded.updated_at",
                [name, value, _now()],
            )
