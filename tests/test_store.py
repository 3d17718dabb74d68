from __future__ import annotations

import sqlite3

import pytest
from conftest import FERRY, FERRY_ANTECEDENT, located_quote

from quotes.model import Article, Quote
from quotes.store import Store, StoreError


def make(text: str, said: list[tuple[str, str | None, str | None]], **meta) -> tuple[Article, list[Quote]]:
    """An article and quotes for each (words, canonical speaker, mention) found in ``text``."""
    return Article(text=text, **meta), [located_quote(text, w, speaker=s, mention=m) for w, s, m in said]


def speaker_names(store: Store) -> list[str]:
    return [r["name"] for r in store.db["speakers"].rows_where(order_by="id")]


def test_schema(db_path):
    store = Store(db_path)
    assert {"articles", "speakers", "speaker_aliases", "quotes", "quotes_fts"} <= set(store.db.table_names())
    assert "quotes_view" in store.db.view_names()
    assert store.db.journal_mode == "wal"
    fks = {(fk.column, fk.other_table) for fk in store.db["quotes"].foreign_keys}
    assert {("article_id", "articles"), ("speaker_id", "speakers")} <= fks
    indexed = {tuple(i.columns) for i in store.db["quotes"].indexes}
    assert {("article_id",), ("speaker_id",), ("kind",)} <= indexed


def test_add_is_idempotent_and_offsets_hold(db_path):
    store = Store(db_path)
    article, quotes = make('Jane Doe said "we will win" on Monday.', [("we will win", "Jane Doe", "Jane Doe")])
    first = store.add(article, quotes)
    assert first.added and len(first.quote_ids) == 1
    again = store.add(article, quotes)
    assert not again.added and again.article_id == first.article_id
    assert store.counts() == {"articles": 1, "quotes": 1, "speakers": 1}
    row = store.db.execute(
        'select articles.text, quotes.start, quotes."end", quotes.text from quotes join articles'
        " on articles.id = quotes.article_id"
    ).fetchone()
    assert row[0][row[1] : row[2]] == row[3]


def test_bad_offsets_write_nothing(db_path):
    store = Store(db_path)
    article = Article(text='Sam said "yes".')
    bad = Quote(text="no", start=10, end=13)
    with pytest.raises(StoreError):
        store.add(article, [bad])
    assert store.counts()["articles"] == 0


def test_failure_mid_article_rolls_back(db_path):
    store = Store(db_path)
    article, quotes = make('Ann Lee said "one" and "two".', [("one", "Ann Lee", "Ann Lee"), ("two", "Ann Lee", None)])
    store.db.execute("create trigger boom before insert on quotes when new.text = 'two' begin select raise(abort, 'boom'); end")
    with pytest.raises(sqlite3.IntegrityError):
        store.add(article, quotes)
    assert store.counts() == {"articles": 0, "quotes": 0, "speakers": 0}


def test_full_name_merges_across_articles(db_path):
    store = Store(db_path)
    store.add(*make('Barack Obama said "first".', [("first", "Barack Obama", "Barack Obama")]))
    store.add(*make('President Obama said "second".', [("second", "Obama", "President Obama")]))
    store.add(*make('Barack Obama added "third".', [("third", "Barack Obama", "Barack Obama")]))
    assert speaker_names(store) == ["Barack Obama"]
    aliases = {r["alias"] for r in store.db["speaker_aliases"].rows}
    assert {"Barack Obama", "Obama", "President Obama"} <= aliases


@pytest.mark.parametrize("earlier", [False, True], ids=["new", "from an earlier version"])
def test_speakers_are_found_by_name_in_any_case_through_an_index(db_path, earlier):
    store = Store(db_path)
    store.add(*make('Barack Obama said "first".', [("first", "Barack Obama", "Barack Obama")]))
    if earlier:  # a database made before the indexes
        with store.db.conn:
            store.db.execute("drop index idx_speakers_name_nocase")
            store.db.execute("drop index idx_speaker_aliases_alias_nocase")
        store.db.conn.close()
        store = Store(db_path)
    store.add(*make('BARACK OBAMA said "second".', [("second", "BARACK OBAMA", "BARACK OBAMA")]))
    assert speaker_names(store) == ["Barack Obama"]
    for sql in ("select id from speakers where name = ? collate nocase",
                "select distinct speaker_id from speaker_aliases where alias = ? collate nocase"):
        plan = " ".join(r[-1] for r in store.db.execute("explain query plan " + sql, ["x"]))
        assert "nocase" in plan and "SCAN" not in plan.split("USING")[0], plan


def test_ambiguous_surname_is_not_merged(db_path):
    store = Store(db_path)
    store.add(*make('Bill Clinton said "one".', [("one", "Bill Clinton", "Bill Clinton")]))
    store.add(*make('Hillary Clinton said "two".', [("two", "Hillary Clinton", "Hillary Clinton")]))
    store.add(*make('Clinton said "three".', [("three", "Clinton", "Clinton")]))
    assert speaker_names(store) == ["Bill Clinton", "Hillary Clinton", "Clinton"]


def test_pronoun_mention_is_not_an_alias(db_path):
    store = Store(db_path)
    store.add(*make('Maria Lopez spoke. "Fine," she said.', [("Fine,", "Maria Lopez", "she")]))
    assert {r["alias"] for r in store.db["speaker_aliases"].rows} == {"Maria Lopez"}


def test_unattributed_quote_has_no_speaker(db_path):
    store = Store(db_path)
    store.add(*make('The sign read "closed".', [("closed", None, None)]))
    assert store.counts()["speakers"] == 0
    assert store.db.execute("select speaker_id from quotes").fetchone() == (None,)


def test_fts_finds_stemmed_words(db_path):
    store = Store(db_path)
    store.add(*make('Ann Lee said "the workers are striking today".', [("the workers are striking today", "Ann Lee", "Ann Lee")]))
    rows = store.db.execute("select rowid from quotes_fts where quotes_fts match 'strike'").fetchall()
    assert len(rows) == 1


def test_read_only_store_refuses_missing_file(tmp_path):
    with pytest.raises(StoreError):
        Store(tmp_path / "missing.db", read_only=True)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as e:
        Store(path)
    assert "junk.db" in str(e.value)


def test_role_is_kept_per_quote(db_path):
    """The role an article gives is the quote's; the speaker row keeps the latest one."""
    store = Store(db_path)
    for text, role in [('Ada Ruiz, the mayor, said "we start now".', "mayor"),
                       ('Ada Ruiz, the governor, said "we start again".', "governor")]:
        article, quotes = make(text, [(text.split('"')[1], "Ada Ruiz", "Ada Ruiz")])
        quotes[0].speaker_role = role
        store.add(article, quotes)
    assert [r[0] for r in store.db.execute("select speaker_role from quotes order by id")] == ["mayor", "governor"]
    assert [r[0] for r in store.db.execute("select speaker_role from quotes_view order by quote_id")] == [
        "mayor", "governor"]
    assert store.db.execute("select role from speakers").fetchone()[0] == "governor"


def test_database_from_an_earlier_version_is_brought_up_to_date(db_path):
    store = Store(db_path)
    article, quotes = make('Li Chen said "the dam holds".', [("the dam holds", "Li Chen", "Li Chen")])
    store.add(article, quotes)
    with store.db.conn:  # the shape an earlier version left: no per-quote role, an older view
        for view in store.db.view_names():
            store.db.execute(f"drop view [{view}]")
        store.db.execute("alter table quotes drop column speaker_role")
        store.db.execute("create view quotes_view as select id as quote_id, text as quote from quotes")
    store.db.conn.close()
    store = Store(db_path)
    assert "speaker_role" in store.db["quotes"].columns_dict
    assert store.db.execute("select quote, speaker, speaker_role from quotes_view").fetchall() == [
        ("the dam holds", "Li Chen", None)]
    assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_antecedent_is_stored_with_its_offsets(ferry_db):
    store = Store(ferry_db)
    rows = store.db.execute(
        "select speaker_mention, speaker_start, antecedent_mention, antecedent_start, antecedent_end"
        " from quotes order by id"
    ).fetchall()
    assert rows == [("she", 107, *FERRY_ANTECEDENT), ("Tom Baker", 156, None, None, None)]
    assert FERRY["text"][53:58] == "Lopez"
    assert store.db.execute(
        "select speaker, antecedent_mention, antecedent_start, antecedent_end from quotes_view"
        " where antecedent_mention is not null"
    ).fetchall() == [("Maria Lopez", *FERRY_ANTECEDENT)]


def make_old_schema(store: Store) -> None:
    """Leave the database as the version before antecedents left it."""
    with store.db.conn:
        for view in store.db.view_names():
            store.db.execute(f"drop view [{view}]")
        for column in ("antecedent_mention", "antecedent_start", "antecedent_end"):
            store.db.execute(f"alter table quotes drop column {column}")
        store.db.execute(
            "create view quotes_view as select quotes.id as quote_id, quotes.text as quote,"
            " quotes.speaker_mention from quotes"
        )


def test_database_without_antecedents_is_upgraded_in_place(db_path):
    store = Store(db_path)
    store.add(*make('Li Chen spoke. "The dam holds," he said.', [("The dam holds,", "Li Chen", "he")]))
    make_old_schema(store)
    store.db.conn.close()
    with sqlite3.connect(db_path) as conn:
        assert "antecedent_mention" not in {r[1] for r in conn.execute("pragma table_info(quotes)")}

    store = Store(db_path)
    columns = store.db["quotes"].columns_dict
    assert {"antecedent_mention": str, "antecedent_start": int, "antecedent_end": int}.items() <= columns.items()
    # The quote stored before keeps its words and has no antecedent; the views show the columns.
    assert store.db.execute(
        "select quote, speaker_mention, antecedent_mention, antecedent_start, antecedent_end from quotes_view"
    ).fetchall() == [("The dam holds,", "he", None, None, None)]
    assert "antecedent_mention" in {r[1] for r in store.db.execute("pragma table_info(quote_search)")}
    text = 'Ada Ruiz opened the school. Ruiz stayed late. "We start now," she said.'
    article, quotes = make(text, [("We start now,", "Ada Ruiz", "she")])
    quotes[0].antecedent_mention, quotes[0].antecedent_start, quotes[0].antecedent_end = "Ruiz", 28, 32
    store.add(article, quotes)
    assert store.db.execute(
        "select antecedent_mention, antecedent_start, antecedent_end from quotes_view where quote = 'We start now,'"
    ).fetchone() == ("Ruiz", 28, 32)
    assert text[28:32] == "Ruiz"
    assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    store.db.conn.close()
    Store(db_path).db.conn.close()  # opening it again changes nothing


def test_upgrade_adds_all_the_columns_or_none(db_path):
    """An upgrade stopped part way (SQLite refuses its second column) leaves the old
    schema as it was; the next opening upgrades it."""

    class Refusing(Store):
        def ensure_schema(self) -> None:
            alters = []

            def authorize(action: int, *args: object) -> int:
                if action == sqlite3.SQLITE_ALTER_TABLE:
                    alters.append(args)
                    if len(alters) == 2:
                        return sqlite3.SQLITE_DENY
                return sqlite3.SQLITE_OK

            self.db.conn.set_authorizer(authorize)
            super().ensure_schema()

    store = Store(db_path)
    make_old_schema(store)
    store.db.conn.close()
    with pytest.raises(StoreError, match="not authorized"):
        Refusing(db_path)
    with sqlite3.connect(db_path) as conn:
        assert not {"antecedent_mention", "antecedent_start"} & {r[1] for r in conn.execute("pragma table_info(quotes)")}
    assert {"antecedent_mention", "antecedent_start", "antecedent_end"} <= set(Store(db_path).db["quotes"].columns_dict)


@pytest.mark.parametrize("folder", ["plain", "what? #1", "rate%20card"])
def test_read_only_store_reads_any_path(tmp_path, folder):
    """A path is not SQLite URI syntax: '?', '#' and '%' in it are the path's own."""
    db_path = tmp_path / folder / "quotes.db"
    db_path.parent.mkdir()
    store = Store(db_path)
    store.add(*make('Ann Lee said "the ferry is late".', [("the ferry is late", "Ann Lee", "Ann Lee")]))
    store.db.conn.close()
    reader = Store(db_path, read_only=True)
    assert reader.counts() == {"articles": 1, "quotes": 1, "speakers": 1}
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db.execute("delete from quotes")
