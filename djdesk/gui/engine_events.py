"""Small helpers the engine adapter uses to shape core events for the progress panel.

Kept apart so ``engine_relay`` holds only the translation: a logging handler that turns core
warnings into run-log lines, and per-run rebasing of the orchestrator's process-wide counters.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace

from djdesk.core.events import EventBus, LogMessage, ProviderStats


class LogRelay(logging.Handler):
    """Core warnings into the run log (the panel's log view), as ``LogMessage`` events."""

    def __init__(self, bus: EventBus) -> None:
        super().__init__(logging.WARNING)
        self._bus = bus

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            source = record.name.rsplit(".", 1)[-1]
            self._bus.publish(LogMessage(record.levelno, record.getMessage(), source))


#: ``ProviderStats`` fields that count since the process started (the rest are gauges).
_COUNTERS = (
    "calls",
    "successes",
    "failures",
    "retries",
    "rate_limited",
    "coalesced",
    "cache_hits",
)


def stats_since(stats: ProviderStats, base: ProviderStats | None) -> ProviderStats:
    """The counters since ``base`` (the run's start), so the panel shows this run's numbers."""
    if base is None:
        return stats
    return replace(
        stats, **{name: max(0, getattr(stats, name) - getattr(base, name)) for name in _COUNTERS}
    )
