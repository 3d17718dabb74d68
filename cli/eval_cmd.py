"""``quotes eval``: score the extractor against a gold JSONL file."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from quotes.evaluate import EvalError, Report, canonical_path_for, evaluate_path, read_jsonl
from quotes.evaluate_spans import SpanReport, is_span_gold, span_reports


@click.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--canonical",
    "canonical_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Canonical speaker labels (default: canonical_speakers.SPLIT.jsonl beside GOLD).",
)
@click.option("--json", "as_json", is_flag=True, help="Output the figures as JSON.")
@click.option("--errors", is_flag=True, help="List every miss, false alarm, wrong speaker and non-speech span taken for speech.")
def eval_(gold: Path, canonical_path: Path | None, as_json: bool, errors: bool) -> None:
    """Measure quote and speaker accuracy against gold quotations.

    GOLD is JSONL, one article a line, in either of two forms. With "quotes" (the
    PolNeAR conversion: text, doc_id and quotes with start, end, speaker, speaker_start,
    speaker_end, plus unattributed_quoted_spans): quote and speaker accuracy, joint F1
    (span and speaker both right, the headline figure) and non-speech rejected. With
    "spans" (every quoted span labelled speech or not, with kind, speaker and basis):
    speech precision and recall, non-speech rejected by type, speaker accuracy by kind
    and by basis, and joint F1; when the speech model was fitted on some of its
    articles, the held-out ones and the fitted ones are also scored apart.

    \b
    Example:
        quotes eval polnear.dev.jsonl
        quotes eval realnews.dev.jsonl
        quotes eval polnear.dev.jsonl --errors | less
        quotes eval polnear.dev.jsonl --json
    """
    parts: dict[str, SpanReport] = {}
    report: Report | SpanReport
    try:
        if is_span_gold(gold):
            parts = span_reports(read_jsonl(gold), keep_errors=errors)
            report = parts.pop("all")
        else:
            if canonical_path is None:
                canonical_path = canonical_path_for(gold)
            report = evaluate_path(gold, canonical_path, keep_errors=errors)
    except EvalError as e:
        raise click.ClickException(str(e)) from None
    summary = report.summary()
    for name, part in parts.items():
        summary[name] = part.summary()  # held_out, fitted: the speech model's own split
    if errors:
        for err in report.errors:
            if as_json:
                click.echo(json.dumps(err, ensure_ascii=False))
                continue
            click.echo(f"[{err['error']}] {err['doc_id']}" + (f" ({err['gold_type']})" if err.get("gold_type") else ""))
            click.echo(f"  quote:   {err['quote']!r}")
            line = f"  gold: {err['gold_speaker']!r}  predicted: {err['predicted_mention']!r} -> {err['predicted_speaker']!r} ({err['method']})"
            if "canonical_label" in err:
                line += f"  label: {err['canonical_label']!r}"
            click.echo(line)
            click.echo(f"  context: {err['context']}")
    if as_json:
        click.echo(json.dumps(summary, indent=None if errors else 2, ensure_ascii=False))
        return
    if summary.get("format") == "spans":
        click.echo(_span_lines(summary, gold))
    else:
        click.echo(_summary_lines(summary, gold, canonical_path))


def _summary_lines(s: dict, gold: Path, canonical_path: Path | None) -> str:
    pct = lambda x: "-" if x is None else f"{100 * x:.1f}"  # noqa: E731
    lines = [
        f"{gold.name}: {s['articles']} articles, {s['gold_quotes']} gold quotes, "
        f"{s['predicted_quotes']} predicted ({s['ignored_predictions']} on unattributed spans ignored)",
        f"quotes   overlap P {pct(s['quote_precision'])}  R {pct(s['quote_recall'])}  F1 {pct(s['quote_f1'])}"
        f"   exact P {pct(s['exact_precision'])}  R {pct(s['exact_recall'])}  F1 {pct(s['exact_f1'])}",
        f"speaker  accuracy {pct(s['speaker_accuracy'])} (on matched quotes)",
        f"JOINT    P {pct(s['joint_precision'])}  R {pct(s['joint_recall'])}  F1 {pct(s['joint_f1'])}",
    ]
    if s["canonical_accuracy"] is not None:
        lines.append(f"canonical speaker accuracy {pct(s['canonical_accuracy'])} on {s['canonical_labelled']} labelled quotes"
                     f" ({canonical_path.name if canonical_path else ''})")
    else:
        lines.append("canonical speaker accuracy: no labels (pass --canonical)")
    if s.get("non_speech_rejected") is not None:
        lines.append(f"non-speech rejected {pct(s['non_speech_rejected'])} of {s['non_speech_spans']} unattributed quoted spans")
    conf = "  ".join(
        f">={t}: P {pct(v['joint_precision'])} R {pct(v['joint_recall'])} (n={v['predictions']})"
        for t, v in s["at_confidence"].items()
    )
    lines.append(f"confidence (joint) {conf}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines.append(f"speed    {s['articles_per_second']} articles/s, {s['mb_per_second']} MB/s "
                 f"(extraction only, one process; load average {load:.1f}; benchmarks/extract.py for medians)")
    return "\n".join(lines)


def _span_lines(s: dict, gold: Path) -> str:
    pct = lambda x: "-" if x is None else f"{100 * x:.1f}"  # noqa: E731

    def parts(table: dict, n: str, v: str) -> str:
        return ", ".join(f"{k} {pct(x[v])} (n={x[n]})" for k, x in table.items())

    lines = [
        f"{gold.name}: {s['articles']} articles, {s['speech_spans']} speech and {s['non_speech_spans']} non-speech quoted spans",
        f"speech   P {pct(s['speech_precision'])}  R {pct(s['speech_recall'])}  F1 {pct(s['speech_f1'])}"
        f"   ({s['unlabelled_predictions']} predictions on no labelled span)",
        f"non-speech rejected {pct(s['non_speech_rejected'])}: {parts(s['non_speech_rejected_by_type'], 'spans', 'rejected')}",
        f"speaker  accuracy {pct(s['speaker_accuracy'])} on found speech; by kind: {parts(s['speaker_accuracy_by_kind'], 'found', 'accuracy')}",
        f"         by basis: {parts(s['speaker_accuracy_by_basis'], 'found', 'accuracy')}",
        f"JOINT    P {pct(s['joint_precision'])}  R {pct(s['joint_recall'])}  F1 {pct(s['joint_f1'])}",
        f"speed    {s['articles_per_second']} articles/s (extraction only, one process)",
    ]
    for name, label in (("held_out", "held out"), ("fitted", "fitted  ")):
        if name in s:
            h = s[name]
            lines.append(
                f"{label} ({h['articles']} articles the speech model was {'not ' if name == 'held_out' else ''}fitted on): "
                f"speech P {pct(h['speech_precision'])} R {pct(h['speech_recall'])}, non-speech rejected "
                f"{pct(h['non_speech_rejected'])}, speaker {pct(h['speaker_accuracy'])}, joint F1 {pct(h['joint_f1'])}"
            )
    return "\n".join(lines)


COMMANDS = [eval_]
