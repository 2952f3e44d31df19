"""GUI test fixtures: one qasync loop marked running for the session, fake services.

The loop fixture is the validated pattern from research/reliability.md §7.2: with
``already_running=True`` the qasync loop is driven by whatever spins Qt, so ``qtbot.waitUntil``
and ``qtbot.waitSignal`` also advance asyncio tasks started from slots. Each test ends by
cancelling and draining what it left behind, and fails if a task survives cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from djdesk.gui.fake_services import fake_services
from djdesk.gui.main_window import MainWindow
from djdesk.gui.services import Services


@pytest.fixture(scope="session")
def qloop_session(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)  # marked running per test only, see ``qloop``
    yield loop
    loop._QEventLoop__is_running = False  # type: ignore[attr-defined]  # stop() would app.exit()
    asyncio.events._set_running_loop(None)
    loop.close()


@pytest.fixture
def qloop(qloop_session: qasync.QEventLoop, qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    # Marked running only for this test: a loop left running would make every later
    # ``asyncio.run`` in the session (CLI and sandbox tests) fail.
    asyncio.events._set_running_loop(qloop_session)
    try:
        yield qloop_session
        pending = [t for t in asyncio.all_tasks(qloop_session) if not t.done()]
        for t in pending:
            t.cancel()
        for _ in range(200):
            if all(t.done() for t in pending):
                break
            qapp.processEvents()
        assert all(t.done() for t in pending), "tasks survived cancellation"
    finally:
        asyncio.events._set_running_loop(None)


@pytest.fixture
def services() -> Services:
    """Fake services that stream as fast as the loop allows (no pacing)."""
    return fake_services(step_s=0.0, cache_entries=300)


@pytest.fixture
def window(qtbot: Any, qloop: qasync.QEventLoop, services: Services) -> MainWindow:
    """The main window on the fake services (tests/gui/engine/ has one on the real engine)."""
    w = MainWindow(services, demo=True)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def arun(qtbot: Any, qloop: qasync.QEventLoop) -> Callable[..., Any]:
    """Run a coroutine to completion on the (already running) qasync loop from a sync test."""

    def run(coro: Awaitable[Any], timeout_ms: int = 5000) -> Any:
        task = asyncio.ensure_future(coro)
        qtbot.waitUntil(task.done, timeout=timeout_ms)
        return task.result()

    return run
