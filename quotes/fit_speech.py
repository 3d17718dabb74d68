"""Fit the speech-or-not model (``quotes/extract/speech_model.json``) on PolNeAR's
training split and, optionally, the fitting half of a file of labelled spans.

Every quoted span the extractor finds in a PolNeAR training article is an example:
speech when it matches an annotated quotation, not speech when it falls on one of the
article's ``unattributed_quoted_spans`` (titles, scare quotes, nicknames), left out
otherwise. With ``--spans`` (a file in the realnews form, every quoted span labelled),
the articles of its fitting half (``evaluate_spans.fitting_half``: fixed by each doc_id's
hash, so the other half stays held out) add their spans, each counted ``--spans-weight``
times: a few dozen articles from many outlets against 840 from one campaign. A logistic
model is fitted by full-batch gradient descent with L2 regularisation and balanced class
weights: no randomness, so the same data gives the same weights. The threshold is the
highest that keeps speech recall on the training examples at ``--recall``. The model
lists the articles it was fitted on, so ``quotes eval`` can score the held-out half
apart.

    python -m quotes.fit_speech ../shared/eval/polnear.train.jsonl --spans ../shared/eval/realnews.dev.jsonl
    python -m quotes.fit_speech polnear.train.jsonl --output /tmp/model.json
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .evaluate import article_from_row, overlaps_enough, trim
from .evaluate_spans import covers
from .extract import extract, logistic, places
from .extract.layout import analyse
from .extract.logistic import Example
from .extract.speech import MODEL_FILE, ArticleWords, SpeechModel, features
from .fitting import add_data_arguments, training_data, write_model
from .model import Quote


def _read(row: dict[str, Any]) -> tuple[str, list[Quote], list[dict[str, float]]]:
    """An article's text, every quoted span the extractor finds, and their features."""
    article = article_from_row(row)
    text = article.text
    quotes = extract(article, speech=False)
    words = ArticleWords(text, quotes)
    where = places(text, analyse(text), quotes)
    return text, quotes, [features(text, q, sentence, paragraph, words) for q, (sentence, paragraph) in zip(quotes, where)]


def examples(rows: Iterable[dict[str, Any]]) -> list[Example]:
    """Examples from PolNeAR articles: annotated quotations are speech, quoted spans no
    attribution covers are not, the rest is left out."""
    out: list[Example] = []
    for row in rows:
        text, quotes, feats = _read(row)
        gold = [trim(text, g["start"], g["end"]) for g in row.get("quotes") or []]
        other = [trim(text, u["start"], u["end"]) for u in row.get("unattributed_quoted_spans") or []]
        for q, f in zip(quotes, feats):
            span = trim(text, q.start, q.end)
            if any(overlaps_enough(span, g) for g in gold):
                out.append((f, 1))
            elif any(overlaps_enough(span, u) for u in other):
                out.append((f, 0))
    return out


def span_examples(rows: Iterable[dict[str, Any]]) -> list[Example]:
    """Examples from articles whose every quoted span is labelled speech or not."""
    out: list[Example] = []
    for row in rows:
        _, quotes, feats = _read(row)
        for g in row.get("spans") or []:
            hit = next((i for i, q in enumerate(quotes) if covers((q.start, q.end), (g["start"], g["end"]))), None)
            if hit is not None:
                out.append((feats[hit], int(bool(g.get("speech")))))
    return out


def fit(data: list[Example], *, l2: float = 1e-3, rate: float = 0.5, steps: int = 600,
        min_count: int = 3, recall: float = 0.96) -> SpeechModel:
    weights, bias = logistic.fit(data, l2=l2, rate=rate, steps=steps, min_count=min_count, balanced=True)
    model = SpeechModel(weights, bias, 0.5)
    scores = sorted(model.probability(feats) for feats, y in data if y == 1)
    cut = scores[int((1 - recall) * len(scores))] if scores else 0.5
    model.threshold = min(0.5, cut)
    model.meta = {
        "fitted_on": "PolNeAR train", "examples": len(data), "speech": sum(y for _, y in data),
        "not_speech": sum(1 for _, y in data if not y),
        "l2": l2, "steps": steps, "min_count": min_count, "train_recall_target": recall,
    }
    return model


def report(model: SpeechModel, data: list[Example]) -> str:
    tp = sum(1 for f, y in data if y == 1 and model.probability(f) >= model.threshold)
    tn = sum(1 for f, y in data if y == 0 and model.probability(f) < model.threshold)
    pos = sum(y for _, y in data)
    neg = len(data) - pos
    return (f"{len(data)} examples ({pos} speech, {neg} not); threshold {model.threshold:.3f}: "
            f"speech recall {tp / pos:.3f}, not-speech rejected {tn / neg:.3f} (on the training examples)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser, Path(__file__).parent / "extract" / MODEL_FILE)
    parser.add_argument("--recall", type=float, default=0.96, help="speech recall to keep on the training examples")
    args = parser.parse_args(argv)
    data, fitted = training_data(args, examples, span_examples)
    model = fit(data, recall=args.recall)
    write_model(model, args, fitted, report(model, data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
