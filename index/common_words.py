"""Search for words too common for the Whoosh index ("to be or not to be").

Whoosh drops stop words, so a query made only of them has nothing to look up. SQLite's
FTS5 table keeps every word: such a query is answered there, as a phrase, with the
same filters and the same shape of results.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from quotes.store import Store

from .fts import row_hit
from .normalize import tokens, words
from .results import FACET_LIMIT, SearchResults


def search_common_words(
    speakers_named: Callable[[str], list[str]],
    store: Store,
    query_string: str,
    speaker: str | None,
    publisher: str | None,
    window: tuple[_dt.datetime | None, _dt.datetime | None] | None,
    kind: str | None,
    limit: int,
    offset: int,
    facets: bool,
    review: str | None = None,
) -> SearchResults:
    """``query_string``'s words as one phrase in FTS5, best match first.

    ``speakers_named``: the ids of the speakers a name names (the index's lookup, so
    ``speaker`` picks the same speakers as in any other search)."""
    wanted = words(query_string)
    out = SearchResults(query_string, 0, offset, limit, facets=[] if facets else None)
    if not wanted:
        return out
    speaker_ids = None
    if speaker:
        speaker_ids = [int(i) for i in speakers_named(speaker)]
        if not speaker_ids:
            return out
    since, until = window or (None, None)
    found = store.phrase_search(
        wanted, speaker_ids=speaker_ids, publisher=publisher, since=since, until=until, kind=kind, review=review,
        limit=limit, offset=offset, facets=FACET_LIMIT if facets else 0,
    )
    out.total = found.total
    wanted_set = set(wanted)
    for row in found.rows:
        spans = [[t.start, t.end] for t in tokens(row["quote"]) if t.word in wanted_set]
        out.hits.append(row_hit(row, spans))
    if found.facets is not None:
        out.facets = [{"speaker": name, "count": n} for name, n in found.facets]
    return out
