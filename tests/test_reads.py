"""The store's read API on a real SQLite file: the one join, speakers' names, phrases, opening read-only."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store import make_old_schema

from cli.main import cli
from quotes.model import Article, Quote
from quotes.store import ADDED_QUOTE_COLUMNS, Store, index_path_for
from quotes.views import QUOTE_VIEW_COLUMNS

TEXT = (
    "Harbour works\n\n"
    "\u201cThe wall will hold,\u201d Mayor Lena Ortiz said. The council calls it a \u201cstopgap\u201d.\n\n"
    "\u201cIt will not be enough,\u201d said Tomas Reyes.\n"
)


def quote(words: str, speaker: str | None, mention: str | None, kind: str = "direct") -> Quote:
    start = TEXT.index(words)
    return Quote(
        text=words, start=start, end=start + len(words), kind=kind, speaker=speaker,
        speaker_kind="person" if speaker else None, speaker_mention=mention, cue="said" if speaker else None,
        confidence=0.9, context=TEXT[start - 1 : start + 60],
    )


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    st.add(Article(text=TEXT, title="Harbour works", publisher="Harbour Gazette", published="2020-03-02"), [
        quote("The wall will hold,", "Lena Ortiz", "Mayor Lena Ortiz"),
        quote("stopgap", None, None, kind="term"),
        quote("It will not be enough,", "Tomas Reyes", "Tomas Reyes"),
    ])
    return st


def test_quote_rows_are_the_view_for_speech_and_every_kind_besides(store: Store) -> None:
    rows = list(store.quote_rows())
    assert [r["kind"] for r in rows] == ["direct", "term", "direct"]
    assert all(list(r) == QUOTE_VIEW_COLUMNS for r in rows)
    cur = store.db.execute("select * from quotes_view order by quote_id")
    view = [dict(zip([d[0] for d in cur.description], values)) for values in cur]
    assert [r for r in rows if r["kind"] == "direct"] == view
    assert rows[0]["speaker"] == "Lena Ortiz" and rows[0]["article_title"] == "Harbour works"
    assert [r["quote_id"] for r in store.quote_rows([3, 1, 3, 99])] == [1, 3]


def test_quote_rows_of_an_earlier_database_read_as_it_is(store: Store, db_path: Path) -> None:
    make_old_schema(store)
    store.db.conn.close()
    reader = Store(db_path, read_only=True)
    rows = list(reader.quote_rows())
    assert [r["quote"] for r in rows] == ["The wall will hold,", "stopgap", "It will not be enough,"]
    assert {r["antecedent_mention"] for r in rows} == {None}
    assert "antecedent_mention" not in reader.db["quotes"].columns_dict  # still not added


def test_speakers_and_their_names(store: Store) -> None:
    assert list(store.speakers()) == [(1, ["Lena Ortiz", "Mayor Lena Ortiz"]), (2, ["Tomas Reyes"])]
    assert list(store.speakers([2])) == [(2, ["Tomas Reyes"])]
    assert store.speaker_names() == {1: ["Lena Ortiz", "Mayor Lena Ortiz"], 2: ["Tomas Reyes"]}
    assert store.speakers_named("mayor lena ortiz") == {1}
    with store.db.conn:
        store.db.execute("insert into speaker_aliases (speaker_id, alias) values (2, 'Councillor Reyes')")
    assert store.speakers_named("Councillor Reyes") == {2}  # a new alias is seen at once


def test_counts_ids_and_versions(store: Store, db_path: Path) -> None:
    assert (store.quote_count(), store.max_quote_id(), store.quote_ids()) == (3, 3, [1, 2, 3])
    assert store.counts() == {"articles": 1, "quotes": 3, "speakers": 2}
    before = store.data_version()
    with sqlite3.connect(db_path) as other:
        other.execute("delete from quotes where id = 2")
    assert store.data_version() != before
    assert Store(Path(db_path).with_name("empty.db")).max_quote_id() is None


def test_phrases(store: Store) -> None:
    # "will not be": words too common for the search index, kept by FTS5
    assert store.phrase_quote_ids([["will", "not", "be"]], 10) == [3]
    assert store.phrase_quote_ids([["will"], ["hold"]], 10) == [1]
    assert store.phrase_quote_ids([["no", "such", "words"]], 10) == []
    found = store.phrase_search(["will"], facets=5)
    assert (found.total, sorted(r["quote_id"] for r in found.rows)) == (2, [1, 3])
    assert [r["rank"] for r in found.rows] == sorted(r["rank"] for r in found.rows)  # best (lowest) first
    assert found.facets == [("Lena Ortiz", 1), ("Tomas Reyes", 1)]
    assert store.phrase_search(["will"], speaker_ids=[2]).total == 1
    assert store.phrase_search(["stopgap"]).total == 0  # not speech
    assert store.phrase_search(["stopgap"], kind="any").total == 1
    assert store.phrase_search(["will"], publisher="gazette", kind="direct").total == 2


def test_upgrade_brings_an_earlier_database_up_to_date(store: Store, db_path: Path) -> None:
    make_old_schema(store)
    store.db.conn.close()
    Store.upgrade(db_path)
    with sqlite3.connect(db_path) as conn:
        assert set(ADDED_QUOTE_COLUMNS) <= {r[1] for r in conn.execute("pragma table_info(quotes)")}
        assert conn.execute("select count(*) from quotes_view").fetchone()[0] == 2


@pytest.mark.parametrize("command", [
    ["search", "wall"],
    ["search", "will not be", "--speaker", "Reyes"],
    ["verify", "The wall will hold", "--speaker", "Ortiz"],
    ["index"],
    ["check"],
])
def test_reading_commands_never_write_the_database(store: Store, db_path: Path, command: list[str]) -> None:
    """search, verify, index and check read the database; an earlier one is left as it is."""
    make_old_schema(store)
    store.db.conn.close()
    files = sorted(db_path.parent.glob("quotes.db*"))
    before = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    result = CliRunner().invoke(cli, [*command, "--db", str(db_path)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    after = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert after == before
    assert index_path_for(db_path).is_dir() or command == ["check"]


@pytest.mark.parametrize("db, index", [
    ("quotes.db", "quotes.index"),
    ("news.sqlite", "news.index"),
    ("archive", "archive.index"),
    ("data/my.quotes.db", "data/my.quotes.index"),
])
def test_index_path_for(db: str, index: str) -> None:
    assert index_path_for(db) == Path(index)
    assert index_path_for(Path(db)) == Path(index)
