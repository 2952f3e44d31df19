"""Ctrl+C / SIGTERM on the real ``djdesk --demo`` window: a clean close, no traceback.

A subprocess (offscreen Qt, a fresh ``DJDESK_HOME``) is started and its stderr read line by
line until the readiness line; then the signal is sent and the exit awaited. No sleeps: a
reader thread hands lines over a queue, and every wait has a generous bound only so a hang
fails the test instead of stalling the suite (the timing itself is reported, not asserted).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

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
