"""Building, syncing, checking and rebuilding the Whoosh index from SQLite."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Said, article_with_quotes

from cli.main import cli
from index import QuoteIndex, check, delete_documents, index_exists, rebuild, sync
from index.build import META_FILE, indexed_signatures
from quotes.store import Store


def add(store: Store, title: str, said: list[tuple[str, str | None, str | None]]) -> list[int]:
    """Store an article quoting each ``(words, canonical speaker, mention)``; the quote ids."""
    article, quotes = article_with_quotes(
        [Said(words, speaker, mention, confidence=0.8) for words, speaker, mention in said],
        lead=title + "\n\n", context=False, locate_mentions=False,
        title=title, publisher="Test Wire", published="2022-01-05",
    )
    return store.add(article, quotes).quote_ids


@pytest.fixture
def store(db_path: Path) -> Store:
    st = Store(db_path)
    add(st, "Rail strike", [("The trains will run on time", "Maria Silva", "Maria Silva"),
                            ("Every station stays open", "Maria Silva", "she")])
    add(st, "Canal works", [("The canal reopens in June", "Omar Haddad", "Omar Haddad")])
    return st


@pytest.fixture
def index_dir(db_path: Path) -> Path:
    return db_path.with_name("quotes.index")


def ids(index_dir: Path, q: str) -> set[int]:
    with QuoteIndex(index_dir) as qi:
        return {h.quote_id for h in qi.search(q, limit=100).hits}


def test_sync_builds_a_missing_index(store, index_dir):
    assert not index_exists(index_dir)
    report = sync(store, index_dir)
    assert report.added == 3
    assert check(store, index_dir).ok
    assert ids(index_dir, "trains") == {1}


def test_sync_incremental(store, index_dir):
    sync(store, index_dir)
    new = add(store, "Ferry fares", [("Fares will not rise this winter", "Omar Haddad", "Haddad")])
    report = check(store, index_dir)
    assert report.missing == new and not report.ok
    sync(store, index_dir, new)
    assert check(store, index_dir).ok
    assert ids(index_dir, "fares") == set(new)
    with QuoteIndex(index_dir) as qi:
        assert qi.doc_count() == 4


def test_new_alias_reaches_earlier_quotes_without_rewriting_them(store, index_dir):
    """A known speaker's new name finds their earlier quotes; only the new quote is written."""
    sync(store, index_dir)
    assert ids(index_dir, "speaker:minister") == set()
    with QuoteIndex(index_dir) as qi:
        before = indexed_signatures(qi.ix)[3]
    new = add(store, "Bridge", [("The bridge needs repairs", "Omar Haddad", "Minister Haddad")])
    report = sync(store, index_dir, new)
    assert (report.updated, report.speakers) == (1, 1)
    assert check(store, index_dir).ok
    assert ids(index_dir, "speaker:minister") == {3, new[0]}
    assert ids(index_dir, 'speaker:"minister haddad"') == {3, new[0]}
    with QuoteIndex(index_dir) as qi:
        assert indexed_signatures(qi.ix)[3] == before
        assert {h.quote_id for h in qi.search("", speaker="minister haddad", limit=10).hits} == {3, new[0]}
        assert {h.quote_id for h in qi.search("", speaker="Maria Silva", limit=10).hits} == {1, 2}


def test_check_reports_speakers_out_of_step(store, index_dir):
    sync(store, index_dir)
    with store.db.conn:
        store.db.execute("insert into speaker_aliases (speaker_id, alias) values (2, 'Dr Haddad')")
    report = check(store, index_dir)
    assert (report.missing, report.stale, report.speakers, report.ok) == ([], [], [2], False)
    assert ids(index_dir, "speaker:dr") == set()
    assert sync(store, index_dir).speakers == 1
    assert check(store, index_dir).ok
    assert ids(index_dir, "speaker:dr") == {3}


def test_searcher_sees_updates(store, index_dir):
    sync(store, index_dir)
    with QuoteIndex(index_dir) as qi:
        assert qi.search("lighthouse").total == 0
        new = add(store, "Coast", [("The lighthouse stays lit", "Maria Silva", "Silva")])
        sync(store, index_dir, new)
        assert qi.search("lighthouse").total == 1


def test_check_reports_missing_documents(store, index_dir):
    sync(store, index_dir)
    assert delete_documents(index_dir, [2]) == 1
    report = check(store, index_dir)
    assert (report.missing, report.stale, report.orphaned, report.ok) == ([2], [], [], False)
    sync(store, index_dir)
    assert check(store, index_dir).ok


def test_check_reports_orphaned_documents(store, index_dir):
    sync(store, index_dir)
    with store.db.conn:
        store.db.execute("delete from quotes where id = 3")
    report = check(store, index_dir)
    assert (report.missing, report.stale, report.orphaned) == ([], [], [3])
    assert sync(store, index_dir).deleted == 1
    assert check(store, index_dir).ok and ids(index_dir, "canal") == set()


def test_check_reports_stale_documents(store, index_dir):
    sync(store, index_dir)
    with store.db.conn:
        store.db.execute("update articles set title = 'Rail strike ends' where id = 1")
    report = check(store, index_dir)
    assert (report.missing, report.stale, report.orphaned) == ([], [1, 2], [])
    assert sync(store, index_dir).updated == 2
    assert check(store, index_dir).ok
    assert ids(index_dir, "title:ends") == {1, 2}


def test_sync_given_ids_removes_deleted_quotes(store, index_dir):
    sync(store, index_dir)
    with store.db.conn:
        store.db.execute("delete from quotes where id = 1")
    sync(store, index_dir, [1])
    assert check(store, index_dir).ok


def test_rebuild(store, index_dir):
    sync(store, index_dir)
    delete_documents(index_dir, [1, 2, 3])
    assert rebuild(store, index_dir) == 3
    assert check(store, index_dir).ok
    assert ids(index_dir, "station") == {2}
    assert not index_dir.with_name(index_dir.name + ".building").exists()


def test_outdated_index_is_rebuilt(store, index_dir):
    sync(store, index_dir)
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": -1}))
    report = check(store, index_dir)
    assert not report.ok and not report.schema_ok
    sync(store, index_dir, [1])
    assert check(store, index_dir).ok


def test_empty_database(db_path, index_dir):
    store = Store(db_path)
    assert sync(store, index_dir).added == 0
    assert check(store, index_dir).ok
    with QuoteIndex(index_dir) as qi:
        assert qi.search("anything").total == 0


# -- command line -------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_check_and_index(store, db_path, index_dir):
    missing = run("check", "--db", str(db_path))
    assert missing.exit_code == 1 and "no search index" in missing.output
    built = run("index", "--db", str(db_path))
    assert built.exit_code == 0 and "Added 3" in built.output
    ok = run("check", "--db", str(db_path))
    assert ok.exit_code == 0 and "OK" in ok.output
    delete_documents(index_dir, [1])
    with store.db.conn:
        store.db.execute("delete from quotes where id = 3")
    drift = run("check", "--db", str(db_path), "--json")
    assert drift.exit_code == 1
    data = json.loads(drift.stdout)
    assert (data["missing"], data["orphaned"], data["ok"]) == ([1], [3], False)
    text = run("check", "--db", str(db_path))
    assert "missing: 1 (1)" in text.output and "orphaned: 1 (3)" in text.output
    rebuilt = run("index", "--rebuild", "--db", str(db_path))
    assert rebuilt.exit_code == 0 and "Indexed 2 quotes" in rebuilt.output
    assert run("check", "--db", str(db_path)).exit_code == 0


def test_cli_missing_database(tmp_path):
    for command in ("check", "index"):
        result = run(command, "--db", str(tmp_path / "nothing.db"))
        assert result.exit_code == 1 and "no such database" in result.output
        assert not (tmp_path / "nothing.db").exists()


# -- analysis -----------------------------------------------------------------------

ANALYSIS_TEXTS = [
    "The trains will run on time, said the minister's spokesman.",
    "A an THE it's 3.141 big-time under_score x Y Running runs runner",
    "Ünïcode ÉCOLE naïve café: résumés and co-operation",
    "the of and",
    "",
]
ANALYSIS_KWARGS = [
    {},
    {"positions": True},
    {"chars": True, "mode": "index"},
    {"positions": True, "chars": True, "removestops": False, "keeporiginal": True, "mode": "query"},
    {"no_morph": True},
    {"positions": True, "start_pos": 4, "start_char": 10},
    {"tokenize": False, "positions": True, "chars": True},
    {"tokenize": False, "removestops": False},
]


def _tokens(analyzer, text, kwargs):
    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None),
         t.stopped, getattr(t, "original", None), t.boost)
        for t in analyzer(text, **kwargs)
    ]


@pytest.mark.parametrize("kwargs", ANALYSIS_KWARGS)
@pytest.mark.parametrize("text", ANALYSIS_TEXTS)
@pytest.mark.parametrize("kind", ["stemming", "stemming-no-stops", "standard"])
def test_fast_analyzer_matches_whoosh_chain(kind, text, kwargs):
    from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer

    from index.analysis import FastAnalyzer

    old, new = {
        "stemming": (StemmingAnalyzer(), FastAnalyzer()),
        "stemming-no-stops": (StemmingAnalyzer(stoplist=None), FastAnalyzer(stoplist=None)),
        "standard": (StandardAnalyzer(), FastAnalyzer(stemming=False)),
    }[kind]
    assert _tokens(new, text, kwargs) == _tokens(old, text, kwargs)


@pytest.mark.parametrize("text", ANALYSIS_TEXTS)
def test_stemmed_text_field_indexes_like_text_field(text):
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT

    from index.analysis import FastAnalyzer, StemmedText

    old, new = TEXT(analyzer=StemmingAnalyzer(), spelling=True), StemmedText(analyzer=FastAnalyzer(), spelling=True)
    assert sorted(new.index(text)) == sorted(old.index(text))
    assert list(new.spellable_words(text)) == list(old.spellable_words(text))


def test_fuzzy_and_suggestions_across_segments(store, index_dir):
    """Each segment keeps its own spelling words, however many documents repeat them."""
    sync(store, index_dir)
    first = add(store, "Harbour", [("The harbour reopens", "Omar Haddad", "Haddad"),
                                   ("The harbour stays busy", "Maria Silva", "Silva")])
    sync(store, index_dir, first)
    second = add(store, "Harbour again", [("The harbour closes", "Omar Haddad", "Haddad")])
    sync(store, index_dir, second)
    assert ids(index_dir, "harbor~") == set(first + second)
    with QuoteIndex(index_dir) as qi:
        assert qi.search("harbor").suggestions == ["harbour"]


def test_sync_of_indexed_ids_replaces_documents(store, index_dir):
    sync(store, index_dir)
    sync(store, index_dir, [1, 2, 3])
    with QuoteIndex(index_dir) as qi:
        assert qi.doc_count() == 3
    assert check(store, index_dir).ok


@pytest.mark.parametrize("procs", [1, 2])
def test_sync_and_rebuild_with_several_processes(store, index_dir, procs):
    assert rebuild(store, index_dir, procs=procs) == 3
    new = add(store, "Ferry fares", [("Fares will not rise this winter", "Omar Haddad", "Omar Haddad"),
                                     ("Ferries run all night", "Maria Silva", "Maria Silva")])
    with store.db.conn:
        store.db.execute("update articles set title = 'Rail strike ends' where id = 1")
    report = sync(store, index_dir, new + [1], procs=procs)
    assert (report.updated, report.deleted) == (3, 0)
    assert ids(index_dir, "feries~") == {new[1]} and ids(index_dir, "title:ends") == {1}
    assert check(store, index_dir).stale == [2]
    assert sync(store, index_dir, procs=procs).updated == 1
    assert check(store, index_dir).ok
    with QuoteIndex(index_dir) as qi:
        assert qi.doc_count() == 5


def test_rebuild_spilling_postings_to_disk(store, index_dir):
    """With no memory to spare every posting goes through sorted runs on disk."""
    assert rebuild(store, index_dir, procs=1, limitmb=0) == 3
    assert check(store, index_dir).ok
    assert ids(index_dir, '"canal reopens"') == {3} and ids(index_dir, "speaker:silva") == {1, 2}


# -- values the index must survive ----------------------------------------------------

ODD_DATES = [
    "0001-01-01T00:00:00+01:00",  # year 0 in UTC
    "9999-12-31T23:59:59-05:00",  # year 10000 in UTC
    "0001-01-01",
    "9999-12-31T23:59:59",
    "not a date",
    "2011-02-30",
]


@pytest.mark.parametrize("published", ODD_DATES)
def test_any_stored_date_can_be_indexed_and_searched(db_path, index_dir, published):
    """Whatever date an article carries, the index builds, syncs, rebuilds and answers."""
    st = Store(db_path)
    add(st, "Harbour", [("The harbour wall will be raised", "Maria Silva", "Maria Silva")])
    odd = add(st, "Tunnel", [("The tunnel opens next spring", "Omar Haddad", "Omar Haddad")])
    with st.db.conn:
        st.db.execute("update articles set published = ? where id = 2", [published])
    assert sync(st, index_dir).added == 2
    assert rebuild(st, index_dir) == 2
    assert check(st, index_dir).ok
    assert ids(index_dir, "tunnel") == set(odd)
    with QuoteIndex(index_dir) as qi:
        dated = {h.quote_id for h in qi.search("*", since="0001", until="9999", limit=10).hits}
    assert set(odd) <= dated or published in ("not a date", "2011-02-30")
    for args in (["search", "tunnel"], ["search", "tunnel", "--since", "0001-01-01T00:00:00+01:00", "--until", "9999"],
                 ["search", "published:[0001 to 9999] tunnel"], ["verify", "the tunnel opens next spring"],
                 ["index"], ["index", "--rebuild"], ["check"]):
        result = run(*args, "--db", str(db_path))
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output and "Error" not in result.output


@pytest.mark.parametrize("published, warned", [
    ("0001-01-01T00:00:00+01:00", "outside years 1-9999 in UTC"),
    ("9999-12-31T23:59:59-05:00", "outside years 1-9999 in UTC"),
    ("yesterday", "not an ISO 8601 date"),
    ("2011-05-27T10:00:00+02:00", None),
])
def test_ingest_warns_of_unusable_dates_and_indexes_the_article(tmp_path, db_path, published, warned):
    corpus = tmp_path / "dated.jsonl"
    corpus.write_text(json.dumps({
        "id": "d1", "published": published,
        "text": "\u201cThe ferry will sail at dawn,\u201d said Captain Ines Moreau on the quay.",
    }) + "\n")
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    if warned:
        assert len(warnings) == 1 and warned in warnings[0]
        assert warnings[0].startswith(f"{corpus}:1: warning: published {published!r}")
    else:
        assert warnings == []
    assert Store(db_path).db.execute("select published from articles").fetchone()[0] == published
    assert run("search", "ferry", "--db", str(db_path)).exit_code == 0
    assert run("check", "--db", str(db_path)).exit_code == 0
