"""The app shell: the start coroutine opens the window and returns after a clean close."""

from __future__ import annotations

import asyncio
from typing import Any

import qasync
from PySide6.QtWidgets import QApplication

from djdesk import APP_ID
from djdesk.gui.app import make_application, start
from djdesk.gui.main_window import MainWindow
from djdesk.gui.tasks import TaskRegistry


def test_qasync_binds_to_pyside6() -> None:
    assert qasync.QtModuleName == "PySide6"


def test_application_identity(qapp: QApplication) -> None:
    app = make_application()
    assert app is QApplication.instance()


def test_start_opens_the_window_and_returns_after_close(qtbot: Any, qloop: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setDesktopFileName(APP_ID)
    task = asyncio.ensure_future(start(app, demo=False))

    def window() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return next((w for w in found if w.isVisible()), None)

    qtbot.waitUntil(lambda: window() is not None, timeout=5000)
    win = window()
    assert win is not None and "Demo mode" not in win.windowTitle()
    win.close()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() == 0
    assert win.tasks.pending == 0


def test_task_registry_reports_errors_and_cancels(qtbot: Any, qloop: Any) -> None:
    errors: list[BaseException] = []
    tasks = TaskRegistry(on_error=errors.append)

    async def boom() -> None:
        raise ValueError("x")

    async def forever() -> None:
        await asyncio.Event().wait()

    tasks.start(boom())
    tasks.start(forever())
    qtbot.waitUntil(lambda: bool(errors), timeout=2000)
    assert isinstance(errors[0], ValueError)
    assert tasks.pending == 1
    done = asyncio.ensure_future(tasks.cancel_all(grace_s=1.0))
    qtbot.waitUntil(done.done, timeout=2000)
    assert done.result() is True and tasks.pending == 0
