"""Index writers that fail cleanly: no orphaned or hung processes, one-line errors.

Whoosh's parallel writer starts sub-writer processes that wait on a job queue. Left
as they are, a killed parent leaves them waiting forever (holding the index's write
lock, which they inherit), and a sub-writer that fails (a full disk) leaves the parent
waiting forever on a full queue, or commits an index without that sub-writer's
documents. Here each sub-writer dies with its parent, reports its failure in one line,
and the parent refuses to commit when any of them failed.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import multiprocessing
import os
import queue
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask, finish_subsegment
from whoosh.writing import SegmentWriter

from quotes.children import die_with

from . import whoosh_speedups
from .errors import IndexWriteError, QuoteIndexError
from .whoosh_speedups import FasterWriting, FastSegmentWriter

#: Seconds a writer waits for another to release the index's write lock.
LOCK_TIMEOUT = 60.0
#: From this many new documents a rebuild or sync writes with several processes.
PARALLEL_THRESHOLD = 10_000
_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def write_error(e: OSError, where: str | os.PathLike[str]) -> IndexWriteError:
    """The one-line error for an operating-system error while writing the index."""
    if e.errno in _SPACE:
        return IndexWriteError(
            f"{os.fspath(where)}: no space left on device; free some space, then run: quotes index --rebuild"
        )
    reason = e.strerror or str(e)
    name = f" ({e.filename})" if e.filename and os.fspath(e.filename) != os.fspath(where) else ""
    return IndexWriteError(f"{os.fspath(where)}: cannot write the search index: {reason}{name}")


def describe(e: BaseException, where: str | os.PathLike[str]) -> str:
    if isinstance(e, OSError):
        return str(write_error(e, where))
    if isinstance(e, QuoteIndexError):
        return str(e)
    return f"{type(e).__name__}: {e}"


@contextlib.contextmanager
def write_errors(where: str | os.PathLike[str]) -> Iterator[None]:
    """Turn operating-system errors in the block into :class:`IndexWriteError`."""
    try:
        yield
    except OSError as e:
        raise write_error(e, where) from None


class _SubWriter(SubWriterTask):
    """A Whoosh sub-writer that ends with its parent and reports a failure in one line.

    It is always forked from the writing process, whatever start method the process
    was given (a fork server would make the server its parent), so that it is that
    process's own child and dies with it. It writes with ``writer_class``, given by the
    parent: were the process started another way, that class would still come with it
    (pickled by name), not be whatever Whoosh's module holds in the child.
    """

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        from multiprocessing.popen_fork import Popen

        return Popen(process_obj)

    def __init__(self, *args: Any, writer_class: type[SegmentWriter], errors: Any, parent: int):
        super().__init__(*args)
        self._writer_class = writer_class
        self._errors = errors
        self._parent = parent

    def run(self) -> None:
        die_with(self._parent)
        try:
            self._write()
        except BaseException as e:  # reported to the parent; no traceback on stderr
            with contextlib.suppress(Exception):
                self._errors.put(describe(e, self.storage.folder))
            os._exit(1)

    def _write(self) -> None:
        # Whoosh's SubWriterTask.run, with the writer class given rather than Whoosh's.
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = self._writer_class(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
        elif self.multisegment:
            self.resultqueue.put((None, writer.pool.fieldnames, writer._finalize_segment()), timeout=5)
        else:
            self.resultqueue.put(finish_subsegment(writer, self.kwargs.get("k", 64)), timeout=5)


class _WatchedQueue:
    """The job queue, as the parent sees it: a put never waits on dead sub-writers."""

    def __init__(self, inner: Any, writer: OwnedMpWriter):
        self.inner = inner
        self.writer = writer

    def put(self, item: Any) -> None:
        while True:
            try:
                self.inner.put(item, timeout=0.5)
                return
            except queue.Full:
                self.writer.check_tasks()


class OwnedMpWriter(MpWriter):
    """Whoosh's parallel writer with sub-writers it owns (see the module docstring),
    each writing with ``writer_class``."""

    jobqueue: Any

    def __init__(self, ix: FileIndex, procs: int, writer_class: type[SegmentWriter] = SegmentWriter, **kwargs: Any):
        super().__init__(ix, procs=procs, **kwargs)
        self.writer_class = writer_class
        self._errors: Any = multiprocessing.SimpleQueue()
        self.jobqueue = _WatchedQueue(self.jobqueue, self)

    def _new_task(self) -> Any:
        task = _SubWriter(
            self.storage, self.indexname, self.jobqueue.inner, self.resultqueue, self.subargs,
            self.multisegment, writer_class=self.writer_class, errors=self._errors, parent=os.getpid(),
        )
        self.tasks.append(task)
        task.start()
        return task

    def check_tasks(self) -> None:
        """Raise :class:`IndexWriteError` when a sub-writer has failed."""
        failed = [t for t in self.tasks if t.exitcode not in (None, 0)]
        if not failed:
            return
        message = None
        if not self._errors.empty():
            message = self._errors.get()
        raise IndexWriteError(message or f"an indexing process ended with status {failed[0].exitcode}")

    def _commit_toc(self, segments: Any) -> None:
        # Every sub-writer has been joined by now: commit only if all of them succeeded.
        self.check_tasks()
        super()._commit_toc(segments)

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.kill()
            task.join(5)
        with contextlib.suppress(Exception):
            super().cancel()


def clean_temp(ix: FileIndex) -> None:
    """Remove what a killed writer left in the index's temporary folder, when no live
    writer holds the index's write lock."""
    tmp = Path(ix.storage.folder) / f"{ix.indexname}.tmp"
    if not tmp.is_dir():
        return
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        return
    try:
        for entry in tmp.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
    finally:
        lock.release()


class FastMpWriter(FasterWriting, OwnedMpWriter):
    """An :class:`OwnedMpWriter` with the speed-ups of :mod:`index.whoosh_speedups`,
    its sub-writers :class:`~index.whoosh_speedups.FastSegmentWriter`.

    Its runs are in chunks, not in Whoosh's format, and that is safe in both of Whoosh's
    modes. With ``multisegment`` each sub-writer finishes a segment of its own from the
    runs it wrote itself; the parent reads none of them. Without it the parent merges
    the runs its sub-writers leave: they wrote them with the class the parent gave them
    (not whatever Whoosh's module holds in a process started afresh), and the parent's
    :class:`~index.whoosh_speedups.ChunkedPostingPool` reads Whoosh's format as well.
    """

    def __init__(self, ix: FileIndex, procs: int, **kwargs: Any):
        super().__init__(ix, procs=procs, writer_class=FastSegmentWriter, **kwargs)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def open_writer(
    ix: FileIndex, documents: int, procs: int | None = None, limitmb: float = 128, *,
    multisegment: bool = True, speedups: bool = True,
) -> Any:
    """A writer for ``documents`` new documents (several processes for many), with what
    a killed writer left removed first.

    With ``speedups`` (and the Whoosh version they were written for) the writer is one
    of :mod:`index.whoosh_speedups`, and readers cache field lengths. ``multisegment``
    (several processes): each writes its own segment, with no final merge of their
    postings (see :class:`FastMpWriter`).
    """
    if procs is None:
        procs = cores() if documents >= PARALLEL_THRESHOLD else 1
    fast = speedups and whoosh_speedups.supported()
    if fast:
        whoosh_speedups.install_reader_cache()  # a merge reads the segments it merges
    clean_temp(ix)
    if procs > 1:
        parallel = FastMpWriter if fast else OwnedMpWriter
        return parallel(ix, procs=procs, limitmb=limitmb, multisegment=multisegment, timeout=LOCK_TIMEOUT)
    return (FastSegmentWriter if fast else SegmentWriter)(ix, limitmb=limitmb, timeout=LOCK_TIMEOUT)


# -- building beside the live index, and swapping in ---------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
BUILDING = ".building-"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(a))


def swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; the folder there before is removed.

    Where the system can exchange two folders atomically, ``target`` is never missing
    and always a whole index, so a search at that moment reads one or the other.
    """
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old index
        return
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextlib.contextmanager
def building_folder(target: Path) -> Iterator[Path]:
    """A new, empty folder beside ``target`` to build an index in, removed on leaving
    unless it has been swapped in.

    The folder's lock file (``NAME.lock`` beside it) is locked for as long as the build
    runs, so :func:`remove_leftovers` can tell a live build from a killed one.
    """
    while True:
        folder = target.with_name(f"{target.name}{BUILDING}{secrets.token_hex(4)}")
        lock_path = folder.with_name(folder.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_ino != os.stat(lock_path).st_ino:
                raise FileNotFoundError  # removed by a cleaner before we locked it
        except FileNotFoundError:
            os.close(fd)
            continue
        break
    try:
        folder.mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            lock_path.unlink()
        os.close(fd)


def remove_index(target: Path) -> None:
    """Remove the index at ``target`` and what builds left beside it (the caller holds
    the database's writer lock)."""
    remove_leftovers(target, all_unlocked=True)
    if target.exists():
        shutil.rmtree(target)


def remove_leftovers(target: Path, *, all_unlocked: bool = False) -> list[Path]:
    """Remove the folders killed builds left beside ``target``; the removed paths.

    A build folder whose lock nobody holds is a leftover. With ``all_unlocked`` (for a
    caller holding the database's writer lock) the folders of earlier versions, which
    have no lock file, go too.
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for entry in sorted(target.parent.iterdir()):
        name = entry.name
        if not name.startswith(target.name + "."):
            continue
        rest = name[len(target.name) :]
        if rest.startswith(BUILDING) and rest.endswith(".lock"):
            folder = entry.with_name(name[: -len(".lock")])
            try:
                fd = os.open(entry, os.O_RDWR)
            except OSError:
                continue
            try:
                if _try_lock(fd):
                    shutil.rmtree(folder, ignore_errors=True)
                    with contextlib.suppress(OSError):
                        entry.unlink()
                    removed.append(folder)
            finally:
                os.close(fd)
        elif all_unlocked and entry.is_dir() and (
            rest in (".old", ".building") or (rest.startswith(BUILDING) and not entry.with_name(name + ".lock").exists())
        ):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed
