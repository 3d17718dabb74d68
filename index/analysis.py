"""Text analysis for the index: one-pass analyzers that match Whoosh's chained ones.

``StemmingAnalyzer()`` is a chain of generators (tokenizer, lower case, stop words,
Porter stemmer), each handling every token; at indexing time that chain was the largest
single cost. :class:`FastAnalyzer` does the same work in one loop and yields the same
tokens (text, positions, character offsets, stopped flags), so queries, highlighting
and stored indexes behave exactly as before. :class:`StemmedText` goes one step
further for indexing: it groups positions while tokenizing and keeps the unstemmed
words it saw, so the spelling word list needs no second pass over the text.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pickle import dumps
from typing import Any

from whoosh.analysis import Composable, Token
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.lang.porter import stem as _porter
from whoosh.system import pack_uint

# Shared by every analyzer in the process; stems never change, so no eviction is
# needed beyond a bound on memory.
_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 500_000


def stem(word: str) -> str:
    """Porter stem of a lower-case word, cached."""
    s = _STEMS.get(word)
    if s is None:
        if len(_STEMS) >= _STEM_CACHE_MAX:
            _STEMS.clear()
        s = _STEMS[word] = _porter(word)
    return s


class FastAnalyzer(Composable):
    """Regex tokenizer, lower case, optional stop words and optional Porter stemming
    in a single generator; the same tokens as the equivalent Whoosh chain.

    ``FastAnalyzer()`` equals ``StemmingAnalyzer()``; ``FastAnalyzer(stoplist=None)``
    equals ``StemmingAnalyzer(stoplist=None)``; ``FastAnalyzer(stemming=False)``
    equals ``StandardAnalyzer()``.
    """

    def __init__(self, stoplist: Any = STOP_WORDS, minsize: int = 2, maxsize: int | None = None,
                 stemming: bool = True) -> None:
        self.expression = default_pattern
        self.stops = None if stoplist is None else frozenset(stoplist)
        self.minsize = minsize
        self.maxsize = maxsize
        self.stemming = stemming
        self.is_morph = stemming

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FastAnalyzer)
            and self.stops == other.stops
            and self.minsize == other.minsize
            and self.maxsize == other.maxsize
            and self.stemming == other.stemming
        )

    def __hash__(self) -> int:
        return hash((self.minsize, self.maxsize, self.stemming))

    def __repr__(self) -> str:
        return f"FastAnalyzer(stops={self.stops is not None}, minsize={self.minsize}, stemming={self.stemming})"

    def has_morph(self) -> bool:
        return self.stemming

    def _keep(self, text: str) -> bool:
        stops = self.stops
        if stops is None:
            return True
        n = len(text)
        return n >= self.minsize and (self.maxsize is None or n <= self.maxsize) and text not in stops

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", no_morph: bool = False, **kwargs: Any) -> Iterator[Token]:
        assert isinstance(value, str), f"{value!r} is not unicode"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        do_stem = self.stemming and not no_morph
        stops = self.stops
        minsize, maxsize = self.minsize, self.maxsize
        if not tokenize:
            # One token: the whole value, through the same filters.
            t.original = value
            text = value.lower()
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            if self._keep(text):
                t.stopped = False
                t.text = stem(text) if do_stem else text
                yield t
            elif not removestops:
                t.stopped = True
                t.text = text
                yield t
            return
        # Stop-word removal renumbers positions: the first kept token keeps its
        # tokenizer position and each later one follows it (as Whoosh's StopFilter).
        renumber = positions and stops is not None
        pos: int | None = None
        for i, match in enumerate(self.expression.finditer(value)):
            word = match.group(0)
            text = word.lower()
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if stops is None or (
                len(text) >= minsize and (maxsize is None or len(text) <= maxsize) and text not in stops
            ):
                if positions:
                    if renumber:
                        pos = start_pos + i if pos is None else pos + 1
                        t.pos = pos
                    else:
                        t.pos = start_pos + i
                t.stopped = False
                if do_stem:
                    s = _STEMS.get(text)
                    t.text = s if s is not None else stem(text)
                else:
                    t.text = text
                yield t
            elif not removestops:
                if positions:
                    t.pos = start_pos + i
                t.stopped = True
                t.text = text
                yield t

    def index_words(self, value: str) -> tuple[dict[str, list[int]], set[str]]:
        """Positions of each indexed term in ``value``, and the unstemmed words."""
        stops = self.stops
        minsize, maxsize = self.minsize, self.maxsize
        do_stem = self.stemming
        stems = _STEMS
        poses: dict[str, list[int]] = {}
        words: set[str] = set()
        pos = -1
        first = True
        for i, match in enumerate(self.expression.finditer(value)):
            text = match.group(0).lower()
            if stops is not None:
                if len(text) < minsize or (maxsize is not None and len(text) > maxsize) or text in stops:
                    continue
                if first:
                    pos, first = i, False
                else:
                    pos += 1
            else:
                pos = i
            words.add(text)
            if do_stem:
                s = stems.get(text)
                if s is None:
                    s = stem(text)
                text = s
            p = poses.get(text)
            if p is None:
                poses[text] = [pos]
            else:
                p.append(pos)
        return poses, words


# Per thread (writers may run in threads):
# - ``last``: (value, unstemmed words) of the value indexed last; Whoosh asks for a
#   field's spelling words right after indexing the same value;
# - ``spelled``: while a writer adds a document, the spelling words that writer has
#   already added, per field (see whoosh_speedups): a new segment needs each word once, not
#   once per document.
state = threading.local()


class StemmedText(TEXT):
    """A TEXT field that indexes in one pass with a :class:`FastAnalyzer`."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        ana = self.analyzer
        fmt = self.format
        if not (isinstance(value, str) and type(ana) is FastAnalyzer and type(fmt) is Positions and not kwargs):
            return super().index(value, **kwargs)
        poses, words = ana.index_words(value)
        if self.spelling:
            state.last = (value, words)
        fb = fmt.field_boost
        out = []
        for text, plist in poses.items():
            base = 0
            deltas = []
            for p in plist:
                deltas.append(p - base)
                base = p
            n = len(plist)
            out.append((text.encode("utf-8"), n, n * fb, pack_uint(n) + dumps(deltas, 2)))
        return out

    def spellable_words(self, value: Any) -> Any:
        last = getattr(state, "last", None)
        if last is not None and last[0] is value:
            words = last[1]
            state.last = None
        else:
            words = set(super().spellable_words(value))
        spelled = getattr(state, "spelled", None)
        if spelled is not None:
            seen = spelled.setdefault(id(self), set())
            words = words - seen
            seen |= words
        return iter(sorted(words))
