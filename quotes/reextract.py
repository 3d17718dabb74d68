"""Extracting the quotes of stored articles anew, after the extractor has changed.

Each article's text is run through the extractor again; when what it finds differs
from what the extractor found last time (the spans, their kinds, speakers, mentions,
cues, methods), the article's quotes are replaced in one transaction
(:meth:`quotes.store.Store.replace_quotes`), and the corrections made on them are
applied again to the quotes with the same offsets. An article whose quotes come out the
same is left alone, so its quote ids stay as they are.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Article, Quote

if TYPE_CHECKING:
    from .store import Store

Extractor = Callable[[Article], list[Quote]]


@dataclass
class ReextractReport:
    articles: int = 0  # articles read
    changed: int = 0  # articles whose quotes were replaced
    deleted_ids: list[int] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)


def _articles(store: Store, ids: Iterable[int] | None) -> Iterator[Article]:
    sql = ("select id, doc_id, url, title, publisher, published, byline, dateline, text, source_path from articles")
    rows = (store.db.execute(sql + " order by id") if ids is None else
            (r for i in ids for r in store.db.execute(sql + " where id = ?", [int(i)])))
    for r in rows:
        yield Article(text=r[8], doc_id=r[1], url=r[2], title=r[3], publisher=r[4], published=r[5], byline=r[6],
                      dateline=r[7], source_path=r[9], extra={"article_id": r[0]})


def _key(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in values)


def _signature(q: Quote) -> tuple[str, ...]:
    return _key((q.start, q.end, q.kind, q.speaker, q.speaker_mention, q.speaker_start, q.speaker_end, q.cue, q.method))


def _stored(store: Store, article_id: int) -> list[tuple[str, ...]]:
    """The stored quotes of ``article_id`` as the extractor gave them (before any correction)."""
    return [_key(r) for r in store.db.execute(
        'select q.start, q."end", coalesce(q.extracted_kind, q.kind),'
        " s.name, q.speaker_mention, q.speaker_start, q.speaker_end, q.cue, q.method"
        " from quotes q left join speakers s on s.id = case when q.extracted_kind is null then q.speaker_id"
        " else q.extracted_speaker_id end where q.article_id = ? order by q.start, q.id",
        [article_id],
    )]


def reextract(store: Store, extractor: Extractor, article_ids: Iterable[int] | None = None,
              on_article: Callable[[Article, bool], None] | None = None) -> ReextractReport:
    """Extract the articles ``article_ids`` (default: all) anew with ``extractor`` and
    replace the quotes of those whose extraction changed."""
    report = ReextractReport()
    for article in _articles(store, article_ids):
        article_id = int(article.extra["article_id"])
        quotes = extractor(article)
        report.articles += 1
        new = sorted(_signature(q) for q in quotes)
        changed = new != sorted(_stored(store, article_id))
        if changed:
            deleted, added = store.replace_quotes(article_id, quotes)
            report.changed += 1
            report.deleted_ids += deleted
            report.added_ids += added
        if on_article is not None:
            on_article(article, changed)
    return report
