"""Fit the attribution-confidence model (``quotes/extract/speaker_model.json``) on PolNeAR's
training split and, optionally, the fitting half of a file of labelled spans.

Every quotation the extractor finds and calls speech in a training article, matched to
an annotated one, is an example: 1 when its speaker is right by the rule ``quotes eval``
scores with, 0 when not. With ``--spans`` (the realnews form), the articles of its
fitting half (``evaluate_spans.fitting_half``, the half the speech model fits on too)
add their quotations, each counted ``--spans-weight`` times. The classes keep their own
weights, so the fitted probability stays calibrated: of the quotes given 0.8, about
eight in ten have the right speaker on the training examples.

    python -m quotes.fit_speaker ../shared/eval/polnear.train.jsonl --spans ../shared/eval/realnews.dev.jsonl
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .evaluate import article_from_row, match, speaker_right, trim
from .evaluate_spans import covers, span_speaker_right
from .extract import extract, logistic, places
from .extract.confidence import MODEL_FILE, SPEECH_KINDS, SpeakerModel, each_features
from .extract.layout import analyse
from .extract.logistic import Example
from .fitting import add_data_arguments, training_data, write_model
from .model import Quote

#: probability bins of the calibration table
BINS = (0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


def _read(row: dict[str, Any]) -> tuple[str, list[Quote], list[dict[str, float] | None]]:
    """An article's text, its quotes (speech told from the rest) and their features."""
    article = article_from_row(row)
    text = article.text
    layout = analyse(text)
    quotes = extract(article, layout=layout)
    sentences = [s for s, _ in places(text, layout, quotes)]
    return text, quotes, each_features(text, quotes, sentences)


def examples(rows: Iterable[dict[str, Any]]) -> list[Example]:
    """Examples from PolNeAR articles: each speech prediction matched to an annotated
    quotation, labelled by whether its speaker is right."""
    out: list[Example] = []
    for row in rows:
        text, quotes, feats = _read(row)
        speech = [(q, f) for q, f in zip(quotes, feats) if f is not None and q.kind in SPEECH_KINDS]
        gold = row.get("quotes") or []
        pairs = match([trim(text, g["start"], g["end"]) for g in gold], [trim(text, q.start, q.end) for q, _ in speech])
        for i, j in pairs:
            q, f = speech[j]
            out.append((f, int(speaker_right(gold[i], q))))
    return out


def span_examples(rows: Iterable[dict[str, Any]]) -> list[Example]:
    """Examples from articles whose every quoted span is labelled: each speech span found
    as speech, labelled by whether its canonical speaker is right."""
    out: list[Example] = []
    for row in rows:
        _, quotes, feats = _read(row)
        speech = [(q, f) for q, f in zip(quotes, feats) if f is not None]
        for g in row.get("spans") or []:
            if not g.get("speech"):
                continue
            hit = next((k for k, (q, _) in enumerate(speech) if covers((q.start, q.end), (g["start"], g["end"]))), None)
            if hit is not None:
                q, f = speech[hit]
                out.append((f, int(span_speaker_right(g, q))))
    return out


def fit(data: list[Example], *, l2: float = 1e-3, steps: int = 600, min_count: int = 3) -> SpeakerModel:
    weights, bias = logistic.fit(data, l2=l2, steps=steps, min_count=min_count, balanced=False)
    model = SpeakerModel(weights, bias, 0.5)
    model.meta = {
        "fitted_on": "PolNeAR train", "examples": len(data), "right": sum(y for _, y in data),
        "l2": l2, "steps": steps, "min_count": min_count,
    }
    return model


def calibration(model: SpeakerModel, data: list[Example]) -> list[tuple[str, int, float, float]]:
    """Per probability bin: (bin, examples, mean probability, share right)."""
    rows: list[tuple[str, int, float, float]] = []
    scored = [(model.probability(f), y) for f, y in data]
    low = 0.0
    for high in BINS:
        inside = [(p, y) for p, y in scored if low <= p < high or (high == 1.0 and p >= low)]
        if inside:
            rows.append((f"{low:.2f}-{high:.2f}", len(inside), sum(p for p, _ in inside) / len(inside),
                         sum(y for _, y in inside) / len(inside)))
        low = high
    return rows


def report(model: SpeakerModel, data: list[Example]) -> str:
    lines = [f"{len(data)} examples ({sum(y for _, y in data)} with the right speaker), on the training examples:"]
    lines += [f"  p {b}: {n} examples, mean p {p:.3f}, right {r:.3f}" for b, n, p, r in calibration(model, data)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser, Path(__file__).parent / "extract" / MODEL_FILE)
    args = parser.parse_args(argv)
    data, fitted = training_data(args, examples, span_examples)
    model = fit(data)
    write_model(model, args, fitted, report(model, data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
