"""One ETA: the run log's plan line and the panel count from the same floor (review 2, #11)."""

from __future__ import annotations

from typing import Any

import pytest

from djdesk.core.events import JobStateChanged, LogMessage, PlanReady, ProviderStats
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.fake_services import fake_services
from djdesk.gui.progress.eta import EtaEstimator, calls_floor_s, format_eta
from djdesk.gui.progress.panel import EnrichmentProgressPanel

#: The review's resume: ReccoBeats 802 calls at the 2.93/s it had learnt, the plan said 169 s.
CALLS = {"deezer": 700, "lastfm": 760, "reccobeats": 802}


def test_floor_is_the_slowest_providers_calls_at_its_rate() -> None:
    rates = {"deezer": 9.5, "lastfm": 4.75, "reccobeats": 2.93}
    assert calls_floor_s(CALLS, rates) == pytest.approx(802 / 2.93)
    assert calls_floor_s({"musicbrainz": 5}, rates) == 0.0  # no known rate: left out
    assert calls_floor_s({}, rates) == 0.0


def test_estimator_ignores_the_wait_before_the_first_track() -> None:
    eta = EtaEstimator(window_s=30)
    for t in range(15):  # importing, planning, first answers: nothing finished
        eta.update(float(t), 0)
    eta.update(15.0, 1)
    assert eta.span_s == 1.0  # from the last moment before progress, not from 0 s
    for t in range(16, 26):
        eta.update(float(t), (t - 14) * 5)  # 5 tracks/s
    assert eta.seconds_left(200) == pytest.approx((200 - 55) / (55 / 11))  # since 14 s


def test_estimator_span_counts_the_window() -> None:
    eta = EtaEstimator(window_s=30)
    assert eta.span_s == 0.0
    eta.update(2.0, 1)
    eta.update(6.0, 3)
    assert eta.span_s == 4.0


def _plan_line(seen: list[Any]) -> str:
    return next(m.message for m in seen if isinstance(m, LogMessage) and "Plan:" in m.message)


def test_plan_line_uses_the_lanes_limits_and_separators() -> None:
    engine = EngineServices()
    seen: list[Any] = []
    engine.events.subscribe(None, seen.append)
    engine._on_core_event(ProviderStats("reccobeats", rate=2.93, rate_limit=2.93))
    engine._on_core_event(ProviderStats("deezer", rate=9.5, rate_limit=9.5))
    engine._on_core_event(
        PlanReady("j", calls_needed=CALLS, cache_hits={"deezer": 1400}, estimated_s=169.0)
    )
    plan = [e for e in seen if isinstance(e, PlanReady)][-1]
    assert plan.estimated_s == pytest.approx(802 / 2.93)  # 274 s, not the settings' 169 s
    assert _plan_line(seen) == "Plan: 2,262 calls needed, 1,400 answers cached; about 5 min left"


def test_plan_line_keeps_the_plans_estimate_when_no_limit_is_known() -> None:
    engine = EngineServices()
    seen: list[Any] = []
    engine.events.subscribe(None, seen.append)
    engine._on_core_event(PlanReady("j", calls_needed={"deezer": 25}, estimated_s=42.0))
    assert _plan_line(seen) == "Plan: 25 calls needed, 0 answers cached; about 42 s left"


def test_panel_says_what_the_plan_line_said_then_counts_down(qtbot: Any) -> None:
    now = [100.0]
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: now[0])
    qtbot.addWidget(panel)
    floor = 802 / 2.93
    panel.stats_model.on_plan(PlanReady("p", calls_needed=CALLS, estimated_s=floor))
    limits = {"deezer": 9.5, "lastfm": 4.75, "reccobeats": 2.93}
    panel.stats_model.on_stats({p: ProviderStats(p, rate_limit=r) for p, r in limits.items()})
    panel.on_job_state(JobStateChanged("p", "running", 163, 1000))
    assert panel.eta.text() == format_eta(floor) == "about 5 min left"
    assert panel.count.text() == "163 of 1,000 tracks"
    # 4 s later a slow start's pace (1 track in 4 s: "about 56 min") is not an estimate yet
    now[0] = 104.0
    panel.on_job_state(JobStateChanged("p", "running", 164, 1000))
    assert panel.eta.text() == "about 5 min left"
    # two minutes on, at ~3 tracks/s the pace says 3 min, but ReccoBeats still has 500 calls
    # at 2.93/s: the floor holds
    now[0] = 224.0
    stats = {p: ProviderStats(p, rate_limit=r) for p, r in limits.items()}
    stats["reccobeats"] = ProviderStats("reccobeats", calls=302, rate_limit=2.93)
    panel.stats_model.on_stats(stats)
    panel.on_job_state(JobStateChanged("p", "running", 524, 1000))
    assert panel.eta.text() == format_eta(500 / 2.93) == "about 3 min left"
    # a pace slower than the floor wins: the run really is behind its plan (6 tracks in the
    # last 30 s: 39 min)
    now[0] = 254.0
    panel.on_job_state(JobStateChanged("p", "running", 530, 1000))
    pace = (1000 - 530) / ((530 - 524) / (254.0 - 224.0))
    assert panel.eta.text() == format_eta(pace) == "about 39 min left"


def test_panel_counts_the_floor_down_between_track_events(qtbot: Any) -> None:
    now = [0.0]
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: now[0])
    qtbot.addWidget(panel)
    panel.stats_model.on_plan(PlanReady("p", calls_needed={"deezer": 25}, estimated_s=40.0))
    panel.on_job_state(JobStateChanged("p", "running", 1, 25))
    assert panel.eta.text() == "about 40 s left"
    now[0] = 15.0  # no track finished since: the timer's tick counts down
    panel._tick()
    assert panel.eta.text() == "about 25 s left"
    now[0] = 45.0  # past the plan's estimate, no pace yet: it says it does not know
    panel._tick()
    assert panel.eta.text() == "estimating…"


def test_panel_shows_estimating_with_neither_plan_nor_pace(qtbot: Any) -> None:
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    panel.on_job_state(JobStateChanged("p", "running", 0, 10))
    assert panel.eta.text() == "estimating…"
