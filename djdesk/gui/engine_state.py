"""The state every side of ``EngineServices`` shares: the runtime handle, the GUI snapshot, the bus.

Why one base: the library side fills the snapshot, the control side starts runs that the event
side reports on, and all three need the same runtime (opened in the background after the window
shows). Each side is a mixin over this state, so ``EngineServices`` stays one object the views
see through two narrow protocols, while each file holds one concern.

Thread invariant: everything here runs on the GUI (qasync) thread, except ``_say`` and ``_pid``
which the event side may call from a core thread; they only read dicts and publish to the bus
(the bridge hands events over to the GUI thread).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from djdesk.core.errors import DJDeskError, StorageError
from djdesk.core.events import EventBus, LogMessage, PlanReady, ProviderStats
from djdesk.core.i18n import _
from djdesk.core.logs import attach_redactor, redact
from djdesk.gui.engine_events import LogRelay
from djdesk.gui.services import PlaylistInfo, TrackRow

if TYPE_CHECKING:
    from djdesk.core.runtime import Runtime

log = logging.getLogger(__name__)

#: Jobs in these states are picked up again by "re-enrich" (finished tracks are skipped).
RESUMABLE = ("cancelled", "running", "paused")
#: How long a soft stop (the engine's cancel) may take before the run task is cancelled.
SOFT_STOP_S = 0.3


class EngineState:
    """Shared fields and the runtime wait; the sides (library, control, events) build on it."""

    def __init__(self) -> None:
        self._events = EventBus()
        self._rt: Runtime | None = None
        self._failure: BaseException | None = None
        self._ready = asyncio.Event()
        self._unsubscribe: Any = None
        # Its own redactor too: a record made before the scrubbing factory was installed, or by
        # a logger that bypasses it, must still not put a secret in the panel.
        self._relay = attach_redactor(LogRelay(self._events))
        self._playlists: dict[str, PlaylistInfo] = {}
        self._ids: dict[str, list[int]] = {}
        self._rows: dict[int, TrackRow] = {}
        self._sources: dict[str, str] = {}
        self._job_pid: dict[str, str] = {}
        self._progress: dict[str, tuple[int, int]] = {}
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._details_asked: set[int] = set()
        self._paused = False
        self._last_stats: dict[str, ProviderStats] = {}
        self._stats_base: dict[str, ProviderStats] = {}
        self._active: set[str] = set()  # job ids running or paused
        self._session_plans: dict[str, PlanReady] = {}  # plans of the runs counted together
        self._whole: dict[str, int] = {}  # resumed job id -> tracks in its whole playlist
        #: Runs started from a link whose playlist is not in the library yet (its first page
        #: is still coming): their states wait, the views know playlists, not jobs.
        self._placing: set[str] = set()

    @property
    def ready(self) -> bool:
        return self._rt is not None

    async def runtime(self) -> Runtime:
        await self._ready.wait()
        if self._rt is None:
            if isinstance(self._failure, DJDeskError):
                raise self._failure
            raise StorageError(
                _("The enrichment engine did not start."),
                hint=_("See the log for the reason, then restart DJDesk."),
            )
        return self._rt

    @property
    def events(self) -> EventBus:
        return self._events

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)
        return task

    def _say(self, level: int, message: str, source: str = "engine") -> None:
        # Engine details and error texts can quote a URL or a key: scrub like a log record.
        self._events.publish(LogMessage(level, redact(message), source))

    def _pid(self, job_id: str) -> str:
        return self._job_pid.get(job_id, job_id)

    def _jobs(self) -> list[str]:
        return [] if self._rt is None else self._rt.engine.running_jobs()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, DJDeskError):
        log.error("background task %s failed", task.get_name(), exc_info=exc)
