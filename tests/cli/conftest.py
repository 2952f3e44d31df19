"""The CLI's end-to-end tests: one fast sandbox per module, and a DJDesk home wired to it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings, save
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import FAST_RATES


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    """A fast-profile sandbox shared by one test module (its catalog is seed 1)."""
    with SandboxThread("fast", 1) as thread:
        yield thread


@pytest.fixture
def wired(sandbox: SandboxThread, djdesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every provider pointed at ``sandbox``, at rates the fast sandbox takes (modules that
    only run ``djdesk`` against the sandbox use it as ``pytestmark``)."""
    monkeypatch.setenv("DJDESK_ENDPOINTS", json.dumps(sandbox.endpoints))
    save(Settings(rates=dict(FAST_RATES)), default_paths().ensure().settings_file)
