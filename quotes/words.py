"""The words of a quotation as a reader compares them: the one rule grouping and verify share.

Case, punctuation, curly or straight marks and dash styles do not matter; words do. A
dotted abbreviation ("F.B.I.", "U.S") is one word, read without its dots ("fbi").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Apostrophe-like marks are folded to "'" so "don’t" and "don't" are one word.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
_WORD = re.compile(r"\w(?:\.\w)+\.?(?!\w)|\w+(?:'\w+)*")


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
    """The normalised words of ``text`` (the words of :func:`tokens`, without their offsets)."""
    text = text.translate(_APOSTROPHES)
    if text.isascii():  # most text: nothing to normalise or fold but case, done at once
        found = _WORD.findall(text.lower())
        return [w.replace(".", "") for w in found] if "." in text else found
    out: list[str] = []
    for w in _WORD.findall(text):
        if not w.isascii():  # NFKC leaves ASCII as it is
            w = unicodedata.normalize("NFKC", w)
        out.append(w.casefold().replace(".", ""))
    return out
