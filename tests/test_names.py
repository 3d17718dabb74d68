"""Canonical names: a mention split into role and name, its kind and gender, and the
article's names gathered so that a short name finds its full form."""
from __future__ import annotations

import pytest

from quotes.extract.names import Names, gender_of, head_noun, parse, scan_names


@pytest.mark.parametrize(
    "mention, name, role, kind, form",
    [
        ("Maria Lopez", "Maria Lopez", None, "person", "name"),
        ("Sen. Maria Lopez", "Maria Lopez", "Sen", "person", "name"),
        ("former mayor Tom Baker", "Tom Baker", "former mayor", "person", "name"),
        ("spokesman Omar Haddad", "Omar Haddad", "spokesman", "person", "name"),
        ("the harbour master", None, None, "person", "description"),
        ("she", None, None, "person", "pronoun"),
        ("Delaware", "Delaware", None, "place", "name"),
        ("Association of Dock Workers", "Association of Dock Workers", None, "organisation", "name"),
        ("the Department of Harbours", "Department of Harbours", None, "organisation", "name"),
        # an organisation's name before a title and a person's name is the person's role
        ("Department of Harbours Secretary Lena Brandt", "Lena Brandt", "Department of Harbours Secretary", "person", "name"),
        # an office "Title of ...", then the name; without a name, the office is a description
        ("Secretary of Harbours Tom Baker", "Tom Baker", "Secretary of Harbours", "person", "name"),
        ("Minister of Ports and Canals Ada Okafor", "Ada Okafor", "Minister of Ports and Canals", "person", "name"),
        ("Secretary of Harbours", None, None, "person", "description"),
        # an organisation, lowercase role words, the name
        ("Dockside administrator Tom Baker", "Tom Baker", "Dockside administrator", "person", "name"),
        ("Harbourline chief executive Ada Okafor", "Ada Okafor", "Harbourline chief executive", "person", "name"),
        # an age is not part of the name; "of" a place is a role
        ("52-year-old Tom Baker of Dover", "Tom Baker", None, "person", "name"),
        ("Tom Baker of the Dock Workers Union", "Tom Baker", "of the Dock Workers Union", "person", "name"),
        # a party, a rival's epithet, a place or a party label are not part of the name
        ("Republican Maria Lopez", "Maria Lopez", "Republican", "person", "name"),
        ("Rival Maria Lopez", "Maria Lopez", "Rival", "person", "name"),
        ("Ohio Tom Baker", "Tom Baker", "Ohio", "person", "name"),
        ("Maria Lopez (D-Ore.)", "Maria Lopez", "D-Ore.", "person", "name"),
        ("Singer-guitarists Tom Baker", "Tom Baker", "Singer-guitarists", "person", "name"),
        ("9/11 widow Ada Okafor", "Ada Okafor", "9/11 widow", "person", "name"),
        ("Dockside Administrator Tom Baker", "Tom Baker", "Dockside Administrator", "person", "name"),
        # a given name that is also a word stays a name
        ("Hunter S. Baker", "Hunter S. Baker", None, "person", "name"),
        ("Baker Mayfield", "Baker Mayfield", None, "person", "name"),
        # a possessive's apostrophe is not part of the name
        ("Tom Davis'", "Tom Davis", None, "person", "name"),
        # headlines, plain words and state abbreviations are no one's name
        ("Harbour Has Reopened Its Gates", None, None, "unknown", "description"),
        ("Teachers", None, None, "group", "description"),
        ("Freedonians", None, None, "group", "description"),
        ("Republican", None, None, "group", "description"),
        ("Md.", None, None, "unknown", "description"),
        ("R-Ohio", None, None, "unknown", "description"),  # a party label out of its parentheses
        # ... but an organisation's head word stays its short name ("Police said")
        ("Police", "Police", None, "organisation", "name"),
        # a word opening the sentence is not part of the name after it
        ("Longtime Maria Lopez", "Maria Lopez", None, "person", "name"),
        ("Replied Tom", "Tom", None, "person", "name"),
        ("Was Quillfeather", "Quillfeather", None, "person", "name"),
        ("Recently I", None, None, "person", "pronoun"),
        ("I--", None, None, "person", "pronoun"),
        # ... but a common word that begins an organisation's name is part of it
        ("Amnesty International", "Amnesty International", None, "person", "name"),
        ("Early Warning Project", "Early Warning Project", None, "person", "name"),
        ("Supply Chain Partners", "Supply Chain Partners", None, "organisation", "name"),
        ("Drug Enforcement Administration", "Drug Enforcement Administration", None, "organisation", "name"),
        # a role before the name, capitalised at a sentence start or written as capitals
        ("Sociologist Maria Lopez", "Maria Lopez", "Sociologist", "person", "name"),
        ("Boatbuilder Quill Okafor", "Quill Okafor", "Boatbuilder", "person", "name"),
        ("Harbourline CIO Ada Okafor", "Ada Okafor", "Harbourline CIO", "person", "name"),
        ("VP Tom Baker", "Tom Baker", "VP", "person", "name"),
        ("Freedonia Secretary of Harbours Tom Baker", "Tom Baker", "Freedonia Secretary of Harbours", "person", "name"),
        # a place's team, paper or thing is no person, unless a given name follows
        ("Dallas Ferrymen", "Dallas Ferrymen", None, "organisation", "name"),
        ("Virginia Lopez", "Virginia Lopez", None, "person", "name"),
        # whose employee they are is a role, never part of the name
        ("Harbour Gazette's Ana Ruiz", "Ana Ruiz", "Harbour Gazette", "person", "name"),
        ("the Dockside Forum’s Tom Baker", "Tom Baker", "Dockside Forum", "person", "name"),
        ("WKRP's Baker", "Baker", "WKRP", "person", "name"),
        ("Baker's Harbour", "Baker Harbour", None, "person", "name"),  # one word after a person's: unsplit
        # a party member described by state is unnamed
        ("Ohio Republican", None, None, "person", "description"),
        ("New Hampshire Democrat", None, None, "person", "description"),
    ],
)
def test_parse(mention, name, role, kind, form):
    men = parse(mention)
    assert (men.name, men.kind, men.form) == (name, kind, form)
    if role is not None:
        assert men.role == role


@pytest.mark.parametrize(
    "mention, gender",
    [("Maria Lopez", "f"), ("former mayor Tom Baker", "m"), ("Robin Okafor", None)],
)
def test_parse_gender_from_first_names(mention, gender):
    assert parse(mention).gender == gender


@pytest.mark.parametrize(
    "words, gender",
    [(["the", "chairwoman"], "f"), (["the", "chairman"], "m"), (["the", "official"], None)],
)
def test_gender_of_descriptions(words, gender):
    assert gender_of(words) == gender


@pytest.mark.parametrize(
    "words, head",
    [
        (["the", "spokesman", "for", "the", "union"], "spokesman"),
        (["the", "union", "leader"], "leader"),
        (["the", "new", "report"], "report"),
    ],
)
def test_head_noun(words, head):
    assert head_noun(words) == head


def test_short_names_find_their_full_form():
    names = Names()
    names.add("Maria Lopez", "person", None, 0, "f")
    names.add("Lopez", "person", None, 40, None)
    names.add("Tom Baker", "person", None, 80, "m")
    names.finish()
    assert names.canonical("Lopez").name == "Maria Lopez"
    assert names.canonical("Maria Lopez").name == "Maria Lopez"
    assert names.canonical("Baker").name == "Tom Baker"
    assert names.canonical("Nobody Else") is None


def test_a_word_named_long_before_a_longer_name_is_not_its_short_form():
    names = Names()
    for pos in (0, 100, 200):
        names.add("Dockside", "person", None, pos)
    names.add("Dockside Tracker", "person", None, 500)  # the firm's product, named later
    names.add("Ana Ruiz", "person", None, 600, "f")
    names.add("Ana", "person", None, 40)  # named once before, a word still finds the full name
    names.add("Ruiz", "person", None, 700)
    assert names.canonical("Dockside").name == "Dockside"
    assert names.canonical("Dockside Tracker").name == "Dockside Tracker"
    assert names.canonical("Ana").name == "Ana Ruiz"
    assert names.canonical("Ruiz").name == "Ana Ruiz"


def test_scan_names_reads_only_the_given_blocks():
    text = "Maria Lopez met Tom Baker.\n\nAna Ruiz left."
    assert [text[s:e] for s, e, _ in scan_names(text, [(0, len(text))])] == ["Maria Lopez", "Tom Baker", "Ana Ruiz"]
    assert [m.name for _, _, m in scan_names(text, [(0, 26)])] == ["Maria Lopez", "Tom Baker"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a common word opening a sentence is nobody's name
        ("Amazingly, the vote passed. Moreover, the pier reopened.", []),
        # ... a name after it is, without the word
        ("Longtime Maria Lopez chaired the board.", ["Maria Lopez"]),
        # ... and a name never is, at a sentence start or inside one
        ("Quillfeather spoke first. Then came Quillfeather again.", ["Quillfeather", "Quillfeather"]),
        # a name with an ampersand is one name, an organisation's
        ("Shares of AT&T and S&P rose.", ["AT&T", "S&P"]),
    ],
)
def test_scan_names_leaves_out_sentence_openers(text, expected):
    assert [men.name for _, _, men in scan_names(text, [(0, len(text))])] == expected
