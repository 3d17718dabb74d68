from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from quotes.model import Article, Quote

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quotes.db"


@pytest.fixture
def seed_dir() -> Path:
    return SEEDS


@pytest.fixture
def seed_path() -> Path:
    return sorted(SEEDS.glob("*.txt"))[0]


def read_document(text: str):
    """The extractor's document model of ``text``: its layout, spans and names read."""
    from quotes.extract.document import Document
    from quotes.extract.layout import analyse
    from quotes.extract.marks import find_spans

    layout = analyse(text)
    return Document(text, layout, find_spans(text, [(b.start, b.end) for b in layout.blocks]))


@pytest.fixture
def document():
    """``document(text)``: the extractor's ``Document`` for a text of the test's own."""
    return read_document


#: The capabilities by which root ignores file permissions, and prctl's operation
#: dropping one from the bounding set (linux/capability.h, linux/prctl.h).
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def held_to_file_permissions() -> None:
    """In a child before exec: drop the capabilities by which root ignores file
    permissions from its bounding set, so the program it runs, and every process that
    starts, is denied what the permission bits deny. (As root, this stands in for an
    unprivileged user, who could not run an interpreter installed in root's home.)"""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


#: The environment variable that tags the processes of one run started by a test.
RUN_TAG = "QUOTES_TEST_RUN"


def tagged(token: str) -> list[int]:
    """Processes of the run tagged ``token`` (``RUN_TAG=token`` in their environment,
    which every child inherits, however it was started)."""
    import os

    needle = f"{RUN_TAG}={token}".encode()
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


TOPICS = ["harbour", "tunnel", "bridge", "ferry", "council", "budget", "school", "rates", "roads", "station", "canal", "market"]


@dataclass
class Said:
    """One quote of an article built by ``article_with_quotes``: the paragraph
    ``“WORDS,” AFTER``, where AFTER defaults to "MENTION said." ("someone said." with
    no mention)."""

    words: str
    speaker: str | None = None
    mention: str | None = None
    kind: str = "direct"
    after: str | None = None
    role: str | None = None
    method: str | None = None
    confidence: float = 0.9


def article_with_quotes(said: Sequence[Said], *, lead: str = "", context: bool = True,
                        locate_mentions: bool = True, **meta: Any) -> tuple[Article, list[Quote]]:
    """An article of our own: ``lead`` (a headline, say), then a paragraph per quote, and
    its quotes with offsets computed from the text built (never typed). Each quote's
    ``context`` is its paragraph (with ``context``), and its mention is found in the
    words after the quote (with ``locate_mentions``); ``meta`` are the article's fields."""
    from quotes.model import Article, Quote

    text = lead
    quotes = []
    for s in said:
        para = len(text)
        after = s.after if s.after is not None else f"{s.mention or 'someone'} said."
        text += "\u201c"
        start = len(text)
        text += s.words
        end = len(text)
        text += ",\u201d " + after + "\n\n"
        m_start = text.index(s.mention, end) if s.mention and locate_mentions else None
        quotes.append(Quote(
            text=s.words, start=start, end=end, kind=s.kind, speaker=s.speaker,
            speaker_kind="person" if s.speaker else None, speaker_mention=s.mention, speaker_role=s.role,
            speaker_start=m_start, speaker_end=m_start + len(s.mention) if m_start is not None and s.mention else None,
            cue="said", method=s.method, confidence=s.confidence, context=text[para:].strip() if context else None,
        ))
    return Article(text=text, **meta), quotes


def located_quote(text: str, words: str, *, after: int = 0, speaker: str | None = None, mention: str | None = None,
                  locate_mention: bool = True, **fields: Any) -> Quote:
    """The quote of ``words`` where they first stand in ``text`` at or after ``after``,
    its mention (first in the text) located with ``locate_mention``; ``fields`` are the
    quote's other fields."""
    from quotes.model import Quote

    start = text.index(words, after)
    m_start = text.find(mention) if mention and locate_mention else -1
    return Quote(
        text=words, start=start, end=start + len(words), speaker=speaker,
        speaker_kind=fields.pop("speaker_kind", "person" if speaker else None), speaker_mention=mention,
        speaker_start=m_start if m_start >= 0 else None,
        speaker_end=m_start + len(mention) if m_start >= 0 and mention else None, **fields,
    )


def fill_store(path: Path, articles: int) -> Path:
    """A database of ``articles`` small articles of our own, four quotes each, by 300 speakers."""
    from quotes.model import Article, Quote
    from quotes.store import Store

    store = Store(path)
    batch = []
    for i in range(articles):
        text = f"Report {i}\n\n"
        quotes = []
        for k in range(4):
            name = f"Speaker{(i * 4 + k) % 300} Person"
            words = f"The {TOPICS[(i + k) % len(TOPICS)]} plan {i} part {k} will go ahead as agreed"
            text += "\u201c"
            start = len(text)
            text += f"{words},\u201d said {name}.\n\n"
            quotes.append(Quote(
                text=words, start=start, end=start + len(words), speaker=name, speaker_kind="person",
                speaker_mention=name, cue="said", confidence=0.8,
            ))
        batch.append((Article(text=text, title=f"Report {i}", publisher="Test Wire",
                              published=f"2020-01-{1 + i % 28:02d}"), quotes))
        if len(batch) == 500:
            store.add_many(batch)
            batch = []
    if batch:
        store.add_many(batch)
    store.db.conn.close()
    return path


@pytest.fixture(scope="session")
def large_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40,000 quotes: enough for the index to be written by several processes."""
    return fill_store(tmp_path_factory.mktemp("large") / "quotes.db", 10_000)


def copy_database(source: Path, target: Path) -> None:
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def large_db(large_db_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "quotes.db"
    copy_database(large_db_template, target)
    return target


@pytest.fixture(scope="session")
def large_indexed_template(large_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40,000 quotes of ``large_db_template`` with their search index built."""
    from index import rebuild
    from quotes.store import Store

    db = tmp_path_factory.mktemp("large-indexed") / "quotes.db"
    copy_database(large_db_template, db)
    store = Store(db)
    rebuild(store, db.with_name("quotes.index"))
    store.db.conn.close()
    return db


@pytest.fixture
def large_indexed(large_indexed_template: Path, tmp_path: Path) -> Path:
    """A copy of ``large_indexed_template`` (database and index) of this test's own."""
    import shutil

    target = tmp_path / "quotes.db"
    copy_database(large_indexed_template, target)
    shutil.copytree(large_indexed_template.with_name("quotes.index"), tmp_path / "quotes.index")
    return target


#: An article where "she" is resolved to Maria Lopez, last named as "Lopez" (53-58).
FERRY = {
    "id": "ferry-1",
    "title": "Ferry terminal opens",
    "publisher": "Harbour Gazette",
    "published": "2024-05-02",
    "text": (
        "Maria Lopez opened the new ferry terminal on Monday. Lopez left early."
        ' "The crossing took eleven minutes," she said.\n\n'
        '"The boats will run every hour," said Tom Baker, the harbour master.'
    ),
}
FERRY_ANTECEDENT = ("Lopez", 53, 58)  # the mention "she" (107-110) was resolved to


@pytest.fixture
def ferry_db(db_path: Path) -> Path:
    """``FERRY`` ingested by ``quotes ingest`` (extracted, stored and indexed)."""
    import json

    from click.testing import CliRunner

    from cli.main import cli

    source = db_path.with_name("ferry.jsonl")
    source.write_text(json.dumps(FERRY) + "\n")
    result = CliRunner().invoke(cli, ["ingest", str(source), "--db", str(db_path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return db_path


@pytest.fixture(scope="module")
def client():
    """A Dask client of a LocalCluster for the module: two worker processes, one thread
    each, on loopback."""
    import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=40,
    ) as local, distributed.Client(local, set_as_default=False) as c:
        yield c
