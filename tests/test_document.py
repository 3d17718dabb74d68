"""The document model: quotes masked, sentences split, blocks and names looked up."""
from __future__ import annotations

import pytest

from quotes.extract.document import WINDOW, clamp, mask, prev_nonspace, tokens
from quotes.extract.marks import find_spans


@pytest.mark.parametrize(
    "text, masked",
    [
        # the quote's final punctuation stays where its closing mark was
        ('He said "yes." Then left.', "He said #####. Then left."),
        ('"Stop," he said.', "######, he said."),
        ('A "term" here and "another" there.', "A ###### here and ######### there."),
        ("No quotes at all.", "No quotes at all."),
    ],
)
def test_mask_hides_quotes_but_keeps_offsets(text, masked):
    assert mask(text, find_spans(text)) == masked
    assert len(masked) == len(text)


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("The ferry left. Nobody came.", ["The ferry left.", "Nobody came."]),
        # abbreviations, initials and decimals do not end a sentence
        ("Dr. Smith arrived. He spoke.", ["Dr. Smith arrived.", "He spoke."]),
        ("The U.S. team won. Fans cheered.", ["The U.S. team won.", "Fans cheered."]),
        ("J. Smith won. Fans cheered.", ["J. Smith won.", "Fans cheered."]),
        ("Fares rose 3.5 percent. Nobody cared.", ["Fares rose 3.5 percent.", "Nobody cared."]),
        # a quote's own full stop or question mark is not the end of the sentence that
        # goes on with its attribution
        ('"Why?" Trump asked. Then he left.', ['"Why?" Trump asked.', "Then he left."]),
        ('"Stop," he said. She left.', ['"Stop," he said.', "She left."]),
        # a sentence never runs across paragraphs
        ("It rained\n\nThe ferry waited. Nobody came.", ["It rained", "The ferry waited.", "Nobody came."]),
    ],
)
def test_sentences(document, text, sentences):
    doc = document(text)
    assert [text[s:e] for s, e in doc.sentences] == sentences


def test_sentence_of_and_block_of(document):
    text = "Harbour news\n\nThe ferry left. It came back.\n\nNobody waited."
    doc = document(text)
    assert [text[s:e] for s, e in doc.blocks] == ["Harbour news", "The ferry left. It came back.", "Nobody waited."]
    back = text.index("came")
    assert doc.block_of(back) == 1
    assert doc.block_of(text.index("Nobody")) == 2
    assert doc.block_of(text.index("\n\nNobody")) == -1  # between paragraphs
    s, e = doc.sentence_of(back)
    assert text[s:e] == "It came back."
    assert doc.sentence_of(len(text)) == (len(text), len(text))


def test_names_mentions_and_subjects(document):
    text = "Clinton's lawyer said the plan works. Dana Reyes, the county engineer, agreed. Reyes left."
    doc = document(text)
    assert [text[s:e] for s, e, _ in doc.mentions] == ["Clinton's", "Dana Reyes", "Reyes"]
    # the possessor is not the subject; a full name opening a sentence is
    assert [text[s:e] for s, e, _ in doc.subjects] == ["Dana Reyes", "Reyes"]
    assert doc.names.canonical("Reyes").name == "Dana Reyes"


@pytest.mark.parametrize(
    "text, subject",
    [
        # a role before the name, known or told by its ending, leaves the name the subject
        ("Freedonian chief negotiator Dana Reyes said talks resume.", "Dana Reyes"),
        ("Veteran campaigner Dana Reyes said talks resume.", "Dana Reyes"),
        ("Port spokesman Dana Reyes said talks resume.", "Dana Reyes"),
        # a time that opens the sentence, with or without a comma
        ("Last week Dana Reyes said talks resume.", "Dana Reyes"),
        ("On Monday, Dana Reyes said talks resume.", "Dana Reyes"),
    ],
)
def test_the_subject_after_a_role_or_a_time(document, text, subject):
    doc = document(text)
    assert subject in [text[s:e] for s, e, _ in doc.subjects]


@pytest.mark.parametrize(
    "pronouns, gender",
    [
        ("she cut the ribbon, she waved and later she spoke to her crew", "f"),
        ("he cut the ribbon, he waved and later he spoke to his crew", "m"),
        ("the crew cheered", None),
        ("she cut the ribbon and he waved", None),  # too few votes either way
    ],
)
def test_gender_learnt_from_pronouns_after_the_subject(document, pronouns, gender):
    doc = document(f"Robin Okafor opened the bridge on Monday, and then {pronouns}. He left.")
    # Robin is in neither name list: only the pronouns in the subject's sentence tell
    assert doc.names.canonical("Robin Okafor").gender == gender


def test_tokens():
    text = "He's here, al-Assad."
    assert [t for _, _, t in tokens(text, 0, len(text))] == ["He", "'s", "here", ",", "al-Assad."]
    s, e, t = tokens(text, 0, len(text))[2]
    assert text[s:e] == t


def test_clamp_cuts_the_sentence_to_a_window_around_the_quote():
    text = "x " * 600 + '"yes"' + " y" * 600
    (sp,) = find_spans(text)
    assert clamp((0, len(text)), sp) == (sp.outer_start - WINDOW, sp.outer_end + WINDOW)
    assert clamp((10, 20), sp) == (sp.outer_start - WINDOW, 20)


def test_prev_nonspace():
    assert prev_nonspace("ab  \n c", 6) == 1
