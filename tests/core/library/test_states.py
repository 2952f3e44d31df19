"""The state words both front ends show."""

from __future__ import annotations

from djdesk.core.library import JOB_STATES, TRACK_STATES
from djdesk.core.library.states import (
    RUN_STATE_LABELS,
    TRACK_STATE_LABELS,
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
