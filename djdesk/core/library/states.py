"""The library's named states as people read them, and which stopped jobs re-enrich picks up.

Why here: the window and the CLI must say the same word for the same state (the stored
``complete`` reads "done" everywhere), and both front ends resume a playlist's latest stopped
job the same way; the front ends may not import each other, so the one copy lives in the core.
Labels are only marked (``N_``); ``track_state_label``/``run_state_label`` translate when shown,
so a language chosen after start-up counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from djdesk.core.i18n import N_, _
from djdesk.core.library.records import TRACK_STATES, Job

#: A track's state (``records.TRACK_STATES``) → its word. ``enriching`` is not stored: the
#: window shows it for a track a run is working on.
TRACK_STATE_LABELS: Mapping[str, str] = {
    "pending": N_("pending"),
    "enriching": N_("enriching"),
    "complete": N_("done"),
    "partial": N_("partial"),
    "not_found": N_("not found"),
    "failed": N_("failed"),
    "deferred": N_("deferred"),
}

#: A run's state (a job's ``records.JOB_STATES``, plus ``imported``: never run) → its word, as
#: the window's playlist list says it: a cancelled run is "stopped", a finished one "enriched".
RUN_STATE_LABELS: Mapping[str, str] = {
    "imported": N_("not enriched"),
    "planned": N_("planned"),
    "running": N_("enriching"),
    "paused": N_("paused"),
    "done": N_("enriched"),
    "cancelled": N_("stopped"),
    "failed": N_("failed"),
}

#: Jobs in these states are picked up again by re-enrich (their finished tracks are skipped):
#: ``running`` too, as a run killed with its process stays ``running`` in the library.
RESUMABLE_JOB_STATES: tuple[str, ...] = ("cancelled", "running", "paused")


def track_state_label(state: str) -> str:
    """The word for a track's state; an unknown state is shown as stored."""
    return _(TRACK_STATE_LABELS.get(state, state))


def run_state_label(state: str) -> str:
    """The word for a job's (a playlist run's) state; an unknown state is shown as stored."""
    return _(RUN_STATE_LABELS.get(state, state))


def state_counts_text(counts: Mapping[str, int]) -> str:
    """``{"complete": 24, "partial": 1}`` as "24 done, 1 partial", in the states' own order
    (done first, failures after), not the alphabetical order of the stored names."""
    order = {state: i for i, state in enumerate(TRACK_STATES)}
    ranked = sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return ", ".join(f"{n} {track_state_label(state)}" for state, n in ranked if n)


def latest_resumable(jobs: Iterable[Job], playlist_id: int) -> Job | None:
    """The playlist's most recently updated job that re-enrich resumes, if any."""
    stopped = [j for j in jobs if j.playlist_id == playlist_id and j.state in RESUMABLE_JOB_STATES]
    return max(stopped, key=lambda j: j.updated_at, default=None)
