"""The stored quotes a verdict rests on, read from SQLite, and their order in time.

Only speech is evidence: titles, terms and other quoted spans are no one's words.
"First" goes by the article's published date; articles without one come after every
dated article, in the order they were stored (``ingested_at``, then article id).
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from quotes.groups import appearance_key, quote_words
from quotes.groups import word_diff as group_word_diff
from quotes.model import SPEECH_KINDS
from quotes.store import Store

from .compare import diff_text
from .documents import parse_date
from .normalize import Token

#: An article's published date as a datetime (None: undated), asked for several times
#: per piece of evidence while a verdict is put together.
_published_at = functools.lru_cache(maxsize=8192)(parse_date)


@dataclass
class Evidence:
    quote_id: int
    quote: str  # the stored quote
    speaker: str | None  # canonical
    speaker_kind: str | None  # person, organisation, group or unknown
    speaker_mention: str | None  # as written in the article
    speaker_start: int | None  # the mention in the article text
    speaker_end: int | None
    # For a pronoun or description: the mention of the name it was resolved to, and its
    # offsets in the article text.
    antecedent_mention: str | None
    antecedent_start: int | None
    antecedent_end: int | None
    speaker_role: str | None
    cue: str | None
    title: str | None
    publisher: str | None
    published: str | None  # None: the article is undated
    url: str | None
    article_id: int
    speaker_id: int | None
    start: int  # the stored quote in the article text
    end: int
    match_start: int  # the matched words in the article text
    match_end: int
    context: str | None  # the surrounding sentence
    speaker_matches: bool | None = None  # None when no speaker was claimed
    similarity: float = 1.0
    confidence: float | None = None  # the attribution's, as the extractor gave it (None: no speaker)
    ingested_at: str | None = None  # when the article was stored (read for undated articles)
    review: str = "machine"  # machine, reviewed (confirmed by a person) or corrected
    reviewed_by: str | None = None
    reviewed_at: str | None = None

    @property
    def attributed(self) -> bool:
        """Whether the article names (or resolves) who said it."""
        return self.speaker_id is not None

    @property
    def dated(self) -> bool:
        return _published_at(self.published) is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def speech_rows(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """Quote rows with speaker and article, from SQLite: speech only."""
    if not ids:
        return []
    return [r for r in store.quote_rows(ids) if r.get("kind") in SPEECH_KINDS]


#: Evidence fields taken as they are from the quote row's columns.
_AS_READ = {
    name: name for name in (
        "speaker", "speaker_kind", "speaker_mention", "speaker_start", "speaker_end", "antecedent_mention", "antecedent_start",
        "antecedent_end", "speaker_role", "cue", "publisher", "published", "url", "context", "reviewed_by",
        "reviewed_at",
    )
} | {"title": "article_title"}


def evidence(row: dict[str, Any], span: tuple[int, int], toks: list[Token],
             claimed_ids: set[int] | None, similarity: float) -> Evidence:
    """The stored quote of ``row`` with the words at token ``span`` matched."""
    first, last = span
    start = int(row["start"])
    m_start = start + (toks[first].start if toks and first < len(toks) else 0)
    m_end = start + (toks[last - 1].end if toks and last > 0 else len(row["quote"]))
    speaker_id = row.get("speaker_id")
    confidence = row.get("confidence")
    return Evidence(
        quote_id=int(row["quote_id"]),
        quote=row["quote"],
        **{name: row.get(column) for name, column in _AS_READ.items()},
        article_id=int(row["article_id"]),
        speaker_id=speaker_id,
        start=start,
        end=int(row["end"]),
        match_start=m_start,
        match_end=m_end,
        speaker_matches=None if claimed_ids is None else speaker_id in claimed_ids,
        similarity=round(similarity, 3),
        confidence=None if speaker_id is None or confidence is None else round(float(confidence), 3),
        review=row.get("review") or "machine",
    )


def chronological(store: Store, items: list[Evidence]) -> list[Evidence]:
    """``items`` oldest first by published date; the undated after them, in the order
    their articles were stored."""
    undated = [e for e in items if not e.dated]
    if undated:
        stored = store.articles_ingested({e.article_id for e in undated})
        for e in undated:
            e.ingested_at = stored.get(e.article_id)

    return sorted(items, key=lambda e: appearance_key(e.published, e.ingested_at, e.article_id, e.quote_id))


def article_count(items: list[Evidence]) -> int:
    return len({e.article_id for e in items})


def undated_note(items: list[Evidence]) -> str | None:
    """What the order of ``items`` rests on when some of their articles have no date."""
    articles = article_count(items)
    undated = len({e.article_id for e in items if not e.dated})
    if not undated:
        return None
    if undated == articles == 1:
        return "The article is undated."
    if undated == articles:
        return "No article carrying these words is dated: they are listed in the order they were stored."
    return (f"{undated} of the {articles} articles {'is' if undated == 1 else 'are'} undated, listed after the"
            " dated ones in the order they were stored.")


def sureness(confidence: float | None, similarity: float | None) -> str:
    """How sure a verdict or a piece of evidence is: ``attribution confidence 0.90,
    similarity 1.00`` (a part left out when unknown)."""
    bits = [f"attribution confidence {confidence:.2f}" if confidence is not None else None,
            f"similarity {similarity:.2f}" if similarity is not None else None]
    return ", ".join(b for b in bits if b)


def speaker_phrase(names: list[str | None]) -> str:
    """``A``, ``A and B``, ``A, B and C`` (the named speakers only)."""
    known = [n for n in dict.fromkeys(names) if n]
    if not known:
        return "no named speaker"
    return ", ".join(known[:-1]) + (" and " if len(known) > 1 else "") + known[-1]


def source_phrase(e: Evidence) -> str:
    """``"Title", Publisher, 2020-03-01`` (``undated`` for an article without a date)."""
    date = (e.published or "")[:10] if e.dated else "undated"
    bits = [f'"{e.title}"' if e.title else None, e.publisher, date]
    return ", ".join(b for b in bits if b) if (e.title or e.publisher) else f"article {e.article_id}, {date}"


# -- the quote's group ----------------------------------------------------------------

#: Wordings of a group listed at the most (the counts cover them all).
VARIANTS_SHOWN = 10


@dataclass
class Variant:
    """One wording of a group's quotation, as the articles carrying it give it."""

    quote: str  # as first stored
    quote_ids: list[int]  # every quote with these words, oldest first
    articles: int
    publishers: list[str | None]  # oldest first, each once
    first_published: str | None
    fullest: bool  # the group's fullest wording
    # Against the fullest wording: each op's "fullest" words and this wording's ("variant").
    diff: list[dict[str, str]] = field(default_factory=list)
    diff_text: str | None = None


@dataclass
class Attribution:
    """Who the articles of a group give the words to."""

    speaker: str | None  # canonical (None: no speaker named)
    speaker_id: int | None
    outlets: int
    articles: int


@dataclass
class GroupReport:
    """A quote's group: the same words across articles, and where they first appeared."""

    id: int
    quotes: int
    articles: int
    outlets: int
    speakers: int
    disputed: bool  # the articles name more than one speaker for the words
    first: Evidence  # the first appearance of any wording of the group
    fullest: str
    fullest_quote_id: int
    variants: list[Variant]  # the fullest first, then the others oldest first
    attributions: list[Attribution]  # most outlets first; no speaker named last
    disputed_line: str | None  # "disputed attribution: 3 outlets give these words to X, 1 to Y"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def group_report(store: Store, quote_id: int) -> GroupReport | None:
    """The group of quote ``quote_id`` (None: the store has no group for it)."""
    gid = store.group_id_of(quote_id)
    group = store.group(gid) if gid is not None else None
    if gid is None or group is None:
        return None
    members = store.group_quotes(gid)
    if not members:
        return None
    first_row = next((r for r in members if r["quote_id"] == group["earliest_quote_id"]), members[0])
    n_words = len(quote_words(first_row["quote"]))
    attributions = _attributions(members)
    return GroupReport(
        id=gid, quotes=group["quotes"], articles=group["articles"], outlets=group["outlets"],
        speakers=group["speakers"], disputed=bool(group["disputed"]),
        first=evidence(first_row, (0, n_words), [], None, 1.0), fullest=group["fullest"],
        fullest_quote_id=group["fullest_quote_id"], variants=_variants(members, group), attributions=attributions,
        disputed_line=disputed_line(attributions) if group["disputed"] else None,
    )


def _variants(members: list[dict[str, Any]], group: dict[str, Any]) -> list[Variant]:
    """The group's wordings (members oldest first), the fullest first, each with its
    word diff against the fullest."""
    by_words: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in members:
        by_words.setdefault(quote_words(row["quote"]), []).append(row)
    fullest_words = quote_words(group["fullest"] or "")
    out: list[Variant] = []
    for ws, rows in by_words.items():
        ops = [] if ws == fullest_words else [
            {"op": op["op"], "fullest": op["a"], "variant": op["b"]} for op in group_word_diff(group["fullest"], rows[0]["quote"])
        ]
        out.append(Variant(
            quote=rows[0]["quote"], quote_ids=[r["quote_id"] for r in rows], articles=len({r["article_id"] for r in rows}),
            publishers=list(dict.fromkeys(r["publisher"] for r in rows)), first_published=rows[0]["published"],
            fullest=ws == fullest_words, diff=ops, diff_text=diff_text(ops, "fullest", "variant") if ops else None,
        ))
    out.sort(key=lambda v: not v.fullest)  # stable: the rest stay oldest first
    return out[:VARIANTS_SHOWN]


def _attributions(members: list[dict[str, Any]]) -> list[Attribution]:
    by_speaker: dict[int | None, list[dict[str, Any]]] = {}
    for row in members:
        by_speaker.setdefault(row["speaker_id"], []).append(row)
    # An article without a publisher counts as an outlet of its own.
    out = [
        Attribution(rows[0]["speaker"], sid, len({r["publisher"] or f"article {r['article_id']}" for r in rows}),
                    len({r["article_id"] for r in rows}))
        for sid, rows in by_speaker.items()
    ]
    return sorted(out, key=lambda a: (a.speaker_id is None, -a.outlets, -a.articles))


def disputed_line(attributions: list[Attribution]) -> str:
    """``disputed attribution: 3 outlets give these words to X, 1 to Y`` (named speakers only)."""
    named = [a for a in attributions if a.speaker_id is not None]
    parts = [f"{a.outlets} to {a.speaker}" for a in named[1:]]
    head = named[0]
    verb = "outlet gives" if head.outlets == 1 else "outlets give"
    return f"disputed attribution: {head.outlets} {verb} these words to {head.speaker}" + "".join(f", {p}" for p in parts)
