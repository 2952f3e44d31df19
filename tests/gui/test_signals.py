"""Ctrl+C / SIGTERM on the real ``djdesk --demo`` window: a clean close, no traceback.

Two kinds of test: the real process (exit code, stderr), and in process mid-run (the job is
left resumable, the engine closed, the handlers put back).

A subprocess (offscreen Qt, a fresh ``DJDESK_HOME``) is started and its stderr read line by
line until the readiness line; then the signal is sent and the exit awaited. No sleeps: a
reader thread hands lines over a queue, and every wait has a generous bound only so a hang
fails the test instead of stalling the suite (the timing itself is reported, not asserted).
"""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

READY = "ready: the window and the engine are running"


def _start(home: Path) -> tuple[subprocess.Popen[str], queue.Queue[str | None]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DJDESK_HOME": str(home)}
    env.pop("DJDESK_ENDPOINTS", None)
    proc = subprocess.Popen(
        [sys.executable, "-X", "dev", "-m", "djdesk", "-v", "--demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def _until_ready(lines: queue.Queue[str | None]) -> list[str]:
    seen: list[str] = []
    while True:
        line = lines.get(timeout=60)
        if line is None:
            pytest.fail("djdesk exited before it was ready:\n" + "".join(seen))
        seen.append(line)
        if READY in line:
            return seen


def _rest(lines: queue.Queue[str | None]) -> list[str]:
    out: list[str] = []
    while (line := lines.get(timeout=30)) is not None:
        out.append(line)
    return out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_closes_the_window_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    proc, lines = _start(tmp_path / "home")
    try:
        before = _until_ready(lines)
        proc.send_signal(sig)
        code = proc.wait(timeout=30)  # a hang guard; the close itself takes ~0.2 s
        after = _rest(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = "".join(before + after)
    assert code == 128 + int(sig), stderr
    assert f"{sig.name} received: closing the window" in stderr
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    assert "never awaited" not in stderr  # -X dev: such warnings are shown
    assert "Task was destroyed but it is pending" not in stderr
    assert "ERROR" not in stderr


def test_ctrl_c_mid_run_stops_the_run_resumable_and_closes_the_engine(
    qtbot: Any, qloop: Any
) -> None:
    """In process, on the realistic demo sandbox: a 25-track run is under way when SIGINT
    arrives; the window closes through its normal path and the job is left ``cancelled``."""
    from djdesk.core.library import Library
    from djdesk.core.paths import default_paths
    from djdesk.gui.app import start
    from djdesk.gui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = signal.getsignal(signal.SIGINT)
    task = asyncio.ensure_future(start(app, demo=True, handle_signals=True))

    def window() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return next((w for w in found if w.isVisible()), None)

    qtbot.waitUntil(lambda: window() is not None, timeout=10000)
    win = window()
    assert win is not None
    qtbot.waitUntil(lambda: bool(win.playlists.suggestion_buttons), timeout=20000)
    win.playlists.suggestion_buttons[0].click()
    qtbot.waitUntil(lambda: win.progress.running, timeout=20000)
    signal.raise_signal(signal.SIGINT)
    qtbot.waitUntil(task.done, timeout=10000)
    assert task.result() == 128 + signal.SIGINT
    assert win.is_closed and win.tasks.pending == 0
    assert signal.getsignal(signal.SIGINT) is previous, "the handlers are put back"

    async def jobs() -> list[str]:
        async with await Library.open(default_paths().library_db) as library:
            return [j.state for j in await library.list_jobs()]

    done = asyncio.ensure_future(jobs())
    qtbot.waitUntil(done.done, timeout=5000)
    assert done.result() == ["cancelled"], "stopped, resumable with `enrich --resume`"
