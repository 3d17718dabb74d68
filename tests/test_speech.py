"""Speech or not: titles and terms in quote marks get a kind of their own, no speaker,
and stay out of verify, the quote views and a default search."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from quotes.evaluate_spans import fitting_half
from quotes.extract import extract_text
from quotes.extract.speech import default_model, names_a_thing, titles_a_work
from quotes.fit_speech import examples, fit, report, span_examples

STORY = """Harbour town votes on the pier

The council met on Tuesday to vote on the future of the old pier.

"We will rebuild the pier this year, whatever it costs," said Mayor Ruth Okafor after the vote.

Her critics called the plan "reckless" and said it would "bankrupt the town within a decade."

The pier appears in the film "Harbour Lights of Summer", which opens at the Regal next month.

The so-called "pier tax" was dropped last year.

"It is a good day for the town," Okafor added.
"""


def by_text(quotes):
    return {q.text.rstrip(",."): q for q in quotes}


def test_titles_and_terms_are_not_speech_and_have_no_speaker():
    quotes = by_text(extract_text(STORY))
    title, term = quotes["Harbour Lights of Summer"], quotes["pier tax"]
    assert (title.kind, term.kind) == ("title", "term")
    for q in (title, term):
        assert not q.speech and q.speaker is None and q.speaker_mention is None and q.cue is None
        assert q.method == "not-speech"
    assert quotes["We will rebuild the pier this year, whatever it costs"].speaker == "Ruth Okafor"
    assert quotes["It is a good day for the town"].speaker == "Ruth Okafor"
    assert quotes["reckless"].kind == "partial"


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    (tmp_path / "story.txt").write_text(STORY)
    db = tmp_path / "quotes.db"
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "story.txt"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_stored_with_their_kind_but_never_shown_as_quotes(stored: Path):
    conn = sqlite3.connect(stored)
    kinds = dict(conn.execute("select text, kind from quotes where kind not in ('direct', 'partial')").fetchall())
    assert kinds == {"Harbour Lights of Summer": "title", "pier tax": "term"}
    in_view = {r[0] for r in conn.execute("select quote from quotes_view")}
    assert "Harbour Lights of Summer" not in in_view and "reckless" in in_view
    assert conn.execute("select count(*) from quote_search where search match 'harbour lights'").fetchone()[0] == 0
    assert conn.execute("select speaker_id from quotes where kind = 'title'").fetchone()[0] is None

    default = run("search", "harbour lights", "--db", str(stored), "--json")
    assert json.loads(default.stdout) == []
    titles = json.loads(run("search", "harbour lights", "--kind", "title", "--db", str(stored), "--json").stdout)
    assert [(h["quote"], h["kind"], h["speaker"]) for h in titles] == [("Harbour Lights of Summer", "title", None)]
    assert len(json.loads(run("search", "kind:term", "--db", str(stored), "--json").stdout)) == 1
    assert len(json.loads(run("search", "pier", "--db", str(stored), "--json").stdout)) == 1
    assert len(json.loads(run("search", "pier", "--kind", "any", "--db", str(stored), "--json").stdout)) == 2

    verdict = run("verify", "Harbour Lights of Summer", "--db", str(stored), "--json")
    assert verdict.exit_code == 1 and json.loads(verdict.stdout)["verdict"] == "not_found"
    said = run("verify", "a good day for the town", "--speaker", "Okafor", "--db", str(stored))
    assert said.exit_code == 0 and said.output.startswith("CONFIRMED")


def test_extract_says_which_spans_are_speech(tmp_path: Path):
    (tmp_path / "story.txt").write_text(STORY)
    record = json.loads(run("extract", str(tmp_path / "story.txt")).stdout)
    speech = {q["text"].rstrip(",."): q["speech"] for q in record["quotes"]}
    assert speech["Harbour Lights of Summer"] is False and speech["We will rebuild the pier this year, whatever it costs"]


def test_the_bundled_model_says_how_it_was_fitted():
    model = default_model()
    assert model.meta["fitted_on"].startswith("PolNeAR train") and 0 < model.threshold <= 0.5
    assert model.meta["speech"] > model.meta["not_speech"] > 100
    # the articles of the labelled-spans file it was fitted on: only from the fitting half
    fitted = model.meta.get("fitted_articles") or []
    assert fitted == sorted(fitted) and all(fitting_half(doc_id) for doc_id in fitted)


def test_span_examples_and_their_weight_in_the_fit():
    text = ('The port opened "Harbour Lights of Summer", a show. "We will rebuild the pier," '
            'said Mayor Ruth Okafor.')
    row = {"doc_id": "x", "text": text, "spans": [
        {"start": text.index("Harbour"), "end": text.index(", a show") - 1, "speech": False, "type": "title"},
        {"start": text.index("We will"), "end": text.index('," said'), "speech": True, "kind": "direct"},
    ]}
    data = span_examples([row])
    assert [y for _, y in data] == [0, 1]


def gold(text: str, speech: list[str], other: list[str]) -> dict:
    span = lambda w: {"start": text.index(w), "end": text.index(w) + len(w), "text": w}  # noqa: E731
    return {"doc_id": str(abs(hash(text))), "text": text, "quotes": [span(w) for w in speech],
            "unattributed_quoted_spans": [span(w) for w in other]}


def test_fitting_is_reproducible_and_keeps_its_recall():
    rows = [
        gold(STORY, ["We will rebuild the pier this year, whatever it costs,", "reckless",
                     "It is a good day for the town,"], ["Harbour Lights of Summer", "pier tax"]),
        gold('Chef Ana Ruiz said: "The menu changes every week."\n\nHer cafe, "Blue Door", opened in May.\n\n'
             '"We cook what the boats bring in," Ruiz said.', ["The menu changes every week.",
                                                             "We cook what the boats bring in,"], ["Blue Door"]),
    ]
    data = examples(rows)
    assert sorted(y for _, y in data) == [0, 0, 0, 1, 1, 1, 1, 1]
    first, second = fit(data, steps=200, min_count=1, recall=1.0), fit(data, steps=200, min_count=1, recall=1.0)
    assert first.to_json() == second.to_json()
    assert all(first.probability(f) >= first.threshold for f, y in data if y == 1)
    assert "speech recall 1.000" in report(first, data)


def test_a_database_from_an_earlier_version_has_its_scare_quotes_as_terms(stored: Path, tmp_path: Path):
    """Earlier versions stored non-speech spans as kind "scare"; opening the database for
    writing renames them, and the next ingest brings the index in step."""
    conn = sqlite3.connect(stored)
    with conn:
        conn.execute("update quotes set kind = 'scare' where kind in ('title', 'term')")
    conn.close()
    (tmp_path / "more.txt").write_text('"The ferry runs again on Monday," said Captain Ines Moreau.\n')
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "more.txt"), "--db", str(stored)])
    assert result.exit_code == 0, result.output
    kinds = {r[0] for r in sqlite3.connect(stored).execute("select kind from quotes")}
    assert "scare" not in kinds and "term" in kinds and "title" not in kinds
    assert run("check", "--db", str(stored)).exit_code == 0  # the renamed spans were indexed again


@pytest.mark.parametrize("residue", ["https://example.org/pier", "1234567890", "www.example.org", 'class=story', "@harbourtown"])
def test_page_residue_in_quote_marks_is_other(residue):
    text = f'Pier vote\n\nA link read "{residue}" under the photo.\n\n"It is a good day," said Mayor Ruth Okafor.'
    quotes = by_text(extract_text(text))
    assert quotes[residue.rstrip(",.")].kind == "other" and quotes[residue.rstrip(",.")].speaker is None
    assert quotes["It is a good day"].speaker == "Ruth Okafor"


def test_words_put_in_the_readers_mouth_are_not_speech():
    text = ("Starting a business\n\nEvery founder knows the moment. You look at the plan and you think, "
            "\"What would happen if I stopped now and went back to my old job?\"\n\n"
            "\"Everyone feels it at first,\" said coach Ruth Okafor.")
    quotes = by_text(extract_text(text))
    imagined = quotes["What would happen if I stopped now and went back to my old job?"]
    assert imagined.kind == "other" and imagined.speaker is None and imagined.speaker_mention is None
    assert quotes["Everyone feels it at first"].speaker == "Ruth Okafor"


def test_a_markup_attribute_value_is_other_whatever_it_holds():
    """Markup left in a page's text: an attribute's value is not a quote, even one
    that reads like a sentence."""
    text = ('Ferry poll\n\n<blockquote data-claim="the ferry will run all winter, the board says" class="card">'
            'The claim was rated.\n\n"It is a good day," said Mayor Ruth Okafor.')
    quotes = by_text(extract_text(text))
    claim = quotes["the ferry will run all winter, the board says"]
    assert claim.kind == "other" and claim.speaker is None
    assert quotes["It is a good day"].speaker == "Ruth Okafor"


async def test_the_search_page_finds_titles_only_when_asked(stored: Path):
    from quotes_datasette.serve import make_datasette

    ds = make_datasette(stored)
    try:
        default = (await ds.client.get("/-/quotes.json?q=harbour+lights")).json()
        titles = (await ds.client.get("/-/quotes.json?q=harbour+lights&kind=title")).json()
        everything = (await ds.client.get("/-/quotes.json?q=pier&kind=any")).json()
        page = await ds.client.get("/-/quotes?q=harbour+lights&kind=title")
    finally:
        pool = ds.__dict__.get("_quotes_workers")
        if pool is not None:
            pool.close()
    assert default["total"] == 0 and titles["total"] == 1 and everything["total"] == 2
    assert titles["hits"][0]["kind"] == "title" and titles["hits"][0]["speaker"] is None
    assert page.status_code == 200 and 'value="title" selected' in page.text


@pytest.mark.parametrize(
    "rule, text, fires",
    [
        # a name before the noun it modifies is a title or a term
        (names_a_thing, "“Harbour Lights” director Ana Roe said backstage that no one could predict it.", True),
        (names_a_thing, "Tom Hale denounced the “Pier For All” movement, which he called a stunt.", True),
        # ... but not with punctuation of its own, a cue or a function word after it, or in lower case
        (names_a_thing, "“Good Morning,” director Ana Roe said.", False),
        (names_a_thing, "She said “Never Again” and left the room.", False),
        (names_a_thing, "“Never Again” said the banner on the pier.", False),
        (names_a_thing, "She called it “a stunt” before the vote.", False),
        # capitalised words after a noun that names a work, or "titled", are its title
        (titles_a_work, "Ana Roe recalled the 1969 book titled “The Tragedy of the Pier,” explaining her fear.", True),
        (titles_a_work, "In her book “Harbour Lights At Dusk” Ana Roe wrote of the purpose people find.", True),
        (titles_a_work, "The board read the editorial, entitled “The Pier Must Stay,” on Monday.", True),
        (titles_a_work, "Ana Roe cited the cookbook “Harbour Fish” as her guide.", False),
        # ... not words someone said, in lower case, or after another noun
        (titles_a_work, "Ana Roe read from her book: “the pier was our life.”", False),
        (titles_a_work, "Ana Roe called the plan “The Worst Deal Ever,” and left.", False),
    ],
)
def test_titles_told_by_the_words_around_them(rule, text, fires):
    text = "Council backs the pier\n\n" + text
    [q] = extract_text(text)
    assert rule(text, q) is fires
    if fires:
        assert not q.speech and q.speaker is None and q.kind == "title"
