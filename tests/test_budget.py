"""No search or verification can tie up the command line or the served site.

Input too large to answer cheaply is refused at once; work that runs out of time stops,
on the command line (``--timeout``) and on the site (``search_time_limit_ms``, in worker
processes); a client that goes away stops its work; ``quotes serve`` stops promptly.
The slow query is a real one against a real index of 40,000 quotes.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from conftest import RUN_TAG, tagged

from cli.main import cli
from index.budget import (
    MAX_CLAIM_SEGMENTS,
    MAX_CLAIM_WORDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_DEPTH,
    MAX_QUERY_TERMS,
    REPEAT_SECONDS,
    time_budget,
)
from index.errors import BudgetExceeded
from quotes_datasette.serve import make_datasette

ROOT = Path(__file__).resolve().parent.parent
# Every term with a letter or digit inside: Whoosh walks every indexed word for each.
SLOW_QUERY = " OR ".join(f"*{c}*" for c in "abcdefghijklmnopqrstuvwxyz0123456789")
TOO_LARGE = {
    "query": ("search", "q" * (MAX_QUERY_CHARS + 1), "query too long"),
    "terms": ("search", " ".join(f"plan{i}" for i in range(MAX_QUERY_TERMS + 1)), "query too large"),
    "nesting": ("search", "(" * (MAX_QUERY_DEPTH + 1) + "plan" + ")" * (MAX_QUERY_DEPTH + 1), "too deeply nested"),
    "fuzzy": ("search", "q" * 40 + "~2", "fuzzy word too long"),
    "claim": ("verify", " ".join(["plan"] * (MAX_CLAIM_WORDS + 1)), "claim too long"),
    "omissions": ("verify", " ... ".join(["plan part"] * 1000), "claim too long"),
    "segments": ("verify", " ... ".join(["plan"] * (MAX_CLAIM_SEGMENTS + 1)), "runs of words between '...'"),
}


def run(*args: str):
    started = time.monotonic()
    result = CliRunner().invoke(cli, list(args))
    return result, time.monotonic() - started


@pytest.mark.parametrize("case", TOO_LARGE)
def test_input_too_large_is_refused_at_once(large_indexed: Path, case: str) -> None:
    command, words, message = TOO_LARGE[case]
    result, seconds = run(command, words, "--db", str(large_indexed))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ") and message in result.output
    assert seconds < 2


def test_a_long_unknown_word_gets_no_slow_suggestion(large_indexed: Path) -> None:
    result, seconds = run("search", "q" * 900, "--db", str(large_indexed))
    assert result.exit_code == 0 and "No quotes match." in result.output
    assert seconds < 3


def test_a_slow_search_stops_at_its_time_limit(large_indexed: Path) -> None:
    result, seconds = run("search", SLOW_QUERY, "--db", str(large_indexed), "--timeout", "1")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the search took longer than its time limit of 1s and was stopped; narrow it and try again"
    )
    assert 1 <= seconds < 3


class _SlowToDelete:
    def __del__(self) -> None:
        time.sleep(0.3)  # the alarm lands here, where Python ignores exceptions


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_alarm_python_ignored_fires_again() -> None:
    started = time.monotonic()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.1):
            _SlowToDelete()  # deleted at once: its __del__ swallows the first alarm
            while time.monotonic() - started < 5:
                sum(range(1000))  # pure Python, no check between steps
    assert time.monotonic() - started < 0.4 + 3 * REPEAT_SECONDS
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # disarmed once left


def test_nested_budgets_hand_the_timer_back() -> None:
    with pytest.raises(BudgetExceeded, match="time limit of 0.3s"):
        with time_budget(0.3):
            with time_budget(5):
                pass
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # the outer deadline, re-armed
            while True:
                sum(range(1000))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_verification_stops_at_its_time_limit(large_indexed: Path) -> None:
    # Every word of the claim is in a quarter of the quotes: the near-miss search
    # compares many candidates word by word.
    claim = " ".join(["plan", "part", "will", "go", "ahead", "agreed", "harbour"] * 50)
    result, seconds = run("verify", claim, "--db", str(large_indexed), "--timeout", "0.05")
    assert result.exit_code == 1
    assert "the verification took longer than its time limit of 0.05s" in result.output
    assert seconds < 2


# -- the site ---------------------------------------------------------------------


@pytest.fixture
def site(large_indexed: Path):
    ds = make_datasette(large_indexed, search_time_limit_ms=1000)
    yield ds
    pool = ds.__dict__.get("_quotes_workers")
    if pool is not None:
        pool.close()


async def test_site_stops_a_slow_search_and_keeps_serving_other_pages(site) -> None:
    await site.client.get("/-/quotes.json?q=harbour")  # the first search starts a worker

    async def slow() -> tuple[httpx.Response, float]:
        started = time.monotonic()
        response = await site.client.get("/-/quotes.json", params={"q": SLOW_QUERY})
        return response, time.monotonic() - started

    async def quick() -> list[float]:
        await asyncio.sleep(0.2)
        times = []
        for _ in range(5):
            started = time.monotonic()
            response = await site.client.get("/quotes/speakers.json?_size=5")
            assert response.status_code == 200
            times.append(time.monotonic() - started)
        return times

    (response, seconds), quick_times = await asyncio.gather(slow(), quick())
    assert response.status_code == 503
    error = response.json()["error"]
    assert "took longer than its time limit of 1s" in error and "\n" not in error
    assert 1 <= seconds < 4
    assert max(quick_times) < 0.5, quick_times  # the server itself was never busy
    assert (await site.client.get("/-/quotes.json?q=harbour")).json()["total"] > 0


@pytest.mark.parametrize("case", ["query", "nesting", "omissions", "segments"])
async def test_site_refuses_input_too_large(site, case: str) -> None:
    command, words, message = TOO_LARGE[case]
    path = "/-/quotes.json" if command == "search" else "/-/quotes/verify.json"
    response = await site.client.get(path, params={"q" if command == "search" else "words": words})
    assert response.status_code == 400 and message in response.json()["error"]


# -- a real server ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def server(large_indexed: Path):
    """``quotes serve`` in a process of its own, with a 30 s search time limit (longer
    than any of these tests waits)."""
    port = free_port()
    token = f"{os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), RUN_TAG: token}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import cli; cli()", "serve", "--db", str(large_indexed),
         "--port", str(port), "--search-time-limit", "30000"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/-/versions.json", timeout=1)
            break
        except httpx.HTTPError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
            time.sleep(0.1)
    assert httpx.get(base + "/-/quotes.json?q=harbour", timeout=10).json()["total"] > 0  # a worker is up
    yield proc, base, port, token
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def send_slow_search(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    query = httpx.QueryParams({"q": SLOW_QUERY})
    sock.sendall(f"GET /-/quotes.json?{query} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    return sock


def test_work_stops_when_its_client_goes_away(server) -> None:
    proc, base, port, token = server
    sock = send_slow_search(port)
    time.sleep(1.0)
    busy = cpu_seconds(tagged(token))
    time.sleep(1.0)
    assert cpu_seconds(tagged(token)) - busy > 0.5  # the search is running
    sock.close()
    time.sleep(1.0)  # the server notices, and ends the worker
    before = cpu_seconds(tagged(token))
    time.sleep(2.0)
    assert cpu_seconds(tagged(token)) - before < 0.3  # nothing runs on for the client that left
    assert httpx.get(base + "/-/quotes.json?q=harbour", timeout=10).status_code == 200


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_server_stops_promptly_while_a_slow_search_runs(server, how: signal.Signals) -> None:
    proc, base, port, token = server
    sock = send_slow_search(port)
    time.sleep(1.0)
    started = time.monotonic()
    proc.send_signal(how)
    proc.wait(timeout=15)
    assert time.monotonic() - started < 8
    sock.close()
    deadline = time.monotonic() + 3
    while tagged(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tagged(token) == []
    assert "Traceback" not in proc.stderr.read()


async def test_site_workers_have_their_memory_capped(large_indexed: Path) -> None:
    ds = make_datasette(large_indexed, metadata={"plugins": {"quotes": {"search_memory_mb": 300}}})
    try:
        assert (await ds.client.get("/-/quotes.json?q=harbour")).json()["total"] > 0
        pids = ds.__dict__["_quotes_workers"].pids()
        assert pids
        for pid in pids:
            with open(f"/proc/{pid}/limits") as f:
                line = next(line for line in f if line.startswith("Max data size"))
            assert line.split()[3] == str(300 * 2**20)
    finally:
        ds.__dict__["_quotes_workers"].close()
