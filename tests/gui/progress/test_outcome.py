"""A finished run with failed or partial tracks says so: the relay's counts, panel, list, log."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from djdesk.core.events import JobStateChanged, LogMessage, TrackEnriched
from djdesk.core.library.records import PlaylistSummary
from djdesk.gui import engine_rows, theme
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.fake_services import fake_services
from djdesk.gui.playlists.playlist_model import PlaylistListModel
from djdesk.gui.progress.outcome import advice, gaps_text, has_gaps, outcome_text
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.services import PlaylistInfo


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


class _Library:
    """A LibraryView holding just the playlists (what the list model reads)."""

    def __init__(self, items: list[PlaylistInfo]) -> None:
        self.items = items

    def playlists(self) -> list[PlaylistInfo]:
        return list(self.items)


def test_after_a_restart_the_list_reads_the_librarys_counts(qtmodeltester: Any) -> None:
    """The CLI said "24 complete, 1 partial" where the restarted window said a green "enriched"."""
    summary = PlaylistSummary(
        id=3, service="deezer", service_id="1", name="Crate", owner="me", owned=True,
        snapshot_id=None, url=None, track_count=200, imported_at=None,
        enrichment_state="enriched", entries=200,
        states={"complete": 0, "failed": 101, "partial": 99},
    )  # fmt: skip
    info = engine_rows.playlist_info(summary)
    assert (info.state, info.failed, info.partial) == ("done", 101, 99)
    clean = PlaylistInfo("4", "Clean", "me", 25, "done", partial=0)
    model = PlaylistListModel(_Library([info, clean]))  # type: ignore[arg-type]
    model.reload()
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "enriched · 101 failed"
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == theme.state_color("partial")
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(
        "In the library: 101 failed, 99 partial. Re-enrich (Ctrl+R) tries the failed ones again."
    )
    assert model.index(1, 3).data() == "enriched"
    # this session's clean re-run wins over the counts read at start-up
    model.on_job_state(JobStateChanged("3", "done", 200, 200))
    assert model.index(0, 3).data() == "enriched"
