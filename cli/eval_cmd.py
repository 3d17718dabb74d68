"""``quotes eval``: score the extractor against a gold JSONL file."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from quotes.evaluate import EvalError, canonical_path_for, evaluate_path


@click.command(name="eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--canonical",
    "canonical_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Canonical speaker labels (default: canonical_speakers.SPLIT.jsonl beside GOLD).",
)
@click.option("--json", "as_json", is_flag=True, help="Output the figures as JSON.")
@click.option("--errors", is_flag=True, help="List every miss, false alarm and wrong speaker.")
def eval_(gold: Path, canonical_path: Path | None, as_json: bool, errors: bool) -> None:
    """Measure quote and speaker accuracy against gold quotations.

    GOLD is JSONL, one article a line: text, doc_id and quotes with start, end,
    speaker, speaker_start, speaker_end (the PolNeAR conversion's format). Joint F1 (span
    and speaker both right) is the headline figure.

    \b
    Example:
        quotes eval polnear.dev.jsonl
        quotes eval polnear.dev.jsonl --errors | less
        quotes eval polnear.dev.jsonl --json
    """
    if canonical_path is None:
        canonical_path = canonical_path_for(gold)
    try:
        report = evaluate_path(gold, canonical_path, keep_errors=errors)
    except EvalError as e:
        raise click.ClickException(str(e)) from None
    summary = report.summary()
    if errors:
        for err in report.errors:
            if as_json:
                click.echo(json.dumps(err, ensure_ascii=False))
                continue
            click.echo(f"[{err['error']}] {err['doc_id']}")
            click.echo(f"  quote:   {err['quote']!r}")
            line = f"  gold: {err['gold_speaker']!r}  predicted: {err['predicted_mention']!r} -> {err['predicted_speaker']!r} ({err['method']})"
            if "canonical_label" in err:
                line += f"  label: {err['canonical_label']!r}"
            click.echo(line)
            click.echo(f"  context: {err['context']}")
    if as_json:
        click.echo(json.dumps(summary, indent=None if errors else 2, ensure_ascii=False))
        return
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
    conf = "  ".join(
        f">={t}: P {pct(v['joint_precision'])} R {pct(v['joint_recall'])} (n={v['predictions']})"
        for t, v in s["at_confidence"].items()
    )
    lines.append(f"confidence (joint) {conf}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines.append(f"speed    {s['articles_per_second']} articles/s, {s['mb_per_second']} MB/s "
                 f"(extraction only, one process; load average {load:.1f}; benchmarks/extract.py for medians)")
    return "\n".join(lines)


COMMANDS = [eval_]
