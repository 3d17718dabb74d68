"""Full-text search on a real Whoosh index built from a real SQLite store."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Said, article_with_quotes

from cli.main import cli
from index import QueryError, QuoteIndex, sync
from quotes.model import Article, Quote
from quotes.store import Store

OPEN, CLOSE = "\u201c", "\u201d"

# (words, speaker, kind) per article, with the article's metadata
ARTICLES = [
    (
        [("The ferry timetable will change in April", "Ana Lopez", "direct"),
         ("Passengers deserve a reliable ferry", "Ana Lopez", "direct")],
        {"title": "Ferry changes announced", "publisher": "Island Post", "published": "2019-02-11",
         "url": "https://post.example/ferry"},
    ),
    (
        [("A reliable ferry is not a luxury", "Ben Okafor", "direct"),
         ("temporary", "Ben Okafor", "partial")],
        {"title": "Union answers on ferries", "publisher": "Harbour Gazette", "published": "2019-05-20",
         "url": "https://gazette.example/union"},
    ),
    (
        [("Bridges last longer than ferries", "Ana Lopez", "direct"),
         ("Our lighthouse keepers are volunteers", "Chen Wei", "direct")],
        {"title": "Lighthouse volunteers honoured", "publisher": "Harbour Gazette", "published": "2021-08-30",
         "url": "https://gazette.example/lighthouse"},
    ),
    (
        [("Nobody reads the timetable anyway", None, "direct")],
        {"title": "Letters", "publisher": "Island Post", "published": None, "url": None},
    ),
]


def build(db_path: Path) -> Store:
    store = Store(db_path)
    for said, meta in ARTICLES:
        store.add(*article_with_quotes(
            [Said(words, speaker, speaker, kind=kind, after=f"{speaker} said." if speaker else "one reader wrote.",
                  role="Transport Minister" if speaker == "Ana Lopez" else None)
             for words, speaker, kind in said],
            lead=(meta["title"] or "") + "\n\n", locate_mentions=False, **meta,
        ))
    return store


@pytest.fixture
def qi(db_path: Path) -> QuoteIndex:
    store = build(db_path)
    index_dir = db_path.with_name("quotes.index")
    sync(store, index_dir)
    with QuoteIndex(index_dir) as q:
        yield q


def quotes_of(results) -> list[str]:
    return [h.text for h in results.hits]


def test_term_is_stemmed_and_highlighted(qi):
    r = qi.search("ferries")
    assert r.total == 4
    assert set(quotes_of(r)) == {
        "The ferry timetable will change in April", "Passengers deserve a reliable ferry",
        "A reliable ferry is not a luxury", "Bridges last longer than ferries",
    }
    for hit in r.hits:
        assert hit.highlights
        for start, end in hit.highlights:
            assert hit.text[start:end].lower().startswith("ferr")
        assert "[" in hit.highlighted


def test_every_hit_names_its_source(qi):
    hit = qi.search('"not a luxury"').hits[0]
    assert hit.speaker == "Ben Okafor"
    assert hit.title == "Union answers on ferries"
    assert hit.publisher == "Harbour Gazette"
    assert hit.published == "2019-05-20"
    assert hit.url == "https://gazette.example/union"
    assert isinstance(hit.quote_id, int) and hit.score > 0


@pytest.mark.parametrize(
    "query,expected",
    [
        ('"reliable ferry"', {"Passengers deserve a reliable ferry", "A reliable ferry is not a luxury"}),
        ("ferry AND NOT reliable", {"The ferry timetable will change in April", "Bridges last longer than ferries"}),
        ("lighthouse OR luxury", {"Our lighthouse keepers are volunteers", "A reliable ferry is not a luxury"}),
        ("volunt*", {"Our lighthouse keepers are volunteers"}),
        ("lighthuose~2", {"Our lighthouse keepers are volunteers"}),
        ("speaker:okafor", {"A reliable ferry is not a luxury", "temporary"}),
        ("speaker:lopez publisher:gazette", {"Bridges last longer than ferries"}),
        ("role:minister timetable", {"The ferry timetable will change in April"}),
        ("title:letters", {"Nobody reads the timetable anyway"}),
        ("kind:partial", {"temporary"}),
        ("published:2021", {"Bridges last longer than ferries", "Our lighthouse keepers are volunteers"}),
        ("context:wrote", {"Nobody reads the timetable anyway"}),
        ("quote:luxury", {"A reliable ferry is not a luxury"}),
        ("date:[2019-05-01 to 2019-05-31]", {"A reliable ferry is not a luxury", "temporary"}),
        ("Speaker:Chen", {"Our lighthouse keepers are volunteers"}),
    ],
)
def test_query_language(qi, query, expected):
    r = qi.search(query)
    assert set(quotes_of(r)) == expected
    assert r.total == len(expected)


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"speaker": "Ana Lopez"}, 3),
        ({"speaker": "lopez"}, 3),
        ({"publisher": "harbour gazette"}, 4),
        ({"since": "2019-05-20"}, 4),
        ({"until": "2019"}, 4),
        ({"since": "2019-03", "until": "2019-05"}, 2),
        ({"since": "2021-08-30", "until": "2021-08-30"}, 2),
        ({"kind": "partial"}, 1),
        ({"speaker": "Nobody Known"}, 0),
    ],
)
def test_filters(qi, kwargs, expected):
    assert qi.search("", **kwargs).total == expected


def test_date_filter_with_words(qi):
    r = qi.search("ferry", since="2019-03-01")
    assert set(quotes_of(r)) == {"A reliable ferry is not a luxury", "Bridges last longer than ferries"}


def test_facets_count_all_matches(qi):
    r = qi.search("ferry", limit=1, facets=True)
    assert len(r.hits) == 1
    assert r.facets == [{"speaker": "Ana Lopez", "count": 3}, {"speaker": "Ben Okafor", "count": 1}]


@pytest.mark.parametrize("query", ["ferry", '"reliable ferry"', "ferry OR lighthouse"])
def test_total_counts_beyond_the_page(qi, query):
    everything = qi.search(query, limit=100)
    one = qi.search(query, limit=1)
    assert len(one.hits) == 1 and one.total == everything.total == len(everything.hits) > 1


def test_paging(qi):
    everything = [h.quote_id for h in qi.search("ferry", limit=10).hits]
    page = [h.quote_id for h in qi.search("ferry", limit=2, offset=2).hits]
    assert page == everything[2:4]


def test_suggestions_only_when_nothing_matches(qi):
    r = qi.search("lighthuose")
    assert r.total == 0
    assert r.suggestions == ["lighthouse"]
    assert qi.search("lighthouse").suggestions == []


@pytest.mark.parametrize(
    "query,message",
    [
        ('"reliable ferry', "unbalanced quotation marks"),
        ("(ferry OR bridge", "unbalanced parentheses"),
        ("ferry)", "unbalanced parentheses"),
        ("author:lopez", "unknown field 'author'"),
        ("published:yesterdayish", "not a date"),
        ("to be or not to be", "nothing to search for .* verify checks exact wording"),  # without the store
    ],
)
def test_bad_queries(qi, query, message):
    with pytest.raises(QueryError, match=message):
        qi.search(query)


def test_bad_filter_date(qi):
    with pytest.raises(QueryError, match="not a date"):
        qi.search("ferry", since="last spring")


def test_to_dict_is_json(qi):
    d = qi.search("ferry", facets=True).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["hits"][0]["highlights"]


# -- command line -------------------------------------------------------------------


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["search", *args, "--db", str(db_path)])


def test_cli_builds_missing_index_and_prints_table(db_path):
    build(db_path)
    result = run(db_path, "lighthouse")
    assert result.exit_code == 0, result.output
    assert "Building the search index" in result.stderr
    out = result.stdout
    for column in ("quote_id", "speaker", "title", "publisher", "published", "url"):
        assert column in out
    assert "[lighthouse]" in out and "Chen Wei" in out and "Harbour Gazette" in out
    assert "1-1 of 1 quote" in out


def test_cli_json_nl_csv(qi, db_path):
    rows = json.loads(run(db_path, "ferry", "--json").stdout)
    assert len(rows) == 4
    assert {"quote_id", "quote", "speaker", "title", "publisher", "published", "url", "highlights"} <= set(rows[0])
    nl = [json.loads(line) for line in run(db_path, "ferry", "--nl").stdout.splitlines()]
    assert [r["quote_id"] for r in nl] == [r["quote_id"] for r in rows]
    parsed = list(csv.DictReader(io.StringIO(run(db_path, "ferry", "--csv").stdout)))
    assert [int(r["quote_id"]) for r in parsed] == [r["quote_id"] for r in rows]
    assert parsed[0]["url"].startswith("https://")


def test_cli_json_with_facets(qi, db_path):
    data = json.loads(run(db_path, "ferry", "--json", "--facets").stdout)
    assert data["total"] == 4 and data["facets"][0] == {"speaker": "Ana Lopez", "count": 3}


def test_cli_filters(qi, db_path):
    rows = json.loads(run(db_path, "", "--speaker", "Okafor", "--kind", "direct", "--json").stdout)
    assert [r["quote"] for r in rows] == ["A reliable ferry is not a luxury"]
    rows = json.loads(run(db_path, "ferry", "--since", "2021", "--json").stdout)
    assert [r["published"] for r in rows] == ["2021-08-30"]


def test_cli_did_you_mean(qi, db_path):
    result = run(db_path, "lihgthouse")
    assert result.exit_code == 0
    assert "Did you mean: lighthouse" in result.stderr


@pytest.mark.parametrize(
    "args",
    [['"unclosed phrase'], ["(ferry"], ["nosuchfield:x"], ["published:notadate"], ["ferry", "--since", "whenever"]],
)
def test_cli_bad_query_is_one_line(qi, db_path, args):
    result = run(db_path, *args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")


def test_cli_bad_kind_is_usage_error(qi, db_path):
    result = run(db_path, "ferry", "--kind", "sarcastic")
    assert result.exit_code == 2


def test_cli_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such database" in result.output


COMMON = [
    ("To be or not to be", "Ana Lopez", {"title": "Budget", "publisher": "Island Post", "published": "2020-01-05"}),
    ("Not to be outdone, we will be there", "Ben Okafor", {"title": "Port", "publisher": "Harbour Gazette",
                                                      "published": "2022-03-01"}),
    ("To be or not to be, that is the question for us", "Ben Okafor", {"title": "Port again", "publisher": "Harbour Gazette",
                                                         "published": "2022-04-01"}),
]


@pytest.fixture
def common(db_path: Path) -> tuple[Store, QuoteIndex]:
    store = Store(db_path)
    for words, speaker, meta in COMMON:
        text = f"{meta['title']}\n\n{OPEN}{words},{CLOSE} {speaker} said.\n"
        start = text.index(words)
        store.add(Article(text=text, **meta), [Quote(
            text=words, start=start, end=start + len(words), speaker=speaker, speaker_kind="person")])
    index_dir = db_path.with_name("quotes.index")
    sync(store, index_dir)
    with QuoteIndex(index_dir) as q:
        yield store, q


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({}, {"To be or not to be", "To be or not to be, that is the question for us"}),
        ({"speaker": "Okafor"}, {"To be or not to be, that is the question for us"}),
        ({"speaker": "ben okafor", "until": "2022-03"}, set()),
        ({"publisher": "island post"}, {"To be or not to be"}),
        ({"since": "2021"}, {"To be or not to be, that is the question for us"}),
        ({"speaker": "Nobody Known"}, set()),
    ],
)
def test_common_words_are_searched_as_a_phrase_in_sqlite(common, filters, expected):
    store, qi = common
    with pytest.raises(QueryError, match="nothing to search for"):
        qi.search("to be or not to be", **filters)
    r = qi.search("to be or not to be", store=store, facets=True, **filters)
    assert set(quotes_of(r)) == expected and r.total == len(expected)
    for hit in r.hits:
        assert hit.highlighted.startswith("[To] [be] [or] [not] [to] [be]")
    assert sum(f["count"] for f in r.facets) == len(expected)


def test_common_words_rank_and_page(common):
    store, qi = common
    r = qi.search('"not to be"', store=store, limit=1, offset=1)
    assert r.total == 3 and len(r.hits) == 1
    every = [h.quote_id for h in qi.search('"not to be"', store=store, limit=10).hits]
    assert r.hits[0].quote_id == every[1]
    scores = [h.score for h in qi.search('"not to be"', store=store, limit=10).hits]
    assert scores == sorted(scores, reverse=True)


def test_common_words_from_the_command_line(common, db_path):
    result = CliRunner().invoke(cli, ["search", "to be or not to be", "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    assert {h["quote"] for h in json.loads(result.output)} == {"To be or not to be", "To be or not to be, that is the question for us"}
