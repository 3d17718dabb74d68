"""How much the realnews half should weigh when the speech model is fitted: fit on
PolNeAR train plus one half of a labelled-spans file at each weight, score the other
half, and the same the other way round.

    python benchmarks/speech_weight.py [POLNEAR_TRAIN] [SPANS] [--weights 1 3 5 10 15 20 40]

Prints, for each weight and each held-out half, speech recall, non-speech rejected and
speech precision on that half (at the threshold that keeps 96% of the training speech).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.evaluate import read_jsonl
from quotes.evaluate_spans import fitting_half
from quotes.extract.speech import SpeechModel
from quotes.fit_speech import Example, examples, fit, span_examples

EVAL = ROOT.parent / "shared" / "eval"


def score(model: SpeechModel, data: list[Example]) -> str:
    said = [model.probability(f) >= model.threshold for f, _ in data]
    tp = sum(1 for s, (_, y) in zip(said, data) if s and y)
    fp = sum(1 for s, (_, y) in zip(said, data) if s and not y)
    pos = sum(y for _, y in data)
    neg = len(data) - pos
    return f"recall {tp / pos:.3f}  rejected {(neg - fp) / neg:.3f}  precision {tp / (tp + fp):.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", nargs="?", type=Path, default=EVAL / "polnear.train.jsonl")
    parser.add_argument("spans", nargs="?", type=Path, default=EVAL / "realnews.dev.jsonl")
    parser.add_argument("--weights", type=int, nargs="+", default=[1, 3, 5, 10, 15, 20, 40])
    args = parser.parse_args()
    polnear = examples(read_jsonl(args.train))
    rows = list(read_jsonl(args.spans))
    halves = {
        "fitting half": span_examples([r for r in rows if fitting_half(str(r.get("doc_id")))]),
        "held-out half": span_examples([r for r in rows if not fitting_half(str(r.get("doc_id")))]),
    }
    print(f"{len(polnear)} PolNeAR examples; " + ", ".join(f"{k}: {len(v)} spans" for k, v in halves.items()))
    base = fit(polnear)
    for name, data in halves.items():
        print(f"PolNeAR only        scored on the {name}: {score(base, data)}")
    for weight in args.weights:
        for fitted, held in (("fitting half", "held-out half"), ("held-out half", "fitting half")):
            model = fit(polnear + halves[fitted] * weight)
            print(f"+ {fitted} x{weight:<3} scored on the {held}: {score(model, halves[held])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
