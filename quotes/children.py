"""Child processes that end with their parent.

A child left running after its parent was killed (``kill -9``) would go on holding
locks, read transactions and memory, with no one to wait for it. Every process this
project starts calls :func:`die_with` first.
"""
from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
#: How often the fallback watch (where the kernel offers no parent-death signal) looks.
WATCH_SECONDS = 0.5


def _parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send ``signum`` when the parent ends (Linux); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(pid: int, parent: bool) -> None:
    """Wait in a thread for ``pid`` to end, then end this process."""
    pidfd = -1
    if not parent and hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            pidfd = -1
    if pidfd >= 0:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)  # readable once the process has ended
        while not poller.poll():
            pass
        os._exit(1)
    while os.getppid() == pid if parent else _alive(pid):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with(pid: int | None = None) -> None:
    """End this process at once when process ``pid`` (default: the parent) ends.

    Call it first thing in a child, with the pid of the process it works for, read
    before the child started: if that process has already gone, the child ends here. A
    child started through a fork server has the server as its parent, so it names the
    process that asked for it.
    """
    parent = os.getppid()
    if pid is None or pid == parent:
        if not _parent_death_signal(signal.SIGKILL):
            threading.Thread(target=_watch, args=(parent if pid is None else pid, True), daemon=True).start()
        if pid is not None and os.getppid() != pid:  # the parent ended before the signal was armed
            os._exit(1)
        return
    if not _alive(pid):
        os._exit(1)
    threading.Thread(target=_watch, args=(pid, False), daemon=True, name=f"die-with-{pid}").start()
