"""Fact-checking: did this person say these words, and where did they first appear?

Whoosh finds candidate quotes fast; the verdict itself comes from comparing normalised
words (case, punctuation, curly or straight marks and ellipses do not matter) and, for
near misses, a word-level difflib comparison. Evidence is read from SQLite, the record.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query

from quotes.model import SPEECH_KINDS
from quotes.store import Store

from .budget import check_claim_size, check_time
from .documents import parse_date
from .errors import QueryError
from .normalize import Token, find_segments, segments, tokens
from .search import QuoteIndex

CONFIRMED, MISATTRIBUTED, ALTERED, NOT_FOUND, FOUND = "confirmed", "misattributed", "altered", "not_found", "found"
# Word-level similarity from which a stored quote counts as an altered version.
ALTERED_THRESHOLD = 0.6
EXACT_CANDIDATES = 5000
FUZZY_CANDIDATES = 40


@dataclass
class Evidence:
    quote_id: int
    quote: str  # the stored quote
    speaker: str | None  # canonical
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
    published: str | None
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Verdict:
    verdict: str  # confirmed | misattributed | altered | not_found, or found without a speaker
    words: str
    claimed_speaker: str | None
    message: str
    said_by: list[str | None] = field(default_factory=list)  # canonical speakers (None: unidentified), earliest first
    evidence: list[Evidence] = field(default_factory=list)  # earliest first
    earliest: Evidence | None = None
    repeated_in: int = 0  # other articles carrying the same words
    similarity: float | None = None
    diff: list[dict[str, str]] | None = None
    diff_text: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict in (CONFIRMED, FOUND)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


# -- speakers ---------------------------------------------------------------------


def resolve_speaker(store: Store, claimed: str) -> set[int]:
    """Ids of stored speakers that ``claimed`` names (see :func:`quotes.speakers.speakers_named`)."""
    return store.speakers_named(claimed)


# -- comparing --------------------------------------------------------------------


def _best_window(claim: list[str], stored: list[str]) -> tuple[float, int, int]:
    """Similarity of ``claim`` to its best-aligned stretch of ``stored`` (word spans)."""
    if not claim or not stored:
        return 0.0, 0, 0
    sm = difflib.SequenceMatcher(None, claim, stored, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, 0, 0
    lo = blocks[0].b - blocks[0].a
    hi = blocks[-1].b + blocks[-1].size + (len(claim) - blocks[-1].a - blocks[-1].size)
    lo, hi = max(0, lo), min(len(stored), hi)
    ratio = difflib.SequenceMatcher(None, claim, stored[lo:hi], autojunk=False).ratio()
    return ratio, lo, hi


def word_diff(claimed: str, stored_tokens: list[Token], stored_text: str) -> list[dict[str, str]]:
    """Word-level differences between the claimed words and a stored stretch."""
    c_toks = tokens(claimed)
    a = [t.word for t in c_toks]
    b = [t.word for t in stored_tokens]
    ops: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        claimed_part = " ".join(claimed[t.start : t.end] for t in c_toks[i1:i2])
        stored_part = " ".join(stored_text[t.start : t.end] for t in stored_tokens[j1:j2])
        ops.append({"op": tag, "claimed": claimed_part, "stored": stored_part})
    return ops


def diff_text(ops: list[dict[str, str]]) -> str:
    """``keep [-claimed-]{+stored+}`` rendering of :func:`word_diff`."""
    out: list[str] = []
    for op in ops:
        if op["op"] == "equal":
            out.append(op["stored"])
            continue
        if op["claimed"]:
            out.append("[-" + op["claimed"] + "-]")
        if op["stored"]:
            out.append("{+" + op["stored"] + "+}")
    return " ".join(out)


# -- the verdict ------------------------------------------------------------------


def _evidence(row: dict[str, Any], span: tuple[int, int], toks: list[Token],
              claimed_ids: set[int] | None, similarity: float) -> Evidence:
    first, last = span
    start = int(row["start"])
    m_start = start + (toks[first].start if toks and first < len(toks) else 0)
    m_end = start + (toks[last - 1].end if toks and last > 0 else len(row["quote"]))
    return Evidence(
        quote_id=int(row["quote_id"]),
        quote=row["quote"],
        speaker=row.get("speaker"),
        speaker_mention=row.get("speaker_mention"),
        speaker_start=row.get("speaker_start"),
        speaker_end=row.get("speaker_end"),
        antecedent_mention=row.get("antecedent_mention"),
        antecedent_start=row.get("antecedent_start"),
        antecedent_end=row.get("antecedent_end"),
        speaker_role=row.get("speaker_role"),
        cue=row.get("cue"),
        title=row.get("article_title"),
        publisher=row.get("publisher"),
        published=row.get("published"),
        url=row.get("url"),
        article_id=int(row["article_id"]),
        speaker_id=row.get("speaker_id"),
        start=start,
        end=int(row["end"]),
        match_start=m_start,
        match_end=m_end,
        context=row.get("context"),
        speaker_matches=None if claimed_ids is None else row.get("speaker_id") in claimed_ids,
        similarity=round(similarity, 3),
    )


def _chronological(items: list[Evidence]) -> list[Evidence]:
    def key(e: Evidence) -> tuple[int, Any, int]:
        d = parse_date(e.published)
        return (d is None, d or 0, e.quote_id)

    return sorted(items, key=key)


def _article_count(items: list[Evidence]) -> int:
    return len({e.article_id for e in items})


def _rows(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """Quote rows with speaker and article, from SQLite: speech only (titles and terms
    in quote marks are no one's words)."""
    if not ids:
        return []
    return [r for r in store.quote_rows(ids) if r.get("kind") in SPEECH_KINDS]


def _speaker_phrase(names: list[str | None]) -> str:
    known = [n for n in names if n]
    if not known:
        return "an unidentified speaker"
    return ", ".join(known[:-1]) + (" and " if len(known) > 1 else "") + known[-1]


def _source_phrase(e: Evidence) -> str:
    bits = [f'"{e.title}"' if e.title else None, e.publisher, (e.published or "")[:10] or None]
    return ", ".join(b for b in bits if b) or f"article {e.article_id}"


def _exact(store: Store, searcher: Any, analyzer: Any, segs: list[list[str]],
           claimed_ids: set[int] | None) -> list[Evidence]:
    """Every stored quote carrying the words of ``segs`` in order, earliest first.

    Whoosh narrows the field with phrase queries (all matches: repeats across
    articles matter); the normalised words of each candidate decide.
    """
    parts: list[query.Query] = []
    for seg in segs:
        terms = [t.text for t in analyzer(" ".join(seg))]
        if len(terms) == 1:
            parts.append(query.Term("text", terms[0]))
        elif terms:
            parts.append(query.Phrase("text", terms))
    if parts:
        q = parts[0] if len(parts) == 1 else query.And(parts)
        ids = [int(h["id"]) for h in searcher.search(q, limit=EXACT_CANDIDATES)]
    else:
        # Only words too common to index ("to be or not to be"): SQLite's FTS5 keeps them.
        ids = store.phrase_quote_ids(segs, EXACT_CANDIDATES)
    found: list[Evidence] = []
    for row in _rows(store, ids):
        check_time()
        toks = tokens(row["quote"])
        span = find_segments([t.word for t in toks], segs)
        if span is not None:
            found.append(_evidence(row, span, toks, claimed_ids, 1.0))
    return _chronological(found)


def _found(words: str, speaker: str | None, exact: list[Evidence]) -> Verdict:
    """The verdict for claimed words found exactly (``exact``: earliest first)."""
    said_by = list(dict.fromkeys(e.speaker for e in exact))
    first = exact[0]
    repeated = _article_count(exact) - 1
    where = f"first in {_source_phrase(first)}"
    if repeated:
        where += f"; repeated in {repeated} other article{'s' * (repeated != 1)}"
    if speaker is None:
        return Verdict(FOUND, words, None, f"Found: said by {_speaker_phrase(said_by)} ({where}).",
                       said_by, exact, first, repeated, 1.0)
    mine = [e for e in exact if e.speaker_matches]
    if mine:
        canon = mine[0].speaker or speaker
        return Verdict(CONFIRMED, words, speaker, f"Confirmed: {canon} said it ({where}).",
                       said_by, exact, first, repeated, 1.0)
    return Verdict(MISATTRIBUTED, words, speaker,
                   f"Misattributed: these words were said by {_speaker_phrase(said_by)}, not {speaker} ({where}).",
                   said_by, exact, first, repeated, 1.0)


def verify(
    store: Store,
    index_dir: str | os.PathLike[str] | None,
    words: str,
    speaker: str | None = None,
    *,
    index: QuoteIndex | None = None,
) -> Verdict:
    """Check claimed ``words`` (optionally attributed to ``speaker``) against the store,
    with the index in ``index_dir`` (None: the store's, :attr:`quotes.store.Store.index_dir`)."""
    segs = segments(words or "")
    if not segs:
        raise QueryError("nothing to verify: give the quoted words")
    check_claim_size(words, segs)
    ix = index or QuoteIndex(store.index_dir if index_dir is None else Path(index_dir))
    return ix.retrying(lambda: _verify(store, ix, words, segs, speaker))


def _verify(store: Store, ix: QuoteIndex, words: str, segs: list[list[str]], speaker: str | None) -> Verdict:
    claim_words = [w for seg in segs for w in seg]
    claimed_ids = resolve_speaker(store, speaker) if speaker else None
    analyzer = ix.ix.schema["text"].analyzer

    searcher = ix.searcher()
    exact = _exact(store, searcher, analyzer, segs, claimed_ids)

    if exact:
        return _found(words, speaker, exact)

    # No exact match: the closest stored quote, if close enough, is an altered version.
    # Candidates share words with the claim, ranked by BM25F (and the claimed
    # speaker's best, so their near-miss is not crowded out by others).
    all_terms = list(dict.fromkeys(t.text for t in analyzer(" ".join(claim_words))))
    fuzzy_ids: list[int] = []
    if all_terms:
        anyq = query.Or([query.Term("text", t) for t in all_terms])
        fuzzy_ids = [int(h["id"]) for h in searcher.search(anyq, limit=FUZZY_CANDIDATES)]
        if claimed_ids:
            sq = query.Or([query.Term("speaker_id", str(s)) for s in sorted(claimed_ids)])
            fuzzy_ids += [int(h["id"]) for h in searcher.search(query.Require(anyq, sq), limit=10, optimize=False)]
    scored: list[tuple[float, dict[str, Any], list[Token], int, int]] = []
    for row in _rows(store, list(dict.fromkeys(fuzzy_ids))):
        check_time()
        toks = tokens(row["quote"])
        span = find_segments([t.word for t in toks], segs)
        if span is not None:
            # The words are there, though not as the index reads them ("FBI" for
            # "F.B.I."): an exact match the phrase query could not see.
            exact.append(_evidence(row, span, toks, claimed_ids, 1.0))
            continue
        ratio, lo, hi = _best_window(claim_words, [t.word for t in toks])
        scored.append((ratio, row, toks, lo, hi))
    if exact:
        return _found(words, speaker, _chronological(exact))
    if claimed_ids:
        # Prefer the claimed speaker's own words when they are as close as anyone's.
        scored.sort(key=lambda s: (-round(s[0], 2), s[1].get("speaker_id") not in claimed_ids))
    else:
        scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < ALTERED_THRESHOLD:
        return Verdict(NOT_FOUND, words, speaker, "Not found: no stored quote carries these words.",
                       similarity=round(scored[0][0], 3) if scored else None)
    best_ratio, best_row, best_toks, lo, hi = scored[0]
    # Every article carrying the stored words, not only the best-ranked candidates.
    best_words = [t.word for t in best_toks[lo:hi]]
    group = _exact(store, searcher, analyzer, [best_words], claimed_ids) or [
        _evidence(best_row, (lo, hi), best_toks, claimed_ids, best_ratio)
    ]
    for e in group:
        e.similarity = round(best_ratio, 3)
    ops = word_diff(" ".join(words.split()), best_toks[lo:hi], best_row["quote"])
    said_by = list(dict.fromkeys(e.speaker for e in group))
    stored_words = best_row["quote"][best_toks[lo].start : best_toks[hi - 1].end]
    extra = ""
    if speaker and not any(e.speaker_matches for e in group):
        extra = f"; and it was said by {_speaker_phrase(said_by)}, not {speaker}"
    return Verdict(
        ALTERED, words, speaker,
        f'Altered: the closest stored quote (similarity {best_ratio:.2f}) by {_speaker_phrase(said_by)} reads "{stored_words}"{extra}.',
        said_by, group, group[0], _article_count(group) - 1, round(best_ratio, 3), ops, diff_text(ops),
    )

