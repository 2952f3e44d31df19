"""Progress panel models: provider stats, the log with its level filter, the ETA."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from djdesk.core.events import JobStateChanged, LogMessage, PlanReady, ProviderStats
from djdesk.gui.fake_services import fake_services
from djdesk.gui.progress.eta import EtaEstimator, format_eta
from djdesk.gui.progress.log_model import LevelRole, LogFilterProxy, LogListModel
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.progress.stats_model import BREAKER_COLUMN, ProviderStatsModel


def test_stats_model(qtmodeltester: Any) -> None:
    model = ProviderStatsModel(("deezer", "lastfm"))
    changed: list[int] = []
    model.dataChanged.connect(lambda a, _b, *_: changed.append(a.row()))
    model.on_plan(PlanReady("j", calls_needed={"deezer": 80}, cache_hits={"deezer": 20}))
    snap = ProviderStats(
        "deezer", calls=40, cache_hits=20, coalesced=3, rate=8.5, rate_limit=9.0,
        retries=2, rate_limited=1, budget_left=960, latency_p50_ms=80, latency_p95_ms=210,
    )  # fmt: skip
    changed.clear()
    model.on_stats({"deezer": snap})
    model.on_stats({"deezer": snap})  # unchanged: no repaint
    assert changed == [0]
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts == [
        "deezer", "60 / 100", "40", "20", "33%", "3", "8.5 / 9", "2", "1", "closed", "960",
        "80 ms", "210 ms",
    ]  # fmt: skip
    model.on_breaker("lastfm", "closed", "open")
    assert model.index(1, BREAKER_COLUMN).data() == "open"
    assert model.index(1, BREAKER_COLUMN).data(Qt.ItemDataRole.ForegroundRole) is not None
    model.on_stats({"reccobeats": ProviderStats("reccobeats")})  # a new provider appears
    assert model.rowCount() == 3
    qtmodeltester.check(model)


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
    assert panel.status.text() == "Stopped (resumable)"
    assert not panel.cancel_button.isEnabled()
