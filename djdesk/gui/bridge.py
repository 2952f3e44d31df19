"""EngineBridge: core events in, Qt signals out, coalesced to the frame rate.

An enrichment run can publish thousands of ``TrackEnriched`` events a second; repainting per event
would flood the loop. The bridge buffers events and flushes at most once per frame (~16 ms, the
qutebrowser ``throttle`` idea): many track ids become one ``tracks_changed`` list, and only the
latest stats per provider and state per job are kept.

Thread invariant: ``EventBus`` calls subscribers on the publisher's thread. The buffers are
guarded by ``_lock``; the flush timer lives on the GUI thread and is only ever started there, via
the queued ``_wake`` signal when the publisher is another thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from djdesk.core.events import (
    BreakerChanged,
    CacheChanged,
    Event,
    EventBus,
    ImportProgress,
    JobStateChanged,
    LogMessage,
    PlanReady,
    ProviderPaused,
    ProviderStats,
    TrackEnriched,
    TracksImported,
)
from djdesk.core.i18n import _

FRAME_MS = 16
MAX_LOGS_PER_FLUSH = 500


class EngineBridge(QObject):
    """Subscribes to one ``EventBus``; re-emits batched Qt signals on the GUI thread."""

    tracks_changed = Signal(object)  # list[int] of track ids, each once per flush
    provider_stats_changed = Signal(object)  # {provider: ProviderStats} latest snapshots
    breaker_changed = Signal(str, str, str)  # provider, old, new
    provider_paused = Signal(object)  # ProviderPaused
    job_state_changed = Signal(object)  # JobStateChanged (latest per job)
    plan_ready = Signal(object)  # PlanReady
    import_progress = Signal(object)  # list[ImportProgress], the latest per source
    #: {playlist id: the lowest offset of its pages this frame}: a view appends a later page's
    #: rows and re-reads the list from a first page (offset 0: a re-import may rewrite it).
    tracks_imported = Signal(object)
    log_messages = Signal(object)  # list[LogMessage]
    cache_changed = Signal(object)  # CacheChanged (last one of the frame)
    flushed = Signal()  # after each flush; tests and the benchmark wait on it
    _wake = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None, frame_ms: int = FRAME_MS):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._tracks: dict[int, None] = {}
        self._stats: dict[str, ProviderStats] = {}
        self._jobs: dict[str, JobStateChanged] = {}
        self._imports: dict[str, ImportProgress] = {}
        self._pages: dict[str, int] = {}
        self._others: list[Event] = []
        self._logs: list[LogMessage] = []
        self._dropped_logs = 0
        self.flush_count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(frame_ms)
        self._timer.timeout.connect(self.flush)
        self._wake.connect(self._on_wake)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(None, self._on_event)

    def detach(self) -> None:
        """Stop listening (window closing); pending events are dropped."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._timer.stop()

    def _on_event(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, TrackEnriched):
                self._tracks[event.track_id] = None
            elif isinstance(event, ProviderStats):
                self._stats[event.provider] = event
            elif isinstance(event, JobStateChanged):
                self._jobs[event.job_id] = event
            elif isinstance(event, ImportProgress):
                self._imports[event.source] = event
            elif isinstance(event, TracksImported):
                pid = str(event.playlist_id)
                self._pages[pid] = min(event.offset, self._pages.get(pid, event.offset))
            elif isinstance(event, LogMessage):
                if len(self._logs) < MAX_LOGS_PER_FLUSH * 4:
                    self._logs.append(event)
                else:
                    self._dropped_logs += 1
            else:
                self._others.append(event)
        if QThread.currentThread() is self.thread():
            self._on_wake()
        else:
            self._wake.emit()

    @Slot()
    def _on_wake(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Emit everything buffered since the last flush (also callable directly in tests)."""
        with self._lock:
            tracks, self._tracks = list(self._tracks), {}
            stats, self._stats = self._stats, {}
            jobs, self._jobs = list(self._jobs.values()), {}
            imports, self._imports = list(self._imports.values()), {}
            pages, self._pages = self._pages, {}
            others, self._others = self._others, []
            all_logs, self._logs = self._logs, []
            logs = all_logs[-MAX_LOGS_PER_FLUSH:]
            dropped = self._dropped_logs + len(all_logs) - len(logs)
            self._dropped_logs = 0
        self.flush_count += 1
        last_cache: CacheChanged | None = None
        for event in others:
            if isinstance(event, PlanReady):
                self.plan_ready.emit(event)
            elif isinstance(event, BreakerChanged):
                self.breaker_changed.emit(event.provider, event.old, event.new)
            elif isinstance(event, ProviderPaused):
                self.provider_paused.emit(event)
            elif isinstance(event, CacheChanged):
                last_cache = event
        if stats:
            self.provider_stats_changed.emit(stats)
        if tracks:
            self.tracks_changed.emit(tracks)
        if imports:
            self.import_progress.emit(imports)
        if pages:
            self.tracks_imported.emit(pages)
        for job in jobs:
            self.job_state_changed.emit(job)
        if dropped:
            text = _("{n} log lines skipped to keep the window responsive").format(n=dropped)
            logs.append(LogMessage(logging.WARNING, text))
        if logs:
            self.log_messages.emit(logs)
        if last_cache is not None:
            self.cache_changed.emit(last_cache)
        self.flushed.emit()
