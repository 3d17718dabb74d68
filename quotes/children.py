"""Child processes that end with their parent.

A child left running after its parent was killed (``kill -9``) would go on holding
locks, read transactions and memory, with no one to wait for it. Every process this
project starts calls :func:`die_with_parent` first.
"""
from __future__ import annotations

import ctypes
import os
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


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def die_with_parent(parent: int | None = None) -> None:
    """End this process at once when ``parent`` (default: the current parent) ends.

    Call it first thing in a child. ``parent`` is the pid the child was started by,
    read before it started: if that parent has already gone, the child ends here.
    """
    expected = os.getppid() if parent is None else parent
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=_watch, args=(expected,), daemon=True, name="die-with-parent").start()
    if os.getppid() != expected:  # the parent ended before the signal was armed
        os._exit(1)
