"""Fact-checking: did this person say these words, and where did they first appear?

Whoosh finds candidate quotes fast; the verdict itself comes from comparing normalised
words (case, punctuation, curly or straight marks and ellipses do not matter) and, for
near misses, a word-level difflib comparison. Evidence is read from SQLite, the record
(:mod:`index.evidence`), and the evidence a verdict shows is always the quote it rests
on: for a confirmed quote, the earliest by that speaker; for a misattributed one, the
earliest by whoever the articles name. With it comes that quote's group
(:mod:`quotes.groups`): the words' first appearance in any article, how many articles
and outlets carried them, their variants, and whether the outlets disagree on the speaker.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query
from whoosh.analysis.filters import STOP_WORDS

from quotes.store import Store

from .budget import check_claim_size, check_time
from .compare import best_window, diff_text, word_diff
from .errors import QueryError
from .evidence import (
    Evidence,
    GroupReport,
    article_count,
    chronological,
    evidence,
    group_report,
    source_phrase,
    speaker_phrase,
    speech_rows,
    undated_note,
)
from .fts import text_analyzer, whoosh_off
from .normalize import Token, find_segments, segments, tokens
from .query import NOT_SPEECH
from .search import QuoteIndex

__all__ = ["VERDICTS", "Evidence", "GroupReport", "Verdict", "diff_text", "verify", "word_diff"]

CONFIRMED, MISATTRIBUTED, ALTERED, NOT_FOUND, FOUND = "confirmed", "misattributed", "altered", "not_found", "found"
UNATTRIBUTED, TOO_SHORT = "unattributed", "too_short"
VERDICTS = (CONFIRMED, MISATTRIBUTED, UNATTRIBUTED, ALTERED, NOT_FOUND, TOO_SHORT, FOUND)
# Word-level similarity from which a stored quote counts as an altered version.
ALTERED_THRESHOLD = 0.6
EXACT_CANDIDATES = 5000
FUZZY_CANDIDATES = 40
#: A claim of this many words or fewer, or only of common words, cannot pick out a
#: quotation inside a longer one: it matches only a quote that is those words.
SHORT_CLAIM_WORDS = 2
#: Words that say nothing of which quotation is meant: the index's stop words, and the
#: pronouns, auxiliaries, prepositions and conjunctions any speaker uses.
COMMON_WORDS = frozenset(STOP_WORDS) | {
    "i", "me", "my", "mine", "myself", "our", "ours", "ourselves", "yours", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "its", "itself", "they", "them", "their", "theirs",
    "themselves", "who", "whom", "whose", "which", "what", "there", "here", "all", "any", "both",
    "each", "some", "no", "nor", "none", "only", "own", "same", "so", "than", "too", "very", "just",
    "also", "am", "was", "were", "been", "being", "do", "does", "did", "has", "had", "would",
    "should", "could", "might", "must", "shall", "like", "about", "after", "again", "before",
    "between", "into", "off", "out", "over", "up", "then", "now", "not", "don't", "can't", "won't",
    "i'm", "it's", "that's", "we're", "they're", "you're", "i've", "we've", "i'll", "we'll",
    "isn't", "aren't", "wasn't", "oh", "yes",
}


@dataclass
class Verdict:
    verdict: str  # one of VERDICTS
    words: str
    claimed_speaker: str | None
    message: str
    said_by: list[str | None] = field(default_factory=list)  # canonical speakers (None: none named), earliest first
    evidence: list[Evidence] = field(default_factory=list)  # earliest first
    earliest: Evidence | None = None  # the first appearance the verdict rests on
    repeated_in: int = 0  # other articles carrying the same words
    similarity: float | None = None
    diff: list[dict[str, str]] | None = None
    diff_text: str | None = None
    confidence: float | None = None  # the attribution's of ``earliest`` (None: no speaker named)
    dates: str | None = None  # what "first" rests on when articles are undated
    group: GroupReport | None = None  # the group of ``earliest``: the words across every article

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


# -- finding ----------------------------------------------------------------------


def too_short(segs: list[list[str]], analyzer: Any) -> bool:
    """Whether the claim is too short to pick out a quotation: a word or two, or only
    :data:`COMMON_WORDS`, or only words too common for the index to keep."""
    if sum(len(s) for s in segs) <= SHORT_CLAIM_WORDS:
        return True
    if all(w in COMMON_WORDS for seg in segs for w in seg):
        return True
    return not any(True for seg in segs for _ in analyzer(" ".join(seg)))


def _speech(q: query.Query) -> query.Query:
    # AndNot keeps the ranking; titles and terms never crowd out speech among candidates.
    return query.AndNot(q, NOT_SPEECH)


def _exact(store: Store, searcher: Any, analyzer: Any, segs: list[list[str]],
           claimed_ids: set[int] | None, *, whole: bool = False) -> list[Evidence]:
    """Every stored quote carrying the words of ``segs`` in order (with ``whole``: made
    of them, start to end), earliest first.

    Whoosh narrows the field with phrase queries (all matches: repeats across
    articles matter; best first, and BM25 ranks the shortest quotes first), or FTS5
    when there is no ``searcher``; the normalised words of each candidate decide.
    """
    parts: list[query.Query] = []
    for seg in segs:
        terms = [t.text for t in analyzer(" ".join(seg))]
        if len(terms) == 1:
            parts.append(query.Term("text", terms[0]))
        elif terms:
            parts.append(query.Phrase("text", terms))
    if parts and searcher is not None:
        q = parts[0] if len(parts) == 1 else query.And(parts)
        ids = [int(h["id"]) for h in searcher.search(_speech(q), limit=EXACT_CANDIDATES)]
    else:
        # No Whoosh index, or only words too common to index ("to be or not to be"):
        # SQLite's FTS5 keeps them.
        ids = store.phrase_quote_ids(segs, EXACT_CANDIDATES, ranked=whole)
    found: list[Evidence] = []
    for row in speech_rows(store, ids):
        check_time()
        toks = tokens(row["quote"])
        span = find_segments([t.word for t in toks], segs)
        if span is not None and (not whole or span == (0, len(toks))):
            found.append(evidence(row, span, toks, claimed_ids, 1.0))
    return chronological(store, found)


# -- the verdict ------------------------------------------------------------------


def _where(first: Evidence, items: list[Evidence]) -> str:
    where = f"first in {source_phrase(first)}"
    repeated = article_count(items) - 1
    if repeated:
        where += f"; repeated in {repeated} other article{'s' * (repeated != 1)}"
    return where


def _elsewhere(shown: Evidence, items: list[Evidence]) -> str:
    """What the articles not behind a confirmed verdict say: another speaker, none, or
    the words earlier."""
    notes: list[str] = []
    others = [e for e in items if e.attributed and not e.speaker_matches]
    if others:
        n = article_count(others)
        notes.append(f"{n} article{'s' * (n != 1)} give{'s' * (n == 1)} them to {speaker_phrase([e.speaker for e in others])}")
    unnamed = [e for e in items if not e.attributed]
    if unnamed:
        n = article_count(unnamed)
        notes.append(f"{n} article{'s' * (n != 1)} name{'s' * (n == 1)} no speaker")
    if items[0] is not shown and items[0].article_id != shown.article_id:
        notes.append(f"the words appear earlier, in {source_phrase(items[0])}")
    return (" Also: " + "; ".join(notes) + ".") if notes else ""


def _verdict(kind: str, words: str, speaker: str | None, message: str, items: list[Evidence],
             shown: Evidence, **more: Any) -> Verdict:
    return Verdict(
        kind, words, speaker, message, list(dict.fromkeys(e.speaker for e in items)), items, shown,
        article_count(items) - 1, confidence=shown.confidence, dates=undated_note(items), **more,
    )


def _found(words: str, speaker: str | None, exact: list[Evidence]) -> Verdict:
    """The verdict for claimed words found exactly (``exact``: earliest first)."""
    named = [e for e in exact if e.attributed]
    if speaker is not None:
        mine = [e for e in exact if e.speaker_matches]
        if mine:
            first = mine[0]
            canon = first.speaker or speaker
            return _verdict(CONFIRMED, words, speaker,
                            f"Confirmed: {canon} said it ({_where(first, exact)}).{_elsewhere(first, exact)}",
                            exact, first, similarity=1.0)
        if named:
            first = named[0]
            return _verdict(
                MISATTRIBUTED, words, speaker,
                f"Misattributed: these words were said by {speaker_phrase([e.speaker for e in named])},"
                f" not {speaker} ({_where(first, exact)}).", exact, first, similarity=1.0)
    elif named:
        first = named[0]
        return _verdict(FOUND, words, None,
                        f"Found: said by {speaker_phrase([e.speaker for e in named])} ({_where(first, exact)}).",
                        exact, first, similarity=1.0)
    first = exact[0]
    whose = f": they cannot be confirmed as {speaker}'s" if speaker else ""
    return _verdict(UNATTRIBUTED, words, speaker,
                    f"Unattributed: the words appear ({_where(first, exact)}), but no article says who said them{whose}.",
                    exact, first, similarity=1.0)


def verify(
    store: Store,
    index_dir: str | os.PathLike[str] | None,
    words: str,
    speaker: str | None = None,
    *,
    index: QuoteIndex | None = None,
) -> Verdict:
    """Check claimed ``words`` (optionally attributed to ``speaker``) against the store,
    with the index in ``index_dir`` (None: the store's, :attr:`quotes.store.Store.index_dir`),
    or from FTS5 alone when the database leaves search to it (:func:`index.fts.whoosh_off`)."""
    segs = segments(words or "")
    if not segs:
        raise QueryError("nothing to verify: give the quoted words")
    check_claim_size(words, segs)
    if whoosh_off(store):
        verdict = _verify(store, None, words, segs, speaker)
    else:
        ix = index or QuoteIndex(store.index_dir if index_dir is None else Path(index_dir))
        verdict = ix.retrying(lambda: _verify(store, ix, words, segs, speaker))
    if verdict.earliest is not None:
        verdict.group = group_report(store, verdict.earliest.quote_id)
    return verdict


def _verify(store: Store, ix: QuoteIndex | None, words: str, segs: list[list[str]], speaker: str | None) -> Verdict:
    """The verdict, with candidates from the Whoosh index ``ix``, or from FTS5 without one."""
    claim_words = [w for seg in segs for w in seg]
    claimed_ids = resolve_speaker(store, speaker) if speaker else None
    analyzer = text_analyzer() if ix is None else ix.ix.schema["text"].analyzer
    short = too_short(segs, analyzer)

    searcher = None if ix is None else ix.searcher()
    exact = _exact(store, searcher, analyzer, segs, claimed_ids, whole=short)
    if exact:
        return _found(words, speaker, exact)
    if short:
        return Verdict(
            TOO_SHORT, words, speaker,
            "Too short to verify: a word or two, or only common words, could come from any quote;"
            " no stored quote is these words and nothing more. Give more of the quoted words.",
        )

    # No exact match: the closest stored quote, if close enough, is an altered version.
    # Candidates share words with the claim, ranked by BM25F (and the claimed
    # speaker's best, so their near-miss is not crowded out by others).
    all_terms = list(dict.fromkeys(t.text for t in analyzer(" ".join(claim_words))))
    fuzzy_ids: list[int] = []
    if all_terms and searcher is None:  # no Whoosh index: the best by BM25 in FTS5
        kept = [w for w in dict.fromkeys(claim_words) if any(True for _ in analyzer(w))]
        fuzzy_ids = store.word_quote_ids(kept, FUZZY_CANDIDATES)
        if claimed_ids:
            fuzzy_ids += store.word_quote_ids(kept, 10, speaker_ids=claimed_ids)
    elif all_terms and searcher is not None:
        anyq = query.Or([query.Term("text", t) for t in all_terms])
        fuzzy_ids = [int(h["id"]) for h in searcher.search(_speech(anyq), limit=FUZZY_CANDIDATES)]
        if claimed_ids:
            sq = query.Or([query.Term("speaker_id", str(s)) for s in sorted(claimed_ids)])
            fuzzy_ids += [int(h["id"]) for h in searcher.search(query.Require(anyq, sq), limit=10, optimize=False)]
    scored: list[tuple[float, dict[str, Any], list[Token], int, int]] = []
    for row in speech_rows(store, list(dict.fromkeys(fuzzy_ids))):
        check_time()
        toks = tokens(row["quote"])
        span = find_segments([t.word for t in toks], segs)
        if span is not None:
            # The words are there, though not as the index reads them ("FBI" for
            # "F.B.I."): an exact match the phrase query could not see.
            exact.append(evidence(row, span, toks, claimed_ids, 1.0))
            continue
        ratio, lo, hi = best_window(claim_words, [t.word for t in toks])
        scored.append((ratio, row, toks, lo, hi))
    if exact:
        return _found(words, speaker, chronological(store, exact))
    if claimed_ids:
        # Prefer the claimed speaker's own words when they are as close as anyone's.
        scored.sort(key=lambda s: (-round(s[0], 2), s[1].get("speaker_id") not in claimed_ids))
    else:
        scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < ALTERED_THRESHOLD:
        return Verdict(NOT_FOUND, words, speaker, "Not found: no stored quote carries these words.",
                       similarity=round(scored[0][0], 3) if scored else None)
    return _altered(store, searcher, analyzer, words, speaker, claimed_ids, *scored[0])


def _altered(store: Store, searcher: Any, analyzer: Any, words: str, speaker: str | None,
             claimed_ids: set[int] | None, ratio: float, row: dict[str, Any], toks: list[Token],
             lo: int, hi: int) -> Verdict:
    """The verdict for a claim close to the stored words of ``row`` (``toks[lo:hi]``)."""
    # Every article carrying the stored words, not only the best-ranked candidates.
    group = _exact(store, searcher, analyzer, [[t.word for t in toks[lo:hi]]], claimed_ids) or [
        evidence(row, (lo, hi), toks, claimed_ids, ratio)
    ]
    for e in group:
        e.similarity = round(ratio, 3)
    named = [e for e in group if e.attributed]
    mine = [e for e in group if e.speaker_matches]
    shown = (mine or named or group)[0]
    ops = word_diff(" ".join(words.split()), toks[lo:hi], row["quote"])
    stored_words = row["quote"][toks[lo].start : toks[hi - 1].end]
    by = f"by {speaker_phrase([e.speaker for e in named])}" if named else "with no speaker named"
    extra = ""
    if speaker and not mine:
        extra = (f"; and it was said by {speaker_phrase([e.speaker for e in named])}, not {speaker}" if named
                 else "; no article says who said it")
    return _verdict(
        ALTERED, words, speaker,
        f'Altered: the closest stored quote (similarity {ratio:.2f}) {by} reads "{stored_words}"{extra}.',
        group, shown, similarity=round(ratio, 3), diff=ops, diff_text=diff_text(ops),
    )
