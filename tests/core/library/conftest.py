"""Fixtures for the library tests: a fresh file per test and a fake clock for timestamps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.library import LibraryStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "library.sqlite3"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[LibraryStore]:
    opened = LibraryStore.open(db_path, clock)
    yield opened
    opened.close()
