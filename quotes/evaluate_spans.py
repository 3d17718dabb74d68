"""Score an extractor against gold that labels every quoted span (``spans``: speech or
not, with kind, speaker and basis), as realnews dev does: speech precision and recall,
non-speech rejected by type, speaker accuracy by kind and by basis, joint F1; and the
half of such a file the speech model may be fitted on.

A labelled span is found when a speech prediction covers half of it; a prediction inside
no labelled span is counted apart (``unlabelled_predictions``). The speaker is right when
the predicted name matches the label by the token rule of :func:`quotes.evaluate.names_match`.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evaluate import (
    THRESHOLDS,
    Report,
    article_from_row,
    bundled_extractor,
    json_lines,
    names_match,
)
from .model import SPEECH_KINDS, Article, Quote


def covers(pred: tuple[int, int], span: tuple[int, int]) -> bool:
    """``pred`` covers more than half of ``span``."""
    length = span[1] - span[0]
    ov = min(pred[1], span[1]) - max(pred[0], span[0])
    return length > 0 and ov * 2 > length


@dataclass
class SpanReport:
    """Figures for gold where every quoted span is labelled speech or not."""

    articles: int = 0
    speech: int = 0  # gold speech spans
    non_speech: int = 0
    found: int = 0  # speech spans predicted speech
    false_alarms: int = 0  # non-speech spans predicted speech
    unlabelled: int = 0  # speech predictions covering no labelled span
    speaker_right: int = 0
    seconds: float = 0.0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, speaker right]
    by_basis: dict[str, list[int]] = field(default_factory=dict)
    by_type: dict[str, list[int]] = field(default_factory=dict)  # non-speech type -> [spans, rejected]
    by_threshold: dict[float, list[int]] = field(default_factory=dict)  # t -> [found at >= t, speaker right]
    errors: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, SpanReport] = field(default_factory=dict)  # the same figures for each group of articles

    def summary(self) -> dict[str, Any]:
        predicted = self.found + self.false_alarms
        p = self.found / predicted if predicted else 0.0
        r = self.found / self.speech if self.speech else 0.0
        jp = self.speaker_right / predicted if predicted else 0.0
        jr = self.speaker_right / self.speech if self.speech else 0.0
        f = Report._f
        ratio = lambda a, b: round(a / b, 4) if b else None
        return {
            "format": "spans",
            "articles": self.articles,
            "speech_spans": self.speech,
            "non_speech_spans": self.non_speech,
            "speech_precision": round(p, 4),
            "speech_recall": round(r, 4),
            "speech_f1": round(f(p, r), 4),
            "non_speech_rejected": ratio(self.non_speech - self.false_alarms, self.non_speech),
            "unlabelled_predictions": self.unlabelled,
            "speaker_accuracy": ratio(self.speaker_right, self.found),
            "joint_precision": round(jp, 4),
            "joint_recall": round(jr, 4),
            "joint_f1": round(f(jp, jr), 4),
            "speaker_accuracy_by_kind": {k: {"found": a, "accuracy": ratio(b, a)} for k, (a, b) in sorted(self.by_kind.items())},
            "speaker_accuracy_by_basis": {k: {"found": a, "accuracy": ratio(b, a)} for k, (a, b) in sorted(self.by_basis.items())},
            "non_speech_rejected_by_type": {k: {"spans": a, "rejected": ratio(b, a)} for k, (a, b) in sorted(self.by_type.items())},
            "at_confidence": {
                str(t): {"found": a, "speaker_accuracy": ratio(b, a), "kept": ratio(a, self.found)}
                for t, (a, b) in sorted(self.by_threshold.items())
            },
            "articles_per_second": round(self.articles / self.seconds, 1) if self.seconds else None,
        }


def span_speaker_right(g: dict[str, Any], q: Quote) -> bool:
    """The canonical speaker by the token rule; a null label needs a null speaker, and
    a group the article names only by a description may also be left null."""
    label = g.get("speaker")
    if not label:
        return q.speaker is None
    if q.speaker is None:
        return g.get("speaker_kind") == "group" and g.get("basis") == "description"
    return names_match(q.speaker, label)


def evaluate_spans(
    rows: Iterable[dict[str, Any]],
    extractor: Callable[[Article], list[Quote]] | None = None,
    keep_errors: bool = False,
    group: Callable[[dict[str, Any]], str] | None = None,
) -> SpanReport:
    """Score ``extractor`` on articles whose every quoted span is labelled (``spans``);
    with ``group``, each article is also scored into ``groups[group(row)]``, from the
    same extraction."""
    run = extractor if extractor is not None else bundled_extractor()
    rep = SpanReport()
    for row in rows:
        article = article_from_row(row)
        t0 = time.perf_counter()
        preds = [q for q in run(article) if q.kind in SPEECH_KINDS]
        seconds = time.perf_counter() - t0
        _score_spans(rep, row, preds, seconds, keep_errors)
        if group is not None:
            _score_spans(rep.groups.setdefault(group(row), SpanReport()), row, preds, seconds, False)
    return rep


def _score_spans(rep: SpanReport, row: dict[str, Any], preds: list[Quote], seconds: float, keep_errors: bool) -> None:
    """Add one article's speech predictions ``preds`` to ``rep``."""
    rep.seconds += seconds
    rep.articles += 1
    spans = row.get("spans") or []
    p_spans = [(q.start, q.end) for q in preds]
    used: set[int] = set()
    for g in spans:
        gs = (g["start"], g["end"])
        hit = next((j for j, p in enumerate(p_spans) if covers(p, gs)), None)
        if hit is not None:
            used.add(hit)
        if not g.get("speech"):
            rep.non_speech += 1
            stat = rep.by_type.setdefault(g.get("type") or "other", [0, 0])
            stat[0] += 1
            if hit is None:
                stat[1] += 1
            else:
                rep.false_alarms += 1
                if keep_errors:
                    rep.errors.append(_span_err("not speech", row, g, preds[hit]))
            continue
        rep.speech += 1
        if hit is None:
            if keep_errors:
                rep.errors.append(_span_err("miss", row, g, None))
            continue
        rep.found += 1
        q = preds[hit]
        ok = span_speaker_right(g, q)
        for table, key in ((rep.by_kind, g.get("kind") or "direct"), (rep.by_basis, g.get("basis") or "none")):
            stat = table.setdefault(key, [0, 0])
            stat[0] += 1
            stat[1] += ok
        for t in THRESHOLDS:
            if q.confidence >= t:
                stat = rep.by_threshold.setdefault(t, [0, 0])
                stat[0] += 1
                stat[1] += ok
        if ok:
            rep.speaker_right += 1
        elif keep_errors:
            rep.errors.append(_span_err("wrong speaker", row, g, q))
    inside = [(g["start"], g["end"]) for g in spans]
    rep.unlabelled += sum(
        1 for j, p in enumerate(p_spans)
        if j not in used and not any(s <= p[0] and p[1] <= e for s, e in inside)
    )


def _span_err(what: str, row: dict[str, Any], g: dict[str, Any], q: Quote | None) -> dict[str, Any]:
    text = row["text"]
    s, e = g["start"], g["end"]
    return {
        "error": what,
        "doc_id": row.get("doc_id"),
        "quote": text[s:e][:120],
        "gold_speaker": g.get("speaker"),
        "gold_type": g.get("type") if not g.get("speech") else g.get("kind"),
        "basis": g.get("basis"),
        "predicted_mention": q.speaker_mention if q else None,
        "predicted_speaker": q.speaker if q else None,
        "method": q.method if q else None,
        "context": text[max(0, s - 100) : min(len(text), e + 100)].replace("\n", " "),
    }


def fitting_half(doc_id: str) -> bool:
    """Whether an article of a labelled-spans file is in the half the speech model may be
    fitted on (fixed by the doc_id's hash; the other half is held out)."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 2 == 0


def span_reports(rows: Iterable[dict[str, Any]], keep_errors: bool = False) -> dict[str, SpanReport]:
    """``evaluate_spans`` on every article (``all``) and, when the bundled speech model
    was fitted on some of them, on the ``held_out`` and the ``fitted`` ones apart (from
    the one extraction of each article)."""
    from .extract.speech import default_model

    rows = list(rows)
    fitted = set(default_model().meta.get("fitted_articles") or ())
    split = fitted & {str(r.get("doc_id")) for r in rows}
    part = lambda row: "fitted" if str(row.get("doc_id")) in fitted else "held_out"
    rep = evaluate_spans(rows, keep_errors=keep_errors, group=part if split else None)
    return {"all": rep, **({name: rep.groups.get(name, SpanReport()) for name in ("held_out", "fitted")} if split else {})}


def is_span_gold(path: Path) -> bool:
    """Whether a gold file labels every quoted span (``spans``) rather than quotes."""
    for _, row in json_lines(path):
        return isinstance(row, dict) and "spans" in row and "quotes" not in row
    return False
