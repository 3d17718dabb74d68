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
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .evaluate import article_from_row, overlaps_enough, read_jsonl, trim
from .evaluate_spans import covers, fitting_half
from .extract import extract, places
from .extract.layout import analyse
from .extract.speech import MODEL_FILE, ArticleWords, SpeechModel, features
from .model import Quote

Example = tuple[dict[str, float], int]


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
    counts: dict[str, int] = {}
    for feats, _ in data:
        for k in feats:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, c in counts.items() if c >= min_count)
    index = {k: i for i, k in enumerate(names)}
    rows = [([(index[k], v) for k, v in feats.items() if k in index], y) for feats, y in data]
    pos = sum(y for _, y in rows)
    neg = len(rows) - pos
    weight = {1: len(rows) / (2 * pos), 0: len(rows) / (2 * neg)}
    total = sum(weight[y] for _, y in rows)
    w = [0.0] * len(names)
    b = 0.0
    for _ in range(steps):
        grad = [0.0] * len(names)
        gb = 0.0
        for xs, y in rows:
            z = b + sum(w[i] * v for i, v in xs)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            err = (p - y) * weight[y]
            gb += err
            for i, v in xs:
                grad[i] += err * v
        for i in range(len(w)):
            w[i] -= rate * (grad[i] / total + l2 * w[i])
        b -= rate * gb / total
    model = SpeechModel({k: w[i] for k, i in index.items()}, b, 0.5)
    scores = sorted(model.probability(feats) for feats, y in data if y == 1)
    cut = scores[int((1 - recall) * len(scores))] if scores else 0.5
    model.threshold = min(0.5, cut)
    model.meta = {
        "fitted_on": "PolNeAR train", "examples": len(rows), "speech": pos, "not_speech": neg,
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
    parser.add_argument("train", type=Path, help="polnear.train.jsonl")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "extract" / MODEL_FILE)
    parser.add_argument("--recall", type=float, default=0.96, help="speech recall to keep on the training examples")
    parser.add_argument("--spans", type=Path, help="realnews.dev.jsonl: its fitting half joins the training data")
    parser.add_argument("--spans-weight", type=int, default=10, help="times each of those examples counts")
    args = parser.parse_args(argv)
    data = examples(read_jsonl(args.train))
    fitted: list[str] = []
    if args.spans is not None:
        rows = [r for r in read_jsonl(args.spans) if fitting_half(str(r.get("doc_id")))]
        fitted = sorted(str(r.get("doc_id")) for r in rows)
        data += span_examples(rows) * args.spans_weight
    model = fit(data, recall=args.recall)
    if fitted:
        model.meta["fitted_on"] = f"PolNeAR train + {len(fitted)} articles of {args.spans.name} (weight {args.spans_weight})"
        model.meta["spans_weight"] = args.spans_weight
        model.meta["fitted_articles"] = fitted
    args.output.write_text(model.to_json(), encoding="utf-8")
    print(report(model, data), file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
