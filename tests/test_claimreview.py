"""A verdict as schema.org ClaimReview JSON-LD, on a real SQLite store and Whoosh index:
filled from the evidence for a confirmed, a misattributed and an altered claim, checked
against the fields Google's fact-check markup requires and recommends, with nothing
made up where the evidence is silent; and a stored quote as schema.org Quotation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Said, article_with_quotes

from cli.main import cli
from index import sync
from index.claimreview import (
    CLAIM_RECOMMENDED,
    RATING_RECOMMENDED,
    RATING_REQUIRED,
    RECOMMENDED,
    REQUIRED,
    quotation,
)
from quotes.store import Store

QUAY = "The quay will reopen to fishing boats in the spring"
OPTIONS = ["--rating-name", "Correct", "--rating", "5/5", "--review-url", "https://checks.example/quay",
           "--reviewer", "Harbour Checks", "--review-date", "2024-06-01"]


@pytest.fixture
def db(db_path: Path) -> Path:
    st = Store(db_path)
    for said, meta in [
        (Said(QUAY, "Ana Petrova", "Ana Petrova", role="harbour master", after="said Ana Petrova, the harbour master."),
         {"title": "Harbour master on the quay", "publisher": "Harbour Gazette", "published": "2024-05-03",
          "url": "https://gazette.example/quay"}),
        (Said(QUAY, "Ana Petrova", "Petrova"),
         {"title": "Boats return", "publisher": "Coast Radio", "published": "2024-05-10", "url": "https://radio.example/boats"}),
        (Said(QUAY, "Ana Petrova", "Petrova"), {"title": "Spring at the quay", "publisher": "Valley Times",
                                                "lead": "Spring comes to the coast.\n\n"}),  # undated
    ]:
        lead = meta.pop("lead", "")
        article, quotes = article_with_quotes([said], lead=lead, **meta)
        st.add(article, quotes)
    sync(st, db_path.with_name("quotes.index"))
    return db_path


def review(db: Path, words: str, speaker: str, *options: str) -> tuple[dict, str, int]:
    result = CliRunner().invoke(cli, ["verify", words, "--speaker", speaker, "--db", str(db), "--claimreview", *options])
    return json.loads(result.stdout), result.stderr, result.exit_code


def test_a_confirmed_claim_fills_every_field_google_asks_for(db: Path):
    r, err, code = review(db, QUAY, "Petrova", *OPTIONS)
    assert code == 0 and err == ""
    assert (r["@context"], r["@type"]) == ("https://schema.org", "ClaimReview")
    assert all(k in r for k in REQUIRED + RECOMMENDED)
    assert all(k in r["reviewRating"] for k in RATING_REQUIRED + RATING_RECOMMENDED)
    assert all(k in r["itemReviewed"] for k in CLAIM_RECOMMENDED)
    assert r["claimReviewed"] == f"Petrova said \u201c{QUAY}\u201d"
    assert r["reviewRating"] == {"@type": "Rating", "alternateName": "Correct", "ratingValue": 5, "bestRating": 5,
                                 "worstRating": 1}
    assert (r["url"], r["datePublished"]) == ("https://checks.example/quay", "2024-06-01")
    assert r["author"] == {"@type": "Organization", "name": "Harbour Checks"}
    claim = r["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": "Ana Petrova", "jobTitle": "harbour master"}
    assert claim["datePublished"] == "2024-05-03"
    assert claim["firstAppearance"] == {
        "@type": "NewsArticle", "url": "https://gazette.example/quay", "headline": "Harbour master on the quay",
        "publisher": {"@type": "Organization", "name": "Harbour Gazette"}, "datePublished": "2024-05-03"}
    # the other appearances, oldest first; the undated one has no date, and none is made up
    assert claim["appearance"] == [
        {"@type": "NewsArticle", "url": "https://radio.example/boats", "headline": "Boats return",
         "publisher": {"@type": "Organization", "name": "Coast Radio"}, "datePublished": "2024-05-10"},
        {"@type": "NewsArticle", "headline": "Spring at the quay", "publisher": {"@type": "Organization", "name": "Valley Times"}},
    ]


def test_a_misattributed_claim_names_the_claimed_speaker_and_says_whose_words_they_are(db: Path):
    r, _, code = review(db, QUAY, "Tomas Reyes", "--rating-name", "Misattributed", "--review-url", "https://checks.example/q")
    assert code == 1
    assert r["claimReviewed"] == f"Tomas Reyes said \u201c{QUAY}\u201d"
    assert r["itemReviewed"]["author"] == {"@type": "Person", "name": "Tomas Reyes"}  # no role made up
    assert r["itemReviewed"]["firstAppearance"]["url"] == "https://gazette.example/quay"
    assert r["reviewBody"].startswith("Misattributed: these words were said by Ana Petrova, not Tomas Reyes")
    assert r["reviewRating"] == {"@type": "Rating", "alternateName": "Misattributed"}


def test_an_altered_claim_and_what_is_missing_is_named_not_invented(db: Path):
    r, err, code = review(db, "The quay will reopen to cruise ships in the spring", "Ana Petrova")
    assert code == 1
    assert r["reviewBody"].startswith("Altered")
    assert "reviewRating" not in r and "url" not in r and "author" not in r
    assert err.splitlines()[0] == "ClaimReview lacks what Google's fact-check markup requires: reviewRating, url"
    assert "author, datePublished" in err.splitlines()[1]
    assert r["itemReviewed"]["firstAppearance"]["headline"] == "Harbour master on the quay"


@pytest.mark.parametrize("option, message", [
    (["--rating", "six"], "give a number"),
    (["--rating", "7/5"], "off the scale"),
    (["--review-date", "soon"], "not a date"),
])
def test_a_bad_rating_is_one_line(db: Path, option: list[str], message: str):
    result = CliRunner().invoke(cli, ["verify", QUAY, "--speaker", "Petrova", "--db", str(db), "--claimreview", *option])
    assert result.exit_code == 2 and message in result.output


def test_a_quote_as_a_quotation(db: Path):
    [row] = [r for r in Store(db, read_only=True).quote_rows() if r["publisher"] == "Harbour Gazette"]
    q = quotation(row, url="http://127.0.0.1:8001/-/quotes/quote/1")
    assert q == {
        "@context": "https://schema.org", "@type": "Quotation", "text": QUAY,
        "spokenByCharacter": {"@type": "Person", "name": "Ana Petrova", "jobTitle": "harbour master"},
        "isPartOf": {"@type": "NewsArticle", "url": "https://gazette.example/quay", "headline": "Harbour master on the quay",
                     "publisher": {"@type": "Organization", "name": "Harbour Gazette"}, "datePublished": "2024-05-03"},
        "url": "http://127.0.0.1:8001/-/quotes/quote/1",
    }


@pytest.fixture
async def site(db: Path):
    from quotes_datasette.serve import make_datasette

    datasette = make_datasette(db, index_dir=db.with_name("quotes.index"))
    await datasette.invoke_startup()
    return datasette


async def test_the_verify_page_as_claimreview(site):
    params = {"words": QUAY, "speaker": "Petrova", "rating_name": "Correct", "rating": "5/5",
              "review_url": "https://checks.example/quay", "reviewer": "Harbour Checks", "review_date": "2024-06-01"}
    response = await site.client.get("/-/quotes/verify.jsonld", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    r = response.json()
    assert all(k in r for k in REQUIRED + RECOMMENDED)
    assert r["itemReviewed"]["firstAppearance"]["url"] == "https://gazette.example/quay"
    assert r["reviewRating"]["alternateName"] == "Correct"
    bad = await site.client.get("/-/quotes/verify.jsonld", params={**params, "rating": "9/5"})
    assert bad.status_code == 400 and "off the scale" in bad.json()["error"]
    html = (await site.client.get("/-/quotes/verify", params={"words": QUAY})).text
    assert "/-/quotes/verify.jsonld?" in html


async def test_the_quote_page_as_quotation(site):
    response = await site.client.get("/-/quotes/quote/1.jsonld")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    q = response.json()
    assert (q["@type"], q["text"], q["spokenByCharacter"]["name"]) == ("Quotation", QUAY, "Ana Petrova")
    assert q["url"].endswith("/-/quotes/quote/1")
    assert (await site.client.get("/-/quotes/quote/99.jsonld")).status_code == 404
    page = (await site.client.get("/-/quotes/quote/1")).text
    assert "/-/quotes/quote/1.jsonld" in page and "as extracted, not reviewed" in page
