"""A real browser against a real server: `quotes serve` in a subprocess, headless Chromium."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_datasette import build_database, fts5_order

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make chromium installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quotes_command() -> list[str]:
    script = Path(sys.executable).with_name("quotes")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cli.main import cli; cli()"]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"quotes serve exited with {proc.returncode}: {proc.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"quotes serve did not answer at {url}")


@contextlib.contextmanager
def serving(db_path: Path) -> Iterator[str]:
    """``quotes serve`` of ``db_path`` in a subprocess, until the block ends: its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [*quotes_command(), "serve", "--db", str(db_path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=db_path.parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def server(db_path):
    build_database(db_path)
    with serving(db_path) as base:
        yield base


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            yield page
        finally:
            browser.close()


def test_browse_search_and_verify(server, page, tmp_path, db_path):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # The quotes table, with its description and labelled foreign keys
    page.goto(server + "/quotes/quotes")
    assert page.locator("table.rows-and-columns tbody tr").count() == 8
    assert "One row per quoted span" in page.content()
    assert page.locator("td.col-speaker_id a", has_text="Alice Moreno").count() == 3
    page.screenshot(path=str(tmp_path / "table.png"))

    # Datasette's own search box on the browsing view: best match first
    page.goto(server + "/quotes/quotes_view")
    page.fill("#_search", "bridge")
    page.click("form.filters input[type=submit][value=Apply]")
    page.wait_for_url("**/quotes/quote_search?*")
    ids = [int(t) for t in page.locator("table.rows-and-columns tbody td.col-quote_id").all_inner_texts()]
    assert ids == fts5_order(db_path, "bridge") == [8, 6, 1]  # not their id order
    assert page.input_value("#_search") == "bridge"
    page.screenshot(path=str(tmp_path / "ranked.png"))

    # The search page is reachable from Datasette's menu
    page.click("details.nav-menu summary")
    page.click("text=Search quotes")
    page.wait_for_url("**/-/quotes")

    page.fill("#q", "finish job")
    page.click("input[type=submit][value=Search]")
    page.wait_for_selector(".quotes-hit mark")
    hits = page.locator(".quotes-hit")
    assert hits.count() == 2
    marks = [m.lower() for m in page.locator(".quotes-hit mark").all_inner_texts()]
    assert "finish" in marks and "job" in marks
    assert "2 quotes found" in page.inner_text(".quotes-count")
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    # A quote with markup in it is shown as text, never run
    page.goto(server + "/-/quotes?q=alert")
    assert "<script>alert(1)</script>" in page.inner_text(".quotes-hit blockquote")
    assert not dialogs

    # Verify a misattribution and follow the evidence to its source article
    page.goto(server + "/-/quotes/verify")
    page.fill("#words", "We will finish the job on the bridge")
    page.fill("#speaker", "Tom Okafor")
    page.click("input[type=submit][value=Verify]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict") == "misattributed"
    assert "Alice Moreno" in page.inner_text("#verdict-message")
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
    page.locator("a.quotes-article-link").first.click()
    page.wait_for_url("**/quotes/articles/1")
    assert "Council backs bridge budget" in page.content()

    for name in ("table.png", "ranked.png", "search.png", "verify.png"):
        assert (tmp_path / name).stat().st_size > 10_000


@pytest.fixture
def pier_server(tmp_path):
    """``quotes serve`` on the articles of the quote page's tests, stored by ``quotes ingest``."""
    from test_quote_page import ingest

    with serving(ingest(tmp_path)) as base:
        yield base


def test_quote_page_marks_the_quote_in_its_article(pier_server, page, tmp_path):
    from test_quote_page import PIER

    # from a search result to the quote in its article
    page.goto(pier_server + "/-/quotes?q=repairs")
    page.click("a.quotes-page-link")
    page.wait_for_url("**/-/quotes/quote/*")
    marks = page.locator("#article-text mark")
    assert [(m.get_attribute("class"), m.inner_text()) for m in marks.all()] == [
        ("antecedent", "Lopez"), ("quote", "The repairs took eleven weeks,"), ("speaker", "she"), ("cue", "said"),
    ]
    # the marks stand in the article's own text, which reads as it was written, up to
    # the paragraph after the quote's
    assert page.inner_text("#article-text") == PIER[: PIER.index("\n\n\u201cWe will")] + "\u2026"
    assert page.locator("#article-text mark.quote").evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert "resolved to \u201cLopez\u201d" in page.inner_text(".quotes-facts")
    page.screenshot(path=str(tmp_path / "quote.png"), full_page=True)
    assert (tmp_path / "quote.png").stat().st_size > 10_000

    # a title is not a quote by anyone
    page.goto(pier_server + "/-/quotes?q=%22long+night%22&kind=any")
    page.click("a.quotes-page-link")
    page.wait_for_url("**/-/quotes/quote/*")
    assert [(m.get_attribute("class"), m.inner_text()) for m in page.locator("#article-text mark").all()] == [
        ("title", "The Long Night")]
    assert "Not speech: a title" in page.inner_text("#quote-kind")


@pytest.fixture
def bridge_server(tmp_path):
    """``quotes serve`` on one quotation in five outlets, stored by ``quotes ingest``."""
    from test_quote_page import bridge_articles, ingest

    with serving(ingest(tmp_path, bridge_articles())) as base:
        yield base


def test_group_page_lists_the_appearances_in_order(bridge_server, page, tmp_path):
    from test_quote_page import BRIDGE_ORDER

    page.goto(bridge_server + "/-/quotes?q=passengers")
    page.click("a.quotes-page-link")
    page.wait_for_url("**/-/quotes/quote/*")
    assert [(m.get_attribute("class"), m.inner_text()) for m in page.locator("#article-text mark").all()] == [
        ("quote", "The new bridge will carry its first passengers before the winter comes,"),
        ("cue", "said"), ("speaker", "engineer Tom Okafor"),
    ]
    assert "Disputed attribution" in page.inner_text("#quote-group")

    page.click("text=Every appearance, oldest first")
    page.wait_for_url("**/-/quotes/group/*")
    assert page.locator(".quotes-appearance-outlet").all_inner_texts() == BRIDGE_ORDER
    assert page.locator(".quotes-appearance-date").all_inner_texts()[-1] == "undated"
    assert "after the dated ones" in page.inner_text("#group-order")
    assert page.locator(".quotes-diff del").all_inner_texts() == ["before the winter comes", "trains"]
    assert page.locator(".quotes-diff ins").all_inner_texts() == ["passengers"]
    page.screenshot(path=str(tmp_path / "group.png"), full_page=True)
    assert (tmp_path / "group.png").stat().st_size > 10_000

    # each appearance opens in its own article, marked
    page.locator("a.quotes-page-link").nth(2).click()
    page.wait_for_url("**/-/quotes/quote/*")
    assert page.locator("#article-text mark.quote").inner_text() == "The new bridge will carry its first trains,"
