"""Speech or not: does a quoted span report words someone said or wrote?

News puts quote marks around more than quotations: titles of films and books, terms
and scare quotes, nicknames, words talked about as words, the writer's own imagined
lines. Each quoted span is scored by a logistic model over a few dozen plain features
of the span, its sentence and the attribution found for it (``speech_model.json``,
fitted on PolNeAR's training split and half of a file of real pages whose every quoted
span is labelled, by ``python -m quotes.fit_speech``); a span scored
below the model's threshold is not speech. A span that is not speech gets a kind of its
own (``title``, ``term`` or ``other``) and no speaker.

Over 400 lines because the features, the model that weighs them and ``classify`` must
agree exactly: ``quotes.fit_speech`` fits on these very functions, so they live together.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..model import Quote
from .lexicon import SPEECH_VERBS
from .logistic import LogisticModel
from .lowercase import ASCII, lower, non_ascii

MODEL_FILE = "speech_model.json"

# Page residue in quote marks: web addresses, handles, markup, key=value pairs.
_RESIDUE = re.compile(r"://|^www\.|^@\w|[<>{}=]|^\S+\.(?:com|org|net|html?|php|jpg|png)\S*$", re.I)
# The opening mark of a markup attribute's value: data-id="...", href='...'
_ATTRIBUTE_BEFORE = re.compile(r"[A-Za-z][\w:-]*=[\"'“”‘’]$")
_SPACE = re.compile(r"\s")
_LETTERS = r"A-Za-z\u00c0-\u024f"
# A word: letters, with an apostrophe and ASCII letters after them (don't, o'clock), or
# digits. Written as [{_LETTERS}]+(?:['’][A-Za-z]+)?|\d+ would be, but with a leading class
# the regex engine skips straight to the next word, an empty alternative is cheaper for
# it than "?" on a group, and possessive repeats (nothing after them could ever want them
# shorter) save it the marks for backtracking.
_WORD = re.compile(rf"[{_LETTERS}\d](?:(?<=[{_LETTERS}])[{_LETTERS}]*+(?:['’][A-Za-z]++|)|(?<=\d)\d*+)")
_LETTER = re.compile(rf"[{_LETTERS}]")
_FIRST_SECOND = {"i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "i'm", "we're",
                 "you're", "i've", "we've", "i'll", "we'll", "i’m", "we’re", "you’re", "i’ve", "we’ve", "i’ll", "we’ll"}
_AUX = {"is", "are", "was", "were", "be", "been", "being", "am", "will", "would", "can", "could", "should",
        "shall", "must", "may", "might", "have", "has", "had", "do", "does", "did", "don't", "can't", "won't",
        "isn't", "wasn't", "didn't", "doesn't", "don’t", "can’t", "won’t", "isn’t", "wasn’t", "didn’t", "doesn’t",
        "it's", "it’s", "that's", "that’s", "there's", "there’s", "not", "we're", "they're", "i'm"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "your",
                "my", "some", "any", "no", "what's", "what’s", "so-called", "two", "one"}
_NAMING = {"called", "dubbed", "termed", "named", "known", "labelled", "labeled", "titled", "entitled", "as"}
_BE = {"is", "was", "are", "were", "be", "been", "being", "what's", "what’s", "often", "sometimes", "also", "now",
       "officially", "widely", "commonly", "so", "known"}
_FUNCTION = {"and", "or", "but", "to", "of", "in", "on", "at", "for", "with", "by", "from", "as", "that", "which",
             "who", "is", "was", "are", "were", "be", "he", "she", "they", "it", "we", "i", "you", "said", "says",
             "the", "a", "an", "than", "if", "when", "while", "because", "so", "not", "will", "would", "has", "have",
             "had", "can", "could", "may", "might", "should", "must", "do", "does", "did", "according", "told",
             "added", "wrote", "this", "these", "those", "there", "then", "also", "even", "only", "just"}
# Frequent English verbs in their common forms: words reported are mostly clauses.
_COMMON_VERBS = {
    f for base in (
        "go make take want need think know see come get give find tell ask work seem feel try leave call keep "
        "let begin help talk turn start show hear play run move live believe hold bring happen write provide sit "
        "stand lose pay meet include continue set learn change lead understand watch follow stop create speak "
        "read allow add spend grow open walk win offer remember love consider appear buy wait serve die send "
        "expect build stay fall cut reach kill remain suggest raise pass sell require report decide pull like "
        "look use put mean become"
    ).split()
    for f in (base, base + "s", base + "ed", base + "ing", base + "d")
} | {"went", "made", "took", "thought", "knew", "saw", "came", "got", "gave", "found", "told", "felt", "left",
     "kept", "began", "brought", "wrote", "stood", "lost", "paid", "met", "led", "understood", "spoke", "grew",
     "won", "bought", "fell", "sent", "built", "held", "heard", "ran", "sold", "became", "done", "gone", "seen"}
_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "as", "is", "vs"}
#: Words before an opening mark that are common enough to carry a weight of their own.
HINT_WORDS = (
    "said", "says", "called", "dubbed", "termed", "labelled", "labeled", "named", "titled", "entitled", "known",
    "as", "the", "a", "an", "of", "and", "or", "word", "words", "term", "phrase", "slogan", "film", "movie",
    "book", "novel", "song", "album", "show", "series", "program", "programme", "campaign", "project",
    "so-called", "described", "call", "calls", "calling", "describe", "describes", "was", "is", "be", "were",
    "are", "that", "it", "its", "his", "her", "their", "our", "this", "these", "to", "in", "on", "for", "with",
    "by", "from", "about", "like", "than", "new", "first", "operation", "plan", "act", "report", "told",
    "wrote", "added", "asked", "tweeted", "warned", "saying", "question", "read", "reads", "reading", "sign",
    "signs", "headline", "hashtag", "chanted", "chant", "chants", "shouted", "declared", "promised",
)
HINTS_AFTER = (
    "said", "says", "he", "she", "they", "it", "and", "or", "to", "of", "in", "on", "for", "is", "was", "which",
    "that", "the", "a", "an", "as", "told", "added", "wrote", "according", "campaign", "program", "programme",
    "series", "show", "film", "movie", "book", "plan", "policy", "law", "act", "bill", "with", "by",
)


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f"{edges[-1]}+"


_DIGIT = re.compile(r"\d")
# What may stand between a sentence's or paragraph's start and a span's
_OPENING = " \"“”'‘’«»\n"
# Feature names looked up rather than built for each span
_WORDS_KEYS = tuple(f"words:{_bucket(n, (1, 2, 3, 5, 8, 15, 30))}" for n in range(32))
_GAP_KEYS = tuple(f"mention-gap:{_bucket(n, (5, 20, 60, 200))}" for n in range(202))
_PREV_KEYS = {w: f"prev:{w}" for w in HINT_WORDS}
_NEXT_KEYS = {w: f"next:{w}" for w in HINTS_AFTER}
_NAMED_AS = {("what's", "called"), ("what’s", "called"), ("also", "called"), ("also", "known"), ("known", "as")}


@lru_cache(maxsize=4096)
def _cue_speaks(cue: str) -> bool:
    """Whether the first word of an attribution's cue ("said", "told reporters") is a
    speech verb (cues repeat, so the answer is kept)."""
    first = _WORD.search(cue.lower())
    return first is not None and first[0] in SPEECH_VERBS


def _occurs_elsewhere(low: str, phrase: str, start: int, end: int) -> bool:
    """Whether ``phrase`` (lower case) stands as whole words in ``low`` outside start:end."""
    for a, b in ((0, start), (end, len(low))):
        i = low.find(phrase, a, b)
        while i >= 0:
            j = i + len(phrase)
            if not (i and low[i - 1].isalnum()) and not (j < len(low) and low[j].isalnum()):
                return True
            i = low.find(phrase, i + 1, b)
    return False


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _few_letters(s: str) -> bool:
    """Whether fewer than half the characters of ``s`` (stripped; at least one) are letters
    (``str.isalpha``): the ASCII ones counted on its bytes, the rest only when needed."""
    half = max(1, len(s.strip())) * 0.5
    b = s.encode("utf-8", "surrogatepass")
    letters = len(b) - len(b.translate(None, _ASCII_LETTERS))
    if letters >= half:
        return False
    return letters + sum(map(str.isalpha, b.translate(None, ASCII).decode("utf-8", "surrogatepass"))) < half


def _lower(text: str) -> tuple[str, bool]:
    """``text.lower()``, and whether lower-casing keeps each character's length and its
    part in a word (then the words of ``text.lower()`` are the words of ``text``,
    lower-cased)."""
    if text.isascii():
        return text.lower(), True
    outside = non_ascii(text)
    return lower(text, outside), all(map(_lowers_alike_char, outside))


@lru_cache(maxsize=4096)
def _lowers_alike_char(c: str) -> bool:
    """Whether lower-casing keeps the length of ``c`` and its part in a word (the same
    few recur: quote marks, dashes)."""
    return len(c.lower()) == 1 and _word_part(c) == _word_part(c.lower())


def _word_part(c: str) -> tuple[bool, bool, bool, bool]:
    """What ``_WORD`` makes of the character ``c``."""
    return bool(_LETTER.match(c)), c.isascii() and c.isalpha(), c in "'’", bool(_DIGIT.match(c))


class ArticleWords:
    """An article read once for the features of its quotes: ``low``, its text in lower
    case; ``context``, how the article speaks outside its quotes, and ``context_keys``,
    the features that say so."""

    def __init__(self, text: str, quotes: Iterable[Quote] = ()):
        self.text = text
        self.low, self.alike = _lower(text)
        self.context = self._context(sorted((q.start, q.end) for q in quotes))
        self.context_keys: tuple[tuple[str, int], ...] = () if self.context is None else (
            (f"article-said:{self.context[0]}", 1), (f"article-writer:{self.context[1]}", 1))

    def lowered(self, a: int, b: int) -> list[str]:
        """The words of ``text[a:b]``, each lower-cased."""
        if self.alike:
            return _WORD.findall(self.low, a, b)
        return list(map(str.lower, _WORD.findall(self.text, a, b)))

    def lower_words(self, words: list[str], a: int, b: int) -> list[str]:
        """The words of ``low[a:b]``, given ``words``, those of ``text[a:b]``."""
        if self.alike:
            return list(map(str.lower, words))
        return _WORD.findall(self.low, a, b)

    def _context(self, quoted: list[tuple[int, int]]) -> tuple[str, str] | None:
        """How much the article reports speech (reporting words per 200 words) and how
        much its writer speaks as themself outside quote marks (first and second person
        per 100 words), bucketed; None for a text too short to say."""
        low = self.low
        parts = []
        pos = 0
        for start, end in quoted:
            if start > pos:
                parts.append(low[pos:start])
            pos = max(pos, end)
        parts.append(low[pos:])
        # No counted word holds a NUL, so none is counted across two stretches joined by one.
        outside = "\0".join(parts)
        words = outside.count(" ")
        if words < ARTICLE_WORDS:
            return None
        said = sum(map(outside.count, _SAID))
        writer = sum(map(outside.count, _WRITER))
        return (_bucket(said * 200 // words, (0, 1, 2, 4)), _bucket(writer * 100 // words, (0, 1, 3)))


def features(text: str, q: Quote, sentence: tuple[int, int], paragraph: tuple[int, int],
             art: ArticleWords) -> dict[str, float]:
    """The features of quote ``q`` of ``text`` in its sentence and paragraph (offsets);
    ``art``: the article read once, with all its quotes (the same for fitting and use)."""
    start, end = q.start, q.end
    f: dict[str, float] = {}
    inner = text[start:end]
    words = _WORD.findall(text, start, end)
    n = len(words)
    lower = art.lower_words(words, start, end)
    lower_set = set(lower)
    f[_WORDS_KEYS[min(n, len(_WORDS_KEYS) - 1)]] = 1
    stripped = inner.rstrip()
    last = stripped[-1:]
    if last in ",.?!;:—-…":
        f["ends:" + (last if last in ",.?!" else "other")] = 1
    if inner[:1].isupper():
        f["starts-upper"] = 1
    # every word of the first twelve that is not a small word is capitalised
    title_case = False
    for w in words[:12]:
        if w.lower() in _SMALL:
            continue
        if not w[:1].isupper():
            title_case = False
            break
        title_case = True
    if title_case:
        f["title-case"] = 1
        if n >= 2:
            f["title-case-phrase"] = 1
    if any(map(str.isdigit, words)):
        f["digits"] = 1
    if _few_letters(inner):
        f["few-letters"] = 1
    if "/" in inner or "@" in inner or "#" in inner or "http" in lower_set:
        f["symbols"] = 1
    if not lower_set.isdisjoint(_FIRST_SECOND):
        f["first-second-person"] = 1
    if not lower_set.isdisjoint(_AUX):
        f["auxiliary"] = 1
    if not lower_set.isdisjoint(SPEECH_VERBS):
        f["speech-verb-inside"] = 1
    # where it stands
    ss, se = sentence
    ps, pe = paragraph
    b0, a1 = max(ps, start - 60), min(pe, end + 60)
    before = text[b0:start].rstrip("\"“”'‘’« ")
    # (the first character mostly tells, without a copy of the sentence or paragraph)
    if ss >= start or text[ss] in _OPENING and not text[ss:start].strip(_OPENING):
        f["opens-sentence"] = 1
    if not text[end:se].strip(" \"“”'‘’«».,;:!?\n"):
        f["closes-sentence"] = 1
    opens_paragraph = ps >= start or text[ps] in _OPENING and not text[ps:start].strip(_OPENING)
    if opens_paragraph:
        f["opens-paragraph"] = 1
    closes_paragraph = not text[end:pe].strip(" \"“”'‘’«».,;:!?\n")
    if closes_paragraph:
        f["closes-paragraph"] = 1
    if opens_paragraph and closes_paragraph:
        f["whole-paragraph"] = 1
        if last in ".?!,":
            f["whole-paragraph-sentence"] = 1
    mark = before[-1:]
    if mark == ":":
        f["after-colon"] = 1
    elif mark == ",":
        f["after-comma"] = 1
    elif mark == "(":
        f["in-parentheses"] = 1
    before_raw = _WORD.findall(text, b0, start)
    # the first two words after it, as findall would give them
    first = _WORD.search(text, end, a1)
    second = _WORD.search(text, first.end(), a1) if first else None
    after_raw = [first[0], second[0]] if first and second else [first[0]] if first else []
    # only the last five words before and the first two after are read
    before_words = list(map(str.lower, before_raw[-5:]))
    after_words = list(map(str.lower, after_raw[:2]))
    if before_raw:
        w = before_words[-1]
        f[_PREV_KEYS.get(w) or ("prev:Cap" if before_raw[-1][:1].isupper() else "prev:other")] = 1
    if after_raw:
        w = after_words[0]
        f[_NEXT_KEYS.get(w) or ("next:Cap" if after_raw[0][:1].isupper() else "next:other")] = 1
    else:
        f["next:none"] = 1
    h0, t1 = max(ss, start - 150), min(se, end + 150)  # the sentence's words near the span
    head_low, tail_low = art.lowered(h0, start), art.lowered(end, t1)
    verb_before = not SPEECH_VERBS.isdisjoint(head_low)
    if verb_before or not SPEECH_VERBS.isdisjoint(tail_low):
        f["speech-verb-in-sentence"] = 1
    if before_words and before_words[-1] in _DETERMINERS:
        f["after-determiner"] = 1
    passive_naming = len(before_words) >= 2 and before_words[-1] in _NAMING and before_words[-2] in _BE
    if passive_naming:
        f["passive-naming"] = 1  # "is called", "was dubbed", "what's known as"
    if (after_raw and after_raw[0].islower() and after_words[0] not in _FUNCTION
            and not text[end:a1].lstrip("\"“”'‘’» ")[:1] in ",.;:!?)—–-"):
        f["next-word-modified"] = 1  # the span modifies the noun after it: "severe" levels
    if n == 1 and words[0].islower():
        f["single-lowercase-word"] = 1
    if n >= 4 and last in ".?!,":
        f["clause"] = 1
    phrase = " ".join(lower)
    if len(phrase) >= 3 and _occurs_elsewhere(art.low, phrase, start, end):
        f["repeated" if n == 1 else "repeated-phrase"] = 1
    if q.speaker_start is not None and ss <= q.speaker_start < se:
        f["mention-in-sentence"] = 1
    if not SPEECH_VERBS.isdisjoint(head_low[-3:]) or not SPEECH_VERBS.isdisjoint(tail_low[:3]):
        f["speech-verb-adjacent"] = 1
    # governed by a speech verb in the active voice: called the plan "reckless", said
    # it was "a mistake" (not: is called "feather lung")
    if not SPEECH_VERBS.isdisjoint(before_words):
        for k, w in enumerate(before_words):
            if w in SPEECH_VERBS and not (k and before_words[k - 1] in _BE):
                f["after-speech-verb"] = 1
                if len(before_words) - k <= 2:
                    f["right-after-speech-verb"] = 1
                break
    verb_inside = not lower_set.isdisjoint(_COMMON_VERBS)
    if verb_inside:
        f["verb-inside"] = 1
    # the words around it, by position (only those common in training get a weight)
    for key, w in zip(("w-1:", "w-2:", "w-3:"), reversed(before_words)):
        f[key + w] = 1
    for key, w in zip(("w+1:", "w+2:"), after_words):
        f[key + w] = 1
    if lower:
        f["first:" + lower[0]] = 1
    # the attribution found for it
    f["method:" + (q.method or "none")] = 1
    if n <= 3:
        # a short fragment is a partial quote when someone's words are reported around it
        reported = "speech-verb-in-sentence" in f or "speech-verb-adjacent" in f
        f["short:" + ("reported" if reported else "unreported")] = 1
        for name in ("after-determiner", "next-word-modified", "title-case", "repeated", "mention-in-sentence"):
            if name in f:
                f["short+" + name] = 1
    if q.cue and _cue_speaks(q.cue):
        f["cue-speech-verb"] = 1
    if q.speaker_start is not None:
        gap = q.speaker_start - end if q.speaker_start >= end else start - (q.speaker_end or start)
        f[_GAP_KEYS[min(max(gap, 0), len(_GAP_KEYS) - 1)]] = 1
    if q.speaker:
        f["speaker-kind:" + (q.speaker_kind or "unknown")] = 1
    if q.continues is not None:
        f["continues"] = 1
    # a name for the thing: "the term", "a saying", "what's called", "is known as"
    if not _NAMING_NOUNS.isdisjoint(before_words[-4:]):
        f["naming-noun-before"] = 1
    if passive_naming or tuple(before_words[-2:]) in _NAMED_AS:
        f["named-as"] = 1
    # the sentence's own reporter: a name, pronoun or source noun right before a speech verb
    reporter_before = verb_before and _reports(head_low, text, h0, start)
    if reporter_before:
        f["reporter-before"] = 1
    # _reports(tail_low[:2], ...), which reads only the first word as written
    reporter_after = bool(tail_low) and (tail_low[0] in SPEECH_VERBS or len(tail_low) > 1 and tail_low[1] in SPEECH_VERBS and (
        tail_low[0] in _REPORTERS or (m := _WORD.search(text, end, t1)) is not None and m[0][:1].isupper()))
    if reporter_after:
        f["reporter-after"] = 1
    if n <= 4 and not (verb_inside or "auxiliary" in f or "first-second-person" in f) and inner[:1].islower():
        f["lower-noun-phrase"] = 1
        if not (reporter_before or reporter_after):
            f["lower-noun-phrase-unreported"] = 1
    for w in lower_set if len(lower) <= 12 else set(lower[:12]):  # (the same set, built the same way)
        f["in:" + w] = 1
    if art.context_keys:
        f.update(art.context_keys)
    return f


# Counted as substrings, with the space before (and after) them: the article's voice
_SAID = (" said", " says", " told", " added", " according to", " wrote", " tweeted", " stated", " explained")
_WRITER = (" i ", " my ", " me ", " you ", " your ", " i'm ", " i’m ")


#: Fewer words than this outside quote marks and an article says too little of itself.
ARTICLE_WORDS = 150


_NAMING_NOUNS = {"term", "terms", "word", "words", "phrase", "saying", "name", "names", "label", "nickname",
                 "tagline", "slogan", "motto", "hashtag", "title", "titled", "entitled", "dubbed", "brand",
                 "code", "button", "option", "category", "condition", "known", "song", "single", "album", "book",
                 "film", "movie", "show", "podcast", "episode", "series", "app", "application", "program"}
_REPORTERS = {"he", "she", "they", "we", "i", "spokesman", "spokeswoman", "spokesperson", "official", "officials",
              "statement", "report"}
_BETWEEN = {"also", "later", "then", "has", "had", "have", "was", "were", "is", "repeatedly", "previously"}


def _reports(low: list[str], text: str, a: int, b: int) -> bool:
    """Whether the words of ``text[a:b]`` (``low``: in lower case) hold a speech verb right
    after its reporter (a capitalised name, a pronoun, a source noun), an adverb or
    auxiliary allowed between."""
    words = None  # as written, read only to see a capital
    for i in range(1, len(low)):
        if low[i] not in SPEECH_VERBS:
            continue
        j = i - 1
        if j and low[j] in _BETWEEN:
            j -= 1
        if low[j] in _REPORTERS:
            return True
        if words is None:
            words = _WORD.findall(text, a, b)
        if words[j][:1].isupper():
            return True
    return False


class SpeechModel(LogisticModel):
    """Logistic weights over :func:`features`, and the threshold below which a span is
    not speech."""


@lru_cache(maxsize=1)
def default_model() -> SpeechModel:
    model: SpeechModel = SpeechModel.read_beside(__file__, MODEL_FILE)
    return model


def _is_residue(text: str, q: Quote) -> bool:
    """Page residue: a web address, handle, id or code with no space in it, or the value
    of a markup attribute (``tweet-date="..."``), whatever it holds."""
    token = q.text.strip()
    if not _SPACE.search(token) and (bool(_RESIDUE.search(token)) or not any(ch.isalpha() for ch in token)):
        return True
    # the "=" stands right before the mark (or before the mark and a line break)
    return "=" in text[max(0, q.start - 3) : q.start] and bool(_ATTRIBUTE_BEFORE.search(text, max(0, q.start - 40), q.start))


def non_speech_kind(text: str, q: Quote) -> str:
    """``title``, ``term`` or ``other`` for a span that is not speech."""
    inner = text[q.start : q.end]
    words = _words(inner)
    if not words or sum(map(str.isalpha, inner)) < len(inner.strip()) * 0.5 or _RESIDUE.search(inner) or _is_residue(text, q):
        return "other"  # ids, codes, numbers, addresses, markup
    content = [w for w in words if w.lower() not in _SMALL]
    if content and all(w[:1].isupper() for w in content) and not (len(words) == 1 and q.start == 0):
        return "title"
    return "term"


# After a closing mark: the next word, when only a space stands between
_NEXT_WORD = re.compile(r"[\"”’'»]?[ \u00a0]([a-z][a-z\-]*)\b")


def names_a_thing(text: str, q: Quote) -> bool:
    """Whether ``q`` is a name put before the noun it modifies: a few capitalised words
    with no punctuation of their own, then a lower-case word ("the “Parasite” director",
    "the “Neocons For Hillary” movement", "the “Secret” level"): a title or a term."""
    after = _NEXT_WORD.match(text, q.end)
    if after is None or after.group(1) in _FUNCTION or after.group(1) in SPEECH_VERBS:
        return False
    inner = text[q.start : q.end]
    if inner.rstrip()[-1:] in ",.?!;:—-…" or len(inner) > 60:
        return False
    words = _words(inner)
    return len(words) <= 4 and _capitalised(words)


# Nouns that name a work, and "titled", read right before an opening mark
_WORK_NOUNS = tuple(
    "book novel film movie song album show series play poem essay memoir documentary podcast column op-ed "
    "headline episode titled entitled".split()
)


def titles_a_work(text: str, q: Quote) -> bool:
    """Whether ``q`` is the title of a work named just before it ("her book “A Paradise
    Built in Hell”", "a memo titled “The Facts”"): capitalised words after such a noun."""
    # (every span is asked: str.endswith, not a regular expression, reads the word)
    if q.start < 2:
        return False
    before = text[max(0, q.start - 16) : q.start - 1].rstrip(" \u00a0").lower()
    if not before.endswith(_WORK_NOUNS):
        return False
    noun = max((n for n in _WORK_NOUNS if before.endswith(n)), key=len)  # "entitled", not "titled"
    if before[-len(noun) - 1 : -len(noun)].isalpha():
        return False  # "cookbook", "screenplay": not the noun itself
    return _capitalised(_words(text[q.start : q.end]))


def _capitalised(words: list[str]) -> bool:
    """Whether every word is capitalised or small ("of", "the"), and one at least capitalised."""
    return all(w[:1].isupper() or w.lower() in _SMALL for w in words) and any(w[:1].isupper() for w in words)


def _readers_words(q: Quote) -> bool:
    """Whether the only speaker ``q`` has is "you": the reader, whose imagined words
    are the writer's (news reports no one's speech as "you said")."""
    return q.speaker is None and (q.speaker_mention or "").lower() == "you"


def classify(text: str, quotes: Iterable[Quote], spans: list[tuple[tuple[int, int], tuple[int, int]]],
             model: SpeechModel | None = None) -> None:
    """Mark the quotes that are not speech: their kind becomes title, term or other and
    their speaker is cleared. ``spans`` gives each quote's (sentence, paragraph)."""
    model = model or default_model()
    quotes = list(quotes)
    article = ArticleWords(text, quotes)
    for q, (sentence, paragraph) in zip(quotes, spans):
        if not q.speech:
            # a scare quote by rule ("so-called"): how sure the model is that it is not speech
            q.confidence = round(1 - model.probability_of(features(text, q, sentence, paragraph, article)), 3)
            q.method = "not-speech"
            if non_speech_kind(text, q) == "other":
                q.kind = "other"
            continue
        # an address, id or code standing alone, or a markup attribute's value, is no one's
        # words; nor is what the writer puts in the reader's mouth ("you wonder, "...?"")
        readers = _readers_words(q)
        p = 0.0 if readers or _is_residue(text, q) else model.probability_of(
            features(text, q, sentence, paragraph, article))
        if p >= model.threshold and not names_a_thing(text, q) and not titles_a_work(text, q):
            continue
        q.kind = "other" if readers else non_speech_kind(text, q)
        q.speaker = q.speaker_kind = q.speaker_role = q.speaker_mention = None
        q.speaker_start = q.speaker_end = None
        q.antecedent_mention = q.antecedent_start = q.antecedent_end = None
        q.cue = None
        q.method = "not-speech"
        q.confidence = round(1 - p, 3)
