"""The events side of ``EngineServices``: the runtime's events as the GUI's, for the bridge.

Job ids become playlist ids (the views know playlists), provider counters are rebased to the
runs going now, state changes that lack done/total get them filled in, a resumed job counts
against its whole playlist, and the run log gets its lines.

Thread invariant: ``_on_core_event`` may run on a core thread; it only reads and writes plain
dicts and publishes to the bus (the bridge hands events over to the GUI thread).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from typing import Any

from djdesk.core.events import (
    BreakerChanged,
    ImportProgress,
    JobStateChanged,
    PlanReady,
    ProviderPaused,
    ProviderStats,
    TrackEnriched,
)
from djdesk.core.i18n import _
from djdesk.gui.engine_events import BREAKER_LABELS, merged_plan, stats_since
from djdesk.gui.engine_state import EngineState
from djdesk.gui.progress.eta import calls_floor_s, format_eta
from djdesk.gui.progress.outcome import advice, gaps_text, has_gaps

#: Job states of a run still going (a paused run holds its place in the panel's sums).
ACTIVE = ("running", "paused")
#: The tally's key for tracks a lookup failed for (never a track state's name).
_RETRY = "+retry"


class EngineRelay(EngineState):
    """Runtime event in, GUI event out (job id → playlist id), plus the run log's lines."""

    def __init__(self) -> None:
        super().__init__()
        #: job id -> track id -> (latest state, a lookup failed)
        self._outcomes: dict[str, dict[int, tuple[str, bool]]] = {}
        self._tallies: dict[str, Counter[str]] = {}  # job id -> tracks per state

    def _on_core_event(self, event: Any) -> None:
        if isinstance(event, TrackEnriched):
            self._count_outcome(event)
            self._events.publish(replace(event, job_id=self._pid(event.job_id)))
        elif isinstance(event, JobStateChanged):
            self._on_job_state(event)
        elif isinstance(event, PlanReady):
            self._on_plan(event)
        elif isinstance(event, ImportProgress):
            self._events.publish(event)
        elif isinstance(event, ProviderStats):
            self._last_stats[event.provider] = event
            self._events.publish(stats_since(event, self._stats_base.get(event.provider)))
        elif isinstance(event, BreakerChanged):
            self._events.publish(event)
            level = logging.WARNING if event.new == "open" else logging.INFO
            text = _("{provider}: circuit breaker {old} → {new}").format(
                provider=event.provider,
                old=_(BREAKER_LABELS.get(event.old, event.old)),
                new=_(BREAKER_LABELS.get(event.new, event.new)),
            )
            self._say(level, text, "net")
        elif isinstance(event, ProviderPaused):
            self._events.publish(event)
            text = _("{provider} paused: {reason}").format(
                provider=event.provider, reason=event.reason
            )
            self._say(logging.WARNING, text, "net")
        else:
            self._events.publish(event)

    def _on_plan(self, event: PlanReady) -> None:
        """The panel's rows count the runs going now against their plans, summed.

        A plan while no counted run is still going starts the counters over (the
        orchestrator's are process-wide); one that joins a counted run still going keeps them
        and is sent summed with its plan, so two imports at once never reset each other's
        rows. (A run still importing has no plan yet: its plan joins when it comes.)
        """
        going = [j for j in self._session_plans if j != event.job_id and j in self._active]
        if not going and event.first:  # (a later page's plan continues its run's count)
            self._session_plans = {}
            self._stats_base = dict(self._last_stats)
        self._session_plans[event.job_id] = event
        pid = self._pid(event.job_id)
        merged = merged_plan(pid, self._session_plans.values())
        # The lanes' own limits where known (a limit learnt from the provider, e.g. ReccoBeats
        # at 2.93/s, not the 5/s of the settings the plan used): the panel counts down from
        # this same estimate, so its ETA and this line agree.
        limits = {name: s.rate_limit for name, s in self._last_stats.items() if s.rate_limit}
        floor = max(merged.estimated_s, calls_floor_s(merged.calls_needed, limits))
        self._events.publish(replace(merged, estimated_s=floor))
        for name, last in self._last_stats.items():  # the rows' numbers from here on
            self._events.publish(stats_since(last, self._stats_base.get(name)))
        if not event.final:
            return  # the log says the plan once, whole
        calls = sum(event.calls_needed.values())
        hits = sum(event.cache_hits.values())
        self._say(
            logging.INFO,
            _("Plan: {calls} calls needed, {hits} answers cached; {eta}").format(
                calls=f"{calls:,}", hits=f"{hits:,}", eta=format_eta(floor)
            ),
            "plan",
        )
        for name in sorted(set(event.calls_needed) | set(event.cache_hits)):
            self._say(
                logging.DEBUG,
                _("Plan for {provider}: {calls} calls, {hits} cached").format(
                    provider=name,
                    calls=f"{event.calls_needed.get(name, 0):,}",
                    hits=f"{event.cache_hits.get(name, 0):,}",
                ),
                "plan",
            )

    def _count_outcome(self, event: TrackEnriched) -> None:
        """Each track's latest end in its job, so a finished run can say how many failed.

        By track: a resumed job works its failed tracks again, and one that now succeeds must
        leave the failed count (a plain tally would count it twice).
        """
        if not event.state:
            return  # a details wave or a pin: no end state of a run
        tracks = self._outcomes.setdefault(event.job_id, {})
        tally = self._tallies.setdefault(event.job_id, Counter())
        old = tracks.get(event.track_id)
        if old is not None:
            tally[old[0]] -= 1
            tally[_RETRY] -= old[1]
        tracks[event.track_id] = (event.state, event.retry)
        tally[event.state] += 1
        tally[_RETRY] += event.retry

    def _on_job_state(self, event: JobStateChanged) -> None:
        job = event.job_id
        if job in self._placing:
            return
        pid = self._pid(job)
        done, total = event.done, event.total
        if not total and event.state in (*ACTIVE, "cancelled"):
            done, total = self._progress.get(job, (0, 0))
        else:
            whole = self._whole.get(job, 0)
            if 0 < total < whole:
                # A resumed job's run counts only the tracks left; the panel shows the whole
                # playlist (not "26 of 26" for a 200-track playlist stopped at 174).
                done, total = done + whole - total, whole
        previous = self._progress.get(job)
        self._progress[job] = (done, total)
        if event.state in ACTIVE:
            self._active.add(job)
        else:
            self._active.discard(job)
        info = self._playlists.get(pid)
        if info is not None:
            self._playlists[pid] = replace(info, state=event.state)
        tally = self._tallies.get(job, Counter())
        ended = JobStateChanged(
            pid, event.state, done, total, event.detail,
            tally["failed"], tally["partial"], tally[_RETRY],
        )  # fmt: skip
        self._events.publish(ended)
        if event.state in ("done", "failed"):  # a new run of this playlist is a new job
            self._outcomes.pop(job, None)
            self._tallies.pop(job, None)
        if event.state != "running":
            self._say_end(ended)
        elif previous is None:
            self._say(logging.INFO, _("Enriching ({detail})").format(detail=event.detail or "…"))

    def _say_end(self, event: JobStateChanged) -> None:
        """The run log's last line for a run; one that finished with gaps says so, and what to
        do, as a warning when a new run would retry some (a plain "finished 200/200" hid 6
        failed tracks)."""
        counts = {"done": f"{event.done:,}", "total": f"{event.total:,}", "detail": event.detail}
        if has_gaps(event):
            text = _("Enrichment finished: {done}/{total} tracks, {gaps}; {advice}").format(
                gaps=gaps_text(event), advice=advice(event), **counts
            )
            self._say(logging.WARNING if event.retry else logging.INFO, text)
            return
        text = {
            "done": _("Enrichment finished: {done}/{total} tracks"),
            "cancelled": _("Run stopped at {done}/{total}; re-enrich (Ctrl+R) resumes it"),
            "failed": _("Run failed: {detail}"),
            "paused": _("Paused"),
        }.get(event.state, event.state)
        level = logging.WARNING if event.state == "failed" else logging.INFO
        self._say(level, text.format(**counts))
