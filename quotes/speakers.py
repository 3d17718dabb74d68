"""Which stored speakers a name names: the one lookup search, verify and the site share.

A name is compared word by word, its words normalised (case, accents written
differently, apostrophes and the dots of initials do not matter). Given every name a
speaker is known by (canonical and aliases), :func:`speakers_named` picks, in order:

1. the speakers with a name equal to it ("barack obama" names "Barack Obama");
2. failing that, the speakers with a name holding all of its words (a surname:
   "Obama" names "Barack Obama", and every other speaker of that surname too, since a
   surname alone cannot tell them apart);
3. failing that, the speakers with a name all of whose words it holds (a fuller name:
   "Barack Obama" names a speaker stored only as "Obama").
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
_WORD = re.compile(r"\w+(?:'\w+)*")


def name_words(name: str) -> tuple[str, ...]:
    """The normalised words of ``name``: ``"J.F. O’Brien"`` -> ``("jf", "o'brien")``."""
    folded = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold().replace(".", "")
    return tuple(_WORD.findall(folded))


class SpeakerNames:
    """Every name of every speaker, kept for looking names up again and again (build
    it once for a set of speakers, then call :meth:`named` per name)."""

    def __init__(self, speakers: Mapping[int, Iterable[str]]):
        self._names: dict[int, list[frozenset[str]]] = {}
        self._exact: dict[tuple[str, ...], set[int]] = {}
        self._by_word: dict[str, set[int]] = {}
        for sid, names in speakers.items():
            for name in names:
                words = name_words(name)
                if not words:
                    continue
                self._names.setdefault(sid, []).append(frozenset(words))
                self._exact.setdefault(words, set()).add(sid)
                for word in words:
                    self._by_word.setdefault(word, set()).add(sid)

    def named(self, name: str) -> set[int]:
        """Ids of the speakers ``name`` names, by the rules in this module's docstring;
        empty for a name with no words."""
        want = name_words(name)
        if not want:
            return set()
        exact = self._exact.get(want)
        if exact:
            return set(exact)
        wanted = set(want)
        postings = [self._by_word.get(w, set()) for w in wanted]
        holding = {sid for sid in set.intersection(*postings) if any(wanted <= n for n in self._names[sid])}
        if holding:
            return holding
        return {sid for sid in set().union(*postings) if any(n <= wanted for n in self._names[sid])}


def speakers_named(name: str, speakers: Mapping[int, Iterable[str]]) -> set[int]:
    """Ids of the ``speakers`` (id -> every name of the speaker) that ``name`` names,
    by the rules in this module's docstring; empty for a name with no words."""
    return SpeakerNames(speakers).named(name)
