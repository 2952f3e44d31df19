"""Shared sandbox fixtures: one catalog per session, one fast sandbox thread per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from djdesk.sandbox import DEMO_USER_TOKEN, Catalog, SandboxThread


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog(1)


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1, catalog=catalog) as thread:
        yield thread


@pytest.fixture
def endpoints(sandbox: SandboxThread) -> dict[str, str]:
    return sandbox.endpoints


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {DEMO_USER_TOKEN}"}
