"""Cache fixtures: a fake clock and a store on a temporary file, closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite3"


@pytest.fixture
async def store(db_path: Path, clock: FakeClock) -> AsyncIterator[CacheStore]:
    s = await CacheStore.open(db_path, clock=clock)
    yield s
    await s.aclose()
