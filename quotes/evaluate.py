"""Score an extractor against gold quotations (JSONL, one article a line).

Definitions:

* Spans are compared after trimming edge whitespace and punctuation. A prediction matches
  a gold quote when their overlap is at least half of the longer of the two; matching is
  one-to-one, largest overlaps first. ``exact`` counts matches with identical trimmed spans.
* Gold quotes of every kind (direct and mixed) count. Predictions of a kind that is not
  speech (title, term, other) are not quotations and are not counted. An unmatched prediction that falls on one of the
  article's ``unattributed_quoted_spans`` (by the same overlap rule) is ignored.
* A matched quote's speaker is right when the predicted mention overlaps the gold source
  span, or the predicted speaker name matches the gold mention by the token rule (case
  folded, possessive 's dropped, every word token of the shorter found in the longer). A gold quote without a source
  is right only when the prediction has no speaker either.
* Joint: a hit needs span and speaker. Joint precision = hits / counted predictions,
  joint recall = hits / gold quotes; joint F1 is the headline figure.
* Non-speech rejected: of the ``unattributed_quoted_spans``, the share that no prediction
  (of kind direct or partial) falls on by the overlap rule.
* Canonical accuracy: over gold quotes with a canonical label, the matched prediction's
  ``speaker`` equals the label by the token rule; a null label needs a null speaker. An
  unmatched labelled quote counts as wrong.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import SPEECH_KINDS, Article, Quote

_EDGE = " \t\r\n\u00a0.,;:!?\"'“”‘’«»`()[]{}—–-…"
_TOKEN = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"['’]s?\b")  # "Clinton's" is the name Clinton
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95)



class EvalError(Exception):
    """Gold or canonical data that cannot be read."""


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def overlaps_enough(a: tuple[int, int], b: tuple[int, int]) -> bool:
    ov = min(a[1], b[1]) - max(a[0], b[0])
    longer = max(a[1] - a[0], b[1] - b[0])
    return longer > 0 and ov > 0 and ov * 2 >= longer


def names_match(a: str | None, b: str | None) -> bool:
    """Every token of the shorter name is in the longer (case-insensitive)."""
    if not a or not b:
        return False
    ta = _TOKEN.findall(_POSSESSIVE.sub("", a.lower()))
    tb = _TOKEN.findall(_POSSESSIVE.sub("", b.lower()))
    if not ta or not tb:
        return False
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return all(t in long_ for t in short)


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, prediction index) pairs, largest overlaps first."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if p[0] >= g[1] or g[0] >= p[1]:
                continue
            if overlaps_enough(g, p):
                cands.append((min(g[1], p[1]) - max(g[0], p[0]), i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


@dataclass
class Report:
    articles: int = 0
    gold: int = 0
    predicted: int = 0  # counted predictions (non-speech and ignored ones left out)
    ignored: int = 0
    matched: int = 0
    exact: int = 0
    speaker_right: int = 0
    canonical_total: int = 0
    canonical_right: int = 0
    unattributed: int = 0  # quoted spans no attribution covers (titles, scare quotes, ...)
    unattributed_rejected: int = 0  # ... that no speech prediction falls on
    seconds: float = 0.0
    chars: int = 0
    by_threshold: dict[float, list[int]] = field(default_factory=dict)  # t -> [preds, hits]
    by_method: dict[str, list[int]] = field(default_factory=dict)  # method -> [matched, right]
    errors: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _f(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, Any]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        ep = self.exact / self.predicted if self.predicted else 0.0
        er = self.exact / self.gold if self.gold else 0.0
        jp = self.speaker_right / self.predicted if self.predicted else 0.0
        jr = self.speaker_right / self.gold if self.gold else 0.0
        out: dict[str, Any] = {
            "articles": self.articles,
            "gold_quotes": self.gold,
            "predicted_quotes": self.predicted,
            "ignored_predictions": self.ignored,
            "quote_precision": round(p, 4),
            "quote_recall": round(r, 4),
            "quote_f1": round(self._f(p, r), 4),
            "exact_precision": round(ep, 4),
            "exact_recall": round(er, 4),
            "exact_f1": round(self._f(ep, er), 4),
            "speaker_accuracy": round(self.speaker_right / self.matched, 4) if self.matched else 0.0,
            "joint_precision": round(jp, 4),
            "joint_recall": round(jr, 4),
            "joint_f1": round(self._f(jp, jr), 4),
            "canonical_accuracy": round(self.canonical_right / self.canonical_total, 4) if self.canonical_total else None,
            "canonical_labelled": self.canonical_total,
            "non_speech_rejected": round(self.unattributed_rejected / self.unattributed, 4) if self.unattributed else None,
            "non_speech_spans": self.unattributed,
            "articles_per_second": round(self.articles / self.seconds, 1) if self.seconds else None,
            "mb_per_second": round(self.chars / 1e6 / self.seconds, 2) if self.seconds else None,
            "at_confidence": {
                str(t): {
                    "predictions": n,
                    "joint_precision": round(h / n, 4) if n else None,
                    "joint_recall": round(h / self.gold, 4) if self.gold else None,
                }
                for t, (n, h) in sorted(self.by_threshold.items())
            },
            "speaker_accuracy_by_method": {
                m: {"matched": a, "accuracy": round(b / a, 4) if a else None}
                for m, (a, b) in sorted(self.by_method.items(), key=lambda kv: -kv[1][0])
            },
        }
        return out


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, decoded value) for each non-blank line of a JSON Lines file."""
    try:
        fh = open(path, encoding="utf-8")
    except OSError as e:
        raise EvalError(f"{path}: {e.strerror or e}") from None
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as e:
                raise EvalError(f"{path}:{n}: not JSON ({e.msg})") from None


def read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    for n, row in json_lines(path):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise EvalError(f"{path}:{n}: expected an object with a 'text' string")
        yield row


def canonical_path_for(gold_path: Path) -> Path | None:
    """polnear.dev.jsonl -> canonical_speakers.dev.jsonl beside it (when it exists)."""
    parts = gold_path.name.split(".")
    if len(parts) >= 3:
        cand = gold_path.with_name(f"canonical_speakers.{parts[-2]}.jsonl")
        if cand.exists():
            return cand
    return None


def load_canonical(path: Path | None) -> dict[tuple[str, int, int], str | None]:
    if path is None:
        return {}
    out: dict[tuple[str, int, int], str | None] = {}
    for n, row in json_lines(path):
        try:
            out[(str(row["doc_id"]), int(row["start"]), int(row["end"]))] = row.get("canonical")
        except (KeyError, TypeError, ValueError):
            raise EvalError(f"{path}:{n}: expected doc_id, start, end, canonical") from None
    return out


def bundled_extractor() -> Callable[[Article], list[Quote]]:
    """The bundled extractor (imported when first needed)."""
    from .extract import extract

    return extract


def article_from_row(row: dict[str, Any]) -> Article:
    """The ``Article`` of a gold JSON line (text, doc_id or id, title, publisher, date)."""
    return Article(
        text=row["text"],
        doc_id=str(row.get("doc_id") or row.get("id") or ""),
        title=row.get("title"),
        publisher=row.get("publisher"),
        published=row.get("date") or row.get("published"),
        url=row.get("url"),
    )


def evaluate(
    rows: Iterable[dict[str, Any]],
    extractor: Callable[[Article], list[Quote]] | None = None,
    canonical: dict[tuple[str, int, int], str | None] | None = None,
    keep_errors: bool = False,
) -> Report:
    """Run ``extractor`` on every gold article and score it."""
    run = extractor if extractor is not None else bundled_extractor()
    canonical = canonical or {}
    rep = Report(by_threshold={t: [0, 0] for t in THRESHOLDS})
    for row in rows:
        article = article_from_row(row)
        text = article.text
        t0 = time.perf_counter()
        preds = [q for q in run(article) if q.kind in SPEECH_KINDS]
        rep.seconds += time.perf_counter() - t0
        rep.articles += 1
        rep.chars += len(text.encode("utf-8"))
        gold = row.get("quotes") or []
        unattr = [trim(text, u["start"], u["end"]) for u in row.get("unattributed_quoted_spans") or []]
        g_spans = [trim(text, g["start"], g["end"]) for g in gold]
        p_spans = [trim(text, q.start, q.end) for q in preds]
        pairs = match(g_spans, p_spans)
        matched_p = {j: i for i, j in pairs}
        matched_g = {i: j for i, j in pairs}
        rep.unattributed += len(unattr)
        for u in unattr:
            taken = next((j for j, p in enumerate(p_spans) if overlaps_enough(p, u)), None)
            if taken is None:
                rep.unattributed_rejected += 1
            elif keep_errors:
                rep.errors.append(_err("not speech", row, None, preds[taken]))
        counted = []
        for j, q in enumerate(preds):
            if j not in matched_p and any(overlaps_enough(p_spans[j], u) for u in unattr):
                rep.ignored += 1
                continue
            counted.append(j)
        rep.gold += len(gold)
        rep.predicted += len(counted)
        right_p: set[int] = set()
        for i, j in pairs:
            g, q = gold[i], preds[j]
            rep.matched += 1
            if g_spans[i] == p_spans[j]:
                rep.exact += 1
            ok = speaker_right(g, q)
            mstat = rep.by_method.setdefault(q.method or "none", [0, 0])
            mstat[0] += 1
            if ok:
                rep.speaker_right += 1
                mstat[1] += 1
                right_p.add(j)
            elif keep_errors:
                rep.errors.append(_err("wrong speaker", row, g, q))
        for j in counted:
            for t in THRESHOLDS:
                if preds[j].confidence >= t:
                    rep.by_threshold[t][0] += 1
                    if j in right_p:
                        rep.by_threshold[t][1] += 1
        doc_id = article.doc_id or ""
        for i, g in enumerate(gold):
            key = (doc_id, g["start"], g["end"])
            if key in canonical:
                rep.canonical_total += 1
                label = canonical[key]
                found = preds[matched_g[i]] if i in matched_g else None
                ok = found is not None and (names_match(found.speaker, label) if label else found.speaker is None)
                if ok:
                    rep.canonical_right += 1
                elif keep_errors:
                    rep.errors.append(_err("wrong canonical", row, g, found, label=label))
            if keep_errors and i not in matched_g:
                rep.errors.append(_err("miss", row, g, None))
        if keep_errors:
            for j in counted:
                if j not in matched_p:
                    rep.errors.append(_err("false alarm", row, None, preds[j]))
    return rep


def speaker_right(g: dict[str, Any], q: Quote) -> bool:
    gs, ge = g.get("speaker_start"), g.get("speaker_end")
    if g.get("speaker") is None or gs is None or ge is None:
        return q.speaker is None and q.speaker_mention is None
    if q.speaker_start is not None and q.speaker_end is not None:
        if min(ge, q.speaker_end) > max(gs, q.speaker_start):
            return True
    return names_match(q.speaker, g.get("speaker"))


def _err(what: str, row: dict[str, Any], g: dict[str, Any] | None, q: Quote | None, label: Any = "") -> dict[str, Any]:
    text = row["text"]
    s = g["start"] if g else q.start  # type: ignore[union-attr]
    e = g["end"] if g else q.end  # type: ignore[union-attr]
    ctx_s = max(0, min(s, (g or {}).get("speaker_start") or s, q.speaker_start if q and q.speaker_start is not None else s) - 80)
    ctx_e = min(len(text), max(e, (g or {}).get("speaker_end") or e, q.speaker_end if q and q.speaker_end is not None else e) + 80)
    out = {
        "error": what,
        "doc_id": row.get("doc_id"),
        "quote": text[s:e][:120],
        "gold_speaker": g.get("speaker") if g else None,
        "predicted_mention": q.speaker_mention if q else None,
        "predicted_speaker": q.speaker if q else None,
        "method": q.method if q else None,
        "context": text[ctx_s:ctx_e].replace("\n", " "),
    }
    if what == "wrong canonical":
        out["canonical_label"] = label
    return out


def evaluate_path(gold_path: Path, canonical_path: Path | None = None, keep_errors: bool = False,
                  extractor: Callable[[Article], list[Quote]] | None = None) -> Report:
    """``evaluate`` on a gold JSONL file; canonical labels found beside it when not given."""
    if canonical_path is None:
        canonical_path = canonical_path_for(gold_path)
    canonical = load_canonical(canonical_path)
    return evaluate(read_jsonl(gold_path), extractor=extractor, canonical=canonical, keep_errors=keep_errors)


# -- every quoted span labelled speech or not (realnews) ------------------------------
