"""The events side of ``EngineServices``: the runtime's events as the GUI's, for the bridge.

Job ids become playlist ids (the views know playlists), provider counters are rebased to the
run, state changes that lack done/total get them filled in, and the run log gets its lines.

Thread invariant: ``_on_core_event`` may run on a core thread; it only reads dicts and
publishes to the bus (the bridge hands events over to the GUI thread).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from djdesk.core.events import (
    BreakerChanged,
    JobStateChanged,
    PlanReady,
    ProviderPaused,
    ProviderStats,
    TrackEnriched,
)
from djdesk.core.i18n import _
from djdesk.gui.engine_events import stats_since
from djdesk.gui.engine_state import EngineState


class EngineRelay(EngineState):
    """Runtime event in, GUI event out (job id → playlist id), plus the run log's lines."""

    def _on_core_event(self, event: Any) -> None:
        if isinstance(event, TrackEnriched):
            self._events.publish(replace(event, job_id=self._pid(event.job_id)))
        elif isinstance(event, JobStateChanged):
            self._on_job_state(event)
        elif isinstance(event, PlanReady):
            # The panel counts this run against this plan: counters restart from here.
            self._stats_base = dict(self._last_stats)
            pid = self._pid(event.job_id)
            calls = sum(event.calls_needed.values())
            hits = sum(event.cache_hits.values())
            self._events.publish(replace(event, job_id=pid))
            self._say(
                logging.INFO,
                _("Plan: {calls} calls needed, {hits} answers cached, about {s:.0f} s").format(
                    calls=calls, hits=hits, s=event.estimated_s
                ),
                "plan",
            )
        elif isinstance(event, ProviderStats):
            self._last_stats[event.provider] = event
            self._events.publish(stats_since(event, self._stats_base.get(event.provider)))
        elif isinstance(event, BreakerChanged):
            self._events.publish(event)
            level = logging.WARNING if event.new == "open" else logging.INFO
            self._say(level, f"{event.provider} breaker {event.old} → {event.new}", "net")
        elif isinstance(event, ProviderPaused):
            self._events.publish(event)
            self._say(logging.WARNING, f"{event.provider} paused: {event.reason}", "net")
        else:
            self._events.publish(event)

    def _on_job_state(self, event: JobStateChanged) -> None:
        pid = self._pid(event.job_id)
        done, total = event.done, event.total
        if not total and event.state in ("paused", "running"):
            done, total = self._progress.get(event.job_id, (0, 0))
        previous = self._progress.get(event.job_id)
        self._progress[event.job_id] = (done, total)
        info = self._playlists.get(pid)
        if info is not None:
            self._playlists[pid] = replace(info, state=event.state)
        self._events.publish(JobStateChanged(pid, event.state, done, total, event.detail))
        if event.state != "running":
            text = {
                "done": _("Enrichment finished: {done}/{total} tracks"),
                "cancelled": _("Run stopped at {done}/{total}; re-enrich resumes it"),
                "failed": _("Run failed: {detail}"),
                "paused": _("Paused"),
            }.get(event.state, event.state)
            level = logging.WARNING if event.state == "failed" else logging.INFO
            self._say(level, text.format(done=done, total=total, detail=event.detail))
        elif previous is None:
            self._say(logging.INFO, _("Enriching ({detail})").format(detail=event.detail or "…"))
