"""``quotes verify``: did this person say these words, and where first?"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from index import BudgetExceeded, IndexMissing, QueryError, Verdict
from index import verify as verify_words
from index.budget import time_budget
from index.evidence import sureness

from .common import db_option
from .reading import open_store, ready_index, timeout_option


def _evidence_lines(e: dict[str, Any]) -> list[str]:
    who = e["speaker"] or "(no speaker named)"
    if e.get("speaker_role"):
        who += f", {e['speaker_role']}"
    if e.get("speaker_mention") and e["speaker_mention"] != e["speaker"]:
        written = f"written: {e['speaker_mention']!r}"
        if e.get("antecedent_mention"):
            by = "which the extractor resolved" if e.get("review") == "corrected" else "resolved"
            written += f", {by} to {e['antecedent_mention']!r} at offset {e['antecedent_start']}"
        who += f" ({written})"
    lines = [
        f"  quote:    \u201c{e['quote']}\u201d",
        f"  speaker:  {who}" + (f"; cue: {e['cue']}" if e.get("cue") else ""),
        f"  how sure: {sureness(e.get('confidence'), e.get('similarity'))}"
        + (f"; {e['review']} by {e.get('reviewed_by') or 'someone'} on {(e.get('reviewed_at') or '?')[:10]}"
           if e.get("review") in ("reviewed", "corrected") else ""),
        f"  article:  {e['title'] or '(untitled)'} \u2014 {e['publisher'] or '?'}, {e['published'] or 'undated'}",
    ]
    if e.get("url"):
        lines.append(f"  url:      {e['url']}")
    lines.append(
        f"  offsets:  quote {e['start']}-{e['end']}, matched words {e['match_start']}-{e['match_end']}"
        f" (article {e['article_id']}, quote {e['quote_id']})"
    )
    if e.get("context") and e["context"] != e["quote"]:
        lines.append(f"  sentence: {e['context']}")
    return lines


COLOURS = {"confirmed": "green", "found": "green", "altered": "yellow", "unattributed": "yellow"}


def print_verdict(v: Verdict) -> None:
    colour = COLOURS.get(v.verdict, "red")
    click.echo(click.style(v.verdict.upper().replace("_", " "), fg=colour, bold=True) + "  " + v.message)
    sure = sureness(v.confidence, v.similarity)
    if sure:
        click.echo(f"How sure: {sure}" + ("" if v.evidence else " (the closest stored quote)") + ".")
    d = v.to_dict()
    if v.diff_text:
        click.echo(f"\nDifference (claimed [-removed-] {{+stored+}}, similarity {v.similarity:.2f}):\n  {v.diff_text}")
    if not v.evidence or d["earliest"] is None:
        return
    first = d["earliest"]
    click.echo(f"\nFirst appearance by {first['speaker']}:" if first["speaker"] else "\nFirst appearance (no speaker named):")
    for line in _evidence_lines(first):
        click.echo(line)
    others = [e for e in d["evidence"] if e["quote_id"] != first["quote_id"]]
    if others:
        click.echo(f"\nAlso in {len(others)} other quote{'s' * (len(others) != 1)}, oldest first:")
        for e in others:
            click.echo(
                f"  - {e['published'] or 'undated'}  {e['publisher'] or '?'}: {e['title'] or '(untitled)'}"
                f"  [{e['speaker'] or 'no speaker named'}; quote {e['quote_id']}]" + (f"  {e['url']}" if e.get("url") else "")
            )
    if v.dates:
        click.echo(f"\n{v.dates}")


@click.command()
@click.argument("words")
@click.option("--speaker", metavar="NAME", help="Who is said to have said it (a name or alias).")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Output the verdict and its evidence as JSON.")
@timeout_option("verification")
def verify(words: str, speaker: str | None, db_path: Path, as_json: bool, timeout: float) -> None:
    """Check a quotation against the stored articles: who said it, where, and first when.

    Case, punctuation, curly or straight quote marks and dashes do not matter; "..." or
    "\u2026" stands for omitted words. Speakers match by name or alias ("Obama" finds
    "Barack Obama").

    \b
    Verdicts with --speaker:
      confirmed      the words appear, attributed to that speaker
      misattributed  the words appear, attributed to someone else (named)
      unattributed   the words appear, but no article says who said them
      altered        a stored quote is close but worded differently (word diff)
      not_found      no stored quote carries the words
      too_short      a word or two, or only common words, and no quote is
                     just those words: too short to verify
    Without --speaker: found (with who said it), unattributed, altered,
    not_found or too_short.

    The evidence shown is the first appearance the verdict rests on (for
    confirmed, the earliest by that speaker; for misattributed, the earliest by
    the speaker named), with the attribution's confidence and the similarity of
    the words. "First" goes by published date; undated articles come after the
    dated ones, in the order they were stored, and the output says so. Titles,
    terms and scare quotes are never evidence.

    Exit status: 0 when confirmed (or found, without --speaker), 1 otherwise.

    \b
    Example:
        quotes verify "he must leave" --speaker Medvedev
        quotes verify "the regime of Gadhafi ... must leave" --json
    """
    store = open_store(db_path)
    index_dir = ready_index(store)
    try:
        with time_budget(timeout, "verification", (store.db.conn,)):
            verdict = verify_words(store, index_dir, words, speaker=speaker)
    except (QueryError, IndexMissing, BudgetExceeded) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_verdict(verdict)
    if not verdict.ok:
        raise SystemExit(1)


COMMANDS = [verify]
