"""Fact-checking verdicts on a real SQLite store and a real Whoosh index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FERRY_ANTECEDENT, Said, article_with_quotes
from test_store import make_old_schema

from cli.main import cli
from index import QueryError, sync, verify
from index.normalize import find_segments, segments, words
from quotes.model import Article, Quote
from quotes.store import Store



def article(paragraphs: list[tuple[str, str | None, str | None, str]], **meta: str) -> tuple[Article, list[Quote]]:
    """Paragraphs ``(words, canonical speaker, mention, after)`` written as
    ``“words,” after``."""
    return article_with_quotes(
        [Said(said, speaker, mention, after=after, method="post-posed") for said, speaker, mention, after in paragraphs],
        **meta,
    )


HARBOUR = "We will rebuild the harbour wall before winter"
BUDGET = "We can\u2019t afford a second wall this year"
ACRONYMS = "Divers from the F.B.I. and the U.S. Navy searched the harbour. If there is a wreck, they will find it"


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    st.add(*article(
        [(HARBOUR, "Lena Ortiz", "Mayor Lena Ortiz", "Mayor Lena Ortiz said on Monday."),
         ("Nobody in this town will be left behind", "Lena Ortiz", "she", "she added.")],
        title="Mayor promises new harbour wall", publisher="Harbour Gazette", published="2020-03-02",
        url="https://gazette.example/wall",
    ))
    st.add(*article(
        [(HARBOUR, "Lena Ortiz", "Ortiz", "Ortiz told reporters.")],
        title="Harbour wall: what we know", publisher="Valley Times", published="2020-03-04",
        url="https://valley.example/wall",
    ))
    # Stored last but published first: the earliest appearance goes by date, not by id.
    st.add(*article(
        [(HARBOUR, "Lena Ortiz", "Lena Ortiz", "Lena Ortiz said at the harbour.")],
        title="Storm damage at the harbour", publisher="Coast Radio", published="2020-03-01T18:30:00",
        url="https://radio.example/storm",
    ))
    st.add(*article(
        [(BUDGET, "Tomas Reyes", "Councillor Tomas Reyes", "Councillor Tomas Reyes said."),
         ("The money for the harbour is simply not there", "Tomas Reyes", "Reyes", "Reyes said."),
         ("We will be with you", "Tomas Reyes", "Reyes", "Reyes told the crowd."),
        (ACRONYMS, "Tomas Reyes", "Reyes", "Reyes said.")],
        title="Council splits over harbour", publisher="Valley Times", published="2021-06-10",
        url="https://valley.example/council",
    ))
    sync(st, db_path.with_name("quotes.index"))
    return st


@pytest.fixture
def index_dir(db_path: Path, store: Store) -> Path:
    return db_path.with_name("quotes.index")


def check(store: Store, index_dir: Path, claim: str, speaker: str | None = None):
    return verify(store, index_dir, claim, speaker=speaker)


@pytest.mark.parametrize(
    "claim",
    [
        HARBOUR,
        "we will rebuild the harbour wall before winter",
        "WE WILL REBUILD THE HARBOUR WALL, BEFORE WINTER!",
        "rebuild the harbour wall",  # part of the quote
        "We will rebuild ... before winter",
        "We will rebuild \u2026 before winter",
        "We will rebuild [...] wall before winter",
    ],
)
def test_confirmed(store, index_dir, claim):
    v = check(store, index_dir, claim, "Lena Ortiz")
    assert v.verdict == "confirmed", v.message
    assert v.ok
    assert v.said_by == ["Lena Ortiz"]


@pytest.mark.parametrize(
    "claim",
    [
        ACRONYMS,
        "from the F.B.I. and the U.S. Navy",
        "the F.B.I. and the U.S. Navy searched the harbour. If there is a wreck",
        "from the FBI and the US Navy",
    ],
)
def test_confirmed_with_abbreviations(store, index_dir, claim):
    """Dotted abbreviations are one token in the index and letters in a claim."""
    v = check(store, index_dir, claim, "Reyes")
    assert v.verdict == "confirmed", v.message


@pytest.mark.parametrize("name", ["Ortiz", "ortiz", "Lena Ortiz", "Mayor Lena Ortiz"])
def test_confirmed_by_alias(store, index_dir, name):
    assert check(store, index_dir, HARBOUR, name).verdict == "confirmed"


@pytest.mark.parametrize("claim", ["We can't afford a second wall this year", "We can\u2019t afford a second wall"])
def test_curly_and_straight_marks_are_the_same(store, index_dir, claim):
    v = check(store, index_dir, claim, "Reyes")
    assert v.verdict == "confirmed", v.message


def test_earliest_appearance_groups_repeats(store, index_dir):
    v = check(store, index_dir, "rebuild the harbour wall before winter", "Ortiz")
    assert v.earliest.publisher == "Coast Radio"
    assert v.earliest.published.startswith("2020-03-01")
    assert v.repeated_in == 2
    assert [e.publisher for e in v.evidence] == ["Coast Radio", "Harbour Gazette", "Valley Times"]
    assert "repeated in 2 other articles" in v.message


def test_evidence_offsets_point_at_the_words(store, index_dir):
    claim = "the harbour wall before winter"
    v = check(store, index_dir, claim, "Ortiz")
    texts = dict(store.db.execute("select id, text from articles"))
    for e in v.evidence:
        text = texts[e.article_id]
        assert text[e.start : e.end] == e.quote
        assert words(text[e.match_start : e.match_end]) == words(claim)
        assert e.cue == "said"
        assert e.context and e.quote in e.context
    first = v.evidence[0]
    assert first.speaker == "Lena Ortiz" and first.speaker_mention == "Lena Ortiz"
    assert first.url == "https://radio.example/storm" and first.title == "Storm damage at the harbour"


def test_misattributed_names_the_speaker(store, index_dir):
    v = check(store, index_dir, HARBOUR, "Tomas Reyes")
    assert v.verdict == "misattributed"
    assert not v.ok
    assert v.said_by == ["Lena Ortiz"]
    assert "Lena Ortiz" in v.message and "Tomas Reyes" in v.message
    assert all(e.speaker_matches is False for e in v.evidence)


def test_altered_shows_stored_words_and_diff(store, index_dir):
    v = check(store, index_dir, "We will rebuild the harbour wall before spring", "Ortiz")
    assert v.verdict == "altered"
    assert 0.6 <= v.similarity < 1
    assert v.evidence[0].quote == HARBOUR
    changed = [op for op in v.diff if op["op"] != "equal"]
    assert changed == [{"op": "replace", "claimed": "spring", "stored": "winter"}]
    assert "[-spring-]" in v.diff_text and "{+winter+}" in v.diff_text
    assert v.earliest.publisher == "Coast Radio" and v.repeated_in == 2


def test_altered_by_someone_else_says_who(store, index_dir):
    v = check(store, index_dir, "The money for the harbour is just not there", "Lena Ortiz")
    assert v.verdict == "altered"
    assert v.said_by == ["Tomas Reyes"]
    assert "not Lena Ortiz" in v.message


def test_not_found(store, index_dir):
    v = check(store, index_dir, "The lighthouse will be painted purple next spring", "Ortiz")
    assert v.verdict == "not_found"
    assert v.evidence == [] and v.earliest is None


def test_without_speaker(store, index_dir):
    found = check(store, index_dir, "nobody in this town will be left behind")
    assert found.verdict == "found" and found.ok
    assert found.said_by == ["Lena Ortiz"]
    assert check(store, index_dir, "nobody in this city will be left behind").verdict == "altered"
    assert check(store, index_dir, "purple lighthouses everywhere").verdict == "not_found"


def test_words_too_common_to_index(store, index_dir):
    assert check(store, index_dir, "we will be with you", "Reyes").verdict == "confirmed"


def test_nothing_to_verify(store, index_dir):
    with pytest.raises(QueryError):
        check(store, index_dir, " ... ")


def test_to_dict_is_json(store, index_dir):
    d = check(store, index_dir, HARBOUR, "Ortiz").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["verdict"] == "confirmed" and d["earliest"]["publisher"] == "Coast Radio"


def test_segments_and_matching():
    assert segments("one two … three. . . four [...] five") == [["one", "two"], ["three"], ["four"], ["five"]]
    hay = words("a one two x y three four five")
    assert find_segments(hay, [["one", "two"], ["three"]]) == (1, 6)
    assert find_segments(hay, [["three"], ["one"]]) is None


# -- command line -------------------------------------------------------------------


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["verify", *args, "--db", str(db_path)])


def test_cli_exit_status(store, db_path):
    ok = run(db_path, HARBOUR, "--speaker", "Ortiz")
    assert ok.exit_code == 0, ok.output
    assert "CONFIRMED" in ok.output and "Coast Radio" in ok.output
    for args in ([HARBOUR, "--speaker", "Reyes"], ["rebuild the harbour wall before spring"], ["purple lighthouse"]):
        result = run(db_path, *args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output


def test_cli_json(store, db_path):
    result = run(db_path, "We will rebuild the harbour wall before spring", "--speaker", "Ortiz", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "altered"
    assert data["evidence"][0]["quote"] == HARBOUR
    assert data["diff_text"]


CROSSING = "The crossing took eleven minutes"


def test_cli_evidence_says_what_a_pronoun_was_resolved_to(ferry_db):
    result = run(ferry_db, CROSSING, "--speaker", "Lopez")
    assert result.exit_code == 0, result.output
    assert "  speaker:  Maria Lopez (written: 'she', resolved to 'Lopez' at offset 53); cue: said\n" in result.output


def test_cli_json_evidence_carries_the_antecedent(ferry_db):
    result = run(ferry_db, CROSSING, "--json")
    assert result.exit_code == 0, result.output
    (e,) = json.loads(result.stdout)["evidence"]
    assert (e["speaker"], e["speaker_mention"], e["speaker_start"], e["speaker_end"]) == ("Maria Lopez", "she", 107, 110)
    assert (e["antecedent_mention"], e["antecedent_start"], e["antecedent_end"]) == FERRY_ANTECEDENT
    named = run(ferry_db, "The boats will run every hour", "--speaker", "Tom Baker")
    assert "  speaker:  Tom Baker, harbour master; cue: said\n" in named.output
    (e,) = json.loads(run(ferry_db, "The boats will run every hour", "--json").stdout)["evidence"]
    assert (e["speaker_mention"], e["antecedent_mention"], e["antecedent_start"]) == ("Tom Baker", None, None)


def test_evidence_from_a_database_served_as_an_earlier_version_left_it(ferry_db):
    """A read-only copy is never upgraded: its evidence has no antecedent, and no error."""
    store = Store(ferry_db)
    make_old_schema(store)
    store.db.conn.close()
    reader = Store(ferry_db, read_only=True)
    (e,) = verify(reader, ferry_db.with_name("quotes.index"), CROSSING).evidence
    assert (e.speaker, e.speaker_mention, e.speaker_start, e.antecedent_mention) == ("Maria Lopez", "she", 107, None)


def test_cli_help_documents_exit_status():
    result = CliRunner().invoke(cli, ["verify", "--help"])
    assert "Exit status" in result.output and "misattributed" in result.output


def test_cli_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["verify", "anything", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output
