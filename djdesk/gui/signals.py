"""Ctrl+C and SIGTERM close the window the normal way (run stopped, resumable, engine closed).

Why this is needed: Python runs a signal handler only between bytecodes, and while Qt's event
loop waits in C++ no bytecode runs, so Ctrl+C sat unnoticed until some Python code happened to
run, then raised ``KeyboardInterrupt`` in the middle of whatever it was (a traceback, and the
engine's ``aclose`` coroutine left never awaited). Here the handler only schedules
``window.close`` with ``QTimer.singleShot`` (the same path as the close button; even the
log line waits for it, as the handler may have interrupted a log handler mid-write), and a
periodic no-op timer gives Python a moment to run handlers at least every ``POLL_MS``.

qasync's ``QEventLoop`` has no working ``add_signal_handler``, hence plain ``signal.signal``.
A second signal while closing falls back to the default behaviour (force quit).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: How often Python gets to run signal handlers while Qt waits (the close starts within this).
POLL_MS = 200
SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class SignalCloser:
    """Installed for as long as the window runs; ``received`` is the first signal, if any."""

    def __init__(self, close: Callable[[], Any], parent: QObject | None = None) -> None:
        self._close = close
        self._previous: dict[signal.Signals, Any] = {}
        self._timer = QTimer(parent)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(lambda: None)
        self.received: signal.Signals | None = None

    def install(self) -> SignalCloser:
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_signal)
        self._timer.start()
        return self

    def uninstall(self) -> None:
        self._timer.stop()
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number."""
        return 0 if self.received is None else 128 + int(self.received)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        sig = signal.Signals(signum)
        if self.received is not None:
            return
        self.received = sig
        # A second Ctrl+C / SIGTERM while closing forces the way it would without us.
        for other in SIGNALS:
            signal.signal(other, _default(other))
        # Nothing else here: the handler may have interrupted any bytecode, even a log
        # handler's flush, and logging from inside it would re-enter that stream.
        QTimer.singleShot(0, self._closing)

    def _closing(self) -> None:
        assert self.received is not None
        log.info("%s received: closing the window (finished work is kept)", self.received.name)
        self._close()


def _default(sig: signal.Signals) -> Any:
    return signal.default_int_handler if sig is signal.SIGINT else signal.SIG_DFL
