"""A full disk gives one clear line, everywhere, and never a hang or a half-built index.

The database sits on a file system of its own a few megabytes larger than itself: a
tmpfs where this process may mount one, else one in a user namespace of its own
(``unshare``), else a file-size limit (writes past it fail with EFBIG, as a full disk
fails them with ENOSPC).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import copy_database, fill_store

ROOT = Path(__file__).resolve().parent.parent
QUOTES = [sys.executable, "-c", "from cli.main import cli; cli()"]
HEADROOM_MB = 6  # room left beside the database: less than its index needs


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


Runner = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Callable[[Path], tuple[Path, Runner]]]:
    """``place(db)`` puts a copy of ``db`` on a small file system; gives (its path, run)."""
    mounts: list[Path] = []

    def place(db: Path) -> tuple[Path, Runner]:
        size_mb = db.stat().st_size // 2**20 + HEADROOM_MB
        disk = tmp_path / "disk"
        disk.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        target = disk / "quotes.db"
        if _can_mount() and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(disk)], capture_output=True
        ).returncode == 0:
            mounts.append(disk)
            copy_database(db, target)

            def run(*args: str) -> subprocess.CompletedProcess:
                return subprocess.run([*QUOTES, *args], capture_output=True, text=True, env=env, timeout=120)

            return target, run
        copy_database(db, target)
        if shutil.which("unshare") and subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
        ).returncode == 0:
            stash = tmp_path / "stash.db"
            shutil.move(target, stash)

            def run(*args: str) -> subprocess.CompletedProcess:
                script = (
                    f'mount -t tmpfs -o size={size_mb}m tmpfs "{disk}" && cp "{stash}" "{target}" && exec "$@"'
                )
                return subprocess.run(
                    ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", *QUOTES, *args],
                    capture_output=True, text=True, env=env, timeout=120,
                )

            return target, run

        limit = db.stat().st_size + HEADROOM_MB * 2**20

        def limited() -> None:
            import resource
            import signal

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*QUOTES, *args], capture_output=True, text=True, env=env, timeout=120,
                                  preexec_fn=limited)

        return target, run

    yield place
    for disk in mounts:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def assert_one_clear_line(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "no space left on device" in errors[0] or "File too large" in errors[0]
    assert "quotes.index" in errors[0]


def assert_no_leftovers(db: Path) -> None:
    assert [p.name for p in db.parent.iterdir() if p.name.startswith("quotes.index")] == []


@pytest.fixture(params=["several writers", "one writer"])
def database(request, large_db: Path, tmp_path: Path) -> Path:
    if request.param == "several writers":
        return large_db  # 40,000 quotes: the index is written by sub-writer processes
    return fill_store(tmp_path / "small.db", 2_000)


def test_search_without_an_index_on_a_full_disk_says_so(full_disk, database):
    db, run = full_disk(database)
    assert_one_clear_line(run("search", "harbour", "--db", str(db)))


def test_rebuild_on_a_full_disk_says_so_and_gives_the_space_back(full_disk, database):
    db, run = full_disk(database)
    result = run("index", "--rebuild", "--db", str(db))
    assert_one_clear_line(result)
    assert result.stdout == ""
    assert_no_leftovers(db)


def test_ingest_stores_what_fits_and_says_the_index_could_not_follow(full_disk, database, tmp_path):
    corpus = tmp_path / "more.jsonl"
    corpus.write_text('{"id": "x1", "text": "\\u201cThe pier reopens on Friday,\\u201d said Ada Brook."}\n')
    db, run = full_disk(database)
    result = run("ingest", str(corpus), "--db", str(db))
    assert_one_clear_line(result)
    assert "search index not updated" in result.stderr
