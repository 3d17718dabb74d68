"""One speaker lookup: search, verify and the store name the same speakers for every form of a name."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from index import QuoteIndex, sync, verify
from quotes.model import Article, Quote
from quotes.speakers import name_words, speakers_named
from quotes.store import Store

# (words, canonical speaker, mention as written): one quote each
SAID = [
    ("The harbour wall will be rebuilt", "Lena Ortiz", "Lena Ortiz"),
    ("Ferries will run all winter", "Lena Ortiz", "Mayor Ortiz"),
    ("Healthcare is a right", "Hillary Clinton", "Hillary Clinton"),
    ("The economy comes first", "Bill Clinton", "Bill Clinton"),
    ("Sanctions will not work", "Medvedev", "Medvedev"),
]

# (name as claimed, the speakers it names)
CASES = [
    pytest.param("Lena Ortiz", {"Lena Ortiz"}, id="full name"),
    pytest.param("  lena   ORTIZ ", {"Lena Ortiz"}, id="full name, any case and spacing"),
    pytest.param("Ortiz", {"Lena Ortiz"}, id="surname"),
    pytest.param("Mayor Ortiz", {"Lena Ortiz"}, id="alias"),
    pytest.param("Clinton", {"Hillary Clinton", "Bill Clinton"}, id="ambiguous surname"),
    pytest.param("Hillary Clinton", {"Hillary Clinton"}, id="full name among a shared surname"),
    pytest.param("Dmitry Medvedev", {"Medvedev"}, id="full name of a speaker stored by surname"),
    pytest.param("Nobody Known", set(), id="unknown"),
]


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    for i, (words, speaker, mention) in enumerate(SAID):
        text = f"Story {i}\n\n\u201c{words},\u201d {mention} said.\n"
        start = text.index(words)
        quote = Quote(
            text=words, start=start, end=start + len(words), speaker=speaker, speaker_kind="person",
            speaker_mention=mention, cue="said", confidence=0.9,
        )
        st.add(Article(text=text, title=f"Story {i}", publisher="Test Wire", published="2022-01-05"), [quote])
    sync(st)
    return st


def speaker_of(words: str) -> str:
    return next(s for w, s, _ in SAID if w == words)


@pytest.mark.parametrize("claimed, expected", CASES)
def test_search_speaker_filter(store: Store, claimed: str, expected: set[str]) -> None:
    with QuoteIndex(store.index_dir) as qi:
        hits = qi.search("", speaker=claimed, limit=20).hits
    assert {h.speaker for h in hits} == expected
    assert len(hits) == sum(1 for _, s, _ in SAID if s in expected)


@pytest.mark.parametrize("claimed, expected", CASES)
def test_verify_speaker(store: Store, claimed: str, expected: set[str]) -> None:
    for words, speaker, _ in SAID:
        verdict = verify(store, None, words, speaker=claimed)
        assert verdict.verdict == ("confirmed" if speaker in expected else "misattributed"), (words, speaker)


@pytest.mark.parametrize("claimed, expected", CASES)
def test_common_words_search_speaker(store: Store, claimed: str, expected: set[str]) -> None:
    """The FTS5 fallback (a query of stop words only) filters by the same speakers."""
    with QuoteIndex(store.index_dir) as qi:
        everyone = qi.search("will be", store=store, limit=20).hits
        named = qi.search("will be", speaker=claimed, store=store, limit=20).hits
    assert {h.speaker for h in everyone} == {"Lena Ortiz"}  # "will be" is in her quotes only
    assert {h.speaker for h in named} == expected & {"Lena Ortiz"}


@pytest.mark.parametrize("claimed, expected", CASES)
def test_store_and_index_lookups_agree(store: Store, claimed: str, expected: set[str]) -> None:
    names = {sid: names[0] for sid, names in store.speakers()}
    with QuoteIndex(store.index_dir) as qi:
        from_index = {int(i) for i in qi.speakers_named(claimed)}
    assert from_index == store.speakers_named(claimed)
    assert {names[sid] for sid in from_index} == expected


def test_cli_search_and_verify_agree_on_a_fuller_name(store: Store) -> None:
    """``--speaker "Dmitry Medvedev"`` finds the speaker stored as "Medvedev" in both commands."""
    runner = CliRunner()
    db = ["--db", store.path]
    found = runner.invoke(cli, ["search", "", "--speaker", "Dmitry Medvedev", "--json", *db])
    assert found.exit_code == 0, found.output
    assert '"Sanctions will not work"' in found.stdout
    checked = runner.invoke(cli, ["verify", "Sanctions will not work", "--speaker", "Dmitry Medvedev", *db])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("CONFIRMED")


def test_speakers_named_rules() -> None:
    speakers = {1: ["Barack Obama", "Obama", "President Obama"], 2: ["Michelle Obama"], 3: ["J.F. O\u2019Brien"]}
    assert speakers_named("barack obama", speakers) == {1}
    assert speakers_named("Obama", speakers) == {1}  # a name equal to an alias wins
    assert speakers_named("Michelle", speakers) == {2}
    assert speakers_named("President Barack Obama", speakers) == {1}
    assert speakers_named("JF O'Brien", speakers) == {3}
    assert speakers_named("...", speakers) == set()
    assert name_words("J.F. O\u2019Brien") == ("jf", "o'brien")
