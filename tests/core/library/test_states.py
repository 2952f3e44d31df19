"""The state words both front ends show, and which stopped job re-enrich resumes."""

from __future__ import annotations

from djdesk.core.library import JOB_STATES, TRACK_STATES, Job
from djdesk.core.library.states import (
    RUN_STATE_LABELS,
    TRACK_STATE_LABELS,
    latest_resumable,
    run_state_label,
    state_counts_text,
    track_state_label,
)


def test_every_stored_state_has_a_word_and_complete_reads_done() -> None:
    assert set(TRACK_STATES) <= set(TRACK_STATE_LABELS)
    assert set(JOB_STATES) <= set(RUN_STATE_LABELS)
    assert track_state_label("complete") == "done"
    assert track_state_label("not_found") == "not found"
    assert run_state_label("cancelled") == "stopped"
    assert track_state_label("new_state") == "new_state", "unknown: shown as stored"


def test_counts_read_in_the_states_order_and_skip_zeroes() -> None:
    counts = {"partial": 1, "not_found": 2, "complete": 24, "failed": 0, "odd": 1}
    assert state_counts_text(counts) == "24 done, 1 partial, 2 not found, 1 odd"
    assert state_counts_text({}) == ""


def _job(job_id: str, state: str, updated: float, playlist_id: int | None = 1) -> Job:
    return Job(job_id, "https://www.deezer.com/playlist/1", {}, state, 0.0, updated, {},
               playlist_id, None)  # fmt: skip


def test_the_latest_stopped_job_of_that_playlist_is_resumed() -> None:
    jobs = [
        _job("old", "cancelled", 10.0),
        _job("crashed", "running", 20.0),
        _job("newer-done", "done", 30.0),
        _job("other", "paused", 40.0, playlist_id=2),
        _job("failed", "failed", 50.0),
        _job("unbound", "cancelled", 60.0, playlist_id=None),
    ]
    assert latest_resumable(jobs, 1) == jobs[1], "a run killed stays 'running': it resumes"
    assert latest_resumable(jobs, 2) == jobs[3]
    assert latest_resumable(jobs, 3) is None
    assert latest_resumable([_job("done", "done", 1.0)], 1) is None
