"""Text normalisation for matching quoted words the way a reader compares them.

Case, punctuation, curly or straight marks and dash styles do not matter; words do.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Apostrophe-like marks are folded to "'" so "don’t" and "don't" are one word.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
# A dotted abbreviation ("F.B.I.", "U.S") is one word, read without its dots ("fbi").
_WORD = re.compile(r"\w(?:\.\w)+\.?(?!\w)|\w+(?:'\w+)*")
# "...", ". . .", "…", optionally in brackets: the writer left words out.
_ELLIPSIS = re.compile(r"\[?\s*(?:\.\s*){3,}\]?|\[?\s*…\s*\]?")


@dataclass(frozen=True)
class Token:
    word: str  # normalised form
    start: int  # offsets in the original string
    end: int


def fold(text: str) -> str:
    """NFKC, case-folded, with apostrophe variants unified (length may change)."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()


def tokens(text: str) -> list[Token]:
    """The words of ``text``, normalised, each with its offsets in ``text``."""
    out: list[Token] = []
    translated = text.translate(_APOSTROPHES)
    # translate() keeps lengths (one char for one char), so offsets stay valid.
    for m in _WORD.finditer(translated):
        word = unicodedata.normalize("NFKC", m.group()).casefold().replace(".", "")
        out.append(Token(word, m.start(), m.end()))
    return out


def words(text: str) -> list[str]:
    return [t.word for t in tokens(text)]


def segments(claim: str) -> list[list[str]]:
    """Split a claimed quotation at ellipses into runs of normalised words."""
    return [w for w in (words(part) for part in _ELLIPSIS.split(claim)) if w]


def find_segments(haystack: list[str], segs: list[list[str]]) -> tuple[int, int] | None:
    """Word span ``(first, last + 1)`` where ``segs`` occur in order, or None.

    Each segment must be contiguous; gaps between segments (the ellipses) may hold
    any number of words, including none.
    """
    pos = 0
    first: int | None = None
    end = 0
    for seg in segs:
        i = _find(haystack, seg, pos)
        if i < 0:
            return None
        if first is None:
            first = i
        end = i + len(seg)
        pos = end
    return (first or 0, end) if first is not None else None


def _find(haystack: list[str], needle: list[str], start: int) -> int:
    n = len(needle)
    head = needle[0]
    for i in range(start, len(haystack) - n + 1):
        if haystack[i] == head and haystack[i : i + n] == needle:
            return i
    return -1
