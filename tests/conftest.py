from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quotes.db"


@pytest.fixture
def seed_dir() -> Path:
    return SEEDS


@pytest.fixture
def seed_path() -> Path:
    return sorted(SEEDS.glob("*.txt"))[0]
