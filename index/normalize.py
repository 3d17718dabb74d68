"""Claimed words as verify reads them: the word rule of :mod:`quotes.words`, and runs
of words between ellipses found in order."""
from __future__ import annotations

import re

from quotes.words import Token, fold, tokens, words

__all__ = ["Token", "find_segments", "fold", "segments", "tokens", "words"]

# "...", ". . .", "…", optionally in brackets: the writer left words out.
_ELLIPSIS = re.compile(r"\[?\s*(?:\.\s*){3,}\]?|\[?\s*…\s*\]?")


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
