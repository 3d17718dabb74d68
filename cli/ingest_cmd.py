"""``quotes ingest`` and ``quotes extract``."""
from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path
from typing import Any

import click

from quotes.ingest import EXTRACT_TIMEOUT, extract_stream, where
from quotes.model import Article, Quote
from quotes.readers import DEFAULT_MAX_BYTES, ReadError, input_size, read_paths
from quotes.shards import SHARD_ARTICLES, ShardWriter
from quotes.store import StoreError

from .common import db_option, index_path_for

QUOTE_FIELDS = (
    "text", "start", "end", "kind", "speaker", "speaker_mention", "speaker_start", "speaker_end",
    "cue", "method", "confidence", "paragraph", "speaker_kind", "speaker_role",
    "antecedent_mention", "antecedent_start", "antecedent_end", "context", "continues", "speech",
)


class ByteSize(click.ParamType):
    """A size in bytes: ``1000000``, ``500K``, ``50M``, ``1G`` (binary units)."""

    name = "size"
    _units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", str(value), re.I)
        if not m or int(m.group(1)) <= 0:
            self.fail(f"{value!r} is not a size (e.g. 500K, 50M, 1G)", param, ctx)
        return int(m.group(1)) * self._units[m.group(2).lower()]


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def input_options(fn: Any) -> Any:
    """Options shared by ingest and extract."""
    fn = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Read and extract on a Dask cluster: its scheduler's address (tcp://host:8786), or"
        " 'local' for a cluster of --workers processes on this machine. Needs the dask extra.",
    )(fn)
    fn = click.option(
        "--strict", is_flag=True, help="Stop at the first input that cannot be read or extracted."
    )(fn)
    fn = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=EXTRACT_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="Skip an article whose extraction takes longer than this.",
    )(fn)
    fn = click.option(
        "--max-bytes",
        type=ByteSize(),
        default=DEFAULT_MAX_BYTES,
        help="Skip any document larger than this: a text or HTML file, a JSON file, or one JSON line"
        " (JSON Lines files themselves may be any size). Accepts K, M, G.  [default: 50M]",
    )(fn)
    fn = click.option(
        "-w",
        "--workers",
        type=click.IntRange(min=1),
        metavar="N",
        default=_default_workers,
        help="Processes extracting quotes in parallel.  [default: number of CPUs]",
    )(fn)
    fn = click.option(
        "--glob",
        metavar="PATTERN",
        help="In directories, read the files matching PATTERN, e.g. '*.html'"
        " [default: .txt .html .htm .jsonl .ndjson .json .warc .arc and .gz of those].",
    )(fn)
    return fn


def no_whoosh_option(fn: Any) -> Any:
    """``--no-whoosh``: leave search to SQLite FTS5."""
    return click.option(
        "--no-whoosh",
        is_flag=True,
        help="Build and follow no Whoosh index: search and verify answer from SQLite FTS5 (for corpora past"
        " Whoosh's reach; see quotes search --help), now and after later ingests, until quotes index --rebuild.",
    )(fn)


def _stdin() -> Any:
    return getattr(sys.stdin, "buffer", sys.stdin)


class SchedulerError(click.ClickException):
    """A cluster that cannot be had: a usage error (exit status 2), in one line."""

    exit_code = 2


@contextlib.contextmanager
def articles_from(
    paths: tuple[str, ...],
    glob: str | None,
    max_bytes: int,
    client: Any,
    workers: int,
    timeout: float,
    *,
    progress: Callable[[int], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[tuple[Iterator[Article | ReadError], int]]:
    """What to extract, and the worker processes to extract it here: read here, or
    with a cluster's ``client`` read and extracted there (nothing left to do here)."""
    if client is None:
        yield read_paths(
            paths, glob=glob, max_bytes=max_bytes, progress=progress, stdin=_stdin(), on_skip=on_skip
        ), workers
        return
    from quotes.distributed import cluster_items

    items = cluster_items(
        client, paths, glob, max_bytes, timeout=timeout, stdin=_stdin(), progress=progress, on_skip=on_skip
    )
    try:
        yield items, 1
    finally:
        # Partitions still out are cancelled while the client is there to do it.
        items.close()


@contextlib.contextmanager
def connected(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the ``--scheduler`` cluster (``--workers`` processes when local), or
    None without one."""
    if scheduler is None:
        yield None
        return
    from quotes.distributed import ClusterError, cluster

    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(cluster(scheduler, workers))
        except ClusterError as e:
            raise SchedulerError(str(e)) from None
        yield client


# -- progress -------------------------------------------------------------------


class Progress:
    """One status line on a terminal's stderr: articles, quotes, rate, ETA."""

    def __init__(self, enabled: bool, total_bytes: int | None):
        self.enabled = enabled
        self.total = total_bytes or None
        self.bytes = 0
        self.articles = 0
        self.quotes = 0
        self.skipped = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def advance(self, n: int) -> None:
        self.bytes += n
        self.draw()

    def draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-6)
        rate = self.articles / elapsed
        parts = []
        if self.total:
            frac = min(self.bytes / self.total, 1.0)
            width = 24
            filled = int(frac * width)
            parts.append(f"[{'#' * filled}{'.' * (width - filled)}] {frac * 100:3.0f}%")
        parts.append(f"{self.articles:,} articles")
        parts.append(f"{self.quotes:,} quotes")
        parts.append(f"{rate:,.0f}/s")
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        if self.total and 0 < self.bytes < self.total and elapsed > 2:
            eta = elapsed * (self.total - self.bytes) / self.bytes
            parts.append(f"ETA {int(eta // 60)}:{int(eta % 60):02d}")
        sys.stderr.write("\r\x1b[K" + "  ".join(parts))
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False

    def echo(self, message: str) -> None:
        """Print a line on stderr above the status line."""
        self.clear()
        click.echo(message, err=True)
        self.draw(force=True)


#: Problem lines (PATH[:LINE]: reason) printed on stderr, at most; the rest are
#: counted in one last line (ingest --verbose prints them all).
MAX_PROBLEM_LINES = 100


class ProblemLines:
    """Prints problem lines through ``echo``, the first ``limit`` (None: all), and
    counts the rest."""

    def __init__(self, echo: Callable[[str], None], limit: int | None):
        self.echo = echo
        self.limit = limit
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if self.limit is None or self.count <= self.limit:
            self.echo(message)

    def close(self) -> None:
        """Print how many problems were not shown, if any."""
        hidden = 0 if self.limit is None else self.count - self.limit
        if hidden > 0:
            self.echo(f"... and {hidden:,} more problem{'s' if hidden != 1 else ''} not shown")


class PassedOver:
    """Counts the web-archive records that are not HTML pages, by kind, for the summary."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()

    def __call__(self, kind: str) -> None:
        self.kinds[kind] += 1

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def line(self) -> str:
        """``Passed over N web-archive records that are not HTML pages (...).``"""
        n = self.count
        kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(self.kinds.items(), key=lambda kc: -kc[1]))
        return f"Passed over {n:,} web-archive record{'s' if n != 1 else ''} that {'are' if n != 1 else 'is'} not HTML pages ({kinds})."


# -- ingest ---------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option
@input_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help=f"Print a line for every article, and every problem (not only the first {MAX_PROBLEM_LINES}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@no_whoosh_option
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    db_path: Path,
    glob: str | None,
    workers: int,
    max_bytes: int,
    strict: bool,
    timeout: float,
    scheduler: str | None,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    no_whoosh: bool,
) -> None:
    """Extract the quotes of articles and store them, with the search index.

    PATH is a file, a directory (read recursively) or - for JSON Lines on stdin.
    Files: plain text (page text dumps too), HTML pages, JSON Lines (one article a
    line: "text" required, "id" or "doc_id", "title", "url", "publisher",
    "published", "byline" optional), gzip files of these, and web archives (.warc,
    .arc, gzipped or not: each HTML page fetched with status 200 is an article, its
    URL and, when the page gives none, its date from the record). Articles already
    stored are skipped, so running the same ingest again is harmless.

    Each input that cannot be read is reported on stderr as PATH[:LINE]: reason and
    the rest of the batch goes on. Exit status: 0 when everything was ingested, 1
    when something was skipped, 2 for usage errors.

    \b
    Examples:
        quotes ingest seeds/
        quotes ingest pages/ --glob '*.html' --db news.db
        zcat corpus.jsonl.gz | quotes ingest - --workers 4
        quotes ingest crawl/ --scheduler tcp://10.0.0.5:8786
    """
    show_progress = not quiet and not verbose and not as_json and sys.stderr.isatty()
    progress = Progress(show_progress, input_size(paths, glob) if show_progress else None)
    passed_over = PassedOver()
    with connected(scheduler, workers) as client:
        source = articles_from(
            paths, glob, max_bytes, client, workers, timeout, progress=progress.advance, on_skip=passed_over
        )
        store_and_report(
            ctx, db_path, source, progress, quiet=quiet, verbose=verbose, as_json=as_json, strict=strict,
            timeout=timeout, passed_over=passed_over, whoosh=not no_whoosh,
        )


def store_and_report(
    ctx: click.Context,
    db_path: Path,
    source: ContextManager[tuple[Iterator[Article | ReadError], int]],
    progress: Progress,
    *,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    strict: bool = False,
    timeout: float = EXTRACT_TIMEOUT,
    passed_over: PassedOver | None = None,
    command: str = "ingest",
    whoosh: bool = True,
    index_procs: int | None = None,
) -> None:
    """Store what ``source`` gives (the items, and the worker processes to extract them
    with) and keep the search index in step (without ``whoosh``: leave search to FTS5;
    ``index_procs``: processes indexing while storing goes on), printing what ``quotes
    ingest`` prints: progress, problem lines and the summary; exit status 1 when something
    was skipped."""
    from index.follow import ingest_and_index

    say = progress.echo

    def on_article(article: Article, added: bool, n: int) -> None:
        progress.articles += 1
        progress.quotes += n
        if verbose:
            state = f"added, {n} quote{'s' if n != 1 else ''}" if added else "already stored"
            click.echo(f"{where(article)}: {state}", err=True)
        progress.draw()

    problems = ProblemLines(say, None if verbose else MAX_PROBLEM_LINES)

    def on_error(error: ReadError) -> None:
        progress.skipped += 1
        problems(str(error))

    def on_index_error(reason: str) -> None:
        say(f"Error: search index not updated ({reason}); the next {command} retries, or run: quotes index --rebuild")

    passed_over = passed_over or PassedOver()
    try:
        with source as (items, workers_here):
            report, index_ok = ingest_and_index(
                db_path, index_path_for(db_path), items, workers=workers_here, strict=strict, timeout=timeout,
                on_article=on_article, on_error=on_error, on_warning=say,
                on_wait=lambda: say("waiting for another ingest to finish..."),
                on_status=None if quiet or as_json else say, on_index_error=on_index_error,
                whoosh=whoosh, index_procs=index_procs, build_after=command == "load",
            )
        problems.close()
    except (StoreError, sqlite3.Error) as e:
        raise click.ClickException(str(e))
    finally:
        progress.clear()

    if as_json:
        data = report.to_dict()
        data["index_updated"] = index_ok
        if passed_over.count:
            data["archive_records_skipped"] = passed_over.count
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif not quiet:
        click.echo(summary(report.articles_added, report.articles_unchanged, report.quotes_added, report.seconds))
        if report.articles_not_english:
            click.echo(f"{report.articles_not_english:,} of the articles added are not in English: stored, with no quotes.")
        if passed_over.count:
            click.echo(passed_over.line())
        if report.error_count:
            shown = [e.where for e in report.errors[:10]]
            more = report.error_count - len(shown)
            click.echo(
                f"Skipped {report.error_count:,}: {', '.join(shown)}" + (f" and {more:,} more" if more > 0 else "")
            )
        if report.stopped:
            click.echo("Stopped at the first problem (--strict).")
    if not report.ok or not index_ok:
        ctx.exit(1)


def summary(added: int, unchanged: int, quotes: int, seconds: float) -> str:
    def n(count: int, word: str) -> str:
        return f"{count:,} {word}{'' if count == 1 else 's'}"

    return f"Added {n(added, 'article')} with {n(quotes, 'quote')}; {unchanged:,} unchanged ({seconds:.1f}s)."


# -- extract --------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@input_options
@click.option("--with-text", is_flag=True, help="Include each article's text (what the offsets index).")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the articles, with their text and quotes, to shards in DIR for quotes load"
    f" (part-NNNNN.jsonl.gz, {SHARD_ARTICLES:,} articles each, or one a partition written by"
    " the workers when they see DIR) instead of printing them.",
)
@click.pass_context
def extract(
    ctx: click.Context,
    paths: tuple[str, ...],
    glob: str | None,
    workers: int,
    max_bytes: int,
    strict: bool,
    timeout: float,
    scheduler: str | None,
    with_text: bool,
    output: Path | None,
) -> None:
    """Print the quotes of articles as JSON Lines, without storing anything.

    One line per article: {"doc_id", "quotes": [...]}, each quote with its text,
    offsets (start, end), kind, speaker, speaker_mention with its offsets, cue,
    method and confidence; for a speaker_mention such as "he" or "the company",
    antecedent_mention is the mention of the name it was resolved to, with its
    offsets (antecedent_start, antecedent_end). doc_id is the JSON id/doc_id, a web
    archive's WARC-Record-ID, else the file path (PATH:LINE for a JSON line without
    one). Offsets index the text exactly as given: the JSON "text" field, or a text
    file's decoded contents.

    \b
    Examples:
        quotes extract article.txt
        quotes extract corpus.jsonl --workers 2 > quotes.jsonl
        cat corpus.jsonl | quotes extract -
        quotes extract crawl/ --scheduler tcp://10.0.0.5:8786 --output shards/
    """
    with connected(scheduler, workers) as client:
        _extract(ctx, client, paths, glob, workers, max_bytes, strict, timeout, with_text, output)


def _extract(
    ctx: click.Context, client: Any, paths: tuple[str, ...], glob: str | None, workers: int, max_bytes: int,
    strict: bool, timeout: float, with_text: bool, output: Path | None,
) -> None:
    """``quotes extract``, here or with a cluster's ``client``."""
    problems = ProblemLines(lambda message: click.echo(message, err=True), MAX_PROBLEM_LINES)
    passed_over = PassedOver()
    if output is not None and client is not None:
        from quotes.distributed import folder_shared

        if folder_shared(client, output):
            _shards_on(ctx, client, paths, output, glob, max_bytes, timeout, strict, problems, passed_over)
            return
    shards = None if output is None else ShardWriter(output)

    def write(article: Article, quotes: list[Quote]) -> None:
        if shards is not None:
            shards.add(article, quotes)
        else:
            sys.stdout.write(json.dumps(extract_record(article, quotes, with_text), ensure_ascii=False) + "\n")

    with articles_from(paths, glob, max_bytes, client, workers, timeout, on_skip=passed_over) as (items, here):
        _write_quotes(ctx, extract_stream(items, workers=here, timeout=timeout), problems, strict, write)
    if shards is not None and output is not None:
        shards.close()
        click.echo(wrote(shards.articles, shards.quotes, shards.shards, output))
    problems.close()
    if passed_over.count:
        click.echo(passed_over.line(), err=True)
    if problems.count:
        ctx.exit(1)


def _shards_on(
    ctx: click.Context, client: Any, paths: tuple[str, ...], output: Path, glob: str | None, max_bytes: int,
    timeout: float, strict: bool, problems: ProblemLines, passed_over: PassedOver,
) -> None:
    """``quotes extract --output`` where the workers see the folder: each writes the shard
    of each partition it extracts, and only what it came to comes back here."""
    from quotes.distributed import ShardResult, cluster_shards

    articles = quotes = shards = 0
    results = cluster_shards(client, paths, output, glob, max_bytes, timeout=timeout, stdin=_stdin(), on_skip=passed_over)
    try:
        for result in results:
            lines = result.problems if isinstance(result, ShardResult) else [str(result)]
            for line in lines:
                problems(line)
            if isinstance(result, ShardResult):
                articles += result.articles
                quotes += result.quotes
                shards += result.articles > 0
            if strict and problems.count:
                break
    finally:
        results.close()
    click.echo(wrote(articles, quotes, shards, output))
    problems.close()
    if passed_over.count:
        click.echo(passed_over.line(), err=True)
    if problems.count:
        ctx.exit(1)


def wrote(articles: int, quotes: int, shards: int, folder: Path) -> str:
    """``Wrote N articles with M quotes to K shards in DIR.``"""

    def n(count: int, word: str) -> str:
        return f"{count:,} {word}{'' if count == 1 else 's'}"

    return f"Wrote {n(articles, 'article')} with {n(quotes, 'quote')} to {n(shards, 'shard')} in {folder}."


def _write_quotes(
    ctx: click.Context, stream: Generator[tuple[Any, Any], None, None], problems: ProblemLines, strict: bool,
    write: Callable[[Article, list[Quote]], None],
) -> None:
    """``quotes extract``'s output: ``write`` for each article, a problem line per failure."""
    try:
        for item, outcome in stream:
            if isinstance(item, ReadError) or isinstance(outcome, str):
                problems(str(item) if isinstance(item, ReadError) else f"{where(item)}: {outcome}")
                if strict:
                    break
                continue
            write(item, outcome)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        sys.stdout = open(os.devnull, "w")
        ctx.exit(0)
    finally:
        stream.close()


def extract_record(article: Article, quotes: list[Quote], with_text: bool = False) -> dict[str, Any]:
    """The JSON object ``quotes extract`` prints for one article."""
    doc_id = article.doc_id
    if doc_id is None:
        doc_id = where(article)
    record: dict[str, Any] = {"doc_id": doc_id, "quotes": [quote_record(q) for q in quotes]}
    if with_text:
        record["text"] = article.text
    return record


def quote_record(q: Quote) -> dict[str, Any]:
    d = q.to_dict()
    return {k: d.get(k) for k in QUOTE_FIELDS}


COMMANDS = [ingest, extract]
