"""Page-dump analysis: title, byline, dateline, publisher, and page furniture."""
from __future__ import annotations

import pytest

from quotes.extract.layout import analyse

PAGE = """Skip to main content

Harbour council votes to rebuild the old pier

By the Coastal Desk Staff
Click to play
Watch the pier vote
  • NEW: Council backs the rebuild by seven votes to two
  • Work could start in the spring

Port Ellery, Maine (WXYZ) -- The harbour council voted on Tuesday to rebuild the old pier, ending a two-year argument over its future.

"We owe this to the fishermen," said Council Chair Ruth Okafor.

Local news: what the vote means

The money will come from a state grant and a local bond, officials said.

Ana Ruiz and Tom Lee contributed to this report.

Part of complete coverage on
Ferry fares to rise
Riders will pay "a little more" from June, the operator said.
Beach clean-up
Volunteers collected two tonnes of litter on Saturday.
"""


def test_title_byline_dateline_publisher():
    lay = analyse(PAGE)
    assert lay.title == "Harbour council votes to rebuild the old pier"
    assert lay.byline == "Coastal Desk Staff"
    assert lay.dateline == "Port Ellery, Maine (WXYZ)"
    assert lay.publisher == "WXYZ"


def test_furniture_is_not_body():
    lay = analyse(PAGE)
    body = [PAGE[b.start : b.end] for b in lay.body]
    assert any(t.startswith('"We owe this') for t in body)
    assert not any("Click to play" in t or t.startswith("•") for t in body)
    # related-story blurbs after the credit line are furniture, quotes and all
    assert not any("a little more" in t for t in body)
    assert not any("Volunteers collected" in t for t in body)
    assert lay.is_body(PAGE.index("The money will come"))
    assert not lay.is_body(PAGE.index("Work could start"))


def test_plain_article_has_no_furniture():
    text = "Mayor backs bus plan.\n\nThe mayor said on Monday that the plan would go ahead.\n\n\"It is time,\" she said."
    lay = analyse(text)
    assert lay.title == "Mayor backs bus plan"
    assert len(lay.body) == 2


def test_empty_text():
    lay = analyse("")
    assert lay.title is None and lay.blocks == []


@pytest.mark.parametrize(
    "line, dateline, publisher",
    [
        ("Port Ellery (WXYZ) -- The council voted to rebuild the pier.", "Port Ellery (WXYZ)", "WXYZ"),
        ("LAKEPORT, Maine, June 3 (Coastal Wire) — The council voted on Tuesday.", "LAKEPORT, Maine, June 3 (Coastal Wire)", "Coastal Wire"),
        ("LAKEPORT — Sen. Ann Roe (D-Maine) voted to rebuild the pier.", "LAKEPORT", None),
        # a lawmaker's party and state in brackets open no dateline
        ("Sen. Ann Roe (D-Maine) voted on Tuesday to rebuild the pier.", None, None),
        ("Rep. Ann Roe (D-Maine): Why did the pier close?", None, None),
    ],
)
def test_dateline(line, dateline, publisher):
    lay = analyse("Council backs the pier\n\n" + line + "\n\nThe work starts in June, officials said.")
    assert (lay.dateline, lay.publisher) == (dateline, publisher)
