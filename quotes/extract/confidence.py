"""How sure an attribution is: the probability that a quotation's speaker is right.

In: the article text and its quotes, attributed and told speech or not. Out: each
quotation's ``confidence``, a probability fitted on attributions whose speaker is known
(``speaker_model.json``, by ``python -m quotes.fit_speaker`` on PolNeAR's training split
and the fitting half of a file of real pages). The features read only the ``Quote``
records and the text, so fitting and use compute them the same way: the method that
found the speaker, the kind and length of the quote, how far the mention stands and on
which side, the cue, whether the mention resolved to a name, and what came before (the
previous quotation's speaker, how many speakers the article has named so far).

A threshold on it trades recall for precision: ``quotes eval`` reports the curve. Spans
that are not speech keep the confidence ``speech.classify`` gave them (that they are not).
"""
from __future__ import annotations

from functools import lru_cache

from ..model import Quote
from .lexicon import STRONG_VERBS
from .logistic import LogisticModel

MODEL_FILE = "speaker_model.json"
SPEECH_KINDS = ("direct", "partial")


class SpeakerModel(LogisticModel):
    """Logistic weights over :func:`features`: the probability the speaker is right."""


@lru_cache(maxsize=1)
def default_model() -> SpeakerModel:
    model: SpeakerModel = SpeakerModel.read_beside(__file__, MODEL_FILE)
    return model


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _table(prefix: str, edges: tuple[int, ...]) -> tuple[str, ...]:
    """``prefix + bucket`` for every count up to one past the last edge (the key strings
    made once: this runs for every quote)."""
    return tuple(prefix + _bucket(n, edges) for n in range(edges[-1] + 2))


_WORDS = _table("words:", (2, 4, 8, 16, 32))
_MENTION_WORDS = _table("mention-words:", (1, 2, 3))
_GAP = _table("gap:", (3, 12, 40, 120, 400))
_SPEAKERS_BEFORE = _table("speakers-before:", (0, 1, 2, 4, 8))
_NAME_COUNT = _table("name-count:", (1, 2, 4, 8))


def _at(table: tuple[str, ...], n: int) -> str:
    return table[n if n < len(table) else -1]


@lru_cache(maxsize=512)
def _method_keys(method: str, kind: str) -> tuple[str, str, str, str, str, str]:
    return ("method:" + method, "kind:" + kind, f"method+kind:{method}+{kind}", "unresolved+" + method,
            "same-as-previous+" + method, method)


@lru_cache(maxsize=512)
def _speaker_keys(speaker_kind: str, method: str) -> tuple[str, str]:
    return "speaker-kind:" + speaker_kind, f"speaker-kind+method:{speaker_kind}+{method}"


@lru_cache(maxsize=1024)
def _cue(cue: str | None) -> str:
    if not cue:
        return "cue:none"
    c = cue.strip().lower()
    if c == ":":
        return "cue:colon"
    if c.startswith("according"):
        return "cue:according-to"
    first = c.split()[0] if c.split() else ""
    return "cue:strong" if first in STRONG_VERBS else "cue:other"


def features(text: str, q: Quote, sentence: tuple[int, int], previous: Quote | None, speakers_before: int,
             named: dict[str, int] | None = None) -> dict[str, float]:
    """The features of the attribution of quote ``q`` (in ``sentence``, offsets of
    ``text``), given the quotation before it that has a speaker and how many distinct
    speakers came before (``named``: how often ``text`` holds each surname, filled as
    it is asked for)."""
    m_key, k_key, mk_key, unresolved_key, same_key, method = _method_keys(q.method or "none", q.kind or "direct")
    f: dict[str, float] = {m_key: 1, k_key: 1, mk_key: 1, _at(_WORDS, len(q.text.split())): 1, _cue(q.cue): 1}
    if q.speaker_start is None or q.speaker_end is None:
        f["no-mention"] = 1
        return f
    mention = q.speaker_mention or ""
    f[_at(_MENTION_WORDS, len(mention.split()))] = 1
    if mention[:1].islower():
        f["mention-lower"] = 1  # a pronoun or "the company"
    if q.speaker is None:
        f["unresolved"] = 1
        f[unresolved_key] = 1
    else:
        sk, skm = _speaker_keys(q.speaker_kind or "unknown", method)
        f[sk] = 1
        f[skm] = 1
    if q.speaker_start >= q.end:
        f["mention-after"] = 1
        gap = q.speaker_start - q.end
    else:
        gap = max(0, q.start - q.speaker_end)
    f[_at(_GAP, gap)] = 1
    ss, se = sentence
    if ss <= q.speaker_start < se:
        f["mention-in-sentence"] = 1
    if q.antecedent_start is not None:
        f["antecedent"] = 1
    if q.continues is not None:
        f["continues"] = 1
    if previous is None:
        f["first-speaker"] = 1
    elif q.speaker is not None and previous.speaker == q.speaker:
        f["same-as-previous"] = 1
        f[same_key] = 1
    else:
        f["differs-from-previous"] = 1
    f[_at(_SPEAKERS_BEFORE, speakers_before)] = 1
    if q.speaker:
        last = q.speaker.rsplit(None, 1)[-1]
        count = named.get(last) if named is not None else None
        if count is None:
            count = text.count(last)
            if named is not None:
                named[last] = count
        f[_at(_NAME_COUNT, count)] = 1
    return f


def each_features(text: str, quotes: list[Quote], sentences: list[tuple[int, int]]) -> list[dict[str, float] | None]:
    """The features of every quotation in ``quotes`` (None for spans not speech)."""
    out: list[dict[str, float] | None] = []
    previous: Quote | None = None
    seen: set[str] = set()
    named: dict[str, int] = {}
    for q, sentence in zip(quotes, sentences):
        if q.kind not in SPEECH_KINDS:
            out.append(None)
            continue
        out.append(features(text, q, sentence, previous, len(seen), named))
        if q.speaker:
            previous = q
            seen.add(q.speaker)
    return out


def set_confidence(text: str, quotes: list[Quote], sentences: list[tuple[int, int]], model: SpeakerModel | None = None) -> None:
    """Set the ``confidence`` of every quotation in ``quotes`` (in place)."""
    model = model or default_model()
    for q, feats in zip(quotes, each_features(text, quotes, sentences)):
        if feats is not None:
            q.confidence = round(max(0.01, min(0.99, model.probability_of(feats))), 2)
