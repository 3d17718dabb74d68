"""What the store answers when read: quote rows, speakers' names, full-text phrases.

Everything outside this package that reads the database (the search index, verify)
asks here rather than writing SQL of its own. Quote rows come from the one join in
:mod:`quotes.views`, with its column names (``quote_id``, ``quote``, ``speaker``,
``article_title``...), whether the database was opened for writing or read-only; a
database made by an earlier version and read as it is gets null for the quote
columns it lacks.
"""
from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from .groups import GROUPS_TABLE, appearance_key
from .speakers import SpeakerNames
from .views import QUOTES_TABLE_COLUMNS, fts_rows_sql, quote_rows_sql

#: Ids asked for in one query (SQLite allows a limited number of parameters).
BATCH = 500

#: Kinds of quoted span that are speech, read when no kind is asked for.
SPEECH = ("direct", "partial")


@dataclass
class PhraseResults:
    """One page of quote rows matching a full-text phrase, best first."""

    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)  # quote rows plus ``rank`` (BM25, lower is better)
    facets: list[tuple[str, int]] | None = None  # (speaker, quotes), most quoted first


#: Database path -> (a stamp of its speakers tables, speaker id -> names, their lookup),
#: shared by every Store on the path (the site opens one per search).
_LOOKUPS: dict[str, tuple[Any, dict[int, list[str]], SpeakerNames]] = {}


def split_aliases(aliases: str | None, speaker: str | None) -> list[str]:
    """The canonical name first, then the other names once each, in a stable order."""
    seen: dict[str, str] = {}
    others = sorted(aliases.split("|")) if aliases else []
    for name in ([speaker] if speaker else []) + others:
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


_SPEAKER_SQL = (
    "select speakers.id, speakers.name,"
    " (select group_concat(alias, '|') from speaker_aliases a where a.speaker_id = speakers.id) as aliases"
    " from speakers"
)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    id_list = sorted({int(i) for i in ids})
    for i in range(0, len(id_list), BATCH):
        yield id_list[i : i + BATCH]


def _dicts(cur: Any) -> Iterator[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(cols, values))


class StoreReads:
    """The reading half of :class:`quotes.store.Store` (``db``: its database)."""

    db: sqlite_utils.Database
    path: str
    _absent: tuple[str, ...] | None = None

    def _absent_columns(self) -> tuple[str, ...]:
        if self._absent is None:
            have = self.db["quotes"].columns_dict
            self._absent = tuple(c for c in QUOTES_TABLE_COLUMNS if c not in have)
        return self._absent

    # -- quotes -----------------------------------------------------------------

    def quote_rows(self, ids: Iterable[int] | None = None, *, by_date: bool = False) -> Iterator[dict[str, Any]]:
        """Quotes (all, or those with ``ids``) joined with their article and speaker,
        in id order, or with ``by_date`` in publication order; read a batch at a time."""
        sql = quote_rows_sql(self._absent_columns())
        if ids is None:
            order = "articles.published, quotes.id" if by_date else "quotes.id"
            yield from _dicts(self.db.execute(sql + f"order by {order}"))
            return
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            yield from _dicts(self.db.execute(sql + f"where quotes.id in ({marks}) order by quotes.id", chunk))

    def articles_ingested(self, ids: Iterable[int]) -> dict[int, str | None]:
        """Article id -> when it was stored (``ingested_at``), for the articles ``ids``."""
        out: dict[int, str | None] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"select id, ingested_at from articles where id in ({marks})", chunk).fetchall())
        return out

    def quote_ids(self) -> list[int]:
        """The id of every stored quote, in order."""
        return [r[0] for r in self.db.execute("select id from quotes order by id")]

    def counts(self) -> dict[str, int]:
        """Rows in each of the articles, quotes and speakers tables."""
        return {t: self.db[t].count for t in ("articles", "quotes", "speakers")}

    def max_quote_id(self) -> int | None:
        """The highest quote id stored (None when there are no quotes)."""
        row = self.db.execute("select max(id) from quotes").fetchone()
        return None if row[0] is None else int(row[0])

    def quote_count(self) -> int:
        return int(self.db.execute("select count(*) from quotes").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database."""
        return int(self.db.execute("pragma data_version").fetchone()[0])

    # -- quote groups -----------------------------------------------------------

    def group(self, group_id: int) -> dict[str, Any] | None:
        """The ``quote_groups`` row of ``group_id``, with the words of its fullest
        (``fullest``) and earliest (``earliest``) wording; None when there is no such group."""
        if GROUPS_TABLE not in self.db.table_names():
            return None
        cur = self.db.execute(
            f"select g.*, fullest.text as fullest, earliest.text as earliest from {GROUPS_TABLE} g"
            " left join quotes fullest on fullest.id = g.fullest_quote_id"
            " left join quotes earliest on earliest.id = g.earliest_quote_id where g.id = ?",
            [int(group_id)],
        )
        return next(_dicts(cur), None)

    def group_quotes(self, group_id: int) -> list[dict[str, Any]]:
        """Every quote of group ``group_id`` (rows as :meth:`quote_rows` gives them), oldest
        first: by published date, the undated after the dated in the order they were stored."""
        if "group_id" in self._absent_columns():
            return []
        ids = [r[0] for r in self.db.execute("select id from quotes where group_id = ?", [int(group_id)])]
        rows = list(self.quote_rows(ids))
        stored = self.articles_ingested({r["article_id"] for r in rows})
        return sorted(rows, key=lambda r: appearance_key(r["published"], stored.get(r["article_id"]),
                                                         r["article_id"], r["quote_id"]))

    def group_id_of(self, quote_id: int) -> int | None:
        """The group of quote ``quote_id`` (None: not speech, no such quote, or not grouped)."""
        if "group_id" in self._absent_columns():
            return None
        row = self.db.execute("select group_id from quotes where id = ?", [int(quote_id)]).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    # -- speakers ---------------------------------------------------------------

    def speakers(self, ids: Iterable[int] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(speaker id, names: canonical first, then aliases) for all speakers or ``ids``, by id."""
        if ids is None:
            for sid, name, aliases in self.db.execute(_SPEAKER_SQL + " order by speakers.id"):
                yield sid, split_aliases(aliases, name)
            return
        for chunk in _chunks(ids):
            sql = _SPEAKER_SQL + f" where speakers.id in ({','.join('?' * len(chunk))}) order by speakers.id"
            for sid, name, aliases in self.db.execute(sql, chunk):
                yield sid, split_aliases(aliases, name)

    def speaker_names(self) -> dict[int, list[str]]:
        """Speaker id -> every name of the speaker; read again only when speakers change
        (the result is shared: do not change it)."""
        return self._speaker_lookup()[0]

    def speakers_named(self, name: str) -> set[int]:
        """Ids of the speakers ``name`` names (see :func:`quotes.speakers.speakers_named`)."""
        return self._speaker_lookup()[1].named(name)

    def _speaker_lookup(self) -> tuple[dict[int, list[str]], SpeakerNames]:
        stamp = self.db.execute(
            "select (select max(rowid) from speakers), (select count(*) from speakers),"
            " (select max(rowid) from speaker_aliases), (select count(*) from speaker_aliases)"
        ).fetchone()
        cached = _LOOKUPS.get(self.path)
        if cached is None or cached[0] != stamp:
            names = dict(self.speakers())
            cached = _LOOKUPS[self.path] = (stamp, names, SpeakerNames(names))
        return cached[1], cached[2]

    # -- full-text phrases ------------------------------------------------------

    def phrase_quote_ids(self, phrases: Sequence[Sequence[str]], limit: int, *, ranked: bool = False) -> list[int]:
        """Ids of up to ``limit`` quotes holding every phrase (a run of words), from
        SQLite's full-text index, which keeps the words too common for Whoosh; with
        ``ranked``, best match (BM25: the shortest quotes) first."""
        match = " AND ".join(_phrase(words) for words in phrases)
        order = " order by rank" if ranked else ""
        try:
            rows = self.db.execute(f"select rowid from quotes_fts where quotes_fts match ?{order} limit {int(limit)}", [match])
            return [r[0] for r in rows.fetchall()]
        except sqlite3.OperationalError:  # a phrase FTS5 cannot read matches nothing
            return []

    def phrase_search(self, words: Sequence[str], **filters: Any) -> PhraseResults:
        """Quote rows holding ``words`` as a phrase, best match (BM25) first; the filters
        are :meth:`fts_search`'s."""
        return self.fts_search(_phrase(words), **filters)

    def fts_search(
        self,
        match: str | None,
        *,
        speaker_ids: Iterable[int] | None = None,
        publisher: str | Sequence[str] | None = None,
        since: _dt.datetime | None = None,
        until: _dt.datetime | None = None,
        kind: str | None = None,
        review: str | None = None,
        limit: int = 20,
        offset: int = 0,
        facets: int = 0,
    ) -> PhraseResults:
        """Quote rows matching the FTS5 query ``match``, best match (BM25) first, or with
        no ``match`` every quote, newest first (``rank`` 0).

        Filters: quotes by ``speaker_ids``, from a publisher whose name holds
        ``publisher`` (each of several), published within ``since``/``until``, of ``kind`` (speech when
        None, every kind for ``"any"``), of ``review`` status. ``facets``: count the matches of up to that
        many speakers. A ``match`` FTS5 cannot read raises ``sqlite3.OperationalError``.
        """
        params: dict[str, Any] = {}
        where = []
        if match is not None:
            where.append("quotes_fts match :match")
            params["match"] = match
        if speaker_ids is not None:
            where.append(f"quotes.speaker_id in ({','.join(str(int(i)) for i in speaker_ids)})")
        for n, name in enumerate([publisher] if isinstance(publisher, str) else publisher or ()):
            where.append(f"articles.publisher like :publisher{n}")
            params[f"publisher{n}"] = f"%{name.strip()}%"
        if kind and kind != "any":
            where.append("quotes.kind = :kind")
            params["kind"] = kind
        elif not kind:
            where.append(f"quotes.kind in ({', '.join(repr(k) for k in SPEECH)})")
        if review:
            where.append("quotes.review = :review")
            params["review"] = review
        if since:
            where.append("datetime(articles.published) >= datetime(:since)")
            params["since"] = since.isoformat(sep=" ")
        if until:
            where.append("datetime(articles.published) <= datetime(:until)")
            params["until"] = until.isoformat(sep=" ")
        if match is None:
            sql = quote_rows_sql(self._absent_columns()).replace("select\n", "select\n  0 as rank,\n", 1)
            order = "published desc, quote_id desc"
        else:
            sql, order = fts_rows_sql(self._absent_columns()), "rank"
        sql += ("where " + " and ".join(where)) if where else ""
        out = PhraseResults(self.db.execute(f"select count(*) from ({sql})", params).fetchone()[0])
        cur = self.db.execute(sql + f" order by {order} limit :limit offset :offset", {**params, "limit": limit, "offset": offset})
        out.rows = list(_dicts(cur))
        if facets:
            out.facets = [
                (name, n)
                for name, n in self.db.execute(
                    f"select speaker, count(*) as n from ({sql}) where speaker is not null"
                    " group by speaker order by n desc, speaker limit :facets",
                    {**params, "facets": facets},
                )
            ]
        return out

    def word_quote_ids(self, words: Sequence[str], limit: int, *, speaker_ids: Iterable[int] | None = None) -> list[int]:
        """Ids of up to ``limit`` speech quotes holding any of ``words`` (by ``speaker_ids``
        only, if given), best match (BM25) first, from SQLite's full-text index."""
        if not words:
            return []
        match = " OR ".join(_phrase([w]) for w in words)
        return [int(r["quote_id"]) for r in self.fts_search(match, speaker_ids=speaker_ids, limit=limit).rows]

    # -- a quote in its source --------------------------------------------------

    @classmethod
    def over(cls, conn: sqlite3.Connection, path: str) -> StoreReads:
        """Reads over a connection already open on the database at ``path`` (a web
        server's own, say)."""
        reads = cls.__new__(cls)
        reads.db, reads.path = sqlite_utils.Database(conn), path
        return reads

    def quote_source(self, quote_id: int) -> dict[str, Any] | None:
        """The quote row of ``quote_id`` (see :meth:`quote_rows`), with how it was
        attributed (``method``), the rest of its article's fields but the text
        (``byline``, ``dateline``, ``doc_id``, ``ingested_at``) and the text's length in
        characters (``article_length``); None when there is no such quote."""
        row = next(self.quote_rows([quote_id]), None)
        if row is None:
            return None
        extra = self.db.execute(
            "select quotes.method, articles.byline, articles.dateline, articles.doc_id, articles.ingested_at,"
            " length(articles.text) as article_length"
            " from quotes join articles on articles.id = quotes.article_id where quotes.id = ?",
            [quote_id],
        )
        return {**row, **next(_dicts(extra))}

    def article_text(self, article_id: int, start: int, end: int) -> str:
        """Characters ``start`` to ``end`` of the article's text (only those are read
        into memory: SQLite counts text in characters, as Python does)."""
        start = max(0, int(start))
        row = self.db.execute(
            "select substr(text, ?, ?) from articles where id = ?", [start + 1, max(0, int(end) - start), article_id]
        ).fetchone()
        return row[0] if row and row[0] is not None else ""


def _phrase(words: Sequence[str]) -> str:
    """``words`` as one FTS5 phrase."""
    return '"' + " ".join(words).replace('"', "") + '"'
