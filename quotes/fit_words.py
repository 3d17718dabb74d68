"""Fit the list of common words (``quotes/extract/common_words.txt``) on PolNeAR's
training split: the words an article writes in lower case and almost never capitalises
inside a sentence. Capitalised at a sentence start ("Amazingly", "Longtime", "Replied",
"Others"), such a word opens the sentence; it is not a name, nor part of one.

A word is common when it is written in lower case, not at a sentence start, at least
``--min-count`` times, and capitalised inside a sentence at most ``--max-capitalised``
of that many times. Lines mostly in title case (headlines) are not counted. The count
is all there is: the same data gives the same file.

    python -m quotes.fit_words ../shared/eval/polnear.train.jsonl
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .evaluate import read_jsonl
from .extract.lexicon import COMMON_WORDS_FILE

_WORD_RE = re.compile(r"[A-Za-z][a-z]*(?:['’][a-z]+)?")
_OPENERS = " \t\"“”'‘’([—–-"
_ENDS = ".!?:;"


def count(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """(lower-case uses inside a sentence, capitalised uses inside a sentence) by word."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for line in text.split("\n"):
            words = _WORD_RE.findall(line)
            if not words or sum(w[0].isupper() for w in words) > len(words) / 2:
                continue  # a headline in title case
            for m in _WORD_RE.finditer(line):
                i = m.start() - 1
                while i >= 0 and line[i] in _OPENERS:
                    i -= 1
                if i < 0 or line[i] in _ENDS:
                    continue  # a sentence start: capitalised either way
                w = m.group()
                if w.islower():
                    lower[w] += 1
                elif w[1:].islower():
                    capital[w.lower()] += 1
    return lower, capital


def common_words(lower: Counter[str], capital: Counter[str], min_count: int, max_capitalised: float) -> list[str]:
    return sorted(w for w, n in lower.items() if n >= min_count and capital[w] <= max_capitalised * n)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train", type=Path, help="polnear.train.jsonl")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "extract" / COMMON_WORDS_FILE)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--max-capitalised", type=float, default=0.05)
    args = parser.parse_args(argv)
    lower, capital = count(str(row.get("text") or "") for row in read_jsonl(args.train))
    words = common_words(lower, capital, args.min_count, args.max_capitalised)
    header = (f"# common words: lower case at least {args.min_count} times inside a sentence, capitalised there at most"
              f" {args.max_capitalised:.0%} of that; fitted on {args.train.name} by python -m quotes.fit_words\n")
    args.output.write_text(header + "".join(w + "\n" for w in words))
    print(f"{len(words):,} common words written to {args.output}")


if __name__ == "__main__":
    main()
