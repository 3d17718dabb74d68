"""Verdicts that agree with their evidence, on a real SQLite store and Whoosh index:
the same words in several articles with different dates, outlets and speakers, a
title, words no article attributes, one-word claims and undated articles."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Said, article_with_quotes

from cli.main import cli
from index import sync, verify
from quotes.store import Store
from quotes_datasette.serve import make_datasette

QUAY = "The quay will reopen to fishing boats in the spring"
TITLE = "A Harbour Beneath the Rain"
MERCY = "Show absolutely no mercy to the smugglers"
LIKE = "We would like to see the market hall full again"


def add(store: Store, said: list[Said], **meta: str | None) -> int:
    article, quotes = article_with_quotes(said, **meta)
    return store.add(article, quotes).article_id


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    # The earliest appearance of QUAY names no speaker; the next gives it to the port
    # authority; Ana Petrova's own come later, one of them undated.
    add(st, [Said(QUAY, None, None, after="a notice at the harbour read.")],
        title="Notice at the quay", publisher="Quayside Blog", published="2022-04-28")
    add(st, [Said(QUAY, "Port Authority", "the Port Authority", confidence=0.7)],
        title="Quay to reopen", publisher="Coast Radio", published="2022-05-01")
    add(st, [Said(QUAY, "Ana Petrova", "Ana Petrova", confidence=0.95),
             Said(LIKE, "Ana Petrova", "Petrova", confidence=0.9),
             Said("reckless", "Tomas Reyes", "Reyes", kind="partial", confidence=0.8)],
        title="Harbour master on the quay", publisher="Harbour Gazette", published="2022-05-03",
        url="https://gazette.example/quay")
    add(st, [Said(QUAY, "Ana Petrova", "Petrova", confidence=0.6)],
        title="Boats return", publisher="Valley Times", published=None)
    # A film's title, mistakenly given to its director, and words nobody is named for.
    add(st, [Said(TITLE, "Lena Ortiz", "Lena Ortiz", kind="title", confidence=0.5),
             Said(MERCY, None, None, after="a banner on the pier said.")],
        title="Festival week", publisher="Valley Times", published="2022-06-01")
    # Only in undated articles: the second stored is the first appearance by ingestion time.
    first = add(st, [Said("The lighthouse keeper retires after forty years", "Jonas Berg", "Berg")],
                title="Keeper retires", publisher="Coast Radio")
    second = add(st, [Said("The lighthouse keeper retires after forty years", "Jonas Berg", "Jonas Berg")],
                 title="Forty years at the light", publisher="Harbour Gazette")
    with st.db.conn:
        st.db.execute("update articles set ingested_at = '2022-01-02T00:00:00+00:00' where id = ?", [first])
        st.db.execute("update articles set ingested_at = '2022-01-01T00:00:00+00:00' where id = ?", [second])
    sync(st, db_path.with_name("quotes.index"))
    return st


def check(store: Store, claim: str, speaker: str | None = None):
    return verify(store, None, claim, speaker=speaker)


def test_confirmed_shows_the_earliest_by_that_speaker(store):
    v = check(store, QUAY, "Petrova")
    assert v.verdict == "confirmed" and v.ok
    assert (v.earliest.speaker, v.earliest.publisher) == ("Ana Petrova", "Harbour Gazette")
    assert v.confidence == 0.95 and v.similarity == 1.0
    assert [e.publisher for e in v.evidence] == ["Quayside Blog", "Coast Radio", "Harbour Gazette", "Valley Times"]
    assert v.said_by == [None, "Port Authority", "Ana Petrova"]
    assert 'first in "Harbour master on the quay", Harbour Gazette, 2022-05-03; repeated in 3 other articles' in v.message
    assert "1 article gives them to Port Authority" in v.message and "1 article names no speaker" in v.message
    assert 'the words appear earlier, in "Notice at the quay", Quayside Blog, 2022-04-28' in v.message


def test_misattributed_shows_the_earliest_by_the_speaker_named(store):
    v = check(store, QUAY, "Jonas Berg")
    assert v.verdict == "misattributed" and not v.ok
    # Not the earliest appearance overall, which names no speaker: the verdict rests on who is named.
    assert (v.earliest.speaker, v.earliest.publisher) == ("Port Authority", "Coast Radio")
    assert v.confidence == 0.7
    assert "said by Port Authority and Ana Petrova, not Jonas Berg" in v.message
    assert v.evidence[0].speaker is None


def test_found_without_a_speaker_names_who_said_it(store):
    v = check(store, "reopen to fishing boats")
    assert v.verdict == "found" and v.earliest.speaker == "Port Authority"


def test_words_no_article_attributes_are_unattributed(store):
    for speaker in ("Tomas Reyes", None):
        v = check(store, "show absolutely no mercy", speaker)
        assert v.verdict == "unattributed", v.message
        assert not v.ok
        assert v.said_by == [None] and v.confidence is None
        assert v.earliest.quote == MERCY
        assert "no article says who said them" in v.message
        assert "unidentified" not in v.message


def test_a_title_is_never_evidence(store):
    v = check(store, TITLE, "Lena Ortiz")
    assert v.verdict == "not_found", v.message
    assert v.evidence == []
    assert check(store, "A harbour beneath the rain").verdict == "not_found"


def test_one_word_matches_only_a_whole_quote(store):
    short = check(store, "Like", "Harbour Company")
    assert short.verdict == "too_short" and not short.ok
    assert short.evidence == [] and "Too short to verify" in short.message
    assert check(store, "like").verdict == "too_short"
    assert check(store, "market hall").verdict == "too_short"
    whole = check(store, "Reckless!", "Reyes")
    assert whole.verdict == "confirmed" and whole.earliest.quote == "reckless"
    assert check(store, "reckless", "Petrova").verdict == "misattributed"


def test_only_common_words_match_only_a_whole_quote(store):
    assert check(store, "we would like to").verdict == "too_short"
    # More than common words: found inside the longer quote.
    assert check(store, "we would like to see the market hall").verdict == "found"


def test_undated_articles_come_after_the_dated_ones(store):
    v = check(store, QUAY, "Petrova")
    assert v.evidence[-1].published is None and v.evidence[-1].publisher == "Valley Times"
    assert v.dates == "1 of the 4 articles is undated, listed after the dated ones in the order they were stored."


def test_undated_first_appearance_goes_by_ingestion_time(store):
    v = check(store, "the lighthouse keeper retires", "Berg")
    assert v.verdict == "confirmed"
    assert [e.publisher for e in v.evidence] == ["Harbour Gazette", "Coast Radio"]  # stored first, not lower id
    assert v.evidence[0].article_id > v.evidence[1].article_id
    assert v.earliest.ingested_at == "2022-01-01T00:00:00+00:00"
    assert 'first in "Forty years at the light", Harbour Gazette, undated' in v.message
    assert v.dates == "No article carrying these words is dated: they are listed in the order they were stored."


def test_altered_rests_on_the_claimed_speakers_words(store):
    v = check(store, "The quay will reopen to fishing boats in the autumn", "Petrova")
    assert v.verdict == "altered"
    assert v.earliest.speaker == "Ana Petrova" and v.confidence == 0.95
    assert v.similarity == v.earliest.similarity < 1
    nobody = check(store, "Show absolutely no mercy to the pirates", "Reyes")
    assert nobody.verdict == "altered"
    assert "with no speaker named" in nobody.message and "no article says who said it" in nobody.message


# -- command line and site -----------------------------------------------------------


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["verify", *args, "--db", str(db_path)])


def test_cli_shows_the_evidence_and_how_sure(store, db_path):
    result = run(db_path, QUAY, "--speaker", "Petrova")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "How sure: attribution confidence 0.95, similarity 1.00.\n" in out
    assert "\nFirst appearance by Ana Petrova:\n" in out
    assert "  how sure: attribution confidence 0.95, similarity 1.00\n" in out
    assert "  article:  Harbour master on the quay \u2014 Harbour Gazette, 2022-05-03\n" in out
    assert "Also in 3 other quotes, oldest first:" in out
    assert "  - undated  Valley Times: Boats return  [Ana Petrova;" in out
    assert "[no speaker named;" in out
    assert out.rstrip().endswith("listed after the dated ones in the order they were stored.")


@pytest.mark.parametrize(
    "args,verdict",
    [
        (["show absolutely no mercy", "--speaker", "Reyes"], "unattributed"),
        (["show absolutely no mercy"], "unattributed"),
        (["Like", "--speaker", "Harbour Company"], "too_short"),
        ([QUAY, "--speaker", "Berg"], "misattributed"),
    ],
)
def test_cli_exit_status_of_the_new_verdicts(store, db_path, args, verdict):
    result = run(db_path, *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(verdict.upper().replace("_", " ") + "  ")
    data = json.loads(run(db_path, *args, "--json").stdout)
    assert data["verdict"] == verdict and data["ok"] is False


def test_cli_not_found_says_how_close_it_came(store, db_path):
    result = run(db_path, "The lighthouse will be painted purple", "--speaker", "Berg")
    assert result.exit_code == 1
    assert result.output.startswith("NOT FOUND  ")
    similarity = json.loads(run(db_path, "The lighthouse will be painted purple", "--json").stdout)["similarity"]
    assert 0 < similarity < 0.6
    assert f"How sure: similarity {similarity:.2f} (the closest stored quote).\n" in result.output


def test_cli_json_carries_how_sure(store, db_path):
    result = run(db_path, QUAY, "--speaker", "Jonas Berg", "--json")
    data = json.loads(result.stdout)
    assert (data["confidence"], data["similarity"]) == (0.7, 1.0)
    assert data["earliest"]["speaker"] == "Port Authority" and data["earliest"]["confidence"] == 0.7
    assert [e["confidence"] for e in data["evidence"]] == [None, 0.7, 0.95, 0.6]
    assert data["dates"].startswith("1 of the 4 articles is undated")


@pytest.fixture
async def site(store, db_path):
    datasette = make_datasette(db_path, index_dir=db_path.with_name("quotes.index"))
    await datasette.invoke_startup()
    return datasette


async def test_verify_page_json(site):
    async def verdict(words: str, speaker: str = "") -> dict:
        data = (await site.client.get("/-/quotes/verify.json", params={"words": words, "speaker": speaker})).json()
        assert data["ok"], data
        return data["verdict"]

    confirmed = await verdict(QUAY, "Petrova")
    assert confirmed["verdict"] == "confirmed" and confirmed["earliest"]["publisher"] == "Harbour Gazette"
    assert confirmed["confidence"] == 0.95
    assert (await verdict(QUAY, "Berg"))["earliest"]["speaker"] == "Port Authority"
    assert (await verdict("show absolutely no mercy", "Reyes"))["verdict"] == "unattributed"
    assert (await verdict("Like", "Harbour Company"))["verdict"] == "too_short"
    assert (await verdict(TITLE, "Lena Ortiz"))["verdict"] == "not_found"
    undated = await verdict("the lighthouse keeper retires")
    assert [e["publisher"] for e in undated["evidence"]] == ["Harbour Gazette", "Coast Radio"]
    assert undated["dates"].startswith("No article carrying these words is dated")


async def test_verify_page_shows_the_verdict_and_how_sure(site):
    html = (await site.client.get("/-/quotes/verify", params={"words": QUAY, "speaker": "Petrova"})).text
    assert 'id="verdict">confirmed<' in html
    assert 'id="verdict-sureness">attribution confidence 0.95, similarity 1.00<' in html
    assert 'class="quotes-first">first appearance by Ana Petrova<' in html
    assert 'id="verdict-dates">1 of the 4 articles is undated' in html
    assert "\u00b7 undated" in html
    berg = (await site.client.get("/-/quotes/verify", params={"words": QUAY, "speaker": "Berg"})).text
    # The misattribution rests on the earliest named speaker, not the first item listed.
    assert berg.index("no speaker named") < berg.index("first appearance by Port Authority")
    short = (await site.client.get("/-/quotes/verify", params={"words": "Like", "speaker": "Harbour Company"})).text
    assert 'id="verdict">too short<' in short and "verdict-sureness" not in short
    missing = (await site.client.get("/-/quotes/verify", params={"words": "The lighthouse will be painted purple"})).text
    assert 'id="verdict">not found<' in missing
    assert re.search(r'id="verdict-sureness">similarity 0\.\d\d \(the closest stored quote\)<', missing)
    unattributed = (await site.client.get("/-/quotes/verify", params={"words": "show absolutely no mercy"})).text
    assert 'id="verdict">unattributed<' in unattributed and "quotes-verdict-unattributed" in unattributed
    assert "first appearance (no speaker named)" in unattributed
