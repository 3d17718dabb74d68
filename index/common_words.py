"""Search for words too common for the Whoosh index ("to be or not to be").

Whoosh drops stop words, so a query made only of them has nothing to look up. SQLite's
FTS5 table keeps every word: such a query is answered there, as a phrase, with the
same filters and the same shape of results.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from quotes.store import Store

from .normalize import tokens, words

if TYPE_CHECKING:
    from .search import QuoteIndex, SearchResults

SQL = """
select quotes.id, quotes.text, speakers.name as speaker, quotes.speaker_role, articles.title,
  articles.publisher, articles.published, articles.url, quotes.kind, quotes.article_id,
  quotes.start, quotes."end", bm25(quotes_fts) as rank
from quotes_fts
join quotes on quotes.id = quotes_fts.rowid
join articles on articles.id = quotes.article_id
left join speakers on speakers.id = quotes.speaker_id
where quotes_fts match :match {where}
"""


def search_common_words(
    qi: QuoteIndex,
    store: Store,
    query_string: str,
    speaker: str | None,
    publisher: str | None,
    window: tuple[_dt.datetime | None, _dt.datetime | None] | None,
    kind: str | None,
    limit: int,
    offset: int,
    facets: bool,
) -> SearchResults:
    """``query_string``'s words as one phrase in FTS5, best match first."""
    from .search import FACET_LIMIT, Hit, SearchResults, mark

    wanted = words(query_string)
    out = SearchResults(query_string, 0, offset, limit, facets=[] if facets else None)
    if not wanted:
        return out
    params: dict[str, Any] = {"match": '"' + " ".join(wanted) + '"'}
    where: list[str] = []
    if speaker:
        ids, _ = qi.speakers_named(speaker)
        if not ids:
            return out
        where.append(f"quotes.speaker_id in ({','.join(str(int(i)) for i in ids)})")
    if publisher:
        where.append("articles.publisher like :publisher")
        params["publisher"] = f"%{publisher.strip()}%"
    if kind and kind != "any":
        where.append("quotes.kind = :kind")
        params["kind"] = kind
    elif not kind:
        where.append("quotes.kind in ('direct', 'partial')")
    if window:
        start, stop = window
        if start:
            where.append("datetime(articles.published) >= datetime(:since)")
            params["since"] = start.isoformat(sep=" ")
        if stop:
            where.append("datetime(articles.published) <= datetime(:until)")
            params["until"] = stop.isoformat(sep=" ")
    sql = SQL.format(where="".join(f" and {w}" for w in where))
    db = store.db
    out.total = db.execute(f"select count(*) from ({sql})", params).fetchone()[0]
    cur = db.execute(sql + " order by rank limit :limit offset :offset", {**params, "limit": limit, "offset": offset})
    cols = [d[0] for d in cur.description]
    wanted_set = set(wanted)
    for values in cur:
        row = dict(zip(cols, values))
        spans = [[t.start, t.end] for t in tokens(row["text"]) if t.word in wanted_set]
        out.hits.append(Hit(
            quote_id=row["id"], text=row["text"], highlighted=mark(row["text"], spans), highlights=spans,
            speaker=row["speaker"], speaker_role=row["speaker_role"], title=row["title"],
            publisher=row["publisher"], published=row["published"], url=row["url"], kind=row["kind"],
            score=round(-float(row["rank"]), 6), article_id=row["article_id"], start=row["start"], end=row["end"],
        ))
    if facets:
        out.facets = [
            {"speaker": name, "count": n}
            for name, n in db.execute(
                f"select speaker, count(*) as n from ({sql}) where speaker is not null"
                " group by speaker order by n desc, speaker limit :facets",
                {**params, "facets": FACET_LIMIT},
            )
        ]
    return out
