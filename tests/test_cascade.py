"""The cascade: the finder tried first wins, and a speaker carries over between quotes."""
from __future__ import annotations

import pytest

from quotes.extract.cascade import attributable, find_mentions
from quotes.extract.pipeline import extract_text


def methods(doc) -> list[tuple[str, str | None, str | None]]:
    """(quote, mention, method) for every span the cascade attributes."""
    c = find_mentions(doc)
    out = []
    for sp, f in zip(c.spans, c.found, strict=True):
        out.append((doc.text[sp.start : sp.end], None if f is None else doc.text[f.start : f.end], None if f is None else f.method))
    return out


@pytest.mark.parametrize(
    "text, expected",
    [
        # the words right after the quote come before the words before it
        ('Tom Baker said: "We are ready," said Maria Lopez.', [("We are ready,", "Maria Lopez", "post-posed")]),
        # the quote before in the same paragraph lends its speaker
        (
            '"We are ready," Maria Lopez said. "The bridge opens in May."',
            [("We are ready,", "Maria Lopez", "named-subject"), ("The bridge opens in May.", "Maria Lopez", "paragraph-carry")],
        ),
        # ... and the quote in the paragraph before
        (
            '"We are ready," Maria Lopez said.\n\n"The bridge opens in May."',
            [("We are ready,", "Maria Lopez", "named-subject"), ("The bridge opens in May.", "Maria Lopez", "previous-quote")],
        ),
        # ... unless that paragraph goes on with a sentence of its own about someone else
        (
            '"We are ready," Maria Lopez said. Tom Baker disagreed.\n\n"The bridge is late."',
            [("We are ready,", "Maria Lopez", "named-subject"), ("The bridge is late.", "Tom Baker", "previous-paragraph")],
        ),
        # the previous sentence's subject
        ('Maria Lopez opened the bridge. "We are ready."', [("We are ready.", "Maria Lopez", "previous-sentence")]),
        # a later quote in the paragraph lends its speaker to an earlier, uncued one
        (
            '"Done." "We are ready," said Maria Lopez.',
            [("Done.", "Maria Lopez", "paragraph-carry"), ("We are ready,", "Maria Lopez", "post-posed")],
        ),
        # a multi-paragraph quote: the first part borrows the speaker of the last
        (
            '"The bridge opens in May.\n\n"We are ready," said Maria Lopez.',
            [("The bridge opens in May.", "Maria Lopez", "continued"), ("We are ready,", "Maria Lopez", "post-posed")],
        ),
        # a scare quote is never attributed, nor lent a speaker
        (
            'The so-called "miracle cure" failed, said Maria Lopez.',
            [("miracle cure", None, None)],
        ),
    ],
)
def test_cascade(document, text, expected):
    assert methods(document(text)) == expected


def test_scare_quotes_are_marked(document):
    c = find_mentions(document('The so-called "miracle cure" failed. "We are ready," said Maria Lopez.'))
    assert c.scare == {0}
    assert c.found[1] is not None


def test_attributable_spans(document):
    text = 'Harbour "news" today\n\nShe said "" and "yes" on Monday.'
    doc = document(text)
    kept, index_of_span = attributable(doc)
    # not the title's quote, not the empty one
    assert [text[sp.start : sp.end] for sp in kept] == ["yes"]
    assert [doc.spans[n] for n in index_of_span] == kept


@pytest.mark.parametrize(
    "text, speaker, method",
    [
        # a noun for someone's words names them: the possessor speaks
        ("Critics seized on Ann Lee’s claim that there had been “thousands of burglaries” in town.", "Ann Lee", "possessive"),
        ("Tom Baker left for home. He drew a backlash for his warning that Ohio would go to the “back of the queue”.", "Tom Baker", "possessive"),
        ("Her promise to be “neutral” angered both sides.", "Jo Novak", "possessive"),
        ("The port grew fast because, in the Harbour Board’s words, “nobody else wanted the ships.”", "Harbour Board", "possessive"),
        # ... and words that came from someone
        ("The closures followed orders from Ann Lee to “shut every gate and send the crews home before the storm” by noon.", "Ann Lee", "possessive"),
    ],
)
def test_possessed_speech_gives_the_words_to_their_owner(text: str, speaker: str, method: str) -> None:
    intro = "Tom Baker and Jo Novak spoke in Ohio on Monday, as did Ann Lee. "
    q = extract_text(intro + text)[-1]
    assert (q.speaker, q.method) == (speaker, method)


@pytest.mark.parametrize(
    "text, not_speaker",
    [
        # what the noun's words are called by someone else is not theirs
        ("On Monday the checkers announced that Ann Lee’s statement was “true.”", "Ann Lee"),
        ("Tom Baker played down Ann Lee’s comments as “just part of the campaign.”", "Ann Lee"),
        # another speaker's verb between the noun and the quote: that speaker's words
        ("Ann Lee’s claim that Tom Baker told her the bridge was “unsafe” is disputed.", "Ann Lee"),
        # "under her charge" is no one's words
        ("The sailors under her charge were “extremely tired” by May.", "Ann Lee"),
    ],
)
def test_possessed_speech_keeps_off_words_that_are_not_the_owners(text: str, not_speaker: str) -> None:
    intro = "Ann Lee spoke in Ohio on Monday. "
    for q in extract_text(intro + text):
        assert not (q.speaker == not_speaker and q.method == "possessive")
