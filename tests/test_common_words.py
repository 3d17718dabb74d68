"""Common words (fitted by ``quotes.fit_words``): sentence openers told from names, and
articles not written in English told from those that are."""
from __future__ import annotations

import json

import pytest

from quotes.extract import extract_text
from quotes.extract.lexicon import COMMON_WORDS, is_common_word, reads_as_english
from quotes.fit_words import count, main


def test_counted_inside_sentences_only_and_not_in_headlines(tmp_path):
    text = ("Harbour Lights Open Tonight In Dover\n"  # a headline: not counted
            "Slowly the pier filled. The pier was slowly rebuilt, and Slowly Ltd paid for it.")
    lower, capital = count([text])
    assert lower["pier"] == 2 and lower["slowly"] == 1
    assert capital["slowly"] == 1  # "Slowly Ltd" inside a sentence; "Slowly the" opens one
    assert lower["harbour"] == 0


def test_fit_writes_the_words_seen_often_in_lower_case(tmp_path):
    rows = [{"text": "The pier was rebuilt by the town and the pier opened. Mayor Quill said the pier is safe."}] * 5
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "words.txt"
    main([str(train), "--output", str(out)])
    words = [w for w in out.read_text().splitlines() if not w.startswith("#")]
    assert "pier" in words and "rebuilt" in words
    assert "quill" not in words and "mayor" not in words  # only ever capitalised
    main([str(train), "--output", str(tmp_path / "again.txt")])
    assert (tmp_path / "again.txt").read_text() == out.read_text()  # the same data, the same file


@pytest.mark.parametrize(
    "token, common",
    [("Amazingly", True), ("Recently", True), ("Was", True), ("Maria", False), ("Sen.", False), ("Obama", False),
     ("NASA", False), ("pier", False)],
)
def test_is_common_word(token, common):
    assert len(COMMON_WORDS) > 1000
    assert is_common_word(token) is common


GERMAN = ("Der Hafen wurde am Montag wieder geöffnet, nachdem die Arbeiten an der Mole abgeschlossen waren. "
          "Die Stadt hatte lange auf diesen Tag gewartet, und viele Bewohner kamen zum Ufer, um die neuen "
          "Anlagen zu sehen. „Wir sind sehr froh“, sagte Bürgermeister Hans Vogel. Die Kosten lagen deutlich "
          "über der Planung, doch der Rat hält die Ausgaben für gerechtfertigt und will im Sommer weiterbauen.")
ENGLISH = ("The harbour reopened on Monday after the work on the pier was finished. The town had waited a long "
           "time for this day, and many residents came down to the shore to see the new quays. \"We are very "
           "glad,\" said Mayor Hans Vogel. The costs ran well over the plan, but the council thinks the money "
           "was well spent and wants to build on in the summer.")


def test_an_article_not_in_english_gives_no_quotes():
    assert reads_as_english(ENGLISH) and not reads_as_english(GERMAN)
    assert [q.speaker for q in extract_text(ENGLISH)] == ["Hans Vogel"]
    assert extract_text(GERMAN) == []
    assert reads_as_english("Zu kurz, um es zu sagen.")  # too short to tell: read as English


@pytest.mark.parametrize(
    "text, words, speaker",
    [
        # a word opening the sentence is not part of the speaker's name
        ("Budget day.\n\nReplied Maria Lopez, with a smile: \"We start now.\"", "start", "Maria Lopez"),
        # the person named after a possessive and a role, not the possessor
        ("Budget day.\n\n\"We start now,\" says Harbourline's former port manager Maria Lopez, smiling.", "start",
         "Maria Lopez"),
        # a publication's name is its capitalised words, without "newspaper"
        ("Budget day.\n\n\"We start now,\" the Harbour Daily Observer newspaper reported.", "start", "Harbour Daily Observer"),
        # a word before the people it describes is not their name
        ("Budget day.\n\nLast week, Freedonian archaeologists called the find \"a lost city\" in a report.", "lost city", None),
        # a party member named by state only is not a speaker by name
        ("Budget day.\n\n\"We start now,\" an Ohio Republican said.", "start", None),
    ],
)
def test_speakers_are_never_sentence_openers_or_descriptions(text, words, speaker):
    found = [q for q in extract_text(text) if words in q.text]
    assert found and found[0].speaker == speaker


def test_a_name_only_ever_seen_after_in_is_a_place(document):
    doc = document("Budget day.\n\nTom Baker spoke in Quillford on Monday. The pier in Quillford reopened.\n\n"
                   "Later Quillby spoke. Tom Baker met Quillby in Dover.")
    kinds = {name: ent.kind for name, ent in doc.names.entities.items()}
    assert kinds["Quillford"] == "place"
    assert kinds["Quillby"] == "person" and kinds["Tom Baker"] == "person"  # named elsewhere too


def test_a_lone_word_never_a_subject_is_no_ones_gender():
    text = ('Budget day.\n\nThe clinic in town is called Quillmore. It had a Quillmore sign; she never liked it. '
            'She said "the sign was ugly" and left.')
    assert [q.speaker for q in extract_text(text)] == [None]


def test_a_clause_with_a_verb_is_no_ones_description():
    text = ('Budget day.\n\n"We will serve the town," Mayor Tom Baker said last year.\n\n'
            'This is a far far cry from the harbour\'s current motto, \u201cMaking the world open and connected.\u201d')
    motto = [q for q in extract_text(text) if q.text.startswith("Making")]
    assert motto and motto[0].speaker is None and motto[0].speaker_mention != "This is a far far"


def test_a_heading_before_a_quote_names_no_speaker():
    text = ("Budget day.\n\nThe pier reopened on Monday after a long wait.\n\nWhen in Doubt, Leave it Out\n\n"
            "\u201cI am so hungry I could eat a horse,\u201d means you are hungry.")
    assert [q.speaker_mention for q in extract_text(text)] == [None]
