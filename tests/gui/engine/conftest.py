"""Fixtures for GUI tests on the REAL engine: the fast sandbox, the window's services on it.

One sandbox per module (it takes ~0.5 s to start); services and windows are fresh per test,
each on its own DJDESK_HOME (the autouse fixture in tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings
from djdesk.gui.app import start_engine
from djdesk.gui.main_window import MainWindow
from djdesk.gui.service_factory import Opened, open_services
from djdesk.sandbox import SandboxThread


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    thread = SandboxThread("fast", 1)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def opened(sandbox: SandboxThread) -> Opened:
    """The services ``djdesk --demo`` builds, not started yet (the window starts them)."""
    return open_services(
        demo=True, paths=default_paths().ensure(), settings=Settings(), sandbox=sandbox
    )


@pytest.fixture
def started(opened: Opened, qloop: Any, arun: Callable[..., Any]) -> Iterator[Opened]:
    """The services started without a window (adapter and dialog tests)."""
    arun(opened.start(), 15000)
    yield opened
    arun(opened.aclose())


@pytest.fixture
def window(
    qtbot: Any, qloop: Any, opened: Opened, arun: Callable[..., Any]
) -> Iterator[MainWindow]:
    # Not ``qtbot.addWidget``: pytest-qt closes and deletes registered widgets before fixture
    # teardown, which would delete the window while its async close is still running.
    w = MainWindow(opened.services, demo=True, paths=opened.paths)
    w.show()
    arun(start_engine(opened, w))
    yield w
    if not w.is_closed:
        with qtbot.waitSignal(w.closed, timeout=5000):
            w.close()
    arun(opened.aclose())
