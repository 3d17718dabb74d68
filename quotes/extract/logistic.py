"""A logistic model over named features, as the extractor's learned decisions use it:
weights read from a small JSON file shipped in the package, fitted by the scripts in
``quotes/`` (``fit_speech``, ``fit_speaker``) with :func:`fit`.

Fitting is full-batch gradient descent with L2 regularisation: no randomness, so the same
examples give the same weights, byte for byte.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import mul
from typing import Any

#: (features, label): label 1 or 0
Example = tuple[dict[str, float], int]


class LogisticModel:
    """Logistic weights over named features, and a decision threshold."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float, meta: dict[str, Any] | None = None):
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.meta = meta or {}

    def probability(self, feats: dict[str, float]) -> float:
        # the same products summed in the same order as weights.get(k, 0.0) * v would be
        z = self.bias + sum(map(mul, map(self.weights.get, feats, repeat(0.0)), feats.values()))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def probability_of(self, names: Iterable[str]) -> float:
        """``probability`` of the features ``names``, each of value 1 (as the extractor's
        are): a weight times 1 is the weight, so the sum is the same to the last bit."""
        z = self.bias + sum(map(self.weights.get, names, repeat(0.0)))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps(
            {"bias": round(self.bias, 5), "threshold": round(self.threshold, 4), "meta": self.meta,
             "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5}},
            indent=1, sort_keys=True,
        ) + "\n"

    @classmethod
    def from_json(cls, data: str) -> Any:
        d = json.loads(data)
        return cls(dict(d["weights"]), float(d["bias"]), float(d["threshold"]), d.get("meta"))

    @classmethod
    def read_beside(cls, module_file: str, name: str) -> Any:
        """The model in file ``name`` beside ``module_file`` (installed as package data;
        importlib.resources would cost more at start-up than the whole read)."""
        with open(os.path.join(os.path.dirname(module_file), name), encoding="utf-8") as fh:
            return cls.from_json(fh.read())


def fit(data: Sequence[Example], *, l2: float = 1e-3, rate: float = 0.5, steps: int = 600,
        min_count: int = 3, balanced: bool = True) -> tuple[dict[str, float], float]:
    """Weights and bias fitted on ``data``; features seen fewer than ``min_count`` times
    get none. ``balanced``: weigh the two classes equally (for a decision with a threshold
    of its own), else as they come (for a probability that is calibrated)."""
    counts: dict[str, int] = {}
    for feats, _ in data:
        for k in feats:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, c in counts.items() if c >= min_count)
    index = {k: i for i, k in enumerate(names)}
    rows = [([(index[k], v) for k, v in feats.items() if k in index], y) for feats, y in data]
    pos = sum(y for _, y in rows)
    neg = len(rows) - pos
    if balanced and pos and neg:
        weight = {1: len(rows) / (2 * pos), 0: len(rows) / (2 * neg)}
    else:
        weight = {1: 1.0, 0: 1.0}
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
    return {k: w[i] for k, i in index.items()}, b
