"""Properties that hold for any text: extract never raises and every offset is valid."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quotes.extract import extract_text
from quotes.extract.layout import analyse
from quotes.extract.marks import find_spans
from quotes.model import QUOTE_KINDS

# Text built from pieces that exercise the parser: marks of every kind, names, speech
# verbs, punctuation, paragraph breaks, plus arbitrary unicode.
PIECES = st.sampled_from(
    [
        '"', "“", "”", "‘", "’", "'", "``", "''", "«", "»", "\n", "\n\n", " ", ", ", ". ", ": ",
        "said", "says", "told", "according to", "he", "she", "they", "it", "the official",
        "a spokesman", "Mr.", "Sen.", "Anna Berg", "Berg", "Port Authority", "al-Rami", "(",
        ")", "—", "-", "6'2\"", "'90s", "don't", "voters'", "who", "Q", "x", "•", "By ",
        "(AP) -- ", "9", "?", "!", "#", '""', "“”", 'x=""',
    ]
)
TEXTS = st.one_of(
    st.lists(PIECES, max_size=60).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=50).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_extract_never_raises_and_offsets_hold(text):
    quotes = extract_text(text)
    for i, q in enumerate(quotes):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.kind in QUOTE_KINDS
        assert 0.0 <= q.confidence <= 1.0
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)
            assert text[q.speaker_start : q.speaker_end] == q.speaker_mention
            assert q.speaker_mention == q.speaker_mention.strip()
        if q.continues is not None:
            assert 0 <= q.continues < i
        if q.speaker is not None:
            assert q.speaker_mention is not None


@settings(max_examples=200, deadline=None)
@given(TEXTS)
@example('"‘\n, \n\n')
def test_spans_stay_inside_their_paragraph(text):
    for sp in find_spans(text):
        assert sp.outer_start <= sp.start <= sp.end <= sp.outer_end <= len(text)
        inner = text[sp.start : sp.end]
        # a quote may run over a wrapped line, where blank lines mark the paragraphs,
        # but never over a paragraph break
        assert not re.search(r"\n[^\S\n]*\n", inner)
        if "\n\n" not in text:
            assert "\n" not in inner


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_layout_never_raises(text):
    lay = analyse(text)
    for b in lay.blocks:
        assert 0 <= b.start < b.end <= len(text)
