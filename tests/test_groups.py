"""Quote groups on a real SQLite file and a real Whoosh index: the same words in several
articles with different dates, outlets and speakers, their variants (trimmed, extended,
a word changed, spliced), unrelated quotes sharing common words, a title, an older
article stored later, an article stored again, a database from before groups, and what
verify says of a group."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import Said, article_with_quotes

from cli.main import cli
from index import sync
from quotes import groups
from quotes.groups import quote_words, same_quotation, word_diff
from quotes.store import Store

WALL = "The harbour wall will be rebuilt before the winter storms reach the town"
TRIMMED = "The harbour wall will be rebuilt before the winter storms"
EXTENDED = WALL + ", and the fishing boats will be safe in the old port again"
CHANGED = "The harbour wall will be repaired before the winter storms reach the town"
LONG = ("Nobody on this coast will be forgotten this year, and every family on the quay will be safe when"
        " the sea comes over the road at night")
SPLICED = "Nobody on this coast will be forgotten, and every family on the quay will be safe"
# Shares "before the winter storms reach the" with WALL, and common words besides.
UNRELATED = "The council will be meeting the ferry company before the winter storms reach the coast road"


def add(store: Store, said: list[Said], **meta: str | None) -> list[int]:
    article, quotes = article_with_quotes(said, **meta)
    return store.add(article, quotes).quote_ids


#: The articles of the ``store`` fixture, in the order stored: (quotes, the article's fields).
ARTICLES: list[tuple[list[Said], dict[str, str]]] = [
    ([Said(WALL, "Ana Petrova", "Ana Petrova", confidence=0.95)],
     {"title": "Harbour master on the wall", "publisher": "Harbour Gazette", "published": "2024-05-03",
      "url": "https://gazette.example/wall"}),
    ([Said(WALL, "Port Authority", "the Port Authority", confidence=0.7)],
     {"title": "Wall to be rebuilt", "publisher": "Coast Radio", "published": "2024-05-01",
      "url": "https://radio.example/wall"}),
    ([Said(TRIMMED, "Ana Petrova", "Petrova")], {"title": "Storm season", "publisher": "Valley Times",
                                                 "published": "2024-05-06"}),
    ([Said(EXTENDED, "Ana Petrova", "Petrova")], {"title": "Boats and the wall", "publisher": "Harbour Gazette",
                                                  "published": "2024-05-07"}),
    ([Said(CHANGED, "Ana Petrova", "Petrova")], {"title": "Repairs", "publisher": "Quayside Blog"}),
    ([Said(LONG, "Jonas Berg", "Jonas Berg")], {"title": "The mayor on the coast", "publisher": "Coast Radio",
                                                "published": "2024-03-01"}),
    ([Said(SPLICED, "Jonas Berg", "Berg")], {"title": "Promises", "publisher": "Valley Times", "published": "2024-03-09"}),
    ([Said(UNRELATED, "Lena Ortiz", "Lena Ortiz"), Said(WALL, None, None, kind="title", after="is the play.")],
     {"title": "Council diary", "publisher": "Coast Radio", "published": "2024-04-01"}),
]


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    for said, meta in ARTICLES:
        add(st, said, **meta)
    return st


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return store.db.execute(sql, params or []).fetchall()


def group_of(store: Store, words: str, kind: str = "direct") -> int | None:
    row = rows(store, "select id from quotes where text = ? and kind = ?", [words, kind])[0]
    return store.group_id_of(row[0])


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    """Every group and every quote's group, as stored (what a grouping decides)."""
    return rows(store, "select * from quote_groups order by id") + rows(store, "select id, group_id from quotes order by id")


# -- the words ------------------------------------------------------------------------


def test_variants_are_one_quotation_and_unrelated_words_are_not() -> None:
    wall = quote_words(WALL)
    for variant in (WALL.upper() + "!", TRIMMED, EXTENDED, CHANGED):
        assert same_quotation(wall, quote_words(variant)), variant
    assert same_quotation(quote_words(LONG), quote_words(SPLICED))
    assert not same_quotation(wall, quote_words(UNRELATED))
    assert not same_quotation(quote_words("The wall will hold"), quote_words("The wall will hold"))  # too short to tell
    assert quote_words("Don’t stop the F.B.I.") == ("don't", "stop", "the", "fbi")  # verify's word rule


@pytest.mark.parametrize(
    ("words", "changed", "same"),
    [
        # A word changed near either end leaves a run of one or two words at that end.
        ("The new ferry will sail twice a day", "The old ferry will sail twice a day", True),
        ("The new ferry will sail twice a day", "The new ferry will sail twice each day", True),
        ("The new ferry will sail twice a day", "A new ferry will sail twice a day", True),
        # Two words changed and one added leave too little of eight words.
        ("The new ferry will sail twice a day", "The new bus will not sail twice a day", False),
        # Words moved: the runs left are short and none is at both ends.
        ("The ferry sails twice a day from the quay", "Twice a day, the ferry sails from the quay", False),
    ],
)
def test_a_word_changed_at_the_edge(words: str, changed: str, same: bool) -> None:
    assert same_quotation(quote_words(words), quote_words(changed)) is same


def test_word_diff() -> None:
    ops = word_diff(WALL, CHANGED)
    assert [op["op"] for op in ops] == ["equal", "replace", "equal"]
    assert ops[1] == {"op": "replace", "a": "rebuilt", "b": "repaired"}
    assert [(op["op"], op["b"]) for op in word_diff(TRIMMED, EXTENDED)][1:] == [
        ("insert", "reach the town, and the fishing boats will be safe in the old port again")]
    assert [op["op"] for op in word_diff(LONG, SPLICED)] == ["equal", "delete", "equal", "delete"]
    assert word_diff("Hello, world", "hello world!") == [{"op": "equal", "a": "Hello, world", "b": "hello world"}]


# -- grouping at ingest -----------------------------------------------------------------


def test_the_same_words_and_their_variants_join_one_group(store: Store) -> None:
    wall = group_of(store, WALL)
    assert wall is not None
    assert {group_of(store, w) for w in (TRIMMED, EXTENDED, CHANGED)} == {wall}
    assert len({r[0] for r in rows(store, "select group_id from quotes where text = ? and kind = 'direct'", [WALL])}) == 1
    assert group_of(store, SPLICED) == group_of(store, LONG) != wall
    assert group_of(store, UNRELATED) not in (wall, None)


def test_a_group_knows_its_first_appearance_fullest_wording_and_counts(store: Store) -> None:
    group = store.group(group_of(store, WALL))
    assert group is not None
    assert (group["quotes"], group["articles"], group["outlets"], group["speakers"]) == (5, 5, 4, 2)
    assert (group["first_published"], group["first_publisher"]) == ("2024-05-01", "Coast Radio")
    assert group["earliest"] == WALL and group["fullest"] == EXTENDED
    assert group["disputed"] == 1  # the Port Authority and Ana Petrova
    members = store.group_quotes(group["id"])
    assert [m["publisher"] for m in members] == [
        "Coast Radio", "Harbour Gazette", "Valley Times", "Harbour Gazette", "Quayside Blog"]  # the undated last
    assert members[0]["quote_id"] == group["earliest_quote_id"] and members[-1]["published"] is None
    assert all(m["group_id"] == group["id"] for m in members)


RECOUNT = (
    "select g.id, g.quotes, g.articles, g.outlets, g.speakers, g.disputed,"
    " count(*), count(distinct q.article_id), count(distinct a.publisher), count(distinct q.speaker_id)"
    " from quote_groups g join quotes q on q.group_id = g.id join articles a on a.id = q.article_id group by g.id"
)


def test_counts_kept_as_quotes_join_are_the_counts_of_the_members(db_path: Path) -> None:
    # Articles carrying one quotation, some twice, from a few outlets (and none) by a few
    # speakers (and none): the counts each join adds are those a recount of the members gives.
    import random

    rnd = random.Random(7)
    st = Store(db_path)
    outlets = ["Harbour Gazette", "Coast Radio", "Valley Times", None]
    speakers = ["Ana Petrova", "Jonas Berg", "Lena Ortiz", None]
    for n in range(40):
        said = [Said(rnd.choice([WALL, LONG]), sp, sp) for sp in rnd.sample(speakers, rnd.choice([1, 2]))]
        add(st, said, title=f"Story {n}", publisher=rnd.choice(outlets), published=f"2024-05-{1 + n % 28:02d}")
    found = rows(st, RECOUNT)
    assert len(found) == 2 and sum(r[1] for r in found) > 40
    for gid, quotes, articles, outlets_n, speakers_n, disputed, *recounted in found:
        assert [quotes, articles, outlets_n, speakers_n] == recounted
        assert disputed == int(speakers_n > 1)


def test_speakers_the_store_merged_are_one_speaker(store: Store) -> None:
    # "Berg" is stored as Jonas Berg, the one Berg known: the sources agree.
    group = store.group(group_of(store, LONG))
    assert group is not None
    assert (group["quotes"], group["speakers"], group["disputed"]) == (2, 1, 0)
    assert group["earliest"] == LONG and group["fullest"] == LONG


def test_titles_are_never_grouped_and_every_speech_quote_is(store: Store) -> None:
    assert group_of(store, WALL, kind="title") is None
    assert rows(store, "select count(*) from quotes where kind in ('direct', 'partial') and group_id is null") == [(0,)]
    lone = store.group(group_of(store, UNRELATED))
    assert lone is not None and (lone["quotes"], lone["articles"], lone["disputed"]) == (1, 1, 0)
    assert store.group(10_000) is None and store.group_quotes(10_000) == []
    assert store.group_id_of(10_000) is None


def test_an_older_article_stored_later_moves_the_first_appearance(store: Store) -> None:
    gid = group_of(store, WALL)
    [qid] = add(store, [Said(TRIMMED, "Tomas Reyes", "Tomas Reyes")], title="Early word", publisher="Morning Post",
                published="2024-04-20", url="https://post.example/early")
    assert store.group_id_of(qid) == gid
    group = store.group(gid)
    assert group is not None
    assert (group["earliest_quote_id"], group["first_published"], group["first_publisher"]) == (qid, "2024-04-20", "Morning Post")
    assert (group["quotes"], group["outlets"], group["speakers"]) == (6, 5, 3)
    assert store.group_quotes(gid)[0]["quote_id"] == qid


def test_storing_the_same_article_again_changes_nothing(store: Store) -> None:
    before = snapshot(store)
    assert add(store, [Said(WALL, "Port Authority", "the Port Authority", confidence=0.7)],
               title="Wall to be rebuilt", publisher="Coast Radio", published="2024-05-01",
               url="https://radio.example/wall") == []
    assert snapshot(store) == before


def test_an_article_and_the_grouping_of_its_quotes_are_stored_together(store: Store, monkeypatch) -> None:
    before = snapshot(store)

    def fail(*args: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(groups, "_joined", fail)
    with pytest.raises(Exception, match="disk I/O error"):
        add(store, [Said(TRIMMED, "Tomas Reyes", "Tomas Reyes")], title="Early word", publisher="Morning Post")
    assert snapshot(store) == before
    assert rows(store, "select count(*) from articles where title = 'Early word'") == [(0,)]


def test_a_database_from_before_groups_gains_them_when_opened(store: Store, db_path: Path) -> None:
    grouped = rows(store, "select * from quote_groups order by id")
    members = rows(store, "select id, group_id from quotes order by id")
    with store.db.conn:  # the shape the version before groups left
        for view in store.db.view_names():
            store.db.execute(f"drop view [{view}]")
        store.db.execute("drop index idx_quotes_group_id")
        store.db.execute("drop index idx_quotes_ungrouped")
        store.db.execute("alter table quotes drop column group_id")
        store.db.execute("drop table quote_group_keys")
        store.db.execute("drop table quote_groups")
    store.db.conn.close()
    reader = Store(db_path, read_only=True)
    assert reader.group_id_of(1) is None and reader.group(1) is None and reader.group_quotes(1) == []
    assert {r["group_id"] for r in reader.quote_rows()} == {None}
    reader.db.conn.close()

    upgraded = Store(db_path)
    assert rows(upgraded, "select id, group_id from quotes order by id") == members
    without_times = [r[:-1] for r in rows(upgraded, "select * from quote_groups order by id")]
    assert without_times == [r[:-1] for r in grouped]
    assert rows(upgraded, "select count(*) from quotes_view where group_id is not null") == [(8,)]
    assert upgraded.db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_setting_groups_leaves_the_full_text_index_alone(store: Store, db_path: Path) -> None:
    """The full-text index follows a quote's words only; a database whose trigger
    followed every update gets the narrower one when opened."""
    with store.db.conn:
        store.db.execute("drop trigger quotes_au")
        store.db.execute(
            'create trigger "quotes_au" after update on "quotes" begin'
            ' insert into "quotes_fts" ("quotes_fts", rowid, "text") values(\'delete\', old.rowid, old."text");'
            ' insert into "quotes_fts" (rowid, "text") values (new.rowid, new."text"); end')
    store.db.conn.close()
    store = Store(db_path)
    assert rows(store, "select sql from sqlite_master where name = 'quotes_au'")[0][0].startswith(
        'CREATE TRIGGER "quotes_au" AFTER UPDATE OF "text" ON "quotes"')
    [qid] = [r[0] for r in rows(store, "select id from quotes where text = ?", [UNRELATED])]
    with store.db.conn:
        store.db.execute("update quotes set text = 'The lighthouse stays dark all winter' where id = ?", [qid])
    assert store.phrase_quote_ids([["lighthouse"]], 10) == [qid]
    assert store.phrase_quote_ids([["council", "will", "be", "meeting"]], 10) == []


def test_quotes_written_around_the_store_are_grouped_in_batches(store: Store, db_path: Path) -> None:
    with store.db.conn:
        store.db.execute("update quotes set group_id = null")
        store.db.execute("delete from quote_group_keys")
        store.db.execute("delete from quote_groups")
    assert groups.group_ungrouped(store.db.conn, "2024-06-01T00:00:00+00:00", batch=3) == 8
    assert group_of(store, TRIMMED) == group_of(store, WALL) and group_of(store, WALL, kind="title") is None
    assert not groups.has_ungrouped(store.db.conn)


def _stored(store: Store) -> list[tuple[Any, ...]]:
    """Every group (but when it was last updated) and every quote's group."""
    return (rows(store, "select id, fullest_quote_id, earliest_quote_id, first_article_id, first_published,"
                        " first_publisher, quotes, articles, outlets, speakers, disputed from quote_groups order by id")
            + rows(store, "select id, group_id from quotes order by id"))


def test_a_store_that_groups_later_groups_as_one_that_groups_at_once(store: Store, tmp_path: Path) -> None:
    later = Store(tmp_path / "later.db", group_later=True)
    for said, meta in ARTICLES:
        add(later, said, **meta)
    assert rows(later, "select count(*) from quotes where group_id is not null") == [(0,)]
    assert later.group_pending() == 8  # the speech quotes; the title has no group
    assert _stored(later) == _stored(store)
    assert later.group_pending() == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_an_ingest_groups_beside_storing_as_the_store_would_at_once(tmp_path: Path, monkeypatch, workers: int) -> None:
    """``quotes ingest`` with one worker stores ungrouped and groups in its indexing
    process (and at the end), with more in its transactions: the groups are those
    storing each article with its grouping makes."""
    from index import follow
    from index.follow import ingest_and_index
    from quotes.ingest import ingest

    monkeypatch.setattr(follow, "INDEX_BATCH", 2)  # every commit hands its quotes to an indexing process
    said = [(WALL, "Ana Petrova", "Harbour Gazette", "2024-05-03"), (TRIMMED, "Ana Petrova", "Valley Times", "2024-05-06"),
            (WALL, "Port Authority", "Coast Radio", "2024-05-01"), (CHANGED, "Ana Petrova", "Quayside Blog", None),
            (LONG, "Jonas Berg", "Coast Radio", "2024-03-01"), (SPLICED, "Jonas Berg", "Valley Times", "2024-03-09"),
            (UNRELATED, "Lena Ortiz", "Coast Radio", "2024-04-01")]
    asides = ["Ferries run late on Sundays", "Our school roof leaks again this spring", "Bread costs more every week",
              "The library opens new rooms in June", "Nobody fixed the harbour lights", "Tourists love the old mill",
              "Council minutes go online from today"]
    articles = [article_with_quotes([Said(words, who, who), Said(aside, "Mo Diaz", "Mo Diaz")],
                                    title=f"Report {i}", publisher=outlet, published=date)[0]
                for i, ((words, who, outlet, date), aside) in enumerate(zip(said, asides))]
    report, index_ok = ingest_and_index(tmp_path / "ingest.db", tmp_path / "ingest.index", articles, workers=workers)
    assert report.ok and index_ok and report.articles_added == len(said)
    at_once = Store(tmp_path / "at-once.db")
    ingest(at_once, articles)
    beside = Store(tmp_path / "ingest.db")
    assert not groups.has_ungrouped(beside.db.conn)
    assert _stored(beside) == _stored(at_once)
    group = dict(rows(beside, "select text, group_id from quotes"))
    assert group[f"{TRIMMED},"] == group[f"{WALL},"] == group[f"{CHANGED},"] != group[f"{UNRELATED},"]
    assert len(set(group.values())) == 3 + len(asides)


def test_a_group_stays_findable_when_the_quote_that_kept_its_keys_leaves(store: Store) -> None:
    gid = group_of(store, WALL)
    founder, copy = [qid for (qid,) in rows(store, "select id from quotes where text = ? and kind = 'direct'"
                                                     " order by id", [WALL])]
    assert rows(store, "select distinct quote_id from quote_group_keys where group_id = ? and quote_id in (?, ?)",
                [gid, founder, copy]) == [(founder,)]  # the copy kept none of its own
    with store.db.conn:
        assert groups.leave_groups(store.db.conn, [founder], "2024-06-01T00:00:00+00:00") == {gid}
    assert rows(store, "select distinct quote_id from quote_group_keys where group_id = ?"
                " and quote_id in (?, ?)", [gid, founder, copy]) == [(copy,)]
    add(store, [Said(WALL, "Ana Petrova", "Ana Petrova", after="Ana Petrova said again.")], title="Wall again",
        publisher="Night Desk")
    assert rows(store, "select group_id from quotes join articles on articles.id = article_id"
                " where title = 'Wall again'") == [(gid,)]


def test_a_group_left_by_all_its_quotes_leaves_no_keys(store: Store) -> None:
    gid = group_of(store, LONG)
    members = [qid for (qid,) in rows(store, "select id from quotes where group_id = ?", [gid])]
    assert rows(store, "select count(*) from quote_group_keys where group_id = ?", [gid])[0][0] > 0
    with store.db.conn:
        assert groups.leave_groups(store.db.conn, members, "2024-06-01T00:00:00+00:00") == set()
    assert rows(store, "select count(*) from quote_group_keys where group_id = ?", [gid]) == [(0,)]
    assert store.group(gid) is None


def test_words_common_to_many_quotes_are_not_kept_for_more_groups(db_path: Path) -> None:
    """A run of words many unrelated quotes share stops being a key: the work per quote stays bounded."""
    store = Store(db_path)
    shared = "when all is said and done at the end of the day"
    n = groups.COMMON_KEY + 10
    for i in range(n):
        own = " ".join(f"word{i}x{j}" for j in range(14))
        add(store, [Said(f"{shared} {own}", f"Speaker{i} Person", f"Speaker{i} Person")], title=f"Report {i}")
    assert rows(store, "select count(*) from quote_groups") == [(n,)]  # none of them the same quotation
    counts = rows(store, "select key, count(*) from quote_group_keys group by key having count(*) > 1")
    assert max(n for _, n in counts) == groups.COMMON_KEY + 1  # kept no further once too common
    assert {k for k, _ in counts} <= set(groups.shingle_keys(quote_words(shared)))


# -- verify reports the group ---------------------------------------------------------


@pytest.fixture
def indexed(store: Store, db_path: Path) -> Path:
    sync(store, db_path.with_name("quotes.index"))
    store.db.conn.close()
    return db_path


def run_verify(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["verify", *args, "--db", str(db)])


def test_verify_reports_the_group_in_text(indexed: Path) -> None:
    result = run_verify(indexed, WALL, "--speaker", "Petrova")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("CONFIRMED")
    assert "Quote group 1: 5 quotes in 5 articles from 4 outlets." in out
    assert "first appearance: 2024-05-01, Coast Radio, \u201cWall to be rebuilt\u201d [Port Authority; quote 2]" in out
    assert "https://radio.example/wall" in out.split("Quote group", 1)[1]
    assert "disputed attribution: 3 outlets give these words to Ana Petrova, 1 to Port Authority" in out
    assert "fullest, 1 article (Harbour Gazette): \u201c" + EXTENDED + "\u201d" in out
    assert "1 article (Quayside Blog): The harbour wall will be [-rebuilt-] {+repaired+} before" in out
    assert "1 article (Valley Times): " + TRIMMED + " [-reach the town," in out


def test_verify_reports_the_group_in_json(indexed: Path) -> None:
    result = run_verify(indexed, WALL, "--speaker", "Port Authority", "--json")
    assert result.exit_code == 0, result.output
    v = json.loads(result.output)
    assert (v["verdict"], v["earliest"]["publisher"], v["repeated_in"]) == ("confirmed", "Coast Radio", 2)  # as before
    g = v["group"]
    assert (g["quotes"], g["articles"], g["outlets"], g["speakers"], g["disputed"]) == (5, 5, 4, 2, True)
    assert (g["first"]["published"], g["first"]["publisher"], g["first"]["url"]) == (
        "2024-05-01", "Coast Radio", "https://radio.example/wall")
    assert g["fullest"] == EXTENDED
    assert [(a["speaker"], a["outlets"], a["articles"]) for a in g["attributions"]] == [
        ("Ana Petrova", 3, 4), ("Port Authority", 1, 1)]
    assert g["disputed_line"] == "disputed attribution: 3 outlets give these words to Ana Petrova, 1 to Port Authority"
    variants = {v["quote"]: v for v in g["variants"]}
    assert list(variants) == [EXTENDED, WALL, TRIMMED, CHANGED]  # the fullest, then oldest first
    assert variants[WALL]["publishers"] == ["Coast Radio", "Harbour Gazette"] and variants[WALL]["articles"] == 2
    assert {"op": "replace", "fullest": "rebuilt", "variant": "repaired"} in variants[CHANGED]["diff"]
    assert variants[CHANGED]["diff_text"].startswith("The harbour wall will be [-rebuilt-] {+repaired+} before")
    assert variants[EXTENDED]["diff"] == [] and variants[EXTENDED]["fullest"]


def test_verify_of_a_variant_and_of_a_group_whose_sources_agree(indexed: Path) -> None:
    v = json.loads(run_verify(indexed, "and every family on the quay will be safe", "--json").output)
    assert v["verdict"] == "found"
    g = v["group"]
    assert (g["quotes"], g["disputed"], g["disputed_line"]) == (2, False, None)
    assert g["first"]["publisher"] == "Coast Radio" and g["first"]["published"] == "2024-03-01"
    assert [var["quote"] for var in g["variants"]] == [LONG, SPLICED]
    text = run_verify(indexed, "and every family on the quay will be safe").output
    assert "Quote group" in text and "disputed attribution" not in text
    lone = run_verify(indexed, UNRELATED, "--speaker", "Ortiz")
    assert lone.exit_code == 0 and "Quote group" not in lone.output  # no other article carries it
    assert json.loads(run_verify(indexed, UNRELATED, "--json").output)["group"]["quotes"] == 1
    missing = run_verify(indexed, "Nobody said these words about the lighthouse at all", "--json")
    assert missing.exit_code == 1 and json.loads(missing.output)["group"] is None


def test_verify_reads_a_database_from_before_groups_as_it_is(indexed: Path) -> None:
    conn = sqlite3.connect(indexed)
    with conn:
        for (view,) in conn.execute("select name from sqlite_master where type = 'view'").fetchall():
            conn.execute(f"drop view [{view}]")
        conn.execute("drop index idx_quotes_group_id")
        conn.execute("drop index idx_quotes_ungrouped")
        conn.execute("alter table quotes drop column group_id")
        conn.execute("drop table quote_group_keys")
        conn.execute("drop table quote_groups")
    conn.close()
    before = indexed.read_bytes()
    result = run_verify(indexed, WALL, "--speaker", "Petrova", "--json")
    assert result.exit_code == 0, result.output
    v = json.loads(result.output)
    assert v["verdict"] == "confirmed" and v["group"] is None
    assert indexed.read_bytes() == before
