"""Worker processes for the site's search and verify pages.

The work of a search or a verification runs in a worker process, never in the server:

- its time budget is kept inside the worker (:mod:`index.budget`) and, should the
  worker not answer soon after, by ending it;
- a request whose client goes away has its worker ended at once;
- each worker's memory is capped (``RLIMIT_DATA``; the index files it maps for
  reading do not count), so no request can grow the server without bound;
- the server's own threads stay free, so other pages keep their speed meanwhile and
  the server stops promptly on SIGTERM or Ctrl-C.

A worker that was ended is replaced on the next request. Workers end with the server,
however it ends.
"""
from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from quotes.children import die_with

#: Seconds past the time budget before a worker that has not answered is ended.
GRACE_SECONDS = 2.0
#: Memory one worker may allocate, in MB.
MEMORY_MB = 1024
#: Seconds a request waits for a free worker when all are busy.
QUEUE_SECONDS = 5.0

Receive = Callable[[], Awaitable[dict[str, Any]]]


class WorkerError(Exception):
    """A job that did not give a result: its HTTP status and a one-line message."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class ClientGone(Exception):
    """The client went away before the result was ready."""


def _main(conn: Any, server: int, memory_mb: int | None) -> None:
    try:
        _serve(conn, server, memory_mb)
    except Exception as e:  # one line in the server's log; the request gets a 500
        print(f"quotes: a search worker failed: {type(e).__name__}: {e}", file=sys.stderr)


def _serve(conn: Any, server: int, memory_mb: int | None) -> None:
    die_with(server)
    # Ctrl-C in a terminal reaches every process of the group: the server decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb:
        soft = memory_mb * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
    from . import jobs

    while True:
        try:
            name, args, index_dir = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = jobs.run(name, args, Path(index_dir))
        except MemoryError:
            conn.send(("error", (503, f"the {jobs.WHAT[name]} needed more than {memory_mb} MB and was stopped")))
            return  # start afresh: the failed allocation may have left this process in any state
        conn.send(reply)


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_main, args=(child, os.getpid(), memory_mb), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def stop(self) -> None:
        self.kill()
        self.process.join(2)
        self.conn.close()


def _context() -> Any:
    # Forked from a clean, single-threaded server process (the web server has threads).
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["index", "quotes.store", "quotes_datasette.jobs"])
        return ctx
    return multiprocessing.get_context("spawn")


class Workers:
    """Up to ``size`` worker processes; ``seconds`` is each job's time budget."""

    def __init__(self, size: int, seconds: float | None, memory_mb: int | None = MEMORY_MB):
        self.size = max(1, size)
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._starting = 0
        self._lock = threading.Lock()
        self._closed = False

    # -- workers --------------------------------------------------------------------

    async def _acquire(self) -> _Worker:
        deadline = time.monotonic() + QUEUE_SECONDS
        while True:
            with self._lock:
                if self._closed:
                    raise WorkerError("the server is stopping", 503)
                if self._idle:
                    return self._idle.pop()
                start = len(self._all) + self._starting < self.size
                self._starting += start
            if start:
                try:
                    worker = await asyncio.get_running_loop().run_in_executor(
                        None, _Worker, _context(), self.memory_mb
                    )
                finally:
                    with self._lock:
                        self._starting -= 1
                with self._lock:
                    self._all.add(worker)
                return worker
            if time.monotonic() >= deadline:
                raise WorkerError("every search worker is busy; try again in a moment", 503)
            await asyncio.sleep(0.01)

    def _release(self, worker: _Worker, reusable: bool) -> None:
        with self._lock:
            if reusable and not self._closed and worker.process.is_alive():
                self._idle.append(worker)
                return
            self._all.discard(worker)
        worker.stop()

    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid]

    def close(self) -> None:
        """End every worker, busy or idle."""
        with self._lock:
            self._closed = True
            busy = [w for w in self._all if w not in self._idle]
            idle, self._idle = self._idle, []
            self._all.clear()
        for worker in busy:
            worker.kill()  # its request sees the pipe close, and stops it
        for worker in idle:
            worker.stop()

    # -- jobs -----------------------------------------------------------------------

    async def run(self, name: str, args: tuple[Any, ...], index_dir: Path, receive: Receive | None = None) -> Any:
        """The result of job ``name`` (see :mod:`quotes_datasette.jobs`), run in a worker.

        Raises :class:`WorkerError` when the job failed or ran out of time, and
        :class:`ClientGone` when ``receive`` (the request's ASGI receive) reports that the
        client has gone; either way the work has stopped.
        """
        worker = await self._acquire()
        reusable = False
        try:
            status, payload = await self._call(worker, (name, args, os.fspath(index_dir)), receive)
            reusable = True
        finally:
            self._release(worker, reusable)
        if status == "ok":
            return payload
        code, message = payload
        raise WorkerError(message, code)

    async def _call(self, worker: _Worker, job: tuple[Any, ...], receive: Receive | None) -> Any:
        loop = asyncio.get_running_loop()
        answered = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            if not answered.done():
                answered.set_result(None)

        loop.add_reader(fd, readable)
        watcher = asyncio.ensure_future(_disconnect(receive)) if receive is not None else None
        try:
            worker.conn.send(job)
            timeout = self.seconds + GRACE_SECONDS if self.seconds else None
            waiting = {answered} | ({watcher} if watcher is not None else set())
            done, _ = await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if answered in done:
                try:
                    return worker.conn.recv()
                except (EOFError, OSError):
                    if self._closed:
                        raise WorkerError("the server is stopping", 503) from None
                    raise WorkerError("the search worker ended unexpectedly", 500) from None
            if watcher is not None and watcher in done:
                raise ClientGone()
            raise WorkerError(f"no answer within {timeout:g}s: the work was stopped; narrow it and try again", 503)
        finally:
            loop.remove_reader(fd)
            if watcher is not None:
                watcher.cancel()


async def _disconnect(receive: Receive) -> None:
    """Return once the client has disconnected."""
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            return


_pools: weakref.WeakSet[Workers] = weakref.WeakSet()


def pool_for(owner: Any, size: int, seconds: float | None, memory_mb: int | None) -> Workers:
    """The worker pool of ``owner`` (a Datasette), made on first use and closed when
    ``owner`` is collected or the process exits."""
    pool = owner.__dict__.get("_quotes_workers")
    if pool is None:
        pool = owner.__dict__["_quotes_workers"] = Workers(size, seconds, memory_mb)
        _pools.add(pool)
        weakref.finalize(owner, pool.close)
    return pool


def close_pool(owner: Any) -> None:
    """End the worker processes of ``owner``, if it has any."""
    pool = owner.__dict__.get("_quotes_workers")
    if pool is not None:
        pool.close()


def close_all() -> None:
    for pool in list(_pools):
        pool.close()


atexit.register(close_all)
