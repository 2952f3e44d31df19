"""Small helpers the engine adapter uses to shape core events for the progress panel.

Kept apart so ``engine_relay`` holds only the translation: a logging handler that turns core
log records into run-log lines, per-run rebasing of the orchestrator's process-wide counters,
and the sum of the plans of runs going at once.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from djdesk.core.events import EventBus, LogMessage, PlanReady, ProviderStats
from djdesk.core.i18n import N_

#: Circuit breaker states as the panel and the run log name them (translated at use).
BREAKER_LABELS = {"closed": N_("closed"), "open": N_("open"), "half_open": N_("half-open")}


class LogRelay(logging.Handler):
    """Core records into the run log (the panel's log view), as ``LogMessage`` events.

    Every level: the view filters (its Debug choice showed nothing while this took warnings
    only). The adapter lowers the ``djdesk.core`` logger to DEBUG while it is attached so debug
    records exist at all; the file and stderr handlers keep their own levels.
    """

    def __init__(self, bus: EventBus) -> None:
        super().__init__(logging.DEBUG)
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
    "hedges",
    "hedges_won",
)


def stats_since(stats: ProviderStats, base: ProviderStats | None) -> ProviderStats:
    """The counters since ``base`` (the run's start), so the panel shows this run's numbers."""
    if base is None:
        return stats
    return replace(
        stats, **{name: max(0, getattr(stats, name) - getattr(base, name)) for name in _COUNTERS}
    )


def merged_plan(job_id: str, plans: Iterable[PlanReady]) -> PlanReady:
    """The plans of runs going at once as one (the panel's rows count them together)."""
    calls: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    estimated = 0.0
    deferred = 0
    for plan in plans:
        calls.update(plan.calls_needed)
        hits.update(plan.cache_hits)
        estimated = max(estimated, plan.estimated_s)
        deferred += plan.deferred
    return PlanReady(job_id, dict(calls), dict(hits), estimated, deferred)
