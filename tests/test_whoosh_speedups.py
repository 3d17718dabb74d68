"""The Whoosh speed-ups write and read the index plain Whoosh does, and stand aside for a
Whoosh version they were not written for."""
from __future__ import annotations

import random
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.writing import PostingPool, SegmentWriter

from index import QuoteIndex, rebuild, whoosh_speedups
from index.build import INDEX_NAME, document
from index.schema import make_schema
from index.whoosh_speedups import ChunkedPostingPool, FasterWriting
from index.writing import LOCK_TIMEOUT, OwnedMpWriter, open_writer
from quotes.model import Article, Quote
from quotes.store import Store

WORDS = (
    "council budget river bridge school plan town minister voters election tax report police "
    "hospital road court market water energy farm union strike park museum station trade ferry "
    "harbour winter summer fares rail canal workers teachers nurses prices houses rents wages "
    "floods drought forest wind solar coal mines steel ports airport tunnel library"
).split()
SPEAKERS = [
    ("Maria Silva", ["Silva", "Minister Silva"]), ("Omar Haddad", ["Haddad"]),
    ("Ann Lee", ["Lee", "Dr Lee"]), ("Tom Baker", ["Baker"]), ("Li Wei", ["Wei"]),
    ("Ada Okafor", ["Okafor", "Mayor Okafor"]), ("Sam Patel", ["Patel"]),
]
PUBLISHERS = ["Test Wire", "River Gazette", "Harbour Times"]
QUOTES = 2400


def fill(store: Store, quotes: int, seed: int = 7) -> None:
    """Articles of generated sentences, each quoting several speakers under their names."""
    rng = random.Random(seed)
    pairs = []
    made = 0
    while made < quotes:
        title = " ".join(rng.choices(WORDS, k=4)).capitalize()
        text = title + "\n\n"
        said = []
        for _ in range(rng.randint(3, 7)):
            name, aliases = rng.choice(SPEAKERS)
            mention = rng.choice([name, *aliases])
            words = " ".join(rng.choices(WORDS, k=rng.randint(4, 18))).capitalize()
            text += f"{' '.join(rng.choices(WORDS, k=6)).capitalize()}. \u201c"
            start = len(text)
            text += words + f",\u201d {mention} said on the {rng.choice(WORDS)}.\n\n"
            said.append(Quote(
                text=words, start=start, end=start + len(words), speaker=name, speaker_kind="person",
                speaker_mention=mention, cue="said", confidence=0.8,
            ))
        made += len(said)
        published = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pairs.append((Article(text=text, title=title, publisher=rng.choice(PUBLISHERS), published=published), said))
    store.add_many(pairs)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    st = Store(tmp_path_factory.mktemp("speedups") / "quotes.db")
    fill(st, QUOTES)
    return st


@pytest.fixture
def plain_readers() -> Iterator[None]:
    """Plain Whoosh readers for the duration of the test, then the cache as it was."""
    installed = whoosh_speedups.reader_cache_installed()
    whoosh_speedups.remove_reader_cache()
    yield
    if installed:
        whoosh_speedups.install_reader_cache()


def changes(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows the third commit rewrites, and the other rows it deletes."""
    rewritten = rows[::37]
    return rewritten, [row for row in rows[5::41] if row not in rewritten]


def build(
    store: Store, folder: Path, *, speedups: bool, procs: int, multisegment: bool = True,
    opener: Callable[..., Any] = open_writer,
) -> FileIndex:
    """An index of every quote, written in three commits as sync writes them: most
    quotes, then the rest (merging small segments), then some rewritten, some deleted;
    each writer as ``opener`` opens it."""
    folder.mkdir()
    ix = FileStorage(str(folder), supports_mmap=False).create_index(make_schema(), indexname=INDEX_NAME)
    rows = list(store.quote_rows())
    cut = len(rows) * 2 // 3
    changed, deleted = changes(rows)
    for batch in (rows[:cut], rows[cut:], changed):
        writer = opener(ix, len(batch), procs, limitmb=1, multisegment=multisegment, speedups=speedups)
        assert isinstance(writer, FasterWriting) == speedups
        for row in batch:
            if batch is changed:
                writer.update_document(**document(row))
            else:
                writer.add_document(**document(row))
        if batch is changed:
            for row in deleted:
                writer.delete_by_term("id", str(row["quote_id"]))
        writer.commit()
    return ix


def contents(ix: FileIndex) -> dict[str, Any]:
    """Everything the index holds for its live documents, by quote id rather than by
    document number (which depends on which process indexed which batch): stored
    fields, column values, field lengths, and every posting (field, term, quote id:
    weight and the encoded value, which holds frequency and positions)."""
    with ix.reader() as reader:
        schema = ix.schema
        docs: dict[str, Any] = {}
        qid: dict[int, str] = {}
        sigs = reader.column_reader("sig")
        scorable = [n for n in schema.names() if schema[n].scorable]
        for docnum, stored in reader.iter_docs():
            qid[docnum] = stored["id"]
            lengths = {n: reader.doc_field_length(docnum, n) for n in scorable}
            docs[stored["id"]] = (stored, sigs[docnum], lengths)
        postings: dict[tuple[str, bytes], dict[str, Any]] = {}
        spelling: dict[str, set[bytes]] = {}
        for fieldname in reader.indexed_field_names():
            if fieldname.startswith("spell_"):  # one posting per word, on no document in particular
                spelling[fieldname] = set(reader.lexicon(fieldname))
                continue
            for term in reader.lexicon(fieldname):
                m = reader.postings(fieldname, term)
                found = {}
                while m.is_active():
                    docnum = m.id()
                    if not reader.is_deleted(docnum):
                        found[qid[docnum]] = (m.weight(), m.value())
                    m.next()
                if found:
                    postings[fieldname, term] = found
        return {"count": reader.doc_count(), "docs": docs, "postings": postings, "spelling": spelling}


@pytest.mark.parametrize(("procs", "multisegment"), [(1, True), (2, True), (2, False)])
def test_speedups_write_the_index_plain_whoosh_writes(store, tmp_path, plain_readers, procs, multisegment):
    plain = contents(build(store, tmp_path / "plain", speedups=False, procs=procs, multisegment=multisegment))
    assert not whoosh_speedups.reader_cache_installed()

    fast_ix = build(store, tmp_path / "fast", speedups=True, procs=procs, multisegment=multisegment)
    assert whoosh_speedups.reader_cache_installed()
    assert len(fast_ix._segments()) > 1
    fast = contents(fast_ix)  # read with the cache
    whoosh_speedups.remove_reader_cache()
    fast_plainly = contents(fast_ix)  # and without

    rows = list(store.quote_rows())
    assert plain["count"] == len(plain["docs"]) == len(rows) - len(changes(rows)[1])
    assert len(plain["postings"]) > 1000
    assert plain["spelling"]["spell_text"]
    for part in ("count", "docs", "spelling", "postings"):
        assert fast[part] == plain[part], part
        assert fast_plainly[part] == plain[part], part


class _PlainChildren(FasterWriting, OwnedMpWriter):
    """A parent with the speed-ups whose sub-writers are Whoosh's own, as a process
    started afresh, without them, would be."""


def _plain_children(ix: FileIndex, documents: int, procs: int, *, limitmb: float, multisegment: bool, speedups: bool) -> Any:
    return _PlainChildren(ix, procs=procs, limitmb=limitmb, multisegment=multisegment, timeout=LOCK_TIMEOUT)


def test_a_parent_merges_the_runs_of_sub_writers_without_the_speedups(store, tmp_path, plain_readers):
    """Without multisegment the parent reads its sub-writers' runs: which pool wrote
    them does not matter."""
    plain = contents(build(store, tmp_path / "plain", speedups=False, procs=2, multisegment=False))
    mixed = build(store, tmp_path / "mixed", speedups=True, procs=2, multisegment=False, opener=_plain_children)
    assert contents(mixed) == plain


def test_the_build_crosses_run_and_chunk_boundaries(store, tmp_path, monkeypatch):
    """The differential builds spill several runs, some longer than a chunk."""
    runs: list[int] = []
    save = ChunkedPostingPool.save

    def counting(self: ChunkedPostingPool) -> None:
        if self.current:
            runs.append(len(self.current))
        save(self)

    monkeypatch.setattr(ChunkedPostingPool, "save", counting)
    build(store, tmp_path / "fast", speedups=True, procs=1)
    assert len(runs) >= 3 and max(runs) > whoosh_speedups._RUN_CHUNK


def test_a_chunked_pool_reads_runs_plain_whoosh_wrote(tmp_path):
    """Whichever pool wrote a sub-writer's run, the parent's pool reads it back."""
    storage = FileStorage(str(tmp_path)).create()
    items = sorted(("text", f"w{i:05d}".encode(), i % 97, 1.0, b"\x01\x02") for i in range(10_000))
    plain = PostingPool(storage, None, limitmb=64)
    chunked = ChunkedPostingPool.like(plain)
    for pool in (plain, chunked):
        for item in items:
            pool.add(item)
        pool.save()
    assert [list(chunked._read_run(path)) for path in (plain.runs[0], chunked.runs[0])] == [items, items]
    assert not list(storage.list())  # read runs are removed


def test_the_reader_cache_installs_once_and_comes_off(plain_readers):
    plain = W3PerDocReader.__dict__["doc_field_length"]
    assert whoosh_speedups.install_reader_cache() and whoosh_speedups.install_reader_cache()
    assert W3PerDocReader.__dict__["doc_field_length"] is whoosh_speedups.CachedPerDocReader.__dict__["doc_field_length"]
    whoosh_speedups.remove_reader_cache()
    assert W3PerDocReader.__dict__["doc_field_length"] is plain


def test_another_whoosh_version_gets_plain_whoosh_with_a_warning(store, tmp_path, plain_readers, monkeypatch):
    monkeypatch.setattr(whoosh_speedups, "WHOOSH_VERSION", (2, 8, 0))
    monkeypatch.setattr(whoosh_speedups, "_warned", False)
    plain = dict(W3PerDocReader.__dict__)
    with pytest.warns(RuntimeWarning, match=r"whoosh 2\.8\.0: .* written for whoosh 2\.7\.5; using plain whoosh"):
        assert not whoosh_speedups.install_reader_cache()
    assert dict(W3PerDocReader.__dict__) == plain

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once, not on every writer
        folder = tmp_path / "ix"
        folder.mkdir()
        ix = FileStorage(str(folder)).create_index(make_schema(), indexname=INDEX_NAME)
        for procs, kind in ((1, SegmentWriter), (2, OwnedMpWriter)):
            writer = open_writer(ix, 0, procs)
            assert type(writer) is kind and getattr(writer, "writer_class", SegmentWriter) is SegmentWriter
            writer.cancel()
        index_dir = tmp_path / "quotes.index"
        assert rebuild(store, index_dir, procs=2) == len(list(store.quote_rows()))
        with QuoteIndex(index_dir) as qi:
            assert qi.search("speaker:okafor", limit=1).total > 0
    assert dict(W3PerDocReader.__dict__) == plain
