"""The generated corpus the scale benchmarks run on must be something the extractor
reads: English, with quotes whose speakers it finds (a corpus it skips measures nothing)."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from quotes.extract.lexicon import reads_as_english
from quotes.extract.pipeline import extract_text

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def ingest_bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import ingest  # benchmarks/ingest.py

    yield ingest
    sys.modules.pop("ingest", None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_articles_read_as_english_and_give_attributed_quotes(ingest_bench, seed: int) -> None:
    rng = random.Random(seed)
    text = "\n\n".join(ingest_bench.generated_paragraph(rng) for _ in range(12))
    assert reads_as_english(text)
    quotes = extract_text(text)
    assert quotes, text
    assert {q.speaker for q in quotes} <= set(ingest_bench.NAMES)


def test_write_corpus_without_polnear_generates(ingest_bench, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ingest_bench, "POLNEAR", tmp_path / "missing.jsonl")
    out = tmp_path / "corpus.jsonl"
    ingest_bench.write_corpus(out, 20)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 20
    quoted = sum(len(extract_text(r["text"])) for r in rows)
    assert quoted >= 20 * 3  # about 7 quotes an article
