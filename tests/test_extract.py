"""The extractor end to end on the bundled seed page and on small written articles."""
from __future__ import annotations

import pytest

from quotes.extract import extract, extract_text
from quotes.extract.layout import analyse
from quotes.model import Article


@pytest.fixture
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


def by_text(quotes, words):
    found = [q for q in quotes if words in q.text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


def test_seed_every_quote_with_its_speaker(seed_text):
    quotes = extract(Article(text=seed_text))
    for q in quotes:
        assert seed_text[q.start : q.end] == q.text
    expected = {
        "the regime of Gadhafi has lost its legitimacy": "Dmitry Medvedev",
        "This was decided unanimously.": "Dmitry Medvedev",
        "flagrant deviation": "Russian Foreign Ministry",
        "the U.N. mandate of civilian protection": "Barack Obama",
        "We are joined in resolve to finish the job,": "Barack Obama",
        "There is no more room for him in or near Libya,": "Jalal el-Gallal",
        "a series of proposals that could lead to a cease-fire,": "Spain",
        "blood on their hands.": "Nicolas Sarkozy",
        "is only up to the Libyan people": "Jalal el-Gallal",
        "who will remain": "Jalal el-Gallal",
    }
    assert len(quotes) == len(expected)
    for words, speaker in expected.items():
        assert by_text(quotes, words).speaker == speaker, words


def test_seed_details(seed_text):
    quotes = extract(Article(text=seed_text))
    medvedev = by_text(quotes, "has lost its legitimacy")
    assert medvedev.speaker_role == "Russian President"
    assert medvedev.speaker_mention == "Medvedev"
    obama = by_text(quotes, "finish the job")
    assert obama.speaker_mention == "he" and obama.method == "pronoun" and obama.cue == "declared"
    gallal = by_text(quotes, "no more room")
    assert gallal.speaker_role == "spokesman for the National Transitional Council"
    assert gallal.method == "post-posed"
    ministry = by_text(quotes, "flagrant deviation")
    assert ministry.kind == "partial" and ministry.speaker_kind == "organisation"
    el_gallal = by_text(quotes, "only up to the Libyan people")
    assert el_gallal.speaker_mention == "El-Gallal" and el_gallal.kind == "partial"
    # nothing from the navigation, bullets or related-story blurbs
    assert all(q.start > seed_text.index("Tripoli, Libya (CNN)") for q in quotes)
    assert all(q.end < seed_text.index("contributed to this report") for q in quotes)


def test_seed_layout(seed_text):
    lay = analyse(seed_text)
    assert lay.title == "In diplomatic shift, Russia calls for Gadhafi to step down"
    assert lay.byline == "CNN Wire Staff"
    assert lay.dateline == "Tripoli, Libya (CNN)"
    assert lay.publisher == "CNN"


def test_every_quote_carries_its_evidence():
    text = 'Port talks collapse.\n\n"We walked away," union leader Sam Ortiz said in a statement on Friday.'
    (q,) = extract_text(text)
    assert q.speaker == "Sam Ortiz"
    assert q.cue == "said in a statement"
    assert q.method == "named-subject"
    assert q.context == '"We walked away," union leader Sam Ortiz said in a statement on Friday.'
    assert q.paragraph == 1
    assert 0.5 < q.confidence <= 1


def test_never_invents_a_name():
    text = 'Port talks collapse.\n\n"We walked away," one negotiator said.\n\n"It is over," he added.'
    quotes = extract_text(text)
    assert [q.speaker for q in quotes] == [None, None]
    assert quotes[0].speaker_mention == "one negotiator"


@pytest.mark.parametrize("text", ["", "   \n\n  ", "No quotes here at all.", '"', '""', "“", "”x“"])
def test_degenerate_inputs(text):
    for q in extract_text(text):
        assert text[q.start : q.end] == q.text


def test_hard_wrapped_text_keeps_quote_and_speaker_together():
    text = (
        "Harbour town votes on the pier\n\n"
        "The council met on Tuesday to vote on the future of the old pier, which has been closed\n"
        'since the storm. "We will rebuild the pier this year, whatever it costs, and we will\n'
        'do it properly," said Mayor Ruth Okafor after the vote.\n\n'
        '"It is a waste of money," said Tom Baker, who runs a shop.\n'
    )
    quotes = extract_text(text)
    assert [(q.text.replace("\n", " "), q.speaker) for q in quotes] == [
        ("We will rebuild the pier this year, whatever it costs, and we will do it properly,", "Ruth Okafor"),
        ("It is a waste of money,", "Tom Baker"),
    ]
    assert all(text[q.start : q.end] == q.text for q in quotes)
