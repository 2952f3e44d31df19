"""IdleCollector: the garbage collector's full passes run when the window is idle, in its thread.

Why: a full collection walks every tracked object with the GIL held. Measured on a 1,000-track
run, passes over 50,000-250,000 objects stalled the loop 50-160 ms: a frozen table, a jumping
progress bar. CPython starts one whenever the old generation has grown by a quarter, so they
come exactly while a run fills the heap. Here the young generations stay automatic (cheap, and
they free most cyclic garbage, which dies young); full passes are deferred while the window is
busy (a run going, events streaming) and made on a timer, on the GUI thread, once it is idle.
A long busy stretch still gets a full pass after ``max_deferred`` young-generation passes, so
memory stays bounded. The start-up heap (Qt, modules, the window) lives as long as the process,
so it is frozen out of every pass.

This is the "collect on a timer in the GUI thread" pattern of Qt apps (pyqtgraph's and
OpenCue's GarbageCollector), which also keeps Qt wrappers from being collected on a worker
thread, plus deferral while busy.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

#: A threshold the old generation's counter never reaches: no automatic full pass.
NEVER = 2**31 - 1


class IdleCollector(QObject):
    def __init__(
        self,
        busy: Callable[[], bool],
        parent: QObject | None = None,
        *,
        interval_ms: int = 5_000,
        min_pending: int = 10,
        max_deferred: int = 2_000,
    ) -> None:
        """``busy`` says whether a pause now would show; ``min_pending`` young-generation
        passes since the last full one make it worth a full pass when idle (CPython's own
        default threshold); ``max_deferred`` of them force one even while busy."""
        super().__init__(parent)
        self._busy = busy
        self._min_pending = min_pending
        self._max_deferred = max_deferred
        self._saved: tuple[int, int, int] | None = None
        self.full_passes = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def install(self) -> None:
        """Take over full passes; a second collector in the process (tests, benchmarks) only
        adds its timer, and the first one gives the policy back."""
        threshold = gc.get_threshold()
        if self._saved is None and threshold[2] != NEVER:
            self._saved = threshold
            gc.freeze()
            gc.set_threshold(threshold[0], threshold[1], NEVER)
        self._timer.start()

    def uninstall(self) -> None:
        """Back to CPython's own policy (the window closed; tests share the process)."""
        self._timer.stop()
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
            gc.unfreeze()

    def check(self) -> None:
        pending = gc.get_count()[2]  # young-generation passes since the last full one
        if pending >= self._max_deferred or (pending >= self._min_pending and not self._busy()):
            gc.collect()
            self.full_passes += 1
