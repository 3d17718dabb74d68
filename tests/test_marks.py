"""Quotation-mark pairing."""
from __future__ import annotations

import pytest

from quotes.extract.marks import find_spans


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_spans(text) if s.primary]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('She said "the plan works" on Monday.', ["the plan works"]),
        ("She said “the plan works” on Monday.", ["the plan works"]),
        ("She said «the plan works» on Monday.", ["the plan works"]),
        ("She said ``the plan works'' on Monday.", ["the plan works"]),
        ("She said ''the plan works'' on Monday.", ["the plan works"]),
        ('"One," he said, "two."', ["One,", "two."]),
        ("“Tea,” she said. “Coffee.”", ["Tea,", "Coffee."]),
    ],
)
def test_mark_types(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“He told me ‘never again’ twice,” she said.", ["He told me ‘never again’ twice,"]),
        ('"He told me \'never again\' twice," she said.', ["He told me 'never again' twice,"]),
    ],
)
def test_single_quotes_nested_in_double_belong_to_the_outer_quote(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The mayor's plan isn't new, and the voters' patience is thin.",
        "The board met in the '90s and again in '04.",
        "The guard is 6'2\" tall and the screen is 55\" wide.",
        "Rock 'n' roll never dies.",
    ],
)
def test_apostrophes_and_inch_marks_are_not_quotes(text):
    assert spans(text) == []


def test_single_quotes_are_primary_only_without_double_marks():
    british = "The minister said ‘we will not move’ on Friday."
    assert spans(british) == ["we will not move"]
    mixed = "Her ‘Plan B’ headline ran. She said “no comment” later."
    assert spans(mixed) == ["no comment"]
    nicknames = [mixed[s.start : s.end] for s in find_spans(mixed) if not s.primary]
    assert nicknames == ["Plan B"]


def test_unbalanced_mark_does_not_swallow_the_document():
    text = 'He said "this never closes.\n\nThe next paragraph says "fine" plainly.\n\nLast "one" here.'
    assert spans(text) == ["this never closes.", "fine", "one"]
    first = find_spans(text)[0]
    assert first.closed is False


def test_multi_paragraph_quote_links_parts():
    text = '“First part of it.\n\n“Second part of it.\n\n“Third and last,” she said.'
    found = find_spans(text)
    assert [text[s.start : s.end] for s in found] == ["First part of it.", "Second part of it.", "Third and last,"]
    assert [s.continues for s in found] == [None, 0, 1]
    assert [s.closed for s in found] == [False, False, True]


def test_offsets_index_the_text():
    text = "A “b c” d «e f» g ``h i'' j"
    for s in find_spans(text):
        assert text[s.outer_start] in "“«`"
        assert text[s.start : s.end] in ("b c", "e f", "h i")


@pytest.mark.parametrize(
    "text, expected",
    [
        # a misused opening glyph where the closing one belongs
        ("“It is late,“ she said. “Go home.”", ["It is late,", "Go home."]),
        # curly quotes inside a straight-quoted span are nested, not new quotes
        ('"He called it “a disgrace” twice," she said.', ["He called it “a disgrace” twice,"]),
        # quoted speech inside a quote, marked with the same straight marks
        ('"If a buyer walks in and says, "I want ten crates," you should ask why," she said.',
         ['If a buyer walks in and says, "I want ten crates," you should ask why,']),
        # a typewriter close right after a nested single close
        ("''We were told, 'it is special,''' he said.", ["We were told, 'it is special,'"]),
    ],
)
def test_misused_and_nested_marks(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("'We will rebuild the pier,' said Ruth Okafor. 'It matters.'", ["We will rebuild the pier,", "It matters."]),
        ("‘We will rebuild the pier,’ said Ruth Okafor. ‘It matters.’", ["We will rebuild the pier,", "It matters."]),
        ("'Is it safe?' asked a fisherman. 'No,' she said.", ["Is it safe?", "No,"]),
    ],
)
def test_single_marks_as_the_main_marks(text, expected):
    """Outlets that quote with single marks: a mark after the closing punctuation closes."""
    assert spans(text) == expected


def test_a_quote_runs_on_over_a_wrapped_line():
    """Blank lines separate paragraphs, so a single line break inside one only wraps it."""
    text = 'Pier vote\n\nThe mayor spoke. "We will rebuild it\nthis year," she said.\n\n"Good," he said.'
    assert spans(text) == ["We will rebuild it\nthis year,", "Good,"]


def test_without_blank_lines_each_line_is_a_paragraph():
    text = 'The mayor spoke. "We will rebuild it\nThe next line is its own paragraph.'
    assert [s.closed for s in find_spans(text)] == [False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"He said "no" to me," said Ruth Okafor.', ['He said "no" to me,']),
        ('"We call it "the pier" here," she said. "Always."', ['We call it "the pier" here,', "Always."]),
    ],
)
def test_quotes_nested_with_the_same_marks(text, expected):
    assert spans(text) == expected
