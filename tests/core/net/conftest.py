"""Fixtures for the net tests: a virtual clock every limiter, breaker and transport shares."""

from __future__ import annotations

import pytest

from tests.core.net.vclock import VirtualClock


@pytest.fixture
def vclock() -> VirtualClock:
    return VirtualClock()
