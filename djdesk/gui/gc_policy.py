"""IdleCollector: the garbage collector's full passes run when the window is idle, in its thread.

Why: a full collection walks every tracked object with the GIL held. Measured on a 1,000-track
run, passes over 50,000-250,000 objects stalled the loop 50-160 ms: a frozen table, a jumping
progress bar. The policy itself (start-up heap frozen, full passes deferred while busy, one
forced after ``max_deferred`` young passes) is the core's ``FullPassDeferral``, shared with the
CLI and the benchmark; here it never collects by itself (``automatic=False``) and a timer on
the GUI thread makes each full pass once the window is idle (no run, no import).

This is the "collect on a timer in the GUI thread" pattern of Qt apps (pyqtgraph's and
OpenCue's GarbageCollector), which also keeps Qt wrappers from being collected on a worker
thread, plus deferral while busy.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from djdesk.core.gc_deferral import MAX_DEFERRED, MIN_PENDING, NEVER, FullPassDeferral

__all__ = ["NEVER", "IdleCollector"]


class IdleCollector(QObject):
    def __init__(
        self,
        busy: Callable[[], bool],
        parent: QObject | None = None,
        *,
        interval_ms: int = 5_000,
        min_pending: int = MIN_PENDING,
        max_deferred: int = MAX_DEFERRED,
    ) -> None:
        """``busy`` says whether a pause now would show; ``min_pending`` young-generation
        passes since the last full one make it worth a full pass when idle; ``max_deferred``
        of them force one even while busy."""
        super().__init__(parent)
        self._busy = busy
        self._policy = FullPassDeferral(
            max_deferred=max_deferred, min_pending=min_pending, automatic=False
        )
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def full_passes(self) -> int:
        return self._policy.full_passes

    def install(self) -> None:
        """Take over full passes; a second collector in the process (tests, benchmarks) only
        adds its timer, and the first one gives the policy back."""
        self._policy.install()
        self._timer.start()

    def uninstall(self) -> None:
        """Back to CPython's own policy (the window closed; tests share the process)."""
        self._timer.stop()
        self._policy.uninstall()

    def check(self) -> None:
        self._policy.collect_if_due(self._busy())
