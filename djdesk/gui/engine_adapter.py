"""``EngineServices``: the real LibraryView + EnrichmentControl over the core ``Runtime``.

Why an adapter and not the runtime itself: the views speak in playlist ids (strings) and plain
rows; the engine speaks in jobs and library rows. The adapter is three sides over one shared
state (``engine_state``): the library snapshot (``engine_library``), the run controls
(``engine_control``) and the events relayed to the bridge (``engine_relay``). This module joins
them and owns the lifecycle.

The runtime opens in the background (the window shows first): every async method waits for
``attach`` (or ``fail``); the sync ones read an empty snapshot until then.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from djdesk.gui.engine_control import EngineControl
from djdesk.gui.engine_library import EngineLibrary
from djdesk.gui.engine_relay import EngineRelay
from djdesk.gui.engine_state import RESUMABLE, SOFT_STOP_S

if TYPE_CHECKING:
    from djdesk.core.runtime import Runtime

__all__ = ["RESUMABLE", "SOFT_STOP_S", "EngineServices"]


class EngineServices(EngineRelay, EngineLibrary, EngineControl):
    """LibraryView + EnrichmentControl; one instance per window, owned by the service factory."""

    _core_level: int | None = None  # the ``djdesk.core`` logger's level before ``attach``

    def attach(self, rt: Runtime) -> None:
        """The runtime is open: start translating its events and let waiting calls go."""
        self._rt = rt
        self._unsubscribe = rt.events.subscribe(None, self._on_core_event)
        core_log = logging.getLogger("djdesk.core")
        core_log.addHandler(self._relay)
        # Debug records must exist for the log view's Debug level; the file and stderr
        # handlers keep their own levels, so they log no more than before.
        self._core_level = core_log.level
        core_log.setLevel(logging.DEBUG)
        self._ready.set()
        self._spawn(self.announce_resumable(), "announce resumable runs")

    def fail(self, exc: BaseException) -> None:
        """The runtime could not open: every waiting and later call raises ``exc``."""
        self._failure = exc
        self._ready.set()

    async def aclose(self) -> None:
        """Stop every run within ~1 s; the engine records each as cancelled (resumable)."""
        self.cancel(hard_after_s=None)
        tasks = [*self._runs.values(), *self._background]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=SOFT_STOP_S)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=0.6)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        core_log = logging.getLogger("djdesk.core")
        core_log.removeHandler(self._relay)
        if self._core_level is not None:
            core_log.setLevel(self._core_level)
            self._core_level = None
