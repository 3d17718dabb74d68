"""Candidate speaker mentions: each finder, given a sentence with a quote in it."""
from __future__ import annotations

import pytest

from quotes.extract import mentions
from quotes.extract.document import clamp


def span_of(doc, words: str):
    """The quoted span of ``doc`` that contains ``words``."""
    return next(sp for sp in doc.spans if words in doc.text[sp.start : sp.end])


def found(doc, finder, words: str):
    """(mention, cue, method, role) that ``finder`` reads for the quote holding ``words``."""
    sp = span_of(doc, words)
    ss, se = clamp(doc.sentence_of(sp.outer_start), sp)
    if finder in (mentions.post, mentions.after_cue):
        f = finder(doc, sp, se)
    elif finder is mentions.pre:
        f = finder(doc, sp, ss)
    else:
        f = finder(doc, sp)
    return None if f is None else (doc.text[f.start : f.end], f.cue, f.method, f.role)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"We are ready," said Maria Lopez.', ("Maria Lopez", "said", "post-posed", None)),
        ('"We are ready," Maria Lopez told CNN.', ("Maria Lopez", "told CNN", "named-subject", None)),
        ('"We are ready," Maria Lopez said in a statement.', ("Maria Lopez", "said in a statement", "named-subject", None)),
        ('"We are ready," according to Maria Lopez.', ("Maria Lopez", "according to", "according-to", None)),
        ('"We are ready," she said.', ("she", "said", "pronoun", None)),
        ('"We are ready," the harbour master said.', ("the harbour master", "said", "description", None)),
        ("“Be kind to one another.” ― Maria Lopez", ("Maria Lopez", "―", "sign-off", None)),
        # an appositive gives the speaker's role
        ('"Prices will rise," Omar Haddad, a spokesman for the port, said.', ("Omar Haddad", "said", "named-subject", "spokesman for the port")),
        ('"Prices will rise," said Omar Haddad, a spokesman for the port.', ("Omar Haddad", "said", "post-posed", "spokesman for the port")),
        # a description, then the name in apposition: the name says who, the description what
        ('"Prices will rise," the port\'s spokesman, Omar Haddad, said.', ("Omar Haddad", "said", "named-subject", "port's spokesman")),
        ('"Prices will rise," a study by the harbour master, Omar Haddad, found.', None),
        # ... and the verb may end the sentence after it
        ('"Prices will rise," Omar Haddad, chief of Dock-Side, adds.', ("Omar Haddad", "adds", "named-subject", None)),
        # an organisation and a role noun before the name belong to the mention
        ('"Prices will rise," said Dockside administrator Omar Haddad.', ("Dockside administrator Omar Haddad", "said", "post-posed", None)),
        # a new sentence after the quote is not its attribution
        ('"We are ready." The ferry left.', None),
        # any verb speaks for a name after the quote, not for any noun phrase
        ('"We are ready," Maria Lopez beamed.', ("Maria Lopez", "beamed", "named-subject", None)),
        ('"We are ready," the balloons cascaded down.', None),
        # ... but a verb after "is" or "was" is a state, not the quote's cue
        ('"We are ready," Maria Lopez was delighted to hear.', None),
        ('As the town prepares for what Lopez called "the busiest summer yet," the mayor is intrigued.', None),
        ('When Lopez wrapped up — "We are ready!" — the balloons cascaded down.', None),
    ],
)
def test_post(document, text, expected):
    assert found(document(text), mentions.post, "") == expected  # the one quote


PRE, AFTER, COLON, TRANSCRIPT = mentions.pre, mentions.after_cue, mentions.colon_paragraph, mentions.transcript


@pytest.mark.parametrize(
    "finder, text, expected",
    [
        # before the quote, in its sentence
        (PRE, 'Maria Lopez said: "We are ready."', ("Maria Lopez", "said", "named-subject")),
        (PRE, 'Said Maria Lopez: "We are ready."', ("Maria Lopez", "said", "post-posed")),
        (PRE, 'According to Maria Lopez, "we are ready."', ("Maria Lopez", "according to", "according-to")),
        (PRE, 'Lopez: "We are ready."', ("Lopez", ":", "colon")),
        (PRE, 'The mayor was asked by host Dana Reyes, "Are you ready?"', ("host Dana Reyes", "asked by", "post-posed")),
        # "X said that Y told her ...": X reports the quote
        (PRE, 'Maria Lopez said that Tom Baker told her "we are ready."', ("Maria Lopez", "said", "sentence-cue")),
        (PRE, 'The ferry left "when we were ready."', None),
        # what a causative verb makes someone say is theirs; what is expected of them is not
        (PRE, 'The delay allowed Maria Lopez to claim the port is "nearly ready."', ("Maria Lopez", "claim", "named-subject")),
        (PRE, 'Tom Baker expects Maria Lopez to announce that the port is "nearly ready."', ("Tom Baker", "announce", "named-subject")),
        # "as", "after" and "while" join clauses too: "she" after them is a subject
        (PRE, 'The ferry left as she said, "We are ready."', ("she", "said", "pronoun")),
        (PRE, 'The crowd cheered after he told them, "We are ready."', ("he", "told", "pronoun")),
        (PRE, 'Maria Lopez stood with him and said: "We are ready."', ("Maria Lopez", "said", "sentence-cue")),
        # a cue later in the sentence
        (AFTER, '"We are ready" is what she said.', ("she", "said", "pronoun")),
        (AFTER, 'The bridge is "nearly ready," according to Maria Lopez.', ("Maria Lopez", "according to", "according-to")),
        (AFTER, 'The bridge is "nearly ready" and the ferry left.', None),
        # a past participle after "to" modifies a noun: no one "proposed" anything
        (AFTER, 'The pain grows with the rest of the plan, from the "nearly ready" boats of the Harbour Act to proposed cuts to pensions.', None),
        # the paragraph before ends with a colon, and the quote opens its paragraph
        (COLON, 'Maria Lopez told the crowd:\n\n"We are ready."', ("Maria Lopez", "told the crowd", "colon")),
        (COLON, 'Maria Lopez on the bridge:\n\n"We are ready."', ("Maria Lopez", ":", "colon")),
        (COLON, 'The ferry left.\n\n"We are ready."', None),
        (COLON, 'Maria Lopez told the crowd:\n\nThen "we are ready" came.', None),
        # a transcript's speaker inside the quote
        (TRANSCRIPT, '"LOPEZ: We are ready."', ("LOPEZ", ":", "transcript")),
        (TRANSCRIPT, '"Note: we are ready."', None),
        (TRANSCRIPT, '"We are ready."', None),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_finder(document, finder, text, expected):
    f = found(document(text), finder, "ready")
    assert (f and f[:3]) == expected


@pytest.mark.parametrize(
    "text, words, scare",
    [
        ('The so-called "miracle cure" failed.', "miracle", True),
        ('Dana "Dee" Reyes won.', "Dee", True),
        ('"We are ready," she said.', "ready", False),
        ('The "miracle cure" failed.', "miracle", False),
    ],
)
def test_scare_quote(document, text, words, scare):
    doc = document(text)
    assert mentions.scare_quote(doc, span_of(doc, words)) is scare


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The bridge may open late, Lopez said.", ("Lopez", "said")),
        ("The bridge may open late, she said.", ("she", "said")),
        ("The bridge may open late, Lopez hoped.", None),
    ],
)
def test_reporter(document, text, expected):
    f = mentions.reporter(document(text), 0, len(text))
    assert (f and (text[f.start : f.end], f.cue)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Maria Lopez opened the bridge.", "Maria Lopez"),
        ("On Monday, Maria Lopez opened the bridge.", "Maria Lopez"),
        # a place closes the adverbial
        ("In Dover, Delaware, Reyes opened the bridge.", "Reyes"),
        # a lone capital opening a sentence is a name only if the article uses it so
        ("Flying home, she said nothing.", None),
    ],
)
def test_subject(document, text, expected):
    f = mentions.subject(document(text), 0, len(text))
    assert (f and text[f.start : f.end]) == expected


@pytest.mark.parametrize(
    "text, owned",
    [
        ("Smith's lawyer said no.", "Smith's lawyer"),
        ("Smith's spokesman Joe Doe said no.", "Smith's"),  # a name follows: Joe Doe speaks
        ("Smith's said no.", "Smith's"),
    ],
)
def test_owned_noun(text, owned):
    assert text[: mentions.owned_noun(text, len("Smith's"))] == owned


def test_carried_keeps_the_mention_and_changes_the_method():
    f = mentions.Found(3, 9, "mayor", "said", 10, "post-posed", antecedent=(0, 2))
    g = f.carried("paragraph-carry")
    assert g is not f
    assert (g.start, g.end, g.role, g.cue, g.cue_pos, g.antecedent) == (3, 9, "mayor", "said", 10, (0, 2))
    assert (f.method, g.method) == ("post-posed", "paragraph-carry")
