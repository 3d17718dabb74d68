"""Reading and extraction on a Dask cluster (``pip install 'news-quotes[dask]'``).

The input is cut into partitions: files (a few together, or one web archive), and runs
of lines of a JSON Lines file. Each partition is read and extracted on a worker by
:func:`run_partition`, with the same readers and the same extraction function as on
this machine. Workers read the files themselves when they see them as this machine does
(the same size at the same path on every worker); otherwise this machine sends the
bytes, as it always does for gzipped JSON Lines and stdin, whose runs of lines it
cannot hand out by offset.

:func:`cluster_items` yields what :func:`quotes.readers.read_paths` yields, in the same
order, each article carrying its outcome (``extra[OUTCOME_KEY]``), so that
:func:`quotes.ingest.extract_stream` and :func:`quotes.ingest.ingest` hand it on
unchanged: the store is written on this machine, through the same path as a local
ingest. At most ``max_inflight`` partitions are out at once, so memory stays flat.

A worker that dies loses nothing: the scheduler runs its partitions again elsewhere,
and each partition's result is taken once; articles are stored by content hash, so a
run begun again stores nothing twice.

Nothing here imports Dask until a cluster is asked for.
"""
from __future__ import annotations

import contextlib
import gzip
import io
import os
import sys
import zlib
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from .ingest import (
    EXTRACT_TIMEOUT,
    OUTCOME_KEY,
    Extractor,
    _extract_one,
    default_extractor,
)
from .model import Article
from .readers import (
    DEFAULT_MAX_BYTES,
    LAYOUT_KEY,
    STDIN_NAME,
    OnSkip,
    Progress,
    ReadError,
    format_of,
    iter_files,
    read_file,
    read_jsonl,
    read_stream,
)
from .readers.errors import gzip_reason, os_reason

#: ``--scheduler local``: a LocalCluster of worker processes on this machine.
LOCAL = "local"
#: Seconds to wait for a scheduler before giving up on it.
CONNECT_TIMEOUT = 5.0
#: Lines of a JSON Lines file per partition, at most, and bytes per partition (lines
#: or files), at most, unless one file is larger.
LINES_PER_PARTITION = 500
BYTES_PER_PARTITION = 8 * 1024 * 1024
#: Files per partition, at most.
FILES_PER_PARTITION = 32


class ClusterError(Exception):
    """A cluster that cannot be had: Dask missing, a scheduler that cannot be reached."""


@dataclass(frozen=True)
class Piece:
    """Part of one input: a whole file, or a run of its lines (``lines``: byte offsets
    ``start``, ``end`` and the number of the first line). ``path`` is the file as
    named here, what articles and errors call it; a worker opens it at its absolute
    path, or is sent its bytes (``data``: the file's, or the run's)."""

    path: str
    size: int
    lines: tuple[int, int, int] | None = None
    data: bytes | None = None
    #: The absolute path, made here: the workers may run in another folder.
    location: str = ""

    def __post_init__(self) -> None:
        if not self.location:
            object.__setattr__(self, "location", os.path.abspath(self.path))


Partition = tuple[Piece, ...]


@dataclass
class PartitionResult:
    """What a worker made of a partition: each item with its outcome, and the kinds of
    web-archive records passed over."""

    items: list[tuple[Article | ReadError, Any]]
    passed_over: Counter[str]


# -- on the workers -------------------------------------------------------------


def run_partition(
    partition: Partition,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = EXTRACT_TIMEOUT,
    extractor: Extractor | None = None,
) -> PartitionResult:
    """Read and extract one partition: a pure function of its input, run on a worker."""
    extractor = extractor or default_extractor()
    passed_over: Counter[str] = Counter()
    items: list[tuple[Article | ReadError, Any]] = []

    def note(kind: str) -> None:
        passed_over[kind] += 1

    for piece in partition:
        for item in read_piece(piece, max_bytes, on_skip=note):
            if isinstance(item, ReadError):
                items.append((item, None))
                continue
            outcome = _extract_one(extractor, item, timeout)
            # The layout has served extraction: it need not travel back.
            item.extra.pop(LAYOUT_KEY, None)
            items.append((item, outcome))
    return PartitionResult(items, passed_over)


def read_piece(piece: Piece, max_bytes: int = DEFAULT_MAX_BYTES, *, on_skip: OnSkip | None = None) -> Iterator[Article | ReadError]:
    """The articles (and errors) of one piece, as the readers give them for its file."""
    if piece.lines is None:
        if piece.data is None:
            yield from read_file(piece.location, max_bytes, on_skip=on_skip, name=piece.path)
        else:
            yield from read_stream(io.BytesIO(piece.data), piece.path, piece.size, max_bytes, on_skip=on_skip)
        return
    start, end, first_line = piece.lines
    if piece.data is not None:
        stream: IO[bytes] = io.BytesIO(piece.data)
    else:
        try:
            with open(piece.location, "rb") as f:
                f.seek(start)
                stream = io.BytesIO(f.read(end - start))
        except OSError as e:
            yield ReadError(piece.path, first_line, os_reason(e))
            return
    yield from read_jsonl(stream, piece.path, max_bytes, first_line=first_line)


# -- on this machine --------------------------------------------------------------


def partitions(
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    *,
    shared: Callable[[list[tuple[str, int]]], set[str]] | None = None,
    stdin: IO[bytes] | None = None,
    lines_per_partition: int | None = None,
    bytes_per_partition: int | None = None,
    files_per_partition: int | None = None,
) -> Iterator[Partition | ReadError]:
    """The partitions of ``paths`` in input order, and a ReadError for each path that
    is not there (as :func:`quotes.readers.iter_files` finds them). ``shared(files)``
    says which of the ``(path, size)`` files the workers can read themselves (None:
    all of them); the others are sent. The sizes default to LINES_PER_PARTITION,
    BYTES_PER_PARTITION and FILES_PER_PARTITION."""
    lines_per_partition = lines_per_partition or LINES_PER_PARTITION
    bytes_per_partition = bytes_per_partition or BYTES_PER_PARTITION
    files_per_partition = files_per_partition or FILES_PER_PARTITION
    files: list[str | ReadError] = list(iter_files(paths, glob))
    sizes = [(f, _size(f)) for f in files if isinstance(f, str) and f != "-"]
    visible = {f for f, _ in sizes} if shared is None else shared(sizes)
    group: list[Piece] = []
    group_bytes = 0

    def cut() -> Iterator[Partition]:
        nonlocal group, group_bytes
        if group:
            yield tuple(group)
        group, group_bytes = [], 0

    for item in files:
        if isinstance(item, ReadError):
            yield from cut()
            yield item
            continue
        fmt = format_of(item) if item != "-" else "jsonl"
        if fmt == "jsonl":
            yield from cut()
            yield from _line_partitions(item, item in visible, stdin, lines_per_partition, bytes_per_partition)
            continue
        size = _size(item)
        piece = Piece(item, size) if item in visible else _shipped(item, size)
        if fmt == "warc" or group_bytes + size > bytes_per_partition:
            yield from cut()
        group.append(piece)
        group_bytes += size
        if fmt == "warc" or len(group) >= files_per_partition:
            yield from cut()
    yield from cut()


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _shipped(path: str, size: int) -> Piece:
    """A whole file sent with its bytes; one that cannot be read here is left for the
    worker's reader to report (it will fail there as it would here)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return Piece(path, size)
    return Piece(path, len(data), data=data)


def _line_partitions(
    path: str, visible: bool, stdin: IO[bytes] | None, lines: int, max_bytes: int
) -> Iterator[Partition | ReadError]:
    """Runs of the lines of a JSON Lines file (or stdin for ``-``): by offset when the
    workers read the file, else with their bytes."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _sent_runs(stream, STDIN_NAME, lines, max_bytes)
        return
    gzipped = path.lower().endswith(".gz")
    try:
        raw = open(path, "rb")
    except OSError:
        yield (Piece(path, 0),)  # the worker's reader reports it
        return
    with raw:
        if gzipped or not visible:
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            yield from _sent_runs(stream, path, lines, max_bytes, gzipped=gzipped)  # type: ignore[arg-type]
            return
        for start, end, first in _line_runs(raw, lines, max_bytes):
            yield (Piece(path, end - start, lines=(start, end, first)),)


def _line_runs(f: IO[bytes], lines: int, max_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line number) of runs of at most ``lines`` whole lines of
    ``f`` (and not much over ``max_bytes``)."""
    start = pos = 0
    first = 1
    count = 0
    while block := f.read(1 << 20):
        i = 0
        while (j := block.find(b"\n", i)) >= 0:
            i = j + 1
            count += 1
            if count >= lines or pos + i - start >= max_bytes:
                yield start, pos + i, first
                start, first, count = pos + i, first + count, 0
        pos += len(block)
    if pos > start:
        yield start, pos, first


def _sent_runs(
    stream: IO[bytes], path: str, lines: int, max_bytes: int, *, gzipped: bool = False
) -> Iterator[Partition | ReadError]:
    """Runs of the lines of ``stream``, each with its bytes; a stream that fails ends
    with the lines read before, and a ReadError for the line it failed at (as
    :func:`quotes.readers.read_jsonl` reports it)."""
    run: list[bytes] = []
    size = 0
    first = 1

    def cut() -> Partition:
        data = b"".join(run)
        return (Piece(path, len(data), lines=(0, len(data), first), data=data),)

    try:
        for line in stream:
            run.append(line)
            size += len(line)
            if len(run) >= lines or size >= max_bytes:
                yield cut()
                first += len(run)
                run, size = [], 0
    except (OSError, EOFError, zlib.error) as e:
        if run:
            yield cut()
        yield ReadError(path, first + len(run), gzip_reason(e) if gzipped else os_reason(e))
        return
    if run:
        yield cut()


def shared_with(client: Any) -> Callable[[list[tuple[str, int]]], set[str]]:
    """``shared(files)`` for :func:`partitions`: the files every worker of ``client``'s
    cluster sees at the same path with the same size."""

    def shared(files: list[tuple[str, int]]) -> set[str]:
        if not files:
            return set()
        seen = client.run(_sizes_here, [os.path.abspath(f) for f, _ in files])
        visible = set()
        for i, (f, size) in enumerate(files):
            if seen and all(sizes[i] == size for sizes in seen.values()):
                visible.add(f)
        return visible

    return shared


def _sizes_here(paths: list[str]) -> list[int | None]:
    """On a worker: the size of each file it sees, None for those it does not."""
    sizes: list[int | None] = []
    for path in paths:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(None)
    return sizes


def cluster_items(
    client: Any,
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    timeout: float | None = EXTRACT_TIMEOUT,
    extractor: Extractor | None = None,
    stdin: IO[bytes] | None = None,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    max_inflight: int | None = None,
    share: bool | None = None,
    **sizes: int,
) -> Generator[Article | ReadError, None, None]:
    """What ``read_paths(paths, glob, max_bytes)`` yields, in the same order, read and
    extracted on ``client``'s cluster: each article carries its outcome
    (``extra[OUTCOME_KEY]``) for :func:`quotes.ingest.extract_stream`.

    ``max_inflight`` partitions at most are out at once (default: twice the workers'
    threads). ``share`` says whether the workers read the files themselves (None: those
    every worker sees). ``progress`` is called with the bytes of each partition done;
    ``on_skip`` with the kind of each web-archive record passed over. ``sizes``:
    ``lines_per_partition``, ``bytes_per_partition``, ``files_per_partition``.
    """

    def submit(part: Partition, number: int) -> Any:
        return client.submit(run_partition, part, max_bytes, timeout, extractor, pure=False)

    parts = partitions(paths, glob, shared=_shared(client, share), stdin=stdin, **sizes)
    for part, result in _in_order(client, parts, submit, max_inflight):
        if isinstance(result, ReadError):
            yield result
            continue
        assert isinstance(result, PartitionResult)
        _tell_skipped(result.passed_over, on_skip)
        for item, outcome in result.items:
            if isinstance(item, Article):
                item.extra[OUTCOME_KEY] = outcome
            yield item
        if progress and part is not None:
            progress(sum(piece.size for piece in part))


@dataclass
class ShardResult:
    """What a worker wrote to a partition's shard, and the problem lines (``PATH[:LINE]:
    reason``) of what it could not read or extract, in input order."""

    articles: int
    quotes: int
    problems: list[str]
    passed_over: Counter[str]


def write_partition(
    partition: Partition,
    shard: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float | None = EXTRACT_TIMEOUT,
    extractor: Extractor | None = None,
) -> ShardResult:
    """On a worker: read and extract one partition and write its articles to the
    shard at ``shard`` (none when it has no article). Run again, it writes the same."""
    from .ingest import where
    from .shards import write_shard

    result = run_partition(partition, max_bytes, timeout, extractor)
    pairs = []
    problems = []
    for item, outcome in result.items:
        if isinstance(item, ReadError):
            problems.append(str(item))
        elif isinstance(outcome, str):
            problems.append(f"{where(item)}: {outcome}")
        else:
            pairs.append((item, outcome))
    if pairs:
        write_shard(shard, pairs)
    return ShardResult(len(pairs), sum(len(quotes) for _, quotes in pairs), problems, result.passed_over)


def cluster_shards(
    client: Any,
    paths: Iterable[str | os.PathLike[str]],
    folder: str | os.PathLike[str],
    glob: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    timeout: float | None = EXTRACT_TIMEOUT,
    extractor: Extractor | None = None,
    stdin: IO[bytes] | None = None,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    max_inflight: int | None = None,
    **sizes: int,
) -> Generator[ShardResult | ReadError, None, None]:
    """Read and extract ``paths`` on ``client``'s cluster, each partition's articles
    written by its worker to a shard of its own in ``folder`` (``part-NNNNN.jsonl.gz``,
    numbered in input order), which every worker must see (:func:`folder_shared`). Yields
    what each partition came to, in input order, and a ReadError for each path that is
    not there. The rest as :func:`cluster_items`."""
    from .shards import shard_name

    where_to = os.path.abspath(folder)

    def submit(part: Partition, number: int) -> Any:
        shard = os.path.join(where_to, shard_name(number))
        return client.submit(write_partition, part, shard, max_bytes, timeout, extractor, pure=False)

    parts = partitions(paths, glob, shared=_shared(client, None), stdin=stdin, **sizes)
    for part, result in _in_order(client, parts, submit, max_inflight):
        if isinstance(result, ShardResult):
            _tell_skipped(result.passed_over, on_skip)
            if progress and part is not None:
                progress(sum(piece.size for piece in part))
        yield result


def folder_shared(client: Any, folder: str | os.PathLike[str]) -> bool:
    """Whether every worker of ``client``'s cluster sees the folder at ``folder`` (made
    if need be) as this machine does: a file made in it here is there."""
    import uuid

    where_to = os.path.abspath(folder)
    os.makedirs(where_to, exist_ok=True)
    probe = os.path.join(where_to, f".probe-{uuid.uuid4().hex}")
    with open(probe, "w"):
        pass
    try:
        seen = client.run(os.path.exists, probe)
        return bool(seen) and all(seen.values())
    finally:
        os.remove(probe)


def _shared(client: Any, share: bool | None) -> Callable[[list[tuple[str, int]]], set[str]]:
    if share is None:
        return shared_with(client)
    return (lambda files: {f for f, _ in files}) if share else (lambda files: set())


def _tell_skipped(passed_over: Counter[str], on_skip: OnSkip | None) -> None:
    if on_skip:
        for kind, n in passed_over.items():
            for _ in range(n):
                on_skip(kind)


def _in_order(
    client: Any,
    parts: Iterable[Partition | ReadError],
    submit: Callable[[Partition, int], Any],
    max_inflight: int | None,
) -> Iterator[tuple[Partition | None, Any]]:
    """Each partition submitted (``submit(partition, its number)``) and its result, in
    input order, with at most ``max_inflight`` out at once (default: twice the workers'
    threads); a ReadError as (None, it). A partition the cluster gave up on (its workers
    kept dying) is a ReadError for each of its pieces. Partitions still out when the
    caller stops are cancelled."""
    limit = max_inflight or max(2, 2 * sum(client.nthreads().values()))
    inflight: deque[tuple[Partition | ReadError, Any]] = deque()
    numbered = 0

    def take() -> Iterator[tuple[Partition | None, Any]]:
        part, future = inflight.popleft()
        if isinstance(part, ReadError):
            yield None, part
            return
        try:
            result = future.result()
        except Exception as e:  # the cluster gave up on it
            for piece in part:
                line = piece.lines[2] if piece.lines else None
                yield None, ReadError(piece.path, line, f"lost on the cluster ({type(e).__name__}: {e})")
            return
        finally:
            future.release()
        yield part, result

    try:
        for part in parts:
            while len(inflight) >= limit:
                yield from take()
            if isinstance(part, ReadError):
                inflight.append((part, None))
            else:
                inflight.append((part, submit(part, numbered)))
                numbered += 1
            while inflight and (inflight[0][1] is None or inflight[0][1].done()):
                yield from take()
        while inflight:
            yield from take()
    finally:
        pending = [future for _, future in inflight if future is not None]
        if pending:
            client.cancel(pending)


@contextlib.contextmanager
def cluster(address: str, workers: int = 1, *, connect_timeout: float | None = None) -> Iterator[Any]:
    """A Dask client of the scheduler at ``address`` (``tcp://host:8786``), or with
    ``address == "local"`` of a LocalCluster of ``workers`` processes on this machine
    (loopback only, one thread each). ClusterError when Dask is not installed or the
    scheduler cannot be reached within ``connect_timeout`` seconds (CONNECT_TIMEOUT)."""
    try:
        import distributed
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'news-quotes[dask]'") from None
    if address == LOCAL:
        with distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=40,
        ) as local, distributed.Client(local) as client:
            yield client
        return
    try:
        client = distributed.Client(address, timeout=connect_timeout or CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({reason})") from None
    with client:
        yield client


__all__ = [
    "CONNECT_TIMEOUT",
    "LOCAL",
    "ClusterError",
    "Partition",
    "PartitionResult",
    "Piece",
    "ShardResult",
    "cluster",
    "cluster_items",
    "cluster_shards",
    "folder_shared",
    "partitions",
    "read_piece",
    "run_partition",
    "write_partition",
]
