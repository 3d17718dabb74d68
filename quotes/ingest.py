"""The ingest pipeline: read, extract (in parallel worker processes), store.

Extraction is a pure function of the article, so for an input large enough to pay
for them it runs in a pool of worker processes while the main process reads input and
is the only writer to SQLite.
Input is streamed: at most a few chunks of articles are in flight at any moment,
so memory does not grow with the size of the corpus.

Articles are written in batches, each batch one transaction holding every article of
the batch with all its quotes: a run killed at any point leaves whole articles or
none, and running it again adds only what is missing (articles are identified by the
hash of their text).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .children import die_with
from .dates import published_problem
from .extract.lexicon import reads_as_english
from .model import Article, Quote
from .readers import ReadError, layout_of
from .store import AddResult, Store

Extractor = Callable[[Article], list[Quote]]

#: Articles per SQLite transaction (a batch is also committed after COMMIT_SECONDS).
BATCH_SIZE = 200
COMMIT_SECONDS = 2.0
#: Articles per task sent to a worker process.
CHUNK_SIZE = 8
#: Articles extracted ahead of the writer, at most (bounds memory).
MAX_INFLIGHT_ARTICLES = 256
#: Errors kept in a report (all of them are passed to ``on_error`` as they happen).
MAX_KEPT_ERRORS = 1000
#: Seconds one article may take to extract before it is skipped as a failure.
EXTRACT_TIMEOUT = 60.0
#: Seconds of extraction in this process before worker processes may start: an input
#: that takes less costs more to hand out than it gains (benchmarks/extract_workers.py).
PARALLEL_AFTER_SECONDS = 0.5


@dataclass
class IngestReport:
    """What one ingest did."""

    articles_added: int = 0
    articles_unchanged: int = 0
    articles_not_english: int = 0  # of those added: not in English, so with no quotes
    quotes_added: int = 0
    new_quote_ids: list[int] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    error_count: int = 0
    warnings: int = 0  # articles stored with a problem (see ``on_warning``)
    stopped: bool = False  # True when strict mode stopped at a problem
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and not self.stopped

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles_added": self.articles_added,
            "articles_unchanged": self.articles_unchanged,
            "articles_not_english": self.articles_not_english,
            "quotes_added": self.quotes_added,
            "skipped": self.error_count,
            "warnings": self.warnings,
            "errors": [str(e) for e in self.errors],
            "stopped": self.stopped,
            "seconds": round(self.seconds, 3),
        }


def where(article: Article) -> str:
    """``PATH[:LINE]`` of an article's input, for messages (``PATH: record N at offset
    O`` for a page of a web archive)."""
    path, line = _split_where(article)
    record = _record_of(article)
    if record:
        return f"{path}: {record}"
    return f"{path}:{line}" if line else path


def _record_of(article: Article) -> str | None:
    """``record N at offset O`` for a page of a web archive, else None."""
    extra = article.extra or {}
    if extra.get("offset") is None:
        return None
    return f"record {extra.get('record')} at offset {extra['offset']}"


def _error_for(article: Article, reason: str) -> ReadError:
    """A ReadError for ``article``, worded as the reader words one for its input."""
    record = _record_of(article)
    return ReadError(*_split_where(article), f"{record}: {reason}" if record else reason)


def default_extractor() -> Extractor:
    return _extract


def _extract(article: Article) -> list[Quote]:
    """The default extractor, reusing the layout the reader found."""
    from .extract import extract

    return extract(article, layout=layout_of(article))


# -- extraction -----------------------------------------------------------------


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: extract_stream's outcome for an article the ``known`` predicate says is stored.
KNOWN = _Marker("KNOWN")
_PENDING = _Marker("PENDING")

#: ``Article.extra`` key of the outcome of an article extracted elsewhere (on a
#: cluster's workers: quotes.distributed), which extract_stream hands on as it is.
OUTCOME_KEY = "outcome"


def _outcome_here(item: Article | ReadError, known: Callable[[Article], bool] | None) -> Any:
    """The outcome of ``item`` that needs no extraction: None for a ReadError, KNOWN,
    or the outcome it carries (taken off the article); else _PENDING."""
    if isinstance(item, ReadError):
        return None
    carried = item.extra.pop(OUTCOME_KEY, _PENDING) if item.extra else _PENDING
    if known is not None and known(item):
        return KNOWN
    return carried


class _Failed(str):
    """An extraction failure message (a str subclass so it pickles cheaply)."""


class _TimedOut(BaseException):
    """Raised in an extraction that ran past its time (not an Exception: extractor code
    catching Exception cannot swallow it)."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _TimedOut()


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds``: by a timer signal where one is available
    (the main thread of a process on a POSIX system), else from a timer thread (a Dask
    worker's extraction runs in one of its threads)."""
    if not seconds:
        yield
        return
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        with _thread_time_limit(seconds):
            yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _thread_time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimedOut in this thread if the block runs past ``seconds``. Like the
    timer signal, the exception arrives between two steps of Python code."""
    import ctypes

    thread = threading.get_ident()
    lock = threading.Lock()
    running = True

    def expire() -> None:
        with lock:
            # Only while the block runs: past it, the exception would land elsewhere.
            if running:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(_TimedOut))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            running = False
            # One set just now, not yet raised, is taken back (NULL clears it).
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
        timer.cancel()


def _extract_one(extractor: Extractor, article: Article, timeout: float | None = None) -> list[Quote] | _Failed:
    try:
        with _time_limit(timeout):
            return list(extractor(article))
    except _TimedOut:
        return _Failed(f"extraction took longer than {timeout:g}s (skipped)")
    except Exception as e:  # one bad article must not stop the batch
        return _Failed(f"extraction failed: {type(e).__name__}: {e}")


def _extract_chunk(
    extractor: Extractor, articles: list[Article], timeout: float | None = None
) -> list[list[Quote] | _Failed]:
    return [_extract_one(extractor, a, timeout) for a in articles]


def _worker_init(parent: int) -> None:
    die_with(parent)
    # Ctrl-C is handled by the main process, which then stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def extract_stream(
    items: Iterable[Article | ReadError],
    extractor: Extractor | None = None,
    workers: int = 1,
    known: Callable[[Article], bool] | None = None,
    chunk_size: int = CHUNK_SIZE,
    timeout: float | None = EXTRACT_TIMEOUT,
    parallel_after: float = PARALLEL_AFTER_SECONDS,
) -> Generator[tuple[Article | ReadError, Any], None, None]:
    """Pair each item with its outcome, in input order.

    The outcome is the article's quotes, a failure message (a ``str``), ``KNOWN`` when
    ``known(article)`` is true (the article is not extracted), or None for a
    ReadError. An article carrying its outcome (``extra[OUTCOME_KEY]``, extracted on
    a cluster) is not extracted again. An article taking longer than ``timeout`` seconds to extract fails
    (None: no limit).

    With ``workers > 1`` extraction may run in that many processes, with a bounded
    number of chunks of ``chunk_size`` articles in flight (enough to keep the workers
    busy while the caller is writing). They start once extraction here has taken
    ``parallel_after`` seconds (0: at once), and only if it took longer than reading:
    while reading is the slower part (HTML pages, parsed in this process), workers
    would only add the cost of sending articles to them.
    """
    extractor = extractor or default_extractor()
    items = iter(items)
    if workers > 1 and parallel_after > 0:
        worth_it = yield from _extract_here(items, extractor, known, timeout, until_seconds=parallel_after)
        if not worth_it:
            workers = 1
    if workers <= 1:
        yield from _extract_here(items, extractor, known, timeout)
        return

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    max_inflight = max(3 * workers, MAX_INFLIGHT_ARTICLES // chunk_size)
    with ctx.Pool(workers, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        inflight: deque[tuple[list[tuple[Any, Any]], Any]] = deque()
        chunk: list[tuple[Any, Any]] = []  # (item, its outcome, or _PENDING to extract)
        to_extract = 0

        def submit() -> None:
            nonlocal chunk, to_extract
            articles = [item for item, outcome in chunk if outcome is _PENDING]
            result = pool.apply_async(_extract_chunk, (extractor, articles, timeout)) if articles else None
            inflight.append((chunk, result))
            chunk, to_extract = [], 0

        def drain_one() -> Iterator[tuple[Any, Any]]:
            done, result = inflight.popleft()
            outcomes = iter(result.get()) if result is not None else iter(())
            for item, outcome in done:
                yield item, (next(outcomes) if outcome is _PENDING else outcome)

        for item in items:
            outcome = _outcome_here(item, known)
            chunk.append((item, outcome))
            if outcome is _PENDING:
                to_extract += 1
            if to_extract >= chunk_size or len(chunk) >= 4 * chunk_size:
                submit()
                while len(inflight) > max_inflight:
                    yield from drain_one()
                # Hand back finished work early so the writer keeps pace.
                while inflight and inflight[0][1] is not None and inflight[0][1].ready():
                    yield from drain_one()
                while inflight and inflight[0][1] is None:
                    yield from drain_one()
        if chunk:
            submit()
        while inflight:
            yield from drain_one()


def _extract_here(
    items: Iterator[Article | ReadError],
    extractor: Extractor,
    known: Callable[[Article], bool] | None,
    timeout: float | None,
    until_seconds: float | None = None,
) -> Generator[tuple[Article | ReadError, Any], None, bool]:
    """``extract_stream`` in this process, to the end of ``items`` or until extraction
    has taken ``until_seconds``; returns True when it stopped there having spent longer
    extracting than reading."""
    reading = extracting = 0.0
    clock = time.perf_counter
    asked = clock()
    for item in items:
        got = clock()
        reading += got - asked
        ready = _outcome_here(item, known)
        if ready is not _PENDING or isinstance(item, ReadError):
            yield item, ready
        else:
            started = clock()
            outcome = _extract_one(extractor, item, timeout)
            extracting += clock() - started
            yield item, outcome
            if until_seconds is not None and extracting >= until_seconds:
                return extracting > reading
        asked = clock()  # the time the caller took with the last item is neither
    return False


# -- storing --------------------------------------------------------------------


def ingest(
    store: Store,
    items: Iterable[Article | ReadError],
    *,
    workers: int = 1,
    extractor: Extractor | None = None,
    strict: bool = False,
    batch_size: int = BATCH_SIZE,
    commit_seconds: float = COMMIT_SECONDS,
    keep_ids: bool = True,
    timeout: float | None = EXTRACT_TIMEOUT,
    parallel_after: float = PARALLEL_AFTER_SECONDS,
    on_commit: Callable[[list[int]], None] | None = None,
    on_article: Callable[[Article, bool, int], None] | None = None,
    on_error: Callable[[ReadError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> IngestReport:
    """Extract the quotes of every article in ``items`` and store them.

    ``items`` is what :func:`quotes.readers.read_paths` yields; ReadErrors are counted
    as skipped. Articles already stored are not extracted again. ``strict`` stops at
    the first problem (what was stored before it stays stored). An article whose
    extraction takes longer than ``timeout`` seconds is skipped with its reason.
    ``workers`` and ``parallel_after``: see :func:`extract_stream`.

    Callbacks: ``on_commit(new_quote_ids)`` after each committed batch;
    ``on_article(article, added, quote_count)`` for each stored or already-known
    article; ``on_error(error)`` for each skipped item; ``on_warning(message)`` for
    an article stored with a problem (a publication date that is not usable as given),
    the message starting with ``PATH[:LINE]: warning:``. With ``keep_ids=False`` the
    report does not collect ``new_quote_ids`` (use ``on_commit`` instead), so memory
    stays flat however large the input.
    """
    report = IngestReport()
    started = time.monotonic()
    pending: list[tuple[Article, list[Quote]]] = []
    last_commit = time.monotonic()

    def known(article: Article) -> bool:
        return store.article_id_for_hash(article.content_sha256) is not None

    def skip(error: ReadError) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_KEPT_ERRORS:
            report.errors.append(error)
        if on_error:
            on_error(error)

    def flush() -> None:
        nonlocal pending, last_commit
        if not pending:
            return
        batch, pending = pending, []
        results: Sequence[AddResult] = store.add_many(batch)
        new_ids: list[int] = []
        for (article, quotes), result in zip(batch, results):
            if result.added:
                report.articles_added += 1
                report.quotes_added += len(result.quote_ids)
                if not quotes and article.text and not reads_as_english(article.text):
                    report.articles_not_english += 1
                new_ids.extend(result.quote_ids)
            else:
                report.articles_unchanged += 1
            if on_article:
                on_article(article, result.added, len(quotes) if result.added else 0)
        if keep_ids:
            report.new_quote_ids.extend(new_ids)
        last_commit = time.monotonic()
        if on_commit:
            on_commit(new_ids)

    stream = extract_stream(
        items, extractor, workers, known=known, timeout=timeout, parallel_after=parallel_after
    )
    try:
        for item, outcome in stream:
            if isinstance(item, ReadError):
                skip(item)
            elif outcome is KNOWN:
                report.articles_unchanged += 1
                if on_article:
                    on_article(item, False, 0)
            elif isinstance(outcome, str):
                skip(_error_for(item, str(outcome)))
            else:
                bad = _bad_offsets(item, outcome)
                if bad:
                    skip(_error_for(item, bad))
                else:
                    problem = published_problem(item.published)
                    if problem:
                        report.warnings += 1
                        if on_warning:
                            on_warning(f"{where(item)}: warning: {problem}")
                    pending.append((item, outcome))
                    if len(pending) >= batch_size or time.monotonic() - last_commit >= commit_seconds:
                        flush()
                    continue
            if strict and report.error_count:
                report.stopped = True
                break
        flush()
    finally:
        stream.close()
        report.seconds = time.monotonic() - started
    return report


def _split_where(article: Article) -> tuple[str, int | None]:
    line = article.extra.get("line") if article.extra else None
    return (article.source_path or article.doc_id or "<input>", line)


def _bad_offsets(article: Article, quotes: Sequence[Quote]) -> str | None:
    n = len(article.text)
    for q in quotes:
        if not (0 <= q.start <= q.end <= n) or article.text[q.start : q.end] != q.text:
            return f"extractor returned offsets {q.start}:{q.end} that do not match the text"
    return None


__all__ = [
    "KNOWN",
    "OUTCOME_KEY",
    "PARALLEL_AFTER_SECONDS",
    "IngestReport",
    "extract_stream",
    "ingest",
    "where",
]
