"""``quotes verify``: did this person say these words, and where first?"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from index import BudgetExceeded, IndexMissing, QueryError, Verdict
from index import verify as verify_words
from index.budget import time_budget
from index.claimreview import ReviewError, claim_review, missing
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


def _claim_review(v: Verdict, rating_name: str | None, rating: str | None, url: str | None, reviewer: str | None,
                  date: str | None) -> dict[str, Any]:
    try:
        review = claim_review(v.to_dict(), rating_name=rating_name, rating=rating, url=url, reviewer=reviewer, date=date)
    except ReviewError as e:
        raise click.BadParameter(str(e), param_hint="--" + e.field.replace("_", "-")) from None
    required, recommended = missing(review)
    if required:
        click.echo(f"ClaimReview lacks what Google's fact-check markup requires: {', '.join(required)}", err=True)
    if recommended:
        click.echo(f"ClaimReview lacks what it recommends: {', '.join(recommended)}", err=True)
    return review


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
    if d["group"]:
        for line in _group_lines(d["group"]):
            click.echo(line)
    if v.dates:
        click.echo(f"\n{v.dates}")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _group_lines(g: dict[str, Any]) -> list[str]:
    """The quote's group: first appearance, counts, a disputed attribution, the variants
    (nothing for a quote no other article carries: the evidence says it all)."""
    if g["quotes"] < 2:
        return []
    first = g["first"]
    where = ", ".join(b for b in (first["publisher"], f"\u201c{first['title']}\u201d" if first["title"] else None) if b)
    counts = f"{_plural(g['quotes'], 'quote')} in {_plural(g['articles'], 'article')} from {_plural(g['outlets'], 'outlet')}"
    who = f"{first['speaker'] or 'no speaker named'}; quote {first['quote_id']}"
    lines = [
        f"\nQuote group {g['id']}: {counts}.",
        f"  first appearance: {first['published'] or 'undated'}, {where or '(unknown outlet)'} [{who}]",
    ]
    if first.get("url"):
        lines.append(f"  url:      {first['url']}")
    if g["disputed_line"]:
        lines.append(f"  {g['disputed_line']}")
    if len(g["variants"]) > 1:
        lines.append("  variants (against the fullest wording: [-only in the fullest-] {+only in this one+}):")
        for var in g["variants"]:
            seen = f"{_plural(var['articles'], 'article')} ({', '.join(p or '?' for p in var['publishers'])})"
            text = f"\u201c{var['quote']}\u201d" if var["fullest"] else var["diff_text"]
            lines.append(f"  - {'fullest, ' if var['fullest'] else ''}{seen}: {text}")
    return lines


@click.command()
@click.argument("words")
@click.option("--speaker", metavar="NAME", help="Who is said to have said it (a name or alias).")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Output the verdict and its evidence as JSON.")
@click.option("--claimreview", is_flag=True, help="Output schema.org ClaimReview JSON-LD, filled from the evidence.")
@click.option("--rating-name", metavar="TEXT", help="ClaimReview: your rating, as words (False, Misattributed, Correct).")
@click.option("--rating", metavar="VALUE[/BEST]", help="ClaimReview: your rating as a number, on a scale from 1 to BEST.")
@click.option("--review-url", metavar="URL", help="ClaimReview: the page that publishes the fact check.")
@click.option("--reviewer", metavar="NAME", help="ClaimReview: who publishes the fact check (an organisation).")
@click.option("--review-date", metavar="DATE", help="ClaimReview: when the fact check is published (YYYY-MM-DD).")
@timeout_option("verification")
def verify(
    words: str, speaker: str | None, db_path: Path, as_json: bool, claimreview: bool, rating_name: str | None,
    rating: str | None, review_url: str | None, reviewer: str | None, review_date: str | None, timeout: float,
) -> None:
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

    --claimreview prints the verdict as schema.org ClaimReview JSON-LD, as
    fact-checking sites publish it: the claim, its author (the speaker, with role),
    where the words appeared and first (URL, headline, outlet, date), and the rating
    you give (--rating-name, --rating); fields the evidence lacks are left out, and
    those Google's fact-check markup requires or recommends are named on stderr.

    A database loaded with --no-whoosh is checked with candidates from SQLite FTS5:
    the same verdicts, the near misses ranked by BM25 over the quote's words.

    Exit status: 0 when confirmed (or found, without --speaker), 1 otherwise.

    \b
    Example:
        quotes verify "he must leave" --speaker Medvedev
        quotes verify "the regime of Gadhafi ... must leave" --json
        quotes verify "he must leave" --speaker Medvedev --claimreview \\
            --rating-name Correct --rating 5/5 --review-url https://checks.example/medvedev
    """
    store = open_store(db_path)
    index_dir = ready_index(store)
    try:
        with time_budget(timeout, "verification", (store.db.conn,)):
            verdict = verify_words(store, index_dir, words, speaker=speaker)
    except (QueryError, IndexMissing, BudgetExceeded) as e:
        raise click.ClickException(str(e)) from None
    if claimreview:
        click.echo(json.dumps(_claim_review(verdict, rating_name, rating, review_url, reviewer, review_date),
                              indent=2, ensure_ascii=False))
    elif as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_verdict(verdict)
    if not verdict.ok:
        raise SystemExit(1)


COMMANDS = [verify]
