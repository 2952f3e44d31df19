"""Progress panel models: provider stats, the log with its level filter, the ETA."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from djdesk.core.events import JobStateChanged, LogMessage, PlanReady, ProviderStats
from djdesk.gui.fake_services import fake_services
from djdesk.gui.progress.eta import EtaEstimator, format_eta
from djdesk.gui.progress.log_model import LevelRole, LogFilterProxy, LogListModel
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.progress.stats_model import (
    BREAKER_COLUMN,
    CALLS_COLUMN,
    COLUMN,
    HEDGED_COLUMN,
    ProviderStatsModel,
)
from djdesk.gui.widgets.column_menu import column_menu


def test_stats_model(qtmodeltester: Any) -> None:
    model = ProviderStatsModel(("deezer", "lastfm"))
    changed: list[int] = []
    model.dataChanged.connect(lambda a, _b, *_: changed.append(a.row()))
    model.on_plan(PlanReady("j", calls_needed={"deezer": 80}, cache_hits={"deezer": 20}))
    snap = ProviderStats(
        "deezer", calls=40, successes=30, failures=2, cache_hits=5, coalesced=3, rate=4.75,
        rate_limit=4.75, retries=2, rate_limited=1, budget_left=960, latency_p50_ms=80,
        latency_p95_ms=1130,
    )  # fmt: skip
    changed.clear()
    model.on_stats({"deezer": snap})
    model.on_stats({"deezer": snap})  # unchanged: no repaint
    assert changed == [0]
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    # Done: 30 answers + 2 failures + the plan's 20 cached (the run has re-read 5 of them so
    # far; not the 40 calls sent, 6 still waiting); no run going: no rate measured.
    assert texts == [
        "Deezer", "52 / 100", "40", "20", "38%", "3", "— / 4.75", "2", "1", "0", "closed",
        "960", "80 ms", "1.13 s",
    ]  # fmt: skip
    model.on_stats({"deezer": replace(snap, cache_hits=26)})  # the run read more than planned
    assert model.index(0, 3).data() == "26"
    model.on_breaker("lastfm", "closed", "open")
    assert model.index(1, BREAKER_COLUMN).data() == "open"
    assert model.index(1, BREAKER_COLUMN).data(Qt.ItemDataRole.ForegroundRole) is not None
    model.on_stats({"reccobeats": ProviderStats("reccobeats")})  # a new provider appears
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_a_new_plan_starts_the_rows_over_with_its_cached_answers(qtmodeltester: Any) -> None:
    """The review's cached re-run: "Finished 198/198" next to "5 / 198", Hits 0, Hit % 0 %."""
    model = ProviderStatsModel(("reccobeats",))
    model.on_plan(PlanReady("a", calls_needed={"reccobeats": 198}))
    model.on_stats({"reccobeats": ProviderStats("reccobeats", calls=198, successes=198)})
    model.on_breaker("reccobeats", "closed", "half_open")
    model.on_plan(PlanReady("b", calls_needed={"reccobeats": 0}, cache_hits={"reccobeats": 198}))
    row = [model.index(0, c).data() for c in range(5)]
    assert row == ["ReccoBeats", "198 / 198", "0", "198", "100%"]
    assert model.index(0, BREAKER_COLUMN).data() == "half-open"  # a gauge, kept
    # the adapter's rebased counters for the new run arrive next
    model.on_stats({"reccobeats": ProviderStats("reccobeats", calls=3, successes=2)})
    assert model.index(0, 1).data() == "198 / 198"  # capped at the plan
    assert model.index(0, 3).data() == "198"
    qtmodeltester.check(model)


def test_rates_and_latencies_read_right() -> None:
    model = ProviderStatsModel(("deezer",))
    cases = [  # idle (no run): the allowed pace alone, rounded alike (measured: test_call_rate)
        (ProviderStats("deezer", rate=9.5, rate_limit=9.5), "rate", "— / 9.5"),
        (ProviderStats("deezer", rate=2.9268, rate_limit=2.9268), "rate", "— / 2.93"),
        (ProviderStats("deezer", rate=4.0, rate_limit=5.0), "rate", "— / 4"),
        (ProviderStats("deezer"), "rate", "—"),
        (ProviderStats("deezer", calls=1, latency_p50_ms=999.0), "p50", "999 ms"),
        (ProviderStats("deezer", calls=1, latency_p50_ms=999.7), "p50", "1.00 s"),
        (ProviderStats("deezer", calls=1, latency_p50_ms=12_345.0), "p50", "12.35 s"),
        (ProviderStats("deezer", calls=1, latency_p95_ms=80.0), "p95", "80 ms"),
        (ProviderStats("deezer", calls=1), "p50", "—"),
    ]
    for snap, key, text in cases:
        model.on_stats({"deezer": snap})
        assert model.index(0, COLUMN[key]).data() == text, snap


def test_log_model_caps_and_filters_by_level(qtmodeltester: Any) -> None:
    model = LogListModel(capacity=50, clock=lambda: 0.0)
    proxy = LogFilterProxy()
    proxy.setSourceModel(model)
    model.append([LogMessage(logging.DEBUG, "d"), LogMessage(logging.INFO, "i", "engine")])
    model.append([LogMessage(logging.WARNING, f"w{i}") for i in range(60)])
    assert model.rowCount() == 50, "oldest lines dropped"
    assert model.index(49, 0).data().endswith("w59")
    assert model.index(0, 0).data(LevelRole) == logging.WARNING
    proxy.set_min_level(logging.ERROR)
    assert proxy.rowCount() == 0
    model.append([LogMessage(logging.ERROR, "boom")])
    assert proxy.rowCount() == 1 and "boom" in proxy.index(0, 0).data()
    proxy.set_min_level(logging.DEBUG)
    assert proxy.rowCount() == 50
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_eta_uses_recent_rate() -> None:
    eta = EtaEstimator(window_s=30)
    assert eta.seconds_left(100) is None
    eta.update(0.0, 0)
    eta.update(10.0, 20)  # 2 tracks/s
    assert eta.seconds_left(100) == 40.0
    eta.update(100.0, 30)  # slowed down: the window forgets the fast start
    eta.update(110.0, 40)  # 1 track/s
    assert eta.seconds_left(100) == 60.0
    assert format_eta(40) == "about 40 s left"
    assert format_eta(600) == "about 10 min left"
    assert format_eta(None) == "estimating…"


def test_panel_controls_drive_the_service(qtbot: Any) -> None:
    services = fake_services(step_s=0.0)
    panel = EnrichmentProgressPanel(services.control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    assert not panel.pause_button.isEnabled()
    panel.on_job_state(JobStateChanged("j", "running", 10, 40))
    assert panel.bar.value() == 10 and panel.bar.maximum() == 40
    assert panel.count.text() == "10 of 40 tracks"
    assert panel.pause_button.isEnabled()
    panel.pause_button.click()
    assert services.control.paused and panel.pause_button.text() == "Resume"
    panel.pause_button.click()
    assert not services.control.paused
    panel.on_job_state(JobStateChanged("j", "cancelled", 12, 40, "resumable"))
    assert panel.status.text() == "Stopped · Re-enrich (Ctrl+R) resumes it"
    assert not panel.cancel_button.isEnabled()


def test_log_lines_carry_the_whole_line_as_tooltip() -> None:
    model = LogListModel(clock=lambda: 0.0)
    long = "ReccoBeats paused until 18:05: " + "x" * 200
    model.append([LogMessage(logging.WARNING, long, "net")])
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()
    assert index.data(Qt.ItemDataRole.ToolTipRole).endswith(long)


def test_panel_debug_level_shows_debug_lines(qtbot: Any) -> None:
    services = fake_services(step_s=0.0)
    panel = EnrichmentProgressPanel(services.control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    panel.on_log([LogMessage(logging.DEBUG, "plan detail"), LogMessage(logging.INFO, "plan")])
    assert panel.log_proxy.rowCount() == 1
    panel.level.setCurrentIndex(panel.level.findData(logging.DEBUG))
    assert panel.log_proxy.rowCount() == 2


def test_panel_sums_every_run_going(qtbot: Any) -> None:
    """Two imports at once: the panel adds them up instead of following the last to report."""
    services = fake_services(step_s=0.0)
    now = [0.0]
    panel = EnrichmentProgressPanel(services.control, clock=lambda: now[0])
    qtbot.addWidget(panel)
    panel.on_job_state(JobStateChanged("a", "running", 10, 25))
    panel.on_job_state(JobStateChanged("b", "running", 0, 200))
    assert panel.count.text() == "10 of 225 tracks"
    assert panel.status.text() == "Enriching 2 playlists"
    panel.on_job_state(JobStateChanged("a", "done", 25, 25))  # one finishes, one goes on
    now[0] = 10.0
    panel.on_job_state(JobStateChanged("b", "running", 20, 200))
    assert panel.count.text() == "45 of 225 tracks"
    assert panel.bar.value() == 45 and panel.bar.maximum() == 225
    assert panel.status.text() == "Enriching" and panel.running
    panel.on_job_state(JobStateChanged("b", "done", 200, 200))
    assert panel.status.text() == "Finished" and not panel.running
    assert panel.count.text() == "225 of 225 tracks"
    # a run started after all finished counts on its own
    panel.on_job_state(JobStateChanged("c", "running", 0, 10))
    assert panel.count.text() == "0 of 10 tracks"


def test_panel_names_the_stopped_runs_that_can_resume(qtbot: Any) -> None:
    services = fake_services(step_s=0.0)
    panel = EnrichmentProgressPanel(services.control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    panel.on_job_state(JobStateChanged("a", "cancelled", 174, 200, "resumable"))
    panel.on_job_state(JobStateChanged("b", "cancelled", 3, 25, "resumable"))
    assert panel.status.text() == "2 runs stopped · Re-enrich (Ctrl+R) resumes one"
    assert panel.count.text() == "177 of 225 tracks"
    assert not panel.running
    panel.on_job_state(JobStateChanged("a", "running", 174, 200))  # resumed: a new count
    assert panel.count.text() == "174 of 200 tracks"


def test_calls_say_how_many_were_hedged() -> None:
    model = ProviderStatsModel(("reccobeats",))
    tip = Qt.ItemDataRole.ToolTipRole
    model.on_stats({"reccobeats": ProviderStats("reccobeats", calls=205)})
    assert "sent again" not in model.index(0, CALLS_COLUMN).data(tip)
    hedged = ProviderStats("reccobeats", calls=209, hedges=4, hedges_won=3)
    model.on_stats({"reccobeats": hedged})
    text = model.index(0, CALLS_COLUMN).data(tip)
    assert "4 sent again because the first answer was slow" in text and "first 3 times" in text


def test_hedged_column_counts_the_hedges_and_how_many_won(qtmodeltester: Any) -> None:
    model = ProviderStatsModel(("deezer", "reccobeats"))
    horizontal, tip = Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    assert model.headerData(HEDGED_COLUMN, horizontal) == "Hedged"
    header_tip = model.headerData(HEDGED_COLUMN, horizontal, tip)
    assert "sent once more" in header_tip and "counted in Calls" in header_tip
    model.on_stats({"reccobeats": ProviderStats("reccobeats", calls=1209, hedges=12, hedges_won=5)})
    model.on_stats({"deezer": ProviderStats("deezer", calls=40)})
    assert model.index(1, HEDGED_COLUMN).data() == "12 (5 won)"
    assert model.index(0, HEDGED_COLUMN).data() == "0"
    assert "second copy answered first 5 times" in model.index(1, HEDGED_COLUMN).data(tip)
    many = ProviderStats("reccobeats", calls=99_000, hedges=1500, hedges_won=1020)
    model.on_stats({"reccobeats": many})
    assert model.index(1, HEDGED_COLUMN).data() == "1,500 (1,020 won)"
    # every column's header says what it counts, in plain words
    for col in range(1, model.columnCount()):
        if col not in (COLUMN["hit_pct"],):
            assert model.headerData(col, horizontal, tip), model.headerData(col, horizontal)
    qtmodeltester.check(model)


def test_hedged_column_starts_hidden_and_the_header_menu_shows_it(qtbot: Any) -> None:
    services = fake_services(step_s=0.0)
    panel = EnrichmentProgressPanel(services.control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    header = panel.table.horizontalHeader()
    assert header.isSectionHidden(HEDGED_COLUMN)
    assert not any(header.isSectionHidden(c) for c in range(header.count()) if c != HEDGED_COLUMN)
    assert header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu

    menu = column_menu(header)
    actions = menu.actions()
    assert [a.text() for a in actions] == [
        str(panel.stats_model.headerData(c, Qt.Orientation.Horizontal))
        for c in range(header.count())
    ]
    assert not actions[0].isEnabled(), "the provider names the row: never hidden"
    hedged = actions[HEDGED_COLUMN]
    assert not hedged.isChecked() and "sent once more" in hedged.toolTip()
    hedged.trigger()
    assert not header.isSectionHidden(HEDGED_COLUMN)
    assert header.sectionSize(HEDGED_COLUMN) > 0
    assert column_menu(header).actions()[HEDGED_COLUMN].isChecked()
    column_menu(header).actions()[COLUMN["shared"]].trigger()
    assert header.isSectionHidden(COLUMN["shared"])
