"""Quote groups: one quotation as every article carries it.

A quote of speech joins the group of an earlier quote with the same words, or with a
variant of them: trimmed, extended, a word changed, or spliced (two parts of one longer
quote, put together). Every speech quote has a group, a group of one until another
quote joins it, so pages and counts need no case for a lone quote; titles, terms and
other quoted spans are no one's words and have none (``group_id`` null). A quote of
fewer than :data:`MIN_WORDS` words stays alone: a few words recur in unrelated quotes.

Finding candidates: every run of :data:`SHINGLE` words of a quote is a key (a 64-bit
hash). A group keeps, in ``quote_group_keys``, the keys its members chose by winnowing
(the smallest of every :data:`WINDOW` keys in a row, about half of them); a new quote
looks up all of its own. So a quote that holds a member's words finds the group by any
of them, and a trimmed one finds it by any run of ``SHINGLE + WINDOW - 1`` words it
shares. A key kept by more than :data:`COMMON_KEY` groups ("at the end of the") is kept
no further and counts for no candidate (a lookup reads at most ``COMMON_KEY + 1`` rows of
it), and at most :data:`CANDIDATES` quotes are compared, so the work of finding a
quote's group is bounded whatever the size of the corpus. Joining it adds to the group's
counts (an article, an outlet or a speaker no other member has): the quote's article's
few quotes are read, and the group's members only until one from the same outlet, or by
the same speaker, turns up (all of them for an outlet or speaker new to the group), where
counting every member again at each join made a quotation carried by many articles
quadratic to store.

Why keys in SQLite and not MinHash/LSH, measured on the same 20,000 generated quotes
(``python benchmarks/groups.py --compare-lsh --quotes 20000``): winnowed keys keep 10.9
keys a quote and find the source of 99.8% of the trimmed variants, 99.9% of the
extended, 99.6% of the spliced and 97.3% of those with a word changed; MinHash/LSH (64
hashes in 32 bands of 2) keeps 32 keys a quote and finds 99.3%, 88.5%, 95.6% and 93.7%.
LSH estimates Jaccard similarity, and a quote with words added or left out shares only
part of the other's shingles, where a winnowed key is found by any long enough run of
shared words. (LSH gives fewer candidates to compare, 3.7 a variant against 5.1: a
small cost beside three times the keys.)

Confirming: the words of the shorter of the two quotes must stand in the longer, in
order, in runs of :data:`MIN_RUN` words or more (or a shorter run at the start of both
or the end of both), for at least :data:`SAME_WORDS` of them (and :data:`MIN_SHARED`
words). A word changed leaves the runs either side of it; a spliced quote is two runs
of the longer one; unrelated quotes sharing a few common words fall far short.

"Earliest" is the order verify uses (:func:`appearance_key`): by published date, and
undated articles after every dated one, in the order they were stored.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import functools
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .dates import parse_published
from .model import SPEECH_KINDS
from .words import Token, tokens, words

#: Words in a key.
SHINGLE = 4
#: Winnowing window: a group keeps the smallest of every WINDOW keys in a row, so any
#: run of SHINGLE + WINDOW - 1 words of a member finds it.
WINDOW = 3
#: A quote of fewer words is a group of its own.
MIN_WORDS = 5
#: A key kept by more groups than this says nothing of which quotation is meant.
COMMON_KEY = 24
#: Quotes compared with a new one at most, those sharing the most keys first.
CANDIDATES = 8
#: Words in a row that count as shared (fewer are any speaker's words).
MIN_RUN = 3
#: Share of the shorter quote's words that must stand in the longer, in order.
SAME_WORDS = 0.8
#: Shared words a variant needs at the least.
MIN_SHARED = 5

GROUPS_TABLE = "quote_groups"
KEYS_TABLE = "quote_group_keys"
#: Speech quotes not yet in a group (a database from before groups, or rows written
#: around the store), found through a partial index of their own.
UNGROUPED = f"group_id is null and kind in ({', '.join(repr(k) for k in SPEECH_KINDS)})"
#: Quotes grouped per transaction when a database's existing quotes are grouped.
BATCH = 2000


# -- words and keys -----------------------------------------------------------------


@functools.lru_cache(maxsize=20_000)
def quote_words(text: str) -> tuple[str, ...]:
    """The words of a quote as grouping (and verify) compares them (kept for the quotes
    compared most, which are the members of the groups that grow)."""
    return tuple(words(text))


#: Word -> its 64-bit hash: the same in every process (unlike ``hash``), and kept, since
#: words recur far more than runs of them.
_WORD_HASHES: dict[str, int] = {}
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it mod 2**64 loses nothing


def _word_hash(word: str) -> int:
    h = _WORD_HASHES.get(word)
    if h is None:
        if len(_WORD_HASHES) >= 200_000:
            _WORD_HASHES.clear()
        digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        h = _WORD_HASHES[word] = int.from_bytes(digest, "big")
    return h


def shingle_keys(ws: Sequence[str]) -> list[int]:
    """The key of every run of SHINGLE words, in order (none for a shorter quote): a
    polynomial of the words' hashes, mod 2**64, as a signed 64-bit integer for SQLite."""
    assert SHINGLE == 4  # the polynomial below is written out for four words
    known = _WORD_HASHES.get
    hs = [known(w) or _word_hash(w) for w in ws]
    return [
        ((((a * _MIX + b) * _MIX + c) * _MIX + d) & _MASK) - (1 << 63)
        for a, b, c, d in zip(hs, hs[1:], hs[2:], hs[3:])
    ]


def winnow(keys: Sequence[int]) -> set[int]:
    """The smallest key of every WINDOW keys in a row (of them all, when fewer)."""
    if len(keys) <= WINDOW:
        return {min(keys)} if keys else set()
    assert WINDOW == 3  # written out for three keys
    return set(map(min, keys, keys[1:], keys[2:]))


# -- comparing ----------------------------------------------------------------------


def shared_words(a: Sequence[str], b: Sequence[str]) -> int:
    """Words of ``a`` standing in ``b`` in the same order, in runs of MIN_RUN or more,
    or in a shorter run that starts both or ends both (what is left at the edge of a
    quote when a word near it was changed: not a chance meeting of common words)."""
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(
        m.size for m in blocks
        if m.size >= MIN_RUN or (m.size and ((m.a == 0 and m.b == 0) or (m.a + m.size == len(a) and m.b + m.size == len(b))))
    )


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """How much of the shorter of ``a`` and ``b`` stands in the other (1.0: the same
    words, or one holds all of the other's)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return shared_words(a, b) / min(len(a), len(b))


def quotation_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """:func:`similarity` of ``a`` and ``b`` when they are one quotation (the same
    words, trimmed, extended, with a word changed, or spliced), else 0.0."""
    shorter = min(len(a), len(b))
    if shorter < MIN_WORDS:
        return 0.0
    if a == b:
        return 1.0
    needed = max(MIN_SHARED, SAME_WORDS * shorter)
    # The words they have in common, in any order, bound the words shared in order.
    if sum((Counter(a) & Counter(b)).values()) < needed:
        return 0.0
    shared = shared_words(a, b)
    return shared / shorter if shared >= needed else 0.0


def same_quotation(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether word lists ``a`` and ``b`` are one quotation."""
    return quotation_similarity(a, b) > 0


def word_diff(a: str, b: str) -> list[dict[str, str]]:
    """Word-level operations turning the words of ``a`` into those of ``b``: each
    ``{"op": equal | insert | delete | replace, "a": words of a, "b": words of b}``,
    each stretch as written (compared as :func:`quote_words` reads words)."""
    ta, tb = tokens(a), tokens(b)
    matcher = difflib.SequenceMatcher(None, [t.word for t in ta], [t.word for t in tb], autojunk=False)
    return [{"op": tag, "a": _span(a, ta[i1:i2]), "b": _span(b, tb[j1:j2])}
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _span(text: str, toks: Sequence[Token]) -> str:
    """The stretch of ``text`` from the first of ``toks`` to the last, as written."""
    return text[toks[0].start : toks[-1].end] if toks else ""


# -- time ---------------------------------------------------------------------------


def appearance_key(published: str | None, ingested_at: str | None, article_id: int, quote_id: int) -> tuple[Any, ...]:
    """Sort key of a quote's appearance: dated articles by published date, then the
    undated in the order they were stored (``ingested_at``, then article id)."""
    d = parse_published(published)
    if d is not None:
        return (0, d, "", article_id, quote_id)
    return (1, _dt.datetime.min, ingested_at or "", article_id, quote_id)


# -- the store's side -----------------------------------------------------------------


def create_tables(conn: sqlite3.Connection) -> None:
    """The groups table and its keys (when missing)."""
    conn.execute(
        f"create table if not exists {GROUPS_TABLE} (id integer primary key,"
        " fullest_quote_id integer references quotes(id), earliest_quote_id integer references quotes(id),"
        " first_article_id integer references articles(id), first_published text, first_publisher text,"
        " quotes integer not null, articles integer not null, outlets integer not null,"
        " speakers integer not null, disputed integer not null, updated_at text)"
    )
    conn.execute(f"create index if not exists idx_{GROUPS_TABLE}_disputed on {GROUPS_TABLE} (disputed)")
    conn.execute(
        f"create table if not exists {KEYS_TABLE} (key integer not null,"
        f" group_id integer not null references {GROUPS_TABLE}(id), quote_id integer not null references quotes(id),"
        " primary key (key, group_id)) without rowid"
    )


def create_quote_indexes(conn: sqlite3.Connection) -> None:
    """The quotes table's indexes for groups: members of a group, and the ungrouped."""
    conn.execute("create index if not exists idx_quotes_group_id on quotes (group_id)")
    conn.execute(f"create index if not exists idx_quotes_ungrouped on quotes (id) where {UNGROUPED}")


_ROWS_SQL = (
    "select quotes.id, quotes.text, quotes.kind, quotes.article_id, quotes.speaker_id,"
    " articles.published, articles.publisher, articles.ingested_at"
    " from quotes join articles on articles.id = quotes.article_id where quotes.id in ({marks}) order by quotes.id"
)


def group_quotes(conn: sqlite3.Connection, quote_ids: Sequence[int], now: str) -> None:
    """Give each speech quote of ``quote_ids`` (just stored) its group, in id order,
    inside the caller's transaction."""
    for i in range(0, len(quote_ids), 500):
        chunk = list(quote_ids[i : i + 500])
        for row in conn.execute(_ROWS_SQL.format(marks=",".join("?" * len(chunk))), chunk).fetchall():
            if row[2] in SPEECH_KINDS:
                _group_one(conn, row, now)


def group_ungrouped(conn: sqlite3.Connection, now: str, batch: int = BATCH) -> int:
    """Group the speech quotes without a group (a database from before groups), oldest
    id first, ``batch`` quotes per transaction; the number grouped."""
    done = 0
    while True:
        with conn:
            conn.execute("begin immediate")
            # Read inside the write lock: another process may be grouping them too.
            ids = [r[0] for r in conn.execute(f"select id from quotes where {UNGROUPED} order by id limit {int(batch)}")]
            if not ids:
                return done
            group_quotes(conn, ids, now)
        done += len(ids)


def has_ungrouped(conn: sqlite3.Connection) -> bool:
    return conn.execute(f"select exists (select 1 from quotes where {UNGROUPED})").fetchone()[0] == 1


def _candidates(conn: sqlite3.Connection, keys: Sequence[int]) -> tuple[list[tuple[int, int]], set[int], dict[int, set[int]]]:
    """(group id, quote id) pairs sharing the most of ``keys``, the keys too common to
    say anything, and the keys each group already keeps (of those looked up)."""
    key_list = list(dict.fromkeys(keys))[:500]  # a quote of 500 words and more is found by its first 500 keys
    # At most COMMON_KEY + 1 rows a key: a key is kept no further once it is common.
    rows = conn.execute(
        f"select key, group_id, quote_id from {KEYS_TABLE} where key in ({','.join('?' * len(key_list))})", key_list
    ).fetchall()
    per_key = Counter(key for key, _, _ in rows)
    common = {key for key, n in per_key.items() if n > COMMON_KEY}
    shared = Counter((gid, qid) for key, gid, qid in rows if key not in common)
    held: dict[int, set[int]] = {}
    for key, gid, _ in rows:
        held.setdefault(gid, set()).add(key)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [pair for pair, _ in ranked[:CANDIDATES]], common, held


def _match(conn: sqlite3.Connection, ws: tuple[str, ...], keys: Sequence[int]) -> tuple[int | None, set[int]]:
    """The group of the quote with words ``ws`` (None: a new one), and the keys not to
    keep for it: the common ones, and those the group keeps already."""
    pairs, common, held = _candidates(conn, keys)
    if not pairs:
        return None, common
    qids = sorted({q for _, q in pairs})
    texts = dict(conn.execute(f"select id, text from quotes where id in ({','.join('?' * len(qids))})", qids).fetchall())
    # The same words first, then the closest, then the most keys shared (the order of pairs).
    best, best_score = None, 0.0
    for gid, qid in pairs:
        other = quote_words(texts.get(qid) or "")
        if other == ws:
            return gid, common | held.get(gid, set())
        score = quotation_similarity(ws, other)
        if score > best_score:
            best, best_score = gid, score
    return best, common | held.get(best, set()) if best is not None else common


def _group_one(conn: sqlite3.Connection, row: tuple[Any, ...], now: str) -> None:
    """Give the quote of ``row`` (as ``_ROWS_SQL`` reads it) its group, and keep its keys."""
    qid, text, _kind, article_id, speaker_id, published, publisher, _ingested = row
    ws = quote_words(text)
    keys = shingle_keys(ws) if len(ws) >= MIN_WORDS else []
    gid, known = _match(conn, ws, keys) if keys else (None, set())
    if gid is None:
        cur = conn.execute(
            f"insert into {GROUPS_TABLE} (fullest_quote_id, earliest_quote_id, first_article_id, first_published,"
            " first_publisher, quotes, articles, outlets, speakers, disputed, updated_at)"
            " values (?, ?, ?, ?, ?, 1, 1, ?, ?, 0, ?)",
            [qid, qid, article_id, published, publisher, int(publisher is not None), int(speaker_id is not None), now],
        )
        gid = int(cur.lastrowid or 0)
        conn.execute("update quotes set group_id = ? where id = ?", [gid, qid])
    else:
        conn.execute("update quotes set group_id = ? where id = ?", [gid, qid])
        _joined(conn, gid, row, len(ws), now)
    kept = winnow(keys) - known
    if kept:
        conn.executemany(
            f"insert or ignore into {KEYS_TABLE} (key, group_id, quote_id) values (?, ?, ?)",
            [(k, gid, qid) for k in sorted(kept)],
        )


def _joined(conn: sqlite3.Connection, gid: int, row: tuple[Any, ...], n_words: int, now: str) -> None:
    """Bring group ``gid`` up to date with the quote of ``row`` that joined it."""
    qid, _text, _kind, article_id, speaker_id, published, publisher, ingested = row
    (earliest_id, first_published, first_article, first_ingested, fullest,
     quotes_n, articles_n, outlets_n, speakers_n) = conn.execute(
        f"select g.earliest_quote_id, g.first_published, g.first_article_id, a.ingested_at, f.text,"
        f" g.quotes, g.articles, g.outlets, g.speakers from {GROUPS_TABLE} g"
        " left join articles a on a.id = g.first_article_id left join quotes f on f.id = g.fullest_quote_id"
        " where g.id = ?",
        [gid],
    ).fetchone()
    sets: dict[str, Any] = {}
    if appearance_key(published, ingested, article_id, qid) < appearance_key(
        first_published, first_ingested, first_article, earliest_id
    ):
        sets |= {"earliest_quote_id": qid, "first_article_id": article_id, "first_published": published,
                 "first_publisher": publisher}
    if n_words > len(quote_words(fullest or "")):
        sets["fullest_quote_id"] = qid
    # The group's counts were right before this quote joined (every other change
    # recounts them, in refresh): it adds one quote, and an article, an outlet or a
    # speaker that no other member has. Counting them all again at every join would make
    # storing a quotation carried by thousands of articles quadratic. The unary "+" keeps
    # SQLite off the index of a column whose rows may be many (a speaker's quotes, an
    # outlet's articles): each test reads the article's few quotes or the group's members.
    def other_member(sql: str, args: list[Any]) -> bool:
        return conn.execute(f"select exists (select 1 {sql})", args).fetchone()[0] == 1

    quotes_n += 1
    if not other_member("from quotes where article_id = ? and +group_id = ? and id != ?", [article_id, gid, qid]):
        articles_n += 1
    if publisher is not None and not other_member(
        "from quotes join articles on articles.id = quotes.article_id"
        " where quotes.group_id = ? and quotes.id != ? and +articles.publisher = ?", [gid, qid, publisher]
    ):
        outlets_n += 1
    if speaker_id is not None and not other_member(
        "from quotes where group_id = ? and +speaker_id = ? and id != ?", [gid, speaker_id, qid]
    ):
        speakers_n += 1
    sets |= {"quotes": quotes_n, "articles": articles_n, "outlets": outlets_n, "speakers": speakers_n,
             "disputed": int(speakers_n > 1), "updated_at": now}
    assignments = ", ".join(f"{name} = ?" for name in sets)
    conn.execute(f"update {GROUPS_TABLE} set {assignments} where id = ?", [*sets.values(), gid])


# -- changes after the fact ---------------------------------------------------------


def _keep_again(conn: sqlite3.Connection, gid: int, removed: set[int], members: Sequence[tuple[Any, ...]]) -> None:
    """Keep for group ``gid`` those of ``removed`` it no longer keeps that a remaining
    member's words give (members as ``refresh`` reads them: id, text first)."""
    wanted = sorted(removed)
    missing = set(removed)
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        missing.difference_update(k for (k,) in conn.execute(
            f"select key from {KEYS_TABLE} where group_id = ? and key in ({','.join('?' * len(part))})", [gid, *part]))
    for qid, text, *_ in members:
        if not missing:
            return
        found = winnow(shingle_keys(quote_words(text))) & missing
        if found:
            conn.executemany(f"insert or ignore into {KEYS_TABLE} (key, group_id, quote_id) values (?, ?, ?)",
                             [(k, gid, qid) for k in sorted(found)])
            missing -= found


def leave_groups(conn: sqlite3.Connection, quote_ids: Sequence[int], now: str) -> set[int]:
    """Take quotes out of their groups (a quote to be deleted, or no longer speech) and
    bring what is left of each group up to date, inside the caller's transaction; the
    ids of the groups that remain and were touched."""
    touched: dict[int, set[int]] = {}  # group id -> the keys its leaving members kept
    for qid in quote_ids:
        row = conn.execute("select group_id, text from quotes where id = ?", [qid]).fetchone()
        if row is None or row[0] is None:
            continue
        gid, text = row
        keys = winnow(shingle_keys(quote_words(text)))
        conn.executemany(f"delete from {KEYS_TABLE} where key = ? and group_id = ? and quote_id = ?",
                         [(k, gid, qid) for k in sorted(keys)])
        conn.execute("update quotes set group_id = null where id = ?", [qid])
        touched.setdefault(gid, set()).update(keys)
    return {gid for gid, removed in touched.items() if refresh(conn, gid, now, removed)}


def refresh(conn: sqlite3.Connection, gid: int, now: str, removed: set[int] | None = None) -> bool:
    """Recount group ``gid`` from its members (after a member left or its speaker was
    corrected): fullest and earliest wording, first appearance, counts, disputed. A group
    left with no member is deleted; False then. ``removed``: keys members took with them
    when they left, kept again for a member that has them (a copy of the same words keeps
    none of its own while the group has them)."""
    rows = conn.execute(
        "select quotes.id, quotes.text, quotes.article_id, quotes.speaker_id, articles.published,"
        " articles.publisher, articles.ingested_at from quotes join articles on articles.id = quotes.article_id"
        " where quotes.group_id = ? order by quotes.id",
        [gid],
    ).fetchall()
    if not rows:
        # Its members' keys left with them (one lookup a key, where a sweep by group
        # would read every key of the table).
        conn.execute(f"delete from {GROUPS_TABLE} where id = ?", [gid])
        return False
    if removed:
        _keep_again(conn, gid, removed, rows)
    earliest = min(rows, key=lambda r: appearance_key(r[4], r[6], r[2], r[0]))
    fullest = max(rows, key=lambda r: (len(quote_words(r[1])), -r[0]))
    speakers = {r[3] for r in rows if r[3] is not None}
    conn.execute(
        f"update {GROUPS_TABLE} set fullest_quote_id = ?, earliest_quote_id = ?, first_article_id = ?,"
        " first_published = ?, first_publisher = ?, quotes = ?, articles = ?, outlets = ?, speakers = ?,"
        " disputed = ?, updated_at = ? where id = ?",
        [fullest[0], earliest[0], earliest[2], earliest[4], earliest[5], len(rows), len({r[2] for r in rows}),
         len({r[5] for r in rows if r[5] is not None}), len(speakers), int(len(speakers) > 1), now, gid],
    )
    return True
