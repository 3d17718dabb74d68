"""What the scripts that fit the extractor's models share: the training data (PolNeAR
train, and the fitting half of a file of labelled spans counted several times), the
arguments that name it, and writing the fitted model with the articles it was fitted on."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .evaluate import read_jsonl
from .evaluate_spans import fitting_half
from .extract.logistic import Example, LogisticModel

Rows = Iterable[dict[str, Any]]


def add_data_arguments(parser: argparse.ArgumentParser, model_path: Path) -> None:
    parser.add_argument("train", type=Path, help="polnear.train.jsonl")
    parser.add_argument("--output", type=Path, default=model_path)
    parser.add_argument("--spans", type=Path, help="realnews.dev.jsonl: its fitting half joins the training data")
    parser.add_argument("--spans-weight", type=int, default=10, help="times each of those examples counts")


def training_data(args: argparse.Namespace, examples: Callable[[Rows], list[Example]],
                  span_examples: Callable[[Rows], list[Example]]) -> tuple[list[Example], list[str]]:
    """The examples of ``args.train`` and of the fitting half of ``args.spans`` (each
    counted ``args.spans_weight`` times), and the doc_ids of that half."""
    data = examples(read_jsonl(args.train))
    fitted: list[str] = []
    if args.spans is not None:
        rows = [r for r in read_jsonl(args.spans) if fitting_half(str(r.get("doc_id")))]
        fitted = sorted(str(r.get("doc_id")) for r in rows)
        data += span_examples(rows) * args.spans_weight
    return data, fitted


def write_model(model: LogisticModel, args: argparse.Namespace, fitted: list[str], report: str) -> None:
    """Record what ``model`` was fitted on in its meta, write it and print ``report``."""
    if fitted:
        model.meta["fitted_on"] = f"PolNeAR train + {len(fitted)} articles of {args.spans.name} (weight {args.spans_weight})"
        model.meta["spans_weight"] = args.spans_weight
        model.meta["fitted_articles"] = fitted
    args.output.write_text(model.to_json(), encoding="utf-8")
    print(report, file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
