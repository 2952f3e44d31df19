"""A finished run with failed or partial tracks says so: the relay's counts, panel, list, log."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from djdesk.core.events import JobStateChanged, LogMessage, TrackEnriched
from djdesk.gui import theme
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.fake_services import fake_services
from djdesk.gui.playlists.playlist_model import PlaylistListModel
from djdesk.gui.progress.outcome import advice, gaps_text, has_gaps, outcome_text
from djdesk.gui.progress.panel import EnrichmentProgressPanel


def test_outcome_text_names_only_what_is_there() -> None:
    assert outcome_text(0, 0) == ""
    assert outcome_text(6, 0) == "6 failed"
    assert outcome_text(1200, 9) == "1,200 failed, 9 partial"
    assert has_gaps(JobStateChanged("p", "done", 3, 3, failed=1, retry=1))
    assert not has_gaps(JobStateChanged("p", "running", 3, 9, failed=1, retry=1))
    assert not has_gaps(JobStateChanged("p", "done", 3, 3))
    # failed lookups that still left every track complete are a gap too: re-enrich may help
    errors = JobStateChanged("p", "done", 3, 3, retry=2)
    assert has_gaps(errors) and gaps_text(errors) == "2 with errors"


def test_advice_offers_re_enrich_only_when_it_would_retry_something() -> None:
    hostile = JobStateChanged("p", "done", 200, 200, failed=6, partial=9, retry=1500)
    assert advice(hostile) == "re-enrich (Ctrl+R) tries the 1,500 with errors again"
    assert advice(hostile, sentence=True).startswith("Re-enrich (Ctrl+R)")
    # every source answered, some lacked a field: another run would change nothing
    data_gaps = JobStateChanged("p", "done", 25, 25, partial=4)
    assert advice(data_gaps) == "no source had the missing fields"


def _relay() -> tuple[EngineServices, list[Any]]:
    engine = EngineServices()
    seen: list[Any] = []
    engine.events.subscribe(None, seen.append)
    engine._job_pid["j"] = "7"
    return engine, seen


def test_relay_counts_each_tracks_latest_state_and_the_finish_line_warns() -> None:
    """The review's hostile run: "Enrichment finished: 200/200" over 6 failed, 9 partial."""
    engine, seen = _relay()
    feed = engine._on_core_event
    feed(JobStateChanged("j", "running", 0, 0, "importing"))
    ends = [("complete", False)] * 5 + [("failed", True)] * 3 + [("partial", True)] * 2
    for tid, (state, retry) in enumerate(ends, 1):
        feed(TrackEnriched("j", tid, ("bpm",), state, retry=retry))
    feed(TrackEnriched("j", 11, ("bpm",), "partial"))  # no source had its key: no error
    feed(TrackEnriched("details", 1, ("similar",), ""))  # a details wave: no end state
    feed(JobStateChanged("j", "cancelled", 11, 1200))
    # resumed: track 6 failed before and now completes, it leaves the failed count
    feed(JobStateChanged("j", "running", 11, 1200))
    feed(TrackEnriched("j", 6, ("bpm",), "complete"))
    feed(JobStateChanged("j", "done", 1200, 1200))
    end = [e for e in seen if isinstance(e, JobStateChanged)][-1]
    assert (end.job_id, end.state) == ("7", "done")
    assert (end.failed, end.partial, end.retry) == (2, 3, 4)
    last = [m for m in seen if isinstance(m, LogMessage)][-1]
    assert last.level == logging.WARNING
    assert last.message == (
        "Enrichment finished: 1,200/1,200 tracks, 2 failed, 3 partial; "
        "re-enrich (Ctrl+R) tries the 4 with errors again"
    )
    # the job is over: a later run of the playlist (a new job) starts from nothing
    assert "j" not in engine._tallies and "j" not in engine._outcomes


def test_relay_clean_finish_and_data_gaps_stay_info_lines() -> None:
    engine, seen = _relay()
    engine._on_core_event(TrackEnriched("j", 1, ("bpm",), "complete"))
    engine._on_core_event(JobStateChanged("j", "done", 1, 1))
    engine._on_core_event(TrackEnriched("k", 2, ("bpm",), "partial"))
    engine._on_core_event(JobStateChanged("k", "done", 1, 1))
    lines = [(m.level, m.message) for m in seen if isinstance(m, LogMessage)]
    assert lines[-2:] == [
        (logging.INFO, "Enrichment finished: 1/1 tracks"),
        (
            logging.INFO,
            "Enrichment finished: 1/1 tracks, 1 partial; no source had the missing fields",
        ),
    ]


def test_panel_says_a_finish_with_gaps_and_what_retries_them(qtbot: Any) -> None:
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    panel.on_job_state(JobStateChanged("a", "running", 10, 1000, failed=1))
    assert panel.status.text() == "Enriching" and panel.status.styleSheet() == ""
    panel.on_job_state(JobStateChanged("a", "done", 1000, 1000, failed=6, partial=9, retry=15))
    assert panel.status.text() == (
        "Finished — 6 failed, 9 partial · Re-enrich (Ctrl+R) tries the 15 with errors again"
    )
    assert panel.count.text() == "1,000 of 1,000 tracks"
    color = theme.state_color("partial")
    assert color is not None and color.name() in panel.status.styleSheet()
    panel.on_job_state(JobStateChanged("b", "running", 0, 5))  # a new count starts clean
    panel.on_job_state(JobStateChanged("b", "done", 5, 5, partial=2))
    assert panel.status.text() == "Finished — 2 partial · No source had the missing fields"
    assert panel.status.styleSheet() == ""  # nothing to do about it: no warning colour
    panel.on_job_state(JobStateChanged("c", "running", 0, 5))
    panel.on_job_state(JobStateChanged("c", "done", 5, 5))
    assert panel.status.text() == "Finished"


def test_playlist_list_shows_the_gaps_in_the_partial_colour(qtmodeltester: Any, arun: Any) -> None:
    services = fake_services(step_s=0.0)
    pid = arun(services.control.import_link("https://www.deezer.com/playlist/908622995"))
    model = PlaylistListModel(services.library)
    model.reload()
    model.on_job_state(JobStateChanged(pid, "running", 5, 10, failed=1))
    assert model.index(0, 3).data() == "enriching 50%"
    model.on_job_state(JobStateChanged(pid, "done", 10, 10, failed=6, partial=9, retry=15))
    state = model.index(0, 3)
    assert state.data() == "enriched · 6 failed"  # the worst alone: the list is narrow
    assert state.data(Qt.ItemDataRole.ForegroundRole) == theme.state_color("partial")
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("Last run: 6 failed, 9 partial. Re-enrich (Ctrl+R) tries the 15 with "
                        "errors again.")  # fmt: skip
    qtmodeltester.check(model)
    model.on_job_state(JobStateChanged(pid, "done", 10, 10, partial=2))  # data gaps only
    assert model.index(0, 3).data() == "enriched · 2 partial"
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == theme.state_color("done")
    model.on_job_state(JobStateChanged(pid, "done", 10, 10))  # re-enriched: all whole now
    assert model.index(0, 3).data() == "enriched"
