"""Would ranking the candidate speakers beat the cascade's order?

For every quote of PolNeAR train and dev that the extractor finds, this lists the
mentions the cascade's finders give for it (``cascade.found_in_order``: the first is the
one the extractor takes) and resolves each, as ``attribute`` does, to a speaker. It
prints:

- the headroom: of the quotes whose first candidate is wrong, how many have a right one
  further down the list (an oracle choosing among the candidates would gain those);
- a learned choice between the first two candidates: logistic weights fitted on the
  train quotes where exactly one of the two is right (``quotes.extract.logistic.fit``,
  features: each candidate's method, form, side, distance, cue, kind of speaker, and
  the pair of methods), then, for each threshold, how many quotes switching to the
  second candidate would make right and wrong, on train and on dev.

    python benchmarks/rerank.py [--train ../shared/eval/polnear.train.jsonl] [--dev ../shared/eval/polnear.dev.jsonl]

A candidate is scored right by the rule ``quotes eval`` uses (its mention overlaps the
annotated one, or its name matches); a possessive's owned noun ("Smith's lawyer") is
not followed here, so the first candidate's figures differ slightly from the eval's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.evaluate import article_from_row, match, speaker_right, trim
from quotes.extract import extract
from quotes.extract.cascade import find_mentions, found_in_order
from quotes.extract.document import Document
from quotes.extract.layout import analyse
from quotes.extract.lexicon import STRONG_VERBS
from quotes.extract.logistic import LogisticModel, fit
from quotes.extract.marks import find_spans
from quotes.extract.mentions import Found
from quotes.extract.resolution import resolve
from quotes.model import Quote

EVAL = ROOT.parent / "shared" / "eval"
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "who"}
_DETERMINERS = {"the", "a", "an", "this", "that", "his", "her", "their", "its"}


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((str(e) for e in edges if n <= e), f">{edges[-1]}")


def _form(mention: str) -> str:
    words = mention.split()
    if not words:
        return "empty"
    if mention.lower() in _PRONOUNS:
        return "pronoun"
    if words[0].lower() in _DETERMINERS:
        return "description"
    return "name" if mention[:1].isupper() else "other"


def _features(doc: Document, sp: Any, f: Found, kind: str, name: str | None, tag: str) -> dict[str, float]:
    text = doc.text
    before = f.end <= sp.outer_start
    gap = sp.outer_start - f.end if before else max(0, f.start - sp.outer_end)
    ss, se = doc.sentence_of(sp.outer_start)
    feats = {
        f"{tag}method:{f.method}": 1.0,
        f"{tag}form:{_form(text[f.start:f.end])}": 1.0,
        f"{tag}kind:{kind}": 1.0,
        f"{tag}side:{'before' if before else 'after'}": 1.0,
        f"{tag}gap:{_bucket(gap, (3, 12, 40, 120, 400))}": 1.0,
    }
    if name is None:
        feats[f"{tag}no-name"] = 1.0
    if ss <= f.start < se:
        feats[f"{tag}in-sentence"] = 1.0
    if f.cue is None:
        feats[f"{tag}no-cue"] = 1.0
    elif f.cue.split()[0].lower() in STRONG_VERBS:
        feats[f"{tag}strong-cue"] = 1.0
    return feats


def _resolved(doc: Document, f: Found) -> Quote:
    """A ``Quote`` carrying only the speaker that ``f`` resolves to (for ``speaker_right``)."""
    at = f.antecedent or (f.start, f.end)
    name, _role, kind, _form_ = resolve(doc, doc.text[at[0] : at[1]], at[0], f.role)
    q = Quote(text="", start=0, end=0)
    q.speaker, q.speaker_kind = name, kind
    q.speaker_mention, q.speaker_start, q.speaker_end = doc.text[f.start : f.end], f.start, f.end
    return q


def read(path: Path) -> dict[str, Any]:
    """Headroom counts, and the (features, first right, second right) of every quote with
    two candidates or more."""
    counts = {"quotes": 0, "first right": 0, "a later one right": 0, "none right": 0, "no candidate": 0}
    pairs: list[tuple[dict[str, float], bool, bool]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            article = article_from_row(row)
            text = article.text
            speech = {q.start for q in extract(article) if q.kind in ("direct", "partial")}
            layout = analyse(text)
            doc = Document(text, layout, find_spans(text, [(b.start, b.end) for b in layout.blocks]))
            cands = find_mentions(doc)
            kept = [(qi, sp) for qi, sp in enumerate(cands.spans) if qi not in cands.scare and sp.start in speech]
            gold = row.get("quotes") or []
            matched = match([trim(text, g["start"], g["end"]) for g in gold], [trim(text, sp.start, sp.end) for _, sp in kept])
            for gi, ki in matched:
                qi, sp = kept[ki]
                counts["quotes"] += 1
                alts: list[Found] = []
                for f in found_in_order(doc, cands.spans, qi, cands.found, cands.index_of_span):
                    if all((f.start, f.end) != (a.start, a.end) for a in alts):
                        alts.append(f)
                if not alts:
                    counts["no candidate"] += 1
                    continue
                resolved = [_resolved(doc, f) for f in alts]
                right = [speaker_right(gold[gi], q) for q in resolved]
                counts["first right" if right[0] else "a later one right" if any(right) else "none right"] += 1
                if len(alts) >= 2:
                    feats = _features(doc, sp, alts[0], resolved[0].speaker_kind or "", resolved[0].speaker, "first:")
                    feats.update(_features(doc, sp, alts[1], resolved[1].speaker_kind or "", resolved[1].speaker, "second:"))
                    feats[f"pair:{alts[0].method}>{alts[1].method}"] = 1.0
                    if resolved[1].speaker is not None and resolved[1].speaker == resolved[0].speaker:
                        feats["same-name"] = 1.0
                    pairs.append((feats, right[0], right[1]))
    return {"counts": counts, "pairs": pairs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=EVAL / "polnear.train.jsonl")
    ap.add_argument("--dev", type=Path, default=EVAL / "polnear.dev.jsonl")
    ap.add_argument("--l2", type=float, default=1e-3)
    args = ap.parse_args()
    sets = {"train": read(args.train), "dev": read(args.dev)}
    print(f"{'':22}" + "".join(f"{name:>12}" for name in sets))
    for key in sets["train"]["counts"]:
        print(f"{key:22}" + "".join(f"{s['counts'][key]:>12,}" for s in sets.values()))
    print(f"{'two candidates or more':22}" + "".join(f"{len(s['pairs']):>12,}" for s in sets.values()))
    data = [(feats, int(second)) for feats, first, second in sets["train"]["pairs"] if first != second]
    weights, bias = fit(data, l2=args.l2, balanced=False, steps=800)
    model = LogisticModel(weights, bias, 0.5)
    print(f"\nswitching to the second candidate when the fitted probability passes t ({len(data):,} train examples):")
    print(f"{'t':>6}" + "".join(f"{name + ' +right / -right':>26}" for name in sets))
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        cells = []
        for s in sets.values():
            switched = [(first, second) for feats, first, second in s["pairs"] if model.probability(feats) > t]
            gained = sum(1 for first, second in switched if second and not first)
            lost = sum(1 for first, second in switched if first and not second)
            cells.append(f"+{gained} / -{lost}")
        print(f"{t:>6}" + "".join(f"{c:>26}" for c in cells))


if __name__ == "__main__":
    main()
