"""The quote page, ``/-/quotes/quote/ID``: a quote in its article with its parts marked,
through Datasette's ASGI client, on articles of our own stored by ``quotes ingest``."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from quotes_datasette import quote_page
from quotes_datasette.highlights import Span, find_cue, mark
from quotes_datasette.serve import make_datasette

SCRIPT = "<script>alert('text')</script>"
IMG = "<img src=x onerror=alert(1)>"
FILLER = "The committee met again to review the harbour accounts line by line and agreed on nothing at all."
LONG_QUOTE = "The harbour will stay open for good,"


def long_text(paragraphs: int = 300, at: int = 150) -> str:
    paras = [f"Paragraph {i}. {FILLER}" for i in range(paragraphs)]
    paras[at] = f"\u201c{LONG_QUOTE}\u201d said Ines Vidal, the port director."
    return "\n\n".join(paras)


#: Articles of our own: a pronoun resolved to a name, a film title, a named speaker
#: after the cue; markup and a script URL in every field; a long report.
ARTICLES = [
    {
        "id": "pier-1", "title": "Pier reopens after repairs", "publisher": "Harbour Gazette", "published": "2024-05-02",
        "byline": "By Ana Ruiz", "url": "https://gazette.example/pier",
        "text": (
            "Harbour master Maria Lopez reopened the pier on Monday. Lopez spoke briefly.\n\n"
            "\u201cThe repairs took eleven weeks,\u201d she said.\n\n"
            "The film \u201cThe Long Night\u201d was shown on the pier that evening.\n\n"
            "\u201cWe will keep the pier open all winter,\u201d said Tom Baker, a councillor."
        ),
    },
    {
        "id": "post-1", "title": f"{SCRIPT} Council row", "publisher": "Post <b>Daily</b>", "url": "javascript:alert(1)",
        "text": (
            f"Councillor Dana Reyes said: \u201cThe {IMG} vote was rigged & wrong.\u201d\n\n"
            f"Reporters waited outside {SCRIPT} the hall."
        ),
    },
    {"id": "long-1", "title": "The long report", "publisher": "Harbour Gazette", "published": "2024-06-01", "text": long_text()},
]
PIER, POST, LONG = (a["text"] for a in ARTICLES)


def ingest(folder: Path, articles: list[dict] = ARTICLES) -> Path:
    """``articles`` stored and indexed by ``quotes ingest`` in ``folder/quotes.db``."""
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles))
    db_path = folder / "quotes.db"
    result = CliRunner().invoke(cli, ["ingest", str(source), "--db", str(db_path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return db_path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest(tmp_path_factory.mktemp("quote-page"))


async def served(db_path: Path):
    """Datasette serving ``db_path`` with its index, started."""
    datasette = make_datasette(db_path, index_dir=db_path.with_name("quotes.index"))
    await datasette.invoke_startup()
    return datasette


@pytest.fixture
async def ds(corpus):
    return await served(corpus)


async def quote_id_of(ds, words: str) -> int:
    """The id of the stored quote of ``words``, as the search page finds it."""
    hits = (await ds.client.get("/-/quotes.json", params={"q": f'"{words}"', "kind": "any"})).json()["hits"]
    (hit,) = [h for h in hits if h["text"] == words]
    return hit["quote_id"]


async def page(ds, quote_id: int, **params) -> tuple[str, dict]:
    html = await ds.client.get(f"/-/quotes/quote/{quote_id}", params=params)
    data = await ds.client.get(f"/-/quotes/quote/{quote_id}.json", params=params)
    assert html.status_code == data.status_code == 200
    return html.text, data.json()


def marks_in(html: str) -> list[tuple[str, str]]:
    """(class, text) of each mark in the page's article text, in order."""
    text = html.split('id="article-text"', 1)[1]
    return re.findall(r'<mark class="(\w+)"[^>]*>([^<]*)</mark>', text)


# -- the marks --------------------------------------------------------------------


async def test_a_pronoun_quote_marks_the_mention_it_was_resolved_to(ds):
    quote_id = await quote_id_of(ds, "The repairs took eleven weeks,")
    html, data = await page(ds, quote_id)
    spoke = PIER.index("Lopez spoke")  # the last mention of the name before "she"
    she = PIER.index("she said")
    assert [(m["kind"], m["start"], m["text"]) for m in data["marks"]] == [
        ("antecedent", spoke, "Lopez"),
        ("quote", PIER.index("The repairs"), "The repairs took eleven weeks,"),
        ("speaker", she, "she"),
        ("cue", she + 4, "said"),
    ]
    for m in data["marks"]:
        assert PIER[m["start"] : m["end"]] == m["text"]
    assert marks_in(html) == [("antecedent", "Lopez"), ("quote", "The repairs took eleven weeks,"), ("speaker", "she"), ("cue", "said")]
    # the marks stand in the text where the offsets say
    assert '<mark class="antecedent" title="the mention it was resolved to">Lopez</mark> spoke briefly.' in html
    assert data["quote"]["speaker"] == "Maria Lopez" and data["quote"]["method"] == "pronoun"
    assert "mentioned as \u201cshe\u201d, <span class=\"quotes-antecedent\">resolved to \u201cLopez\u201d</span>" in html


async def test_the_cue_before_a_named_speaker(ds):
    quote_id = await quote_id_of(ds, "We will keep the pier open all winter,")
    html, data = await page(ds, quote_id)
    said = PIER.index("said Tom Baker")
    assert [(m["kind"], m["start"], m["text"]) for m in data["marks"]] == [
        ("quote", PIER.index("We will keep"), "We will keep the pier open all winter,"),
        ("cue", said, "said"),
        ("speaker", said + 5, "Tom Baker"),
    ]
    assert "antecedent" not in {c for c, _ in marks_in(html)}
    # the key names only what is marked
    assert ('<span class="quotes-key quote">the quotation</span>, <span class="quotes-key speaker">the speaker as'
            ' mentioned</span>, <span class="quotes-key cue">the cue</span>.') in html


async def test_the_page_shows_the_article_and_the_attribution(ds):
    quote_id = await quote_id_of(ds, "We will keep the pier open all winter,")
    html, data = await page(ds, quote_id)
    assert data["article"] | {"article_url": None} == {
        "id": 1, "title": "Pier reopens after repairs", "publisher": "Harbour Gazette", "published": "2024-05-02",
        "byline": "By Ana Ruiz", "url": "https://gazette.example/pier", "length": len(PIER), "article_url": None,
    }
    assert '<a href="https://gazette.example/pier" rel="nofollow noopener" class="quotes-source-link">Pier reopens after repairs</a>' in html
    assert "<dd>By Ana Ruiz</dd>" in html and 'id="quote-published">2024-05-02<' in html
    row = data["quote"]
    assert f'id="quote-attribution">{row["method"]}, confidence {row["confidence"]:.2f}<' in html
    assert "<dt>Kind</dt><dd>direct</dd>" in html
    assert f'href="/quotes/quotes/{quote_id}"' in html and 'href="/quotes/articles/1"' in html
    assert "/-/quotes/verify?words=We+will+keep+the+pier+open+all+winter%2C&amp;speaker=Tom+Baker" in html
    # the paragraph before the quote's, and the quote's (the last)
    assert data["text"]["text"] == PIER[PIER.index("The film") :] and 'id="show-whole-text"' in html


# -- what is not a quote ----------------------------------------------------------


async def test_a_title_is_shown_as_a_title_said_by_no_one(ds):
    quote_id = await quote_id_of(ds, "The Long Night")
    html, data = await page(ds, quote_id)
    assert data["quote"]["kind"] == "title" and data["speech"] is False
    assert [(m["kind"], m["text"]) for m in data["marks"]] == [("title", "The Long Night")]
    assert marks_in(html) == [("title", "The Long Night")]
    assert "Not speech: a title" in html and "said by no one" in html
    assert 'Marked:\n  <span class="quotes-key title">a title, not speech</span>.' in html
    assert "Quoted span" in html and f"<h1>Quote {quote_id}</h1>" not in html
    assert "quotes-said-by" not in html and "verify these words" not in html and "Attribution" not in html


async def test_a_missing_quote_is_a_404(ds):
    for path in ("/-/quotes/quote/999", "/-/quotes/quote/99999999999999999999"):
        response = await ds.client.get(path)
        assert response.status_code == 404
        assert "No quote" in response.text and 'class="message-error"' in response.text
        response = await ds.client.get(path + ".json")
        assert response.status_code == 404
        assert response.json()["ok"] is False and "No quote" in response.json()["error"]
    assert (await ds.client.get("/-/quotes/quote/abc")).status_code == 404


# -- escaping ---------------------------------------------------------------------


async def test_hostile_text_is_escaped_and_marked_by_offset(ds):
    words = f"The {IMG} vote was rigged & wrong."
    quote_id = await quote_id_of(ds, words)
    html, data = await page(ds, quote_id)
    for raw in (IMG, SCRIPT, "<b>Daily</b>", "<script>alert"):
        assert raw not in html and raw not in data["text"]["html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;b&gt;Daily&lt;/b&gt;" in html
    assert '<mark class="quote" id="quote" title="the quotation">The &lt;img src=x onerror=alert(1)&gt; vote was rigged &amp; wrong.</mark>' in html
    assert data["text"]["text"] == POST  # the JSON gives the text as it is
    # a script URL is shown, never linked
    assert 'href="javascript:' not in html and "<dd>javascript:alert(1)</dd>" in html
    assert 'id="quote-published">undated<' in html
    # and on its group's page
    response = await ds.client.get(data["group"]["group_url"])
    assert response.status_code == 200
    for raw in (IMG, "<b>Daily</b>", "<script>alert"):
        assert raw not in response.text
    assert "The &lt;img src=x onerror=alert(1)&gt; vote was rigged &amp; wrong." in response.text
    assert "&lt;b&gt;Daily&lt;/b&gt;" in response.text and "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; Council row" in response.text


# -- long articles ----------------------------------------------------------------


async def test_a_long_article_shows_the_paragraphs_around_the_quote(ds):
    quote_id = await quote_id_of(ds, LONG_QUOTE)
    html, data = await page(ds, quote_id)
    view = data["text"]
    assert view["mode"] == "excerpt" and view["length"] == len(LONG)
    assert view["text"] == LONG[view["start"] : view["end"]]
    assert view["text"].split("\n\n") == [f"Paragraph 149. {FILLER}", LONG.split("\n\n")[150], f"Paragraph 151. {FILLER}"]
    assert 'id="show-whole-text"' in html and f'href="/-/quotes/quote/{quote_id}?full=1&amp;part=1#quote"' in html
    html, data = await page(ds, quote_id, full=1)
    assert data["text"]["text"] == LONG and data["text"]["parts"] == 1
    assert marks_in(html)[0] == ("quote", LONG_QUOTE)


async def test_a_long_text_comes_in_parts_that_make_the_whole(ds, monkeypatch):
    monkeypatch.setattr(quote_page, "PART_CHARS", 10_000)
    quote_id = await quote_id_of(ds, LONG_QUOTE)
    _, first = await page(ds, quote_id, full=1)
    parts = first["text"]["parts"]
    assert parts == -(-len(LONG) // 10_000)
    assert first["text"]["part"] == LONG.index(LONG_QUOTE) // 10_000 + 1  # the part holding the quote
    texts = []
    for k in range(1, parts + 1):
        html, data = await page(ds, quote_id, full=1, part=k)
        assert data["text"]["part"] == k and len(data["text"]["text"]) <= 10_000 + 200
        texts.append(data["text"]["text"])
        assert ("quote", LONG_QUOTE) in marks_in(html) if k == first["text"]["part"] else not marks_in(html)
        assert f"part {k} of {parts}" in html
    assert "".join(texts) == LONG
    assert all(t[-1:].isspace() for t in texts[:-1])  # no word is cut


async def test_a_page_reads_only_the_text_it_shows(ds, monkeypatch):
    from quotes.reads import StoreReads

    quote_id = await quote_id_of(ds, LONG_QUOTE)
    read: list[int] = []
    article_text = StoreReads.article_text

    def counted(self, article_id, start, end):
        text = article_text(self, article_id, start, end)
        read.append(len(text))
        return text

    monkeypatch.setattr(StoreReads, "article_text", counted)
    monkeypatch.setattr(quote_page, "PART_CHARS", 10_000)
    around = 2 * quote_page.EXCERPT_READ + len(LONG.split("\n\n")[150])
    response = await ds.client.get(f"/-/quotes/quote/{quote_id}.json")
    assert response.json()["text"]["mode"] == "excerpt"
    assert sum(read) <= around + 3 * 2_000  # the stretch around the quote, and where parts start
    read.clear()
    response = await ds.client.get(f"/-/quotes/quote/{quote_id}.json", params={"full": 1})
    assert sum(read) <= around + 10_000 + 200 + 3 * 2_000  # and one part
    assert sum(read) < len(LONG)  # never the whole text


async def test_a_page_that_reads_too_long_is_stopped(tmp_path):
    """The page's reads run under the SQL time limit: a text of 10,000,000 characters
    takes longer than a millisecond to measure."""
    from quotes.model import Article, Quote
    from quotes.store import Store

    text = "\u201cThe harbour will stay open,\u201d she said.\n\n" + FILLER * 100_000
    store = Store(tmp_path / "quotes.db")
    store.add(Article(text=text), [Quote(text="The harbour will stay open,", start=1, end=28, kind="direct")])
    store.db.conn.close()
    quick = make_datasette(tmp_path / "quotes.db", sql_time_limit_ms=1)
    await quick.invoke_startup()
    response = await quick.client.get("/-/quotes/quote/1.json")
    assert response.status_code == 503 and response.json()["error"] == "Reading the database took too long"
    patient = await served(tmp_path / "quotes.db")
    assert (await patient.client.get("/-/quotes/quote/1.json")).json()["marks"][0]["text"] == "The harbour will stay open,"


# -- links to the page ------------------------------------------------------------


async def test_search_results_and_verify_evidence_link_to_the_quote_page(ds):
    quote_id = await quote_id_of(ds, "The repairs took eleven weeks,")
    link = f'href="/-/quotes/quote/{quote_id}"'
    assert link in (await ds.client.get("/-/quotes", params={"q": "repairs"})).text
    hits = (await ds.client.get("/-/quotes.json", params={"q": "repairs"})).json()["hits"]
    assert [h["page_url"] for h in hits] == [f"/-/quotes/quote/{quote_id}"]
    params = {"words": "The repairs took eleven weeks", "speaker": "Maria Lopez"}
    assert link in (await ds.client.get("/-/quotes/verify", params=params)).text
    (evidence,) = (await ds.client.get("/-/quotes/verify.json", params=params)).json()["verdict"]["evidence"]
    assert evidence["page_url"] == f"/-/quotes/quote/{quote_id}"


async def test_quote_ids_in_datasettes_own_pages_link_to_the_quote_page(ds):
    quote_id = await quote_id_of(ds, "The repairs took eleven weeks,")
    link = f'<a href="/-/quotes/quote/{quote_id}" class="quotes-page-link">{quote_id}</a>'
    for path in ("/quotes/quotes_view", "/quotes/quote_search?_search=repairs", f"/quotes/quotes/{quote_id}"):
        assert link in (await ds.client.get(path)).text, path
    # other tables' ids, and other columns, are left as they are
    assert "quotes-page-link" not in (await ds.client.get("/quotes/articles/1")).text
    assert "quotes-page-link" not in (await ds.client.get("/quotes/speakers")).text


# -- the parts of the page, on texts of our own -----------------------------------


@pytest.mark.parametrize(
    "text,cue,expected",
    [
        ("\u201cNo,\u201d Lee told reporters on Monday.", "told reporters", "told reporters"),
        ("\u201cNo,\u201d Lee told\n  reporters.", "told reporters", "told\n  reporters"),
        ("\u201cNo,\u201d said Lee, who had said so before.", "said", "said"),  # the one nearest the mention
        ("\u201cNo,\u201d Lee unsaid.", "said", None),  # not inside a word
        ("\u201cNo,\u201d Lee wrote.", "said", None),  # not there: left unmarked
    ],
)
def test_find_cue(text, cue, expected):
    lee = text.index("Lee")
    found = find_cue(text, 0, cue, (lee, lee + 3), [(1, 4), (lee, lee + 3)])
    if expected is None:
        assert found is None
    else:
        assert found is not None and text[found.start : found.end] == expected
        assert found == Span(text.index(expected), text.index(expected) + len(expected), "cue")


def test_find_cue_too_far_away_is_not_found():
    text = "\u201cNo,\u201d Lee wrote." + " " * 400 + "Someone said"
    assert find_cue(text, 0, "said", (6, 9), []) is None


def test_mark_nests_and_leaves_out_crossing_spans():
    text = "<a> said Bo & Al"
    spans = [Span(0, 16, "quote"), Span(9, 11, "speaker"), Span(10, 16, "cue"), Span(4, 8, "cue")]
    assert str(mark(text, 0, spans)) == (
        '<mark class="quote" title="the quotation">&lt;a&gt; <mark class="cue" title="the cue">said</mark> '
        '<mark class="speaker" title="the speaker as mentioned">Bo</mark> &amp; Al</mark>'
    )
    # offsets are the article's: a stretch from character 100 on, spans clipped to it
    assert str(mark("abc def", 100, [Span(96, 103, "quote")])) == '<mark class="quote" title="the quotation">abc</mark> def'


# -- quote groups -----------------------------------------------------------------

BRIDGE_WORDS = "The new bridge will carry its first trains before the winter comes"
#: One quotation in five outlets, stored out of date order: trimmed in one, a word
#: changed (and given to someone else) in another, one article undated.
BRIDGE = [
    ("valley-1", "Valley Times", "2024-03-03",
     "Costa spoke at the station.\n\n\u201cThe new bridge will carry its first trains,\u201d Mayor Ana Costa said."),
    ("gazette-1", "Riverside Gazette", "2024-03-01", f"\u201c{BRIDGE_WORDS},\u201d said Mayor Ana Costa."),
    ("wire-1", "Daily Wire", None, f"\u201c{BRIDGE_WORDS},\u201d said Ana Costa, the mayor."),
    ("radio-1", "Coast Radio", "2024-03-04",
     "\u201cThe new bridge will carry its first passengers before the winter comes,\u201d said engineer Tom Okafor."),
    ("post-1", "Harbour Post", "2024-03-02", f"The mayor was asked about the timetable.\n\n\u201c{BRIDGE_WORDS},\u201d Ana Costa said."),
]
#: The outlets oldest first: by published date, the undated last.
BRIDGE_ORDER = ["Riverside Gazette", "Harbour Post", "Valley Times", "Coast Radio", "Daily Wire"]


def bridge_articles() -> list[dict]:
    """BRIDGE as articles for ``quotes ingest``."""
    return [
        {"id": doc, "title": f"Bridge news ({outlet})", "publisher": outlet, "text": text, **({"published": date} if date else {})}
        for doc, outlet, date, text in BRIDGE
    ]


@pytest.fixture(scope="module")
def bridge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingest(tmp_path_factory.mktemp("bridge"), bridge_articles())


@pytest.fixture
async def bridge(bridge_db):
    return await served(bridge_db)


async def group_of(ds, quote_id: int) -> dict:
    _, data = await page(ds, quote_id)
    assert data["group"] is not None
    return data["group"]


async def test_the_group_page_lists_every_appearance_oldest_first(bridge):
    quote_id = (await bridge.client.get("/-/quotes.json", params={"q": "passengers"})).json()["hits"][0]["quote_id"]
    group = await group_of(bridge, quote_id)
    response = await bridge.client.get(group["group_url"] + ".json")
    assert response.status_code == 200
    data = response.json()
    appearances = data["appearances"]
    assert [a["publisher"] for a in appearances] == BRIDGE_ORDER
    assert [a["date"] for a in appearances] == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", None]
    assert [a["variant"] for a in appearances] == ["the same words", "the same words", "trimmed", "changed", "the same words"]
    assert [a["earliest"] for a in appearances] == [True, False, False, False, False]
    changed = appearances[3]
    assert changed["speaker"] == "Tom Okafor"
    assert [(op["a"], op["b"]) for op in changed["diff"] if op["op"] != "equal"] == [("trains", "passengers")]
    assert [(op["op"], op["a"]) for op in appearances[2]["diff"] if op["op"] != "equal"] == [("delete", "before the winter comes")]
    assert data["undated"] == 1 and data["total"] == 5
    assert data["group"]["disputed"] is True and data["group"]["outlets"] == 5
    assert {s["speaker"]: s["quotes"] for s in data["speakers"]} == {"Ana Costa": 4, "Tom Okafor": 1}

    html = (await bridge.client.get(group["group_url"])).text
    assert re.findall(r'class="quotes-appearance-outlet">([^<]+)<', html) == BRIDGE_ORDER
    assert "1 undated appearance comes after the dated ones, in the order it was stored" in html
    assert 'id="group-disputed">Disputed attribution:' in html
    assert "<del>trains</del> <ins>passengers</ins>" in html
    for a in appearances:
        assert f'href="/-/quotes/quote/{a["quote_id"]}" class="quotes-page-link"' in html


async def test_the_quote_page_gives_its_groups_summary(bridge):
    hits = (await bridge.client.get("/-/quotes.json", params={"q": "trains", "publisher": "Harbour Post"})).json()["hits"]
    quote_id = hits[0]["quote_id"]
    html, data = await page(bridge, quote_id)
    group = data["group"]
    assert (group["quotes"], group["articles"], group["outlets"], group["disputed"]) == (5, 5, 5, True)
    assert (group["first_publisher"], group["first_date"]) == ("Riverside Gazette", "2024-03-01")
    first = (await bridge.client.get(group["group_url"] + ".json")).json()["appearances"][0]["quote_id"]
    assert group["earliest_quote_id"] == first
    assert (f'first <a href="/-/quotes/quote/{first}">in Riverside Gazette, 2024-03-01</a>') in html
    assert "5 appearances in 5 articles from 5 outlets" in html and 'id="quote-disputed"' in html
    assert f'<a href="{group["group_url"]}">Every appearance, oldest first</a>' in html


async def test_a_quote_alone_and_a_title_have_no_group_to_show(ds):
    html, data = await page(ds, await quote_id_of(ds, "The repairs took eleven weeks,"))
    assert data["group"]["quotes"] == 1 and "No other stored article carries these words" in html
    _, data = await page(ds, await quote_id_of(ds, "The Long Night"))
    assert data["group"] is None


async def test_the_verify_page_links_the_group_of_its_evidence(bridge):
    params = {"words": BRIDGE_WORDS, "speaker": "Ana Costa"}
    verdict = (await bridge.client.get("/-/quotes/verify.json", params=params)).json()["verdict"]
    group = await group_of(bridge, verdict["evidence"][0]["quote_id"])
    assert verdict["group"]["group_url"] == group["group_url"]
    html = (await bridge.client.get("/-/quotes/verify", params=params)).text
    assert f'<a href="{group["group_url"]}" class="quotes-group-link">Every appearance, oldest first</a>' in html
    assert "5 quotes in 5 articles from 5 outlets" in html
    assert f'id="verdict-disputed">{verdict["group"]["disputed_line"]}<' in html


async def test_the_group_page_comes_in_pages(bridge, monkeypatch):
    from quotes_datasette import group_page

    monkeypatch.setattr(group_page, "PAGE_SIZE", 2)
    url = (await group_of(bridge, 1))["group_url"] + ".json"
    seen = []
    while url:
        data = (await bridge.client.get(url)).json()
        assert len(data["appearances"]) <= 2 and data["pages"] == 3
        seen += [a["publisher"] for a in data["appearances"]]
        url = data["next_url"] and data["next_url"].replace("?", ".json?")
    assert seen == BRIDGE_ORDER


async def test_a_missing_group_is_a_404(bridge):
    for path in ("/-/quotes/group/999", "/-/quotes/group/99999999999999999999"):
        response = await bridge.client.get(path)
        assert response.status_code == 404 and "No quote group" in response.text
        response = await bridge.client.get(path + ".json")
        assert response.status_code == 404 and response.json()["ok"] is False


async def test_group_ids_in_datasettes_own_pages_link_to_the_group_page(bridge):
    group = await group_of(bridge, 1)
    link = f'<a href="{group["group_url"]}" class="quotes-page-link">{group["id"]}</a>'
    for path in ("/quotes/quotes_view", "/quotes/quote_search?_search=trains", f"/quotes/quote_groups/{group['id']}"):
        assert link in (await bridge.client.get(path)).text, path
