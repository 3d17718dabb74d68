"""What one search or verification may cost: the size of what is asked, and time.

A query or claim too large to answer cheaply is refused before any work, with a
one-line :class:`InputTooLarge` (a :class:`QueryError`: the asker can fix it). The work
itself runs under :func:`time_budget`: when the time is up it stops and
:class:`BudgetExceeded` says so. In a process's main thread the budget is enforced by a
timer signal, which interrupts Whoosh and the word comparisons wherever they are (and
fires again while the work goes on, should Python have ignored it); in
other threads it is checked between steps (each candidate compared, each thousand
documents collected, each SQLite step batch).
"""
from __future__ import annotations

import contextlib
import contextvars
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

from .errors import BudgetExceeded, InputTooLarge

#: A query longer than this many characters is refused.
MAX_QUERY_CHARS = 1_000
#: ... and one with more words, phrases and wildcards than this.
MAX_QUERY_TERMS = 50
#: ... and one with parentheses nested deeper than this.
MAX_QUERY_DEPTH = 10
#: A fuzzy word (``word~``) longer than this is refused; a longer unknown word gets no
#: "did you mean" (both cost time in proportion to the word's length).
MAX_FUZZY_CHARS = 30
#: A claim to verify with more words than this is refused...
MAX_CLAIM_WORDS = 400
#: ... and one of more ``...``-separated runs of words, or more characters, than this.
MAX_CLAIM_SEGMENTS = 20
MAX_CLAIM_CHARS = 5_000
#: Seconds a search or verification may take, by default: on the command line, and on
#: the served site.
DEFAULT_SECONDS = 30.0
SITE_SECONDS = 5.0


def check_query_size(qstring: str) -> None:
    if len(qstring) > MAX_QUERY_CHARS:
        raise InputTooLarge(
            f"query too long: {len(qstring):,} characters (at most {MAX_QUERY_CHARS:,})"
        )


def check_query_terms(terms: int) -> None:
    if terms > MAX_QUERY_TERMS:
        raise InputTooLarge(f"query too large: {terms:,} words and phrases (at most {MAX_QUERY_TERMS})")


def check_claim_size(claim: str, segments: list[list[str]]) -> None:
    words = sum(len(s) for s in segments)
    if len(claim) > MAX_CLAIM_CHARS or words > MAX_CLAIM_WORDS:
        raise InputTooLarge(
            f"claim too long to verify: {words:,} words, {len(claim):,} characters"
            f" (at most {MAX_CLAIM_WORDS} words, {MAX_CLAIM_CHARS:,} characters)"
        )
    if len(segments) > MAX_CLAIM_SEGMENTS:
        raise InputTooLarge(
            f"claim has {len(segments):,} runs of words between '...' (at most {MAX_CLAIM_SEGMENTS})"
        )


# -- time -------------------------------------------------------------------------


class _OutOfTime(BaseException):
    """Raised inside the work when its time is up. Not an Exception, so code catching
    Exception (Whoosh's, or a parser's) cannot swallow it; :func:`time_budget` turns it
    into :class:`BudgetExceeded` at its edge."""


_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("quotes_index_deadline", default=None)


def check_time() -> None:
    """Stop the work (between steps) if its time budget is spent."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() >= deadline:
        raise _OutOfTime()


#: After the deadline the timer fires again this often: an alarm that lands where Python
#: ignores exceptions (a weakref callback, a ``__del__``) is raised at the next one.
REPEAT_SECONDS = 0.1


def _on_alarm(signum: int, frame: Any) -> None:
    f = frame
    while f is not None:
        if f.f_code in _LEAVING:
            return  # time_budget is already on its way out: let it disarm the timer
        f = f.f_back
    raise _OutOfTime()


@contextlib.contextmanager
def time_budget(
    seconds: float | None, what: str = "search", connections: tuple[sqlite3.Connection, ...] = ()
) -> Iterator[None]:
    """Run the block for at most ``seconds`` (None: no limit), then raise BudgetExceeded.

    ``what`` names the work in the message; SQLite queries on ``connections`` are
    interrupted too.
    """
    if not seconds:
        yield
        return
    deadline = time.monotonic() + seconds
    outer = _deadline.get()
    if outer is not None:
        deadline = min(deadline, outer)
    token = _deadline.set(deadline)
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous: Any = None
    if alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-3), REPEAT_SECONDS)
    for conn in connections:
        conn.set_progress_handler(lambda: int(time.monotonic() >= deadline), 10_000)
    try:
        yield
    except _OutOfTime:
        raise BudgetExceeded(_message(what, seconds)) from None
    except sqlite3.OperationalError as e:
        if time.monotonic() >= deadline and "interrupt" in str(e):
            raise BudgetExceeded(_message(what, seconds)) from None
        raise
    finally:
        if alarm:
            # disarmed before the handler goes back: a repeat must never reach the default
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if previous is _on_alarm and outer is not None:
                signal.setitimer(signal.ITIMER_REAL, max(outer - time.monotonic(), 1e-3), REPEAT_SECONDS)
        for conn in connections:
            with contextlib.suppress(sqlite3.Error):
                conn.set_progress_handler(None, 10_000)
        _deadline.reset(token)


# The code of time_budget's own frames as it leaves: no alarm is raised inside them
_LEAVING = {time_budget.__wrapped__.__code__, contextlib._GeneratorContextManager.__exit__.__code__}  # type: ignore[attr-defined]


def _message(what: str, seconds: float) -> str:
    return f"the {what} took longer than its time limit of {seconds:g}s and was stopped; narrow it and try again"
