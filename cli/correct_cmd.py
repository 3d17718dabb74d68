"""``quotes correct``, ``quotes corrections`` and ``quotes undo-correction``: fixes by a
person that outlive every later ingest, re-extraction and re-index."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from index import QuoteIndexError, sync
from quotes import corrections
from quotes.corrections import Correction, CorrectionError
from quotes.model import QUOTE_KINDS
from quotes.store import Store, StoreError, writer_lock

from .common import db_option, emit, output_options
from .reading import open_store, waiting

LIST_COLUMNS = ["id", "quote_id", "status", "field", "old_value", "new_value", "by", "at", "note", "quote"]
TABLE_COLUMNS = ["id", "quote_id", "status", "field", "old_value", "new_value", "by", "at", "note"]


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reindex(store: Store, quote_ids: Sequence[int]) -> None:
    """Bring the search index's documents of ``quote_ids`` in step (when there is an index)."""
    if not quote_ids or not store.index_dir.exists():
        return
    try:
        sync(store, quote_ids=quote_ids, writer_locked=True)
    except QuoteIndexError as e:
        raise click.ClickException(f"corrected, but the search index was not updated ({e}): run quotes index") from None


def _report_dangling(lost: Sequence[Correction], hint: str = "") -> bool:
    """Say on stderr which corrections no longer find their quote; whether any."""
    if lost:
        click.echo(f"{len(lost)} correction{'s' * (len(lost) != 1)} no longer find{'s' * (len(lost) == 1)} "
                   f"their quote: {', '.join(str(c.id) for c in lost)}{hint}", err=True)
    return bool(lost)


def _row(c: Correction) -> dict[str, Any]:
    return {k: v for k, v in c.to_dict().items() if k not in ("article_sha256",)}


def _say(made: Sequence[Correction]) -> None:
    for c in made:
        if c.field == "review":
            click.echo(f"Quote {c.quote_id}: reviewed (correction {c.id})")
        else:
            click.echo(f"Quote {c.quote_id}: {c.field} {c.old_value or '(none)'} -> {c.new_value or '(none)'} (correction {c.id})")


@click.command()
@click.argument("quote_id", type=int)
@db_option
@click.option("--speaker", metavar="NAME", help="Who said it: a stored speaker (any name they are known by) or a new one.")
@click.option("--not-quote", is_flag=True, help="The span is not a quotation (a term, unless --kind says title or other).")
@click.option("--kind", type=click.Choice(QUOTE_KINDS), help="The kind of span it is.")
@click.option("--reviewed", is_flag=True, help="Confirm the quote as it is (speaker and kind right).")
@click.option("--note", metavar="TEXT", help="Why: the evidence for the correction.")
@click.option("--by", metavar="NAME", help="Who makes the correction.")
@output_options
def correct(
    quote_id: int, db_path: Path, speaker: str | None, not_quote: bool, kind: str | None, reviewed: bool,
    note: str | None, by: str | None, fmt: str | None,
) -> None:
    """Correct a quote's speaker or kind, or mark it reviewed.

    The correction is kept in the corrections table with who made it, when and why,
    and it wins over the extractor on every later ingest, re-extraction (the quote is
    found again by its article's text and offsets) and quotes index --rebuild. The
    search index and the full-text index follow at once. Undo one with quotes
    undo-correction; list them with quotes corrections.

    \b
    Example:
        quotes correct 412 --speaker "Ruth Okafor" --note "on the council's video, 14:02" --by ana
        quotes correct 87 --not-quote --kind title --by ana
        quotes correct 415 --reviewed --by ben
    """
    store = open_store(db_path, write=True)
    try:
        with writer_lock(store.path, on_wait=waiting):
            made = corrections.correct(store, quote_id, speaker=speaker, not_quote=not_quote, kind=kind,
                                       reviewed=reviewed, note=note, by=by, now=_now())
            _reindex(store, corrections.corrected_quote_ids(made))
    except (CorrectionError, StoreError) as e:
        raise click.ClickException(str(e)) from None
    if fmt:
        emit([_row(c) for c in made], fmt, LIST_COLUMNS)
    else:
        _say(made)


@click.command(name="corrections")
@db_option
@click.option("--dangling", is_flag=True, help="Only corrections whose quote is no longer there.")
@output_options
def corrections_cmd(db_path: Path, dangling: bool, fmt: str | None) -> None:
    """List the corrections made, oldest first.

    Each with what it changed, who made it, when and why, and whether it still applies:
    applied, undone, or dangling (the article's quotes were extracted anew and none has
    the corrected span's offsets any more).

    Exit status 1 when a correction is dangling.

    \b
    Example:
        quotes corrections
        quotes corrections --dangling --json
    """
    store = open_store(db_path, write=True)
    rows = corrections.list_corrections(store, dangling_only=dangling)
    emit([_row(c) for c in rows], fmt, LIST_COLUMNS if fmt else TABLE_COLUMNS)
    if _report_dangling([c for c in rows if c.status == "dangling"]):
        raise SystemExit(1)


@click.command(name="undo-correction")
@click.argument("correction_id", type=int)
@db_option
@click.option("--by", metavar="NAME", help="Who undoes it.")
def undo_correction(correction_id: int, db_path: Path, by: str | None) -> None:
    """Undo a correction: the quote gets back the value of the latest correction still
    in force, or what the extractor said. The correction stays listed, as undone.

    \b
    Example:
        quotes undo-correction 7 --by ana
    """
    store = open_store(db_path, write=True)
    try:
        with writer_lock(store.path, on_wait=waiting):
            c = corrections.undo(store, correction_id, by=by, now=_now())
            _reindex(store, corrections.corrected_quote_ids([c]))
    except (CorrectionError, StoreError) as e:
        raise click.ClickException(str(e)) from None
    if c.quote_id is None:
        click.echo(f"Correction {c.id} undone (its quote is no longer there)")
        return
    [now] = store.quote_rows([c.quote_id])
    value = {"speaker": now["speaker"] or "(none)", "kind": now["kind"], "review": now["review"]}[c.field]
    click.echo(f"Correction {c.id} undone: quote {c.quote_id}'s {c.field} is {value}")


@click.command()
@db_option
@click.option("--article", "article_ids", type=int, multiple=True, metavar="ID", help="Only this article (repeatable).")
def reextract(db_path: Path, article_ids: tuple[int, ...]) -> None:
    """Extract the quotes of the stored articles anew, after an upgrade of the extractor.

    An article whose quotes come out differently has them replaced (new quote ids), and
    the corrections made on them are applied again to the quotes with the same offsets;
    quotes index brings the search index in step as part of the same run. Corrections
    whose quote is no longer found are reported (see quotes corrections --dangling).

    \b
    Example:
        quotes reextract
        quotes reextract --article 12 --article 40
    """
    from quotes.ingest import default_extractor
    from quotes.reextract import reextract as run

    store = open_store(db_path, write=True)
    try:
        with writer_lock(store.path, on_wait=waiting):
            report = run(store, default_extractor(), article_ids or None)
            if store.index_dir.exists() and (report.deleted_ids or report.added_ids):
                sync(store, writer_locked=True)
    except (StoreError, QuoteIndexError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Read {report.articles} article{'s' * (report.articles != 1)}; {report.changed} with quotes"
               f" extracted anew ({len(report.deleted_ids)} quotes replaced by {len(report.added_ids)})")
    _report_dangling(corrections.list_corrections(store, dangling_only=True), " (quotes corrections --dangling)")


COMMANDS = [correct, corrections_cmd, undo_correction, reextract]
