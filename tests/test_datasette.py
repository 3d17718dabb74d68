"""Publishing with Datasette: metadata, facets, canned queries, read-only serving, and
the plugin's search and verify pages, all through Datasette's ASGI client."""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FERRY_ANTECEDENT, located_quote
from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils import escape_fts
from hypothesis import given, settings
from hypothesis import strategies as st

import index
from cli.main import cli
from quotes.model import Article, Quote
from quotes.store import Store
from quotes_datasette import is_quotes_database
from quotes_datasette.serve import ServeError, make_datasette

SCRIPT = "<script>alert(1)</script>"

# (article fields, [(quoted words, speaker, kind of speaker, mention, cue, method, confidence)])
CORPUS = [
    (
        dict(
            doc_id="gazette-1",
            title="Council backs bridge budget",
            publisher="Riverside Gazette",
            published="2024-03-05",
            url="https://gazette.example/bridge-budget",
            text=(
                'Mayor Alice Moreno said: "We will finish the job on the bridge before winter." '
                "The council voted seven to two.\n\n"
                '"This budget is a promise kept," Moreno told reporters.\n\n'
                f'One protester\'s placard read "{SCRIPT}" in marker pen.'
            ),
        ),
        [
            ("We will finish the job on the bridge before winter.", "Alice Moreno", "person", "Mayor Alice Moreno", "said", "named-subject", 0.95),
            ("This budget is a promise kept,", "Alice Moreno", "person", "Moreno", "told reporters", "post-posed", 0.9),
            (SCRIPT, None, None, None, None, None, 0.1),
        ],
    ),
    (
        dict(
            doc_id="post-7",
            title=f"Bridge delayed again {SCRIPT}",
            publisher="Harbour Post",
            published="2024-06-20",
            url="https://post.example/bridge-delay",
            text=(
                'Engineer Tom Okafor said the deck "cannot be finished before spring". '
                '"The steel arrived late," Okafor said. '
                'Asked about the delay, Alice Moreno said: "We will finish the job on the bridge."'
            ),
        ),
        [
            ("cannot be finished before spring", "Tom Okafor", "person", "Engineer Tom Okafor", "said", "named-subject", 0.8),
            ("The steel arrived late,", "Tom Okafor", "person", "Okafor", "said", "post-posed", 0.9),
            ("We will finish the job on the bridge.", "Alice Moreno", "person", "Alice Moreno", "said", "named-subject", 0.95),
        ],
    ),
    (
        dict(
            doc_id="gazette-2",
            title="Ferry service ends after forty years",
            publisher="Riverside Gazette",
            published="2023-11-02",
            url="https://gazette.example/ferry",
            text='"The ferry has served this town well," said Captain Ruth Lee, "but the bridge is the future."',
        ),
        [
            ("The ferry has served this town well,", "Ruth Lee", "person", "Captain Ruth Lee", "said", "post-posed", 0.85),
            ("but the bridge is the future.", "Ruth Lee", "person", "Captain Ruth Lee", "said", "paragraph-carry", 0.6),
        ],
    ),
]


def add_article(store: Store, fields: dict, specs: list[tuple]) -> list[int]:
    """Store an article with quotes located by their words (offsets computed, not typed)."""
    article = Article(**fields)
    quotes = []
    pos = 0
    for words, speaker, skind, mention, cue, method, confidence in specs:
        q = located_quote(
            article.text, words, after=pos, speaker=speaker, speaker_kind=skind, mention=mention,
            kind="partial" if words[0].islower() else "direct", cue=cue, method=method, confidence=confidence,
        )
        quotes.append(q)
        pos = q.end
    return store.add(article, quotes).quote_ids


def build_database(db_path: Path) -> Path:
    """The corpus above in a real SQLite file, with its Whoosh index beside it."""
    store = Store(db_path)
    for fields, specs in CORPUS:
        add_article(store, fields, specs)
    index_dir = db_path.with_name(db_path.stem + ".index")
    index.rebuild(store, index_dir)
    store.db.conn.close()
    return index_dir


@pytest.fixture
def built(db_path):
    index_dir = build_database(db_path)
    return db_path, index_dir


@pytest.fixture
async def ds(built):
    db_path, index_dir = built
    datasette = make_datasette(db_path, index_dir=index_dir)
    await datasette.invoke_startup()
    return datasette


def quote_count(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("select count(*) from quotes").fetchone()[0]
    finally:
        conn.close()


# -- metadata -----------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["quotes.db", "news-2024.db"])
async def test_metadata_applies_whatever_the_file_is_called(tmp_path, filename):
    db_path = tmp_path / filename
    build_database(db_path)
    datasette = make_datasette(db_path)
    await datasette.invoke_startup()
    name = db_path.stem
    response = await datasette.client.get(f"/{name}.json")
    assert response.status_code == 200
    queries = {q["name"] for q in response.json()["queries"]}
    assert {"quotes_by_speaker", "who_said", "most_quoted_speakers", "articles_most_quotes",
            "quotes_in_date_range", "unattributed_quotes"} <= queries
    html = (await datasette.client.get(f"/{name}/quotes")).text
    assert "One row per quoted span" in html
    assert "Quotes: who said it, where, and when" in (await datasette.client.get("/")).text


async def test_plain_datasette_serve_gets_the_plugin(tmp_path):
    """`datasette serve news.db` with the package installed: same metadata and pages."""
    from datasette.app import Datasette

    db_path = tmp_path / "news.db"
    build_database(db_path)
    datasette = Datasette([str(db_path)])
    await datasette.invoke_startup()
    plugins = {p["name"] for p in (await datasette.client.get("/-/plugins.json")).json()}
    assert "news-quotes" in plugins  # the distribution that registers the datasette entry point
    assert datasette.metadata("fts_table", database="news", table="quotes") == "quotes_fts"
    data = (await datasette.client.get("/-/quotes.json?q=ferry")).json()
    assert [h["quote_id"] for h in data["hits"]] == [7]
    response = await datasette.client.post("/news/quotes_by_speaker", data={"speaker": "x"})
    assert response.status_code == 405


def test_plugin_import_stays_light():
    """Datasette imports the plugin while ``datasette.app`` is still importing: the hooks
    come without the server, the workers or the index."""
    script = (
        "import json, sys\n"
        "import quotes_datasette\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout))
    assert {"quotes_datasette.hooks", "quotes_datasette.routing", "quotes_datasette.pages"} <= modules
    heavy = {"datasette.app", "quotes_datasette.serve", "quotes_datasette.workers", "quotes_datasette.jobs", "index", "whoosh"}
    assert modules & heavy == set()


def test_packaged_metadata_is_the_top_level_file():
    root = Path(__file__).resolve().parent.parent
    packaged = root / "quotes_datasette" / "metadata.json"
    assert json.loads(packaged.read_text()) == json.loads((root / "metadata.json").read_text())


async def test_every_visible_table_and_column_is_described(ds, built):
    db_path, _ = built
    conn = sqlite3.connect(db_path)
    meta = ds.metadata(database=db_path.stem)["tables"]
    for table in ("articles", "speakers", "speaker_aliases", "quotes", "quotes_view", "quote_search"):
        columns = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        assert columns, table
        assert meta[table].get("description"), table
        described = meta[table].get("columns", {})
        missing = [c for c in columns if not described.get(c)]
        assert not missing, f"{table}: no description for {missing}"
        # sortable columns and facets must name real columns
        for col in meta[table].get("sortable_columns", []):
            assert col in columns, (table, col)
        for facet in meta[table].get("facets", []):
            col = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert col in columns, (table, col)
    conn.close()


async def test_fts_shadow_tables_hidden(ds):
    tables = (await ds.client.get("/quotes.json")).json()["tables"]
    by_name = {t["name"]: t for t in tables}
    for name in ("quotes_fts", "quotes_fts_data", "quotes_fts_idx", "quotes_fts_config", "quotes_fts_docsize"):
        assert by_name[name]["hidden"], name
    assert not by_name["quotes"]["hidden"]


async def test_foreign_keys_show_labels(ds):
    rows = (await ds.client.get("/quotes/quotes.json?_labels=on&_shape=objects&_sort=id")).json()["rows"]
    assert rows[0]["speaker_id"] == {"value": 1, "label": "Alice Moreno"}
    assert rows[0]["article_id"] == {"value": 1, "label": "Council backs bridge budget"}
    assert rows[2]["speaker_id"] is None


async def test_default_facets(ds):
    quotes = (await ds.client.get("/quotes/quotes.json?_labels=on")).json()["facet_results"]
    assert set(quotes) == {"speaker_id", "kind", "review"}
    assert {r["value"]: r["count"] for r in quotes["review"]["results"]} == {"machine": 8}
    speakers = {r["label"]: r["count"] for r in quotes["speaker_id"]["results"]}
    assert speakers == {"Alice Moreno": 3, "Tom Okafor": 2, "Ruth Lee": 2}  # nulls are not faceted
    assert {r["value"]: r["count"] for r in quotes["kind"]["results"]} == {"direct": 6, "partial": 2}
    articles = (await ds.client.get("/quotes/articles.json")).json()["facet_results"]
    assert {r["value"]: r["count"] for r in articles["publisher"]["results"]} == {"Riverside Gazette": 2, "Harbour Post": 1}
    assert articles["published"]["type"] == "date"
    assert {r["value"]: r["count"] for r in articles["published"]["results"]} == {
        "2024-03-05": 1, "2024-06-20": 1, "2023-11-02": 1}


async def test_view_facets_on_request(ds):
    url = "/quotes/quotes_view.json?_facet=speaker&_facet=publisher&_facet=kind&_facet_date=published"
    facets = (await ds.client.get(url)).json()["facet_results"]
    assert {r["value"]: r["count"] for r in facets["speaker"]["results"]} == {"Alice Moreno": 3, "Tom Okafor": 2, "Ruth Lee": 2}
    assert {r["value"]: r["count"] for r in facets["publisher"]["results"]} == {"Riverside Gazette": 5, "Harbour Post": 3}
    assert {r["value"]: r["count"] for r in facets["kind"]["results"]} == {"direct": 6, "partial": 2}
    assert facets["published"]["type"] == "date"


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/quotes/quotes.json?_search=job&_shape=array", {1, 6}),
        ("/quotes/quotes.json?_search=finished&_shape=array", {1, 4, 6}),  # porter stems
        ("/quotes/quotes_view.json?_search=ferry&_shape=array", {7}),
    ],
)
async def test_full_text_search_box(ds, path, expected):
    rows = (await ds.client.get(path)).json()
    ids = {r.get("id", r.get("quote_id")) for r in rows}
    assert ids == expected


# -- ranked search from the search box ---------------------------------------------

# Quotes whose BM25 order for "tax" differs from their id order: the one that says
# it three times first, then the short one, then the long one; the last has no "tax".
TAX_QUOTES = [
    "The council will debate roads, schools, parks, libraries, the ferry timetable and a harbour tax next month.",
    "No new tax.",
    "Tax, tax and more tax is all they offer.",
    "The ferry runs on time.",
]


async def ranked_datasette(folder: Path):
    """A Datasette over a database holding TAX_QUOTES (ids 1 to 4, in that order; 2 is partial)."""
    db_path = folder / "ranked.db"
    store = Store(db_path)
    text = " ".join(f'Councillor Dana Pike said, "{q}"' for q in TAX_QUOTES)
    quotes = []
    for words in TAX_QUOTES:
        start = text.index(words)
        quotes.append(Quote(text=words, start=start, end=start + len(words), speaker="Dana Pike",
                            kind="partial" if words == "No new tax." else "direct",
                            speaker_kind="person", confidence=0.9))
    store.add(Article(text=text, title="Harbour tax vote", publisher="Harbour Post", published="2024-05-01"), quotes)
    store.db.conn.close()
    datasette = make_datasette(db_path)
    await datasette.invoke_startup()
    return datasette, db_path


@pytest.fixture
async def ranked(tmp_path):
    return await ranked_datasette(tmp_path)


def fts5_order(db_path: Path, words: str) -> list[int]:
    """Quote ids matching ``words``, best first, asked of FTS5 directly."""
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("select rowid from quotes_fts where quotes_fts match ? order by rank", [words])]
    finally:
        conn.close()


def row_ids(html: str) -> list[int]:
    """Quote ids of the rows of a Datasette table page, in page order."""
    return [int(i) for i in re.findall(r'<td class="col-(?:quote_)?id[^"]*"[^>]*>(?:<a [^>]*>)?(\d+)<', html)]


async def test_ranked_fixture_orders_differ(ranked):
    _, db_path = ranked
    assert fts5_order(db_path, "tax") == [3, 2, 1]  # not the id order [1, 2, 3]


@pytest.mark.parametrize(
    "path",
    [
        "/ranked/quote_search?_search=tax",
        "/ranked/quotes_view?_search=tax",
        "/ranked/quotes_view?_search=tax&_sort=",  # as the search form sends it
        "/ranked/quotes?_search=tax&_sort=id",  # the table's form sends its default sort
        "/ranked/quotes?_search=tax",
    ],
)
async def test_search_box_pages_rank_best_match_first(ranked, path):
    datasette, db_path = ranked
    response = await datasette.client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == "/ranked/quote_search"
    assert row_ids(response.text) == fts5_order(db_path, "tax") == [3, 2, 1]
    assert "sorted by rank" in response.text
    assert '<th class="col-search' not in response.text  # the helper column stays out of sight


@pytest.mark.parametrize("path", ["/ranked/quote_search.json?_search=tax", "/ranked/quotes_view.json?_search=tax"])
async def test_search_json_ranks_best_match_first(ranked, path):
    datasette, db_path = ranked
    response = await datasette.client.get(path + "&_shape=objects")
    assert response.status_code == 200  # answered in place, no redirect for API clients
    data = response.json()
    ids = [r["quote_id"] for r in data["rows"]]
    assert ids == fts5_order(db_path, "tax") == [3, 2, 1]
    ranks = [r["rank"] for r in data["rows"]]
    assert all(isinstance(r, float) for r in ranks) and ranks == sorted(ranks)
    assert "search" not in data["rows"][0]
    assert data["filtered_table_rows_count"] == 3
    # who said it: the speaker facet counts the matches
    assert {r["value"]: r["count"] for r in data["facet_results"]["speaker"]["results"]} == {"Dana Pike": 3}
    # every column of the browsing view is there, plus rank
    assert set(data["rows"][0]) == set(data["columns"]) >= {"quote", "speaker", "publisher", "url", "rank"}


async def test_ranked_search_pages(ranked):
    datasette, _ = ranked
    first = (await datasette.client.get("/ranked/quote_search.json?_search=tax&_size=2&_shape=objects")).json()
    assert [r["quote_id"] for r in first["rows"]] == [3, 2]
    assert first["next_url"].startswith("http://localhost/ranked/quote_search.json?")
    second = (await datasette.client.get(first["next_url"].removeprefix("http://localhost"))).json()
    assert [r["quote_id"] for r in second["rows"]] == [1]


async def test_quotes_table_json_keeps_its_columns(ranked):
    """The quotes table's own JSON API: its columns, matching rows in id order."""
    datasette, _ = ranked
    response = await datasette.client.get("/ranked/quotes.json?_search=tax&_shape=array")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [1, 2, 3]


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/ranked/quotes?_search=tax&speaker_id=1&kind=direct", "/ranked/quote_search?_search=tax&speaker_id=1&kind=direct"),
        ("/ranked/quotes?_search=tax&id__gt=1&_facet=kind", "/ranked/quote_search?_search=tax&quote_id__gt=1&_facet=kind"),
        ("/ranked/quotes?_search=tax&_next=2", "/ranked/quote_search?_search=tax"),  # an id key, not an offset
        ("/ranked/quotes_view?_search=tax&speaker=Dana+Pike&_size=2", "/ranked/quote_search?_search=tax&speaker=Dana+Pike&_size=2"),
        ("/ranked/quote_search?_search=&_sort=rank&speaker=Dana+Pike", "/ranked/quotes_view?speaker=Dana+Pike"),
        ("/ranked/quote_search", "/ranked/quotes_view"),
    ],
)
async def test_search_redirects_keep_filters(ranked, path, expected):
    datasette, _ = ranked
    response = await datasette.client.get(path)
    assert response.status_code == 302
    assert response.headers["location"] == expected


@pytest.mark.parametrize(
    "form",
    [
        "_filter_column=speaker&_filter_op=exact&_filter_value=Dana+Pike",
        "_filter_column_1=speaker&_filter_op_1=exact&_filter_value_1=Dana+Pike",
    ],
)
async def test_filter_form_is_left_to_datasettes_redirect_then_ranked(ranked, form):
    """The table page's filter form: Datasette redirects it to ``column__op=value`` itself,
    and the page it redirects to is ranked."""
    datasette, db_path = ranked
    first = await datasette.client.get(f"/ranked/quotes_view?_search=tax&{form}")
    assert first.status_code == 302
    location = first.headers["location"]
    assert location.startswith("/ranked/quotes_view?") and "speaker__exact=Dana+Pike" in location
    final = await datasette.client.get(location, follow_redirects=True)
    assert final.url.path == "/ranked/quote_search"
    assert final.url.params["speaker__exact"] == "Dana Pike"
    assert row_ids(final.text) == fts5_order(db_path, "tax") == [3, 2, 1]


async def test_sort_form_is_left_to_datasettes_redirect(ranked):
    """The sort form's descending box: Datasette's redirect to ``_sort_desc``, a chosen order."""
    datasette, _ = ranked
    first = await datasette.client.get("/ranked/quotes_view?_search=tax&_sort=quote_id&_sort_by_desc=on")
    assert first.status_code == 302
    final = await datasette.client.get(first.headers["location"], follow_redirects=True)
    assert final.url.path == "/ranked/quotes_view"
    assert final.url.params["_sort_desc"] == "quote_id"
    assert row_ids(final.text) == [3, 2, 1]


def test_plugin_finds_the_index_where_the_cli_puts_it(tmp_path):
    from cli.common import index_path_for
    from quotes_datasette.databases import index_dir_for

    for name in ("quotes.db", "news", "archive.2024.db", "q.sqlite"):
        assert index_dir_for(tmp_path / name) == index_path_for(tmp_path / name)
    assert index_dir_for(tmp_path / "quotes.db", tmp_path / "elsewhere") == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    "path,ids",
    [
        ("/ranked/quotes_view?_search=tax&_sort=quote_id", [1, 2, 3]),  # a chosen sort order wins
        ("/ranked/quotes_view?_search=tax&_sort_desc=quote_id", [3, 2, 1]),
        ("/ranked/quote_search?_search=tax&_sort=quote_id", [1, 2, 3]),
        ("/ranked/quotes?_search=tax&method=named-subject", []),  # no such column in quote_search: Datasette's own search
        ("/ranked/quotes?_search=tax&_sort=confidence", [1, 2, 3]),
    ],
)
async def test_search_with_other_orders_stays(ranked, path, ids):
    datasette, _ = ranked
    response = await datasette.client.get(path)
    assert response.status_code == 200
    assert row_ids(response.text) == ids


@pytest.mark.parametrize("words", ['"unbalanced', "tax AND", "(tax", "NEAR(tax", "tax*)", "-", '""', "tax OR"])
@pytest.mark.parametrize("path", ["/ranked/quote_search", "/ranked/quotes_view", "/ranked/quotes"])
async def test_search_text_that_is_not_fts_syntax(ranked, path, words):
    datasette, db_path = ranked
    response = await datasette.client.get(path, params={"_search": words}, follow_redirects=True)
    assert response.status_code == 200
    json_response = await datasette.client.get(path + ".json", params={"_search": words})
    assert json_response.status_code == 200
    if "tax" in words:
        # the words are searched as Datasette escapes them, best match first
        expected = fts5_order(db_path, escape_fts(words))
        assert set(expected) <= {1, 2, 3}
        assert response.url.path == "/ranked/quote_search"
        assert row_ids(response.text) == expected
        if path != "/ranked/quotes":
            assert [r[0] for r in json_response.json()["rows"]] == expected


@pytest.mark.parametrize("words", ["", "  ", '""'])
@pytest.mark.parametrize("table", ["quotes", "quotes_view", "quote_search"])
async def test_empty_search_box_browses(ranked, table, words):
    """Applying filters with the search box left empty lists rows, as if not searching."""
    datasette, _ = ranked
    response = await datasette.client.get(f"/ranked/{table}", params={"_search": words, "kind": "direct"}, follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == ("/ranked/quotes" if table == "quotes" else "/ranked/quotes_view")
    assert row_ids(response.text) == [1, 3, 4]
    data = (await datasette.client.get(f"/ranked/{table}.json", params={"_search": words, "kind": "direct"})).json()
    assert [r[0] for r in data["rows"]] == [1, 3, 4]


SEARCH_PIECES = ['"', "(", ")", "*", "-", "+", "^", ":", " ", "NEAR", "OR", "AND", "NOT", "tax", "x", "{", "}", ",", "'", "\u201c", "\\"]


def test_any_search_text_gives_a_page(tmp_path):
    datasette, _ = asyncio.run(ranked_datasette(tmp_path))

    @settings(max_examples=40, deadline=None)
    @given(words=st.lists(st.sampled_from(SEARCH_PIECES), min_size=1, max_size=6).map("".join))
    def check(words):
        async def pages():
            html = await datasette.client.get("/ranked/quotes_view", params={"_search": words}, follow_redirects=True)
            data = await datasette.client.get("/ranked/quote_search.json", params={"_search": words})
            return html, data

        html, data = asyncio.run(pages())
        assert html.status_code == 200, (words, html.text[:300])
        assert data.status_code == 200, (words, data.text[:300])
        ids = [r[0] for r in data.json()["rows"]]
        if escape_fts(words):
            assert set(ids) <= {1, 2, 3, 4}
        else:
            assert ids == [1, 2, 3, 4]  # nothing to search for: every quote

    check()


async def test_raw_search_mode_reports_bad_syntax_as_datasette_does(ranked):
    datasette, _ = ranked
    ours = await datasette.client.get("/ranked/quote_search.json", params={"_search": '"tax', "_searchmode": "raw"})
    theirs = await datasette.client.get("/ranked/quotes.json", params={"_search": '"tax', "_searchmode": "raw"})
    assert ours.status_code == theirs.status_code == 400
    assert ours.json()["error"] == theirs.json()["error"]
    good = await datasette.client.get("/ranked/quote_search.json", params={"_search": "tax OR ferry", "_searchmode": "raw"})
    assert good.status_code == 200
    assert len(good.json()["rows"]) == 4


@pytest.mark.parametrize("path", ["/ranked/quotes_view.json", "/ranked/quote_search.json", "/ranked/quotes_view.json?_search="])
async def test_browsing_without_search_is_in_id_order(ranked, path):
    datasette, _ = ranked
    response = await datasette.client.get(path + ("&" if "?" in path else "?") + "_shape=objects")
    assert response.status_code == 200
    data = response.json()
    assert [r["quote_id"] for r in data["rows"]] == [1, 2, 3, 4]
    assert "rank" not in data["columns"] and "search" not in data["columns"]
    assert "order by" not in data["query"]["sql"] and "quotes_fts" not in data["query"]["sql"]


async def test_database_without_the_search_view_keeps_datasettes_search(tmp_path):
    """A database last written by an earlier version (no quote_search yet) still searches."""
    db_path = tmp_path / "older.db"
    build_database(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("drop view quote_search")
    conn.close()
    datasette = make_datasette(db_path)
    await datasette.invoke_startup()
    response = await datasette.client.get("/older/quotes_view?_search=bridge")
    assert response.status_code == 200
    assert row_ids(response.text) == [1, 6, 8]
    assert (await datasette.client.get("/older/quotes_view.json?_search=bridge")).status_code == 200


async def test_quote_search_metadata(ds):
    meta = ds.table_metadata("quotes", "quote_search")
    assert meta["fts_table"] == "quotes_fts" and meta["fts_pk"] == "quote_id"
    assert "rank" in meta["sortable_columns"]
    assert meta["columns"]["rank"] and meta["columns"]["search"]
    html = (await ds.client.get("/quotes/quote_search?_search=bridge")).text
    assert "Search quotes, best match first" in html
    assert '<input id="_search" type="search" name="_search" value="bridge">' in html


async def test_search_view_sql_is_ranked_by_fts5(built):
    """The view on its own, in plain SQLite: a MATCH on ``search`` gives ``rank``."""
    db_path, _ = built
    conn = sqlite3.connect(db_path)
    rows = conn.execute("select quote_id, rank from quote_search where search match 'bridge' order by rank").fetchall()
    assert [r[0] for r in rows] == fts5_order(db_path, "bridge") == [8, 6, 1]
    plan = " ".join(r[-1] for r in conn.execute(
        "explain query plan select quote_id from quote_search where search match 'bridge' order by rank"))
    assert "VIRTUAL TABLE INDEX" in plan and "M1" in plan
    assert conn.execute("select count(*) from quote_search where rank is not null").fetchone()[0] == 0
    conn.close()


# -- canned queries ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query,params,column,expected",
    [
        ("quotes_by_speaker", {"speaker": "Alice Moreno"}, "quote_id", [1, 2, 6]),
        ("quotes_by_speaker", {"speaker": "okafor"}, "quote_id", [4, 5]),  # an alias, any case
        ("quotes_by_speaker", {"speaker": "Nobody"}, "quote_id", []),
        ("who_said", {"phrase": "finish the job on the bridge"}, "speaker", ["Alice Moreno", "Alice Moreno"]),
        ("who_said", {"phrase": 'steel "arrived'}, "speaker", ["Tom Okafor"]),  # marks in input are safe
        ("most_quoted_speakers", {}, "speaker", ["Alice Moreno", "Ruth Lee", "Tom Okafor"]),
        ("articles_most_quotes", {}, "article_id", [1, 2, 3]),
        ("quotes_in_date_range", {"since": "2024-01-01", "until": "2024-03-05"}, "quote_id", [1, 2, 3]),
        ("quotes_in_date_range", {"since": "", "until": "2023-12-31"}, "quote_id", [7, 8]),
        ("unattributed_quotes", {}, "quote_id", [3]),
    ],
)
async def test_canned_queries(ds, query, params, column, expected):
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    response = await ds.client.get(f"/quotes/{query}.json?_shape=array&{qs}")
    assert response.status_code == 200, response.text
    assert [row[column] for row in response.json()] == expected


async def test_who_said_ranks_closest_match_first(ds):
    rows = (await ds.client.get("/quotes/who_said.json?_shape=array&phrase=bridge")).json()
    assert len(rows) == 3
    ranks = [r["rank"] for r in rows]
    assert ranks == sorted(ranks)  # bm25: lower is better


async def test_canned_queries_are_read_only(ds):
    queries = await ds.get_canned_queries("quotes", None)
    assert queries and not any(q.get("write") for q in queries.values())
    for sql in (q["sql"] for q in queries.values()):
        assert sql.lstrip().lower().startswith("select")


# -- read-only serving ------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "delete from quotes",
        "update quotes set text = 'x'",
        "insert into speakers (name) values ('Eve')",
        "drop table quotes",
        "select 1; delete from quotes",
    ],
)
async def test_write_sql_refused(ds, built, sql):
    db_path, _ = built
    before = quote_count(db_path)
    response = await ds.client.get("/quotes.json", params={"sql": sql})
    assert response.status_code == 400
    assert not response.json()["ok"]
    assert quote_count(db_path) == before


async def test_post_to_canned_query_refused(ds, built):
    db_path, _ = built
    before = quote_count(db_path)
    response = await ds.client.post("/quotes/unattributed_quotes", data={"speaker": "x"})
    assert response.status_code == 405
    assert quote_count(db_path) == before


@pytest.mark.parametrize("path", ["/quotes/quotes/-/insert", "/quotes/-/create", "/quotes/quotes/1/-/update", "/quotes/quotes/-/drop"])
async def test_write_apis_refused(ds, built, path):
    db_path, _ = built
    before = quote_count(db_path)
    response = await ds.client.post(path, json={"row": {"text": "x", "article_id": 1, "start": 0, "end": 1}})
    assert response.status_code in (403, 404, 405)
    assert quote_count(db_path) == before


async def test_database_connection_cannot_write(ds, built):
    db_path, _ = built
    with pytest.raises(sqlite3.OperationalError, match="read-only"):
        await ds.get_database("quotes").execute_write("delete from quotes")
    assert quote_count(db_path) == 8


async def test_heavy_query_is_cut_off(built):
    db_path, index_dir = built
    datasette = make_datasette(db_path, index_dir=index_dir, sql_time_limit_ms=50)
    await datasette.invoke_startup()
    assert datasette.setting("sql_time_limit_ms") == 50
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = await datasette.client.get("/quotes.json", params={"sql": sql})
    assert response.status_code == 400
    assert "interrupted" in response.json()["error"].lower() or "time" in response.json()["error"].lower()


class Nap:
    """A plugin giving SQL ``nap(seconds)``: time passes, the thread uses next to no CPU."""

    @staticmethod
    @hookimpl
    def prepare_connection(conn):
        conn.create_function("nap", 1, lambda seconds: time.sleep(float(seconds)) or 0)


@pytest.fixture
def nap():
    pm.register(Nap, name="test-nap")
    try:
        yield
    finally:
        pm.unregister(Nap)


# `rows` rows, with a nap of `pause` seconds for each.
NAPPING_SQL = (
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < cast(:rows as integer))"
    " select count(nap(:pause)) from n"
)
COUNTING_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


async def timed_query(db_path: Path, limit_ms: int, sql: str, **params) -> tuple[float, object]:
    """(seconds taken, response) for ``sql`` asked of a server with ``limit_ms``."""
    datasette = make_datasette(db_path, sql_time_limit_ms=limit_ms)
    await datasette.invoke_startup()
    started = time.perf_counter()
    response = await datasette.client.get("/quotes.json", params={"sql": sql, "_shape": "array", **params})
    return time.perf_counter() - started, response


async def test_time_limit_counts_cpu_time_not_waiting(built, nap):
    """A query that mostly waits (as under another process's load, or on the disk) is not
    cut off for the time it spends not running."""
    seconds, response = await timed_query(built[0], 200, NAPPING_SQL, rows=300, pause=0.002)
    assert response.status_code == 200, response.text
    assert list(response.json()[0].values()) == [300]
    assert seconds > 3 * 0.200  # well past the limit in wall time


async def test_cpu_bound_query_is_cut_off_at_the_limit(built):
    seconds, response = await timed_query(built[0], 200, COUNTING_SQL)
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]
    # It ran for its 200 ms of CPU time, so at least that long, and well before the backstop.
    assert 0.200 <= seconds < 10 * 0.200


async def test_waiting_query_is_still_cut_off_by_the_wall_clock(built, nap):
    """A query that waits far past the limit ends at the backstop, 10 times the limit."""
    seconds, response = await timed_query(built[0], 100, NAPPING_SQL, rows=1000, pause=0.002)
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]
    assert 10 * 0.100 <= seconds < 1000 * 0.002


def test_default_time_limit(built):
    datasette = make_datasette(built[0])
    assert datasette.setting("sql_time_limit_ms") == 2000
    assert datasette.databases["quotes"].is_mutable  # not immutable: never cached


async def test_new_quotes_show_while_serving(ds, built):
    db_path, index_dir = built
    assert (await ds.client.get("/quotes/quotes.json?_shape=array&_size=100")).json().__len__() == 8
    store = Store(db_path)  # a second writer, as a running `quotes ingest` would be
    text = 'Harbour master Ines Vidal said: "The tides do not wait for committees."'
    words = "The tides do not wait for committees."
    start = text.index(words)
    result = store.add(
        Article(text=text, title="Tides", publisher="Harbour Post", published="2024-07-01"),
        [Quote(text=words, start=start, end=start + len(words), speaker="Ines Vidal", speaker_kind="person", confidence=0.9)],
    )
    index.sync(store, index_dir, result.quote_ids)
    rows = (await ds.client.get("/quotes/quotes_view.json?_shape=array&_search=tides")).json()
    assert [r["speaker"] for r in rows] == ["Ines Vidal"]
    hits = (await ds.client.get("/-/quotes.json?q=committees")).json()["hits"]
    assert [h["speaker"] for h in hits] == ["Ines Vidal"]
    # a rebuilt index (swapped into place) is picked up too
    index.rebuild(store, index_dir)
    store.db.conn.close()
    data = (await ds.client.get("/-/quotes.json?q=committees OR ferry")).json()
    assert {h["speaker"] for h in data["hits"]} == {"Ines Vidal", "Ruth Lee"}


# -- escaping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/quotes/quotes",
        "/quotes/quotes/3",
        "/quotes/quotes_view",
        "/quotes/articles",
        "/quotes/unattributed_quotes",
        "/-/quotes?q=alert",
        "/-/quotes?q=bridge",
        "/-/quotes/verify?words=The+steel+arrived+late",  # in the article titled with a script
    ],
)
async def test_data_is_escaped(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text and "&lt;/script&gt;" in response.text


# -- the plugin's search page -----------------------------------------------------


async def test_menu_links_to_search(ds):
    html = (await ds.client.get("/")).text
    assert 'href="/-/quotes"' in html
    assert 'href="/-/quotes/verify"' in html


async def test_search_page(ds):
    response = await ds.client.get("/-/quotes?q=finish+job")
    assert response.status_code == 200
    html = response.text
    assert "<mark>finish</mark> the <mark>job</mark>" in html
    assert "2</strong> quotes found" in html
    assert 'href="/quotes/articles/1"' in html and 'href="/quotes/articles/2"' in html
    assert 'class="quotes-speaker">Alice Moreno<' in html
    # the page is Datasette's own layout
    assert 'class="content"' in html and "app.css" in html


async def test_search_page_empty_form(ds):
    response = await ds.client.get("/-/quotes")
    assert response.status_code == 200
    assert 'id="q" type="search" name="q" value=""' in response.text
    assert "quotes found" not in response.text


async def test_search_json(ds):
    data = (await ds.client.get("/-/quotes.json?q=bridge")).json()
    assert data["ok"] and data["total"] == 3
    assert {h["quote_id"] for h in data["hits"]} == {1, 6, 8}
    assert {f["value"]: f["count"] for f in data["facets"]["speaker"]} == {"Alice Moreno": 2, "Ruth Lee": 1}
    hit = next(h for h in data["hits"] if h["quote_id"] == 8)
    assert hit["html"] == "but the <mark>bridge</mark> is the future."
    assert hit["article_url"] == "/quotes/articles/3"


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "bridge", "speaker": "Ruth Lee"}, {8}),
        ({"q": "bridge", "publisher": "Harbour Post"}, {6}),
        ({"q": "bridge", "since": "2024-01-01", "until": "2024-03-31"}, {1}),
        ({"q": "finished", "kind": "partial"}, {4}),
        ({"speaker": "Tom Okafor"}, {4, 5}),  # filters alone list everything matching
    ],
)
async def test_search_filters(ds, params, expected):
    data = (await ds.client.get("/-/quotes.json", params=params)).json()
    assert data["ok"], data
    assert {h["quote_id"] for h in data["hits"]} == expected


async def test_search_facet_links_filter(ds):
    html = (await ds.client.get("/-/quotes?q=bridge")).text
    assert 'href="/-/quotes?q=bridge&amp;speaker=Ruth+Lee"' in html


@pytest.mark.parametrize("q", ['"unbalanced', "nosuchfield:x"])
async def test_search_bad_query(ds, q):
    response = await ds.client.get("/-/quotes.json", params={"q": q})
    assert response.status_code == 400
    assert not response.json()["ok"] and response.json()["error"]
    response = await ds.client.get("/-/quotes", params={"q": q})
    assert response.status_code == 400
    assert 'class="message-error"' in response.text


async def test_search_without_index(built):
    db_path, index_dir = built
    datasette = make_datasette(db_path, index_dir=index_dir.with_name("missing.index"))
    await datasette.invoke_startup()
    response = await datasette.client.get("/-/quotes.json?q=bridge")
    assert response.status_code == 503
    assert "quotes index --rebuild" in response.json()["error"]


async def test_search_paging(ds):
    first = (await ds.client.get("/-/quotes.json?q=bridge&_size=2")).json()
    assert len(first["hits"]) == 2 and first["next_url"]
    second = (await ds.client.get(first["next_url"].replace("/-/quotes?", "/-/quotes.json?"))).json()
    assert len(second["hits"]) == 1
    assert {h["quote_id"] for h in first["hits"] + second["hits"]} == {1, 6, 8}


# -- verify -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "words,speaker,verdict,evidence_ids",
    [
        ("We will finish the job on the bridge", "Alice Moreno", "confirmed", {1, 6}),
        ("We will finish the job on the bridge", "Tom Okafor", "misattributed", {1, 6}),
        ("The steel arrived very late", "Okafor", "altered", {5}),
        ("Nothing of the sort was ever said here", "Ruth Lee", "not_found", set()),
    ],
)
async def test_verify_json(ds, words, speaker, verdict, evidence_ids):
    data = (await ds.client.get("/-/quotes/verify.json", params={"words": words, "speaker": speaker})).json()
    assert data["ok"]
    assert data["verdict"]["verdict"] == verdict
    assert {e["quote_id"] for e in data["verdict"]["evidence"]} == evidence_ids
    for e in data["verdict"]["evidence"]:
        assert e["article_url"] == f"/quotes/articles/{e['article_id']}"
        assert e["quote_url"] == f"/quotes/quotes/{e['quote_id']}"


async def test_verify_page(ds):
    response = await ds.client.get(
        "/-/quotes/verify", params={"words": "We will finish the job on the bridge", "speaker": "Tom Okafor"}
    )
    assert response.status_code == 200
    html = response.text
    assert 'id="verdict">misattributed<' in html
    assert "Alice Moreno" in html
    # evidence links to the source article rows, earliest first
    assert html.index('href="/quotes/articles/1"') < html.index('href="/quotes/articles/2"')
    assert "<mark>We will finish the job on the bridge</mark>" in html


async def test_verify_page_shows_the_changed_words(ds):
    html = (await ds.client.get("/-/quotes/verify", params={"words": "The steel arrived very late", "speaker": "Okafor"})).text
    assert 'id="verdict">altered<' in html
    assert '<del title="claimed">very</del>' in html


@pytest.fixture
async def ferry(ferry_db):
    """Datasette serving FERRY, as `quotes ingest` stored and indexed it."""
    datasette = make_datasette(ferry_db, index_dir=ferry_db.with_name("quotes.index"))
    await datasette.invoke_startup()
    return datasette


async def test_views_show_and_filter_the_antecedent(ferry):
    for view in ("quotes_view", "quote_search"):
        data = (await ferry.client.get(f"/quotes/{view}.json?_shape=objects&antecedent_mention__notblank=1")).json()
        assert [(r["speaker"], r["speaker_mention"], r["speaker_start"], r["speaker_end"]) for r in data["rows"]] == [
            ("Maria Lopez", "she", 107, 110)]
        row = data["rows"][0]
        assert (row["antecedent_mention"], row["antecedent_start"], row["antecedent_end"]) == FERRY_ANTECEDENT
    html = (await ferry.client.get("/quotes/quotes_view?antecedent_mention=Lopez")).text
    assert row_ids(html) == [1]
    assert '<td class="col-antecedent_mention type-str">Lopez</td>' in html


async def test_quote_page_shows_the_antecedent(ferry):
    html = (await ferry.client.get("/quotes/quotes/1")).text
    for column, value in zip(("antecedent_mention", "antecedent_start", "antecedent_end"), FERRY_ANTECEDENT):
        assert re.search(rf'<td class="col-{column} type-\w+">{value}</td>', html), column
    assert 'data-column-description="For a speaker mentioned as a pronoun or a description' in html


async def test_verify_evidence_says_what_a_pronoun_was_resolved_to(ferry):
    params = {"words": "The crossing took eleven minutes", "speaker": "Maria Lopez"}
    html = (await ferry.client.get("/-/quotes/verify", params=params)).text
    assert 'id="verdict">confirmed<' in html
    assert (
        "<strong>Maria Lopez</strong> (as \u201cshe\u201d, <span class=\"quotes-antecedent\">resolved to"
        " \u201cLopez\u201d at offset 53</span>), said" in html
    )
    (e,) = (await ferry.client.get("/-/quotes/verify.json", params=params)).json()["verdict"]["evidence"]
    assert (e["speaker_mention"], e["speaker_start"], e["speaker_end"]) == ("she", 107, 110)
    assert (e["antecedent_mention"], e["antecedent_start"], e["antecedent_end"]) == FERRY_ANTECEDENT
    named = (await ferry.client.get("/-/quotes/verify", params={"words": "The boats will run every hour"})).text
    assert "<strong>Tom Baker</strong>, said" in named and "quotes-antecedent" not in named


async def test_verify_empty_form_and_bad_input(ds):
    assert (await ds.client.get("/-/quotes/verify")).status_code == 200
    response = await ds.client.get("/-/quotes/verify.json", params={"words": "  ...  "})
    assert response.status_code == 400 and not response.json()["ok"]


# -- the command ------------------------------------------------------------------


def test_serve_refuses_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_other_sqlite_files(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    assert not is_quotes_database(other)
    with pytest.raises(ServeError, match="not a quotes database"):
        make_datasette(other)
    result = CliRunner().invoke(cli, ["serve", "--db", str(other)])
    assert result.exit_code == 1 and "not a quotes database" in result.output


async def test_extra_metadata_overrides_bundled(built):
    db_path, index_dir = built
    datasette = make_datasette(db_path, index_dir=index_dir, metadata={"title": "Harbour quotes archive"})
    await datasette.invoke_startup()
    html = (await datasette.client.get("/")).text
    assert "<h1>Harbour quotes archive</h1>" in html
    assert datasette.metadata("fts_table", database="quotes", table="quotes") == "quotes_fts"


def test_serve_rejects_bad_metadata_file(built, tmp_path):
    bad = tmp_path / "extra.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(cli, ["serve", "--db", str(built[0]), "--metadata", str(bad)])
    assert result.exit_code == 1
    assert "extra.json" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("large,expected", [(False, 8), (True, None)])
async def test_view_skips_count_on_large_databases(ds, monkeypatch, large, expected):
    from quotes_datasette import databases

    monkeypatch.setattr(databases, "LARGE_DATABASE", 5 if large else 1_000_000)
    monkeypatch.setattr(databases, "_facts", {})
    data = (await ds.client.get("/quotes/quotes_view.json")).json()
    assert data["filtered_table_rows_count"] == expected
    assert len(data["rows"]) == 8
    # the quotes table always shows its total
    assert (await ds.client.get("/quotes/quotes.json")).json()["filtered_table_rows_count"] == 8


def test_serve_brings_an_earlier_database_up_to_date(built):
    from cli.serve_cmd import _bring_up_to_date

    db_path, _ = built
    with sqlite3.connect(db_path) as conn:
        conn.execute("drop view quote_search")
    _bring_up_to_date(db_path)
    with sqlite3.connect(db_path) as conn:
        views = {r[0] for r in conn.execute("select name from sqlite_master where type = 'view'")}
    assert {"quotes_view", "quote_search"} <= views


def test_serve_leaves_other_databases_alone(tmp_path):
    from cli.serve_cmd import _bring_up_to_date

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes (body text)")
    _bring_up_to_date(other)
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("select name from sqlite_master")] == ["notes"]


@pytest.mark.parametrize("words", ["we will", "it is not", "to be or not to be"])
async def test_plugin_search_of_common_words_uses_sqlite(ds, built, words):
    """Words too common for the Whoosh index are searched as a phrase in FTS5."""
    db_path, _ = built
    with sqlite3.connect(db_path) as conn:
        expected = {r[0] for r in conn.execute(
            "select rowid from quotes_fts where quotes_fts match ?", ['"' + words + '"'])}
    response = await ds.client.get("/-/quotes.json", params={"q": words})
    assert response.status_code == 200
    data = response.json()
    assert {h["quote_id"] for h in data["hits"]} == expected and data["total"] == len(expected)
    html = (await ds.client.get("/-/quotes", params={"q": words})).text
    assert "nothing to search for" not in html
