"""Rate/s is the rate achieved, P50/P95 are this run's, idle providers look idle (review 2, #5).

A fake clock drives the window; nothing sleeps.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from djdesk.core.events import JobStateChanged, PlanReady, ProviderStats
from djdesk.gui import theme
from djdesk.gui.fake_services import fake_services
from djdesk.gui.progress.call_rate import CallRate
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.progress.stats_model import COLUMN, ProviderStatsModel

FG = Qt.ItemDataRole.ForegroundRole


def test_call_rate_measures_calls_over_the_window_to_now() -> None:
    meter = CallRate(window_s=5.0)
    assert meter.rate(0.0) is None
    meter.add(0.0, 0)
    meter.add(0.5, 4)
    assert meter.rate(0.5) is None  # half a second is not a rate yet
    for i in range(1, 21):  # 4 calls every half second: 8/s
        meter.add(0.5 + i * 0.5, 4 + 4 * i)
    assert meter.rate(10.5) == pytest.approx(8.0)
    # it stops calling: no new sample, yet the rate decays to now
    assert meter.rate(13.0) == pytest.approx((84 - 64) / 5.0)  # since 8 s (64 calls)
    assert meter.rate(16.0) == 0.0
    meter.add(17.0, 3)  # a new run's rebased counter starts over
    meter.add(18.0, 9)
    assert meter.rate(18.0) == pytest.approx(6.0)


def _model(now: list[float]) -> ProviderStatsModel:
    model = ProviderStatsModel(
        ("deezer", "musicbrainz", "lastfm", "reccobeats"), clock=lambda: now[0]
    )
    model.on_plan(PlanReady("p", calls_needed={"deezer": 200, "reccobeats": 90}))
    return model


def _rate(model: ProviderStatsModel, row: int) -> str:
    return str(model.index(row, COLUMN["rate"]).data())


def test_rate_column_shows_calls_made_against_the_allowed_pace(qtmodeltester: Any) -> None:
    now = [0.0]
    model = _model(now)
    model.set_running(True)
    for t in range(11):  # Deezer 9 calls/s allowed 9.5; ReccoBeats 1 batch call every 2 s
        now[0] = float(t)
        model.on_stats(
            {
                "deezer": ProviderStats("deezer", calls=9 * t, rate=9.5, rate_limit=9.5),
                "reccobeats": ProviderStats("reccobeats", calls=t // 2, rate=2.93, rate_limit=5.0),
            }
        )
    assert _rate(model, 0) == "9 / 9.5"  # was "9.5 / 9.5": the allowed pace, not the calls
    assert _rate(model, 3) == "0.6 / 2.93"  # 3 calls in 5 s, against the pace a 429 left
    # Deezer's answers stop coming (breaker open): its rate falls to 0 without a snapshot
    now[0] = 16.0
    model.refresh_rates()
    assert _rate(model, 0) == "0 / 9.5"
    qtmodeltester.check(model)
    model.set_running(False)  # finished: nothing is being called
    assert _rate(model, 0) == "— / 9.5"


def test_latency_is_this_runs_and_unplanned_providers_are_greyed() -> None:
    """The review: Spotify "5 / 5", Calls 0, yet P50 60 ms / P95 122 ms from an earlier run."""
    now = [0.0]
    model = _model(now)
    model.set_running(True)
    stale = ProviderStats(
        "lastfm", calls=0, rate=4.75, rate_limit=4.75, latency_p50_ms=60, latency_p95_ms=122
    )
    model.on_stats({"lastfm": stale, "deezer": ProviderStats("deezer", calls=3, latency_p50_ms=80)})
    row = {model.provider_at(r).provider: r for r in range(model.rowCount())}  # type: ignore[union-attr]
    assert model.index(row["lastfm"], COLUMN["p50"]).data() == "—"
    assert model.index(row["lastfm"], COLUMN["p95"]).data() == "—"
    assert model.index(row["deezer"], COLUMN["p50"]).data() == "80 ms"
    # nothing planned for Last.fm or MusicBrainz in this run: idle rate, greyed row
    assert _rate(model, row["lastfm"]) == "— / 4.75"
    muted = theme.muted_color()
    for name in ("lastfm", "musicbrainz"):
        assert model.index(row[name], COLUMN["calls"]).data(FG) == muted
        assert model.index(row[name], COLUMN["breaker"]).data(FG) == muted  # "closed": no news
    assert model.index(row["deezer"], COLUMN["calls"]).data(FG) is None
    assert model.index(row["deezer"], COLUMN["breaker"]).data(FG) == theme.state_color("closed")
    # a greyed provider whose breaker opens still shows it in the breaker's colour
    model.on_breaker("lastfm", "closed", "open")
    assert model.index(row["lastfm"], COLUMN["breaker"]).data(FG) == theme.state_color("open")
    # a later plan that needs Last.fm brings its row back
    model.on_plan(PlanReady("q", calls_needed={"lastfm": 5}))
    assert model.index(row["lastfm"], COLUMN["calls"]).data(FG) is None
    assert model.index(row["deezer"], COLUMN["calls"]).data(FG) == muted


def test_panel_measures_rates_only_while_a_run_goes(qtbot: Any) -> None:
    now = [0.0]
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: now[0])
    qtbot.addWidget(panel)
    model = panel.stats_model
    model.on_plan(PlanReady("p", calls_needed={"deezer": 50}))
    panel.on_job_state(JobStateChanged("p", "running", 0, 50))
    assert panel._rate_timer.isActive()
    for t in range(6):
        now[0] = float(t)
        model.on_stats({"deezer": ProviderStats("deezer", calls=5 * t, rate=9.5, rate_limit=9.5)})
    assert _rate(model, 0) == "5 / 9.5"
    panel.on_job_state(JobStateChanged("p", "done", 50, 50))
    assert _rate(model, 0) == "— / 9.5" and not panel._rate_timer.isActive()


def test_done_counts_have_thousands_separators() -> None:
    model = ProviderStatsModel(("reccobeats",))
    model.on_plan(PlanReady("p", calls_needed={"reccobeats": 802}, cache_hits={"reccobeats": 1400}))
    model.on_stats({"reccobeats": ProviderStats("reccobeats", calls=300, successes=300)})
    assert model.index(0, COLUMN["done"]).data() == "1,700 / 2,202"
    assert model.index(0, COLUMN["hits"]).data() == "1,400"


def test_an_imports_calls_show_without_a_run(qtbot: Any) -> None:
    """Spotify read "— / 5", greyed, while it served an import's pages (no run, no plan)."""
    now = [0.0]
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: now[0])
    qtbot.addWidget(panel)
    model = panel.stats_model
    panel.show_import("Importing 400 of 1,000 tracks…")
    assert panel._rate_timer.isActive()
    for t in range(4):
        now[0] = float(t)
        model.on_stats({"spotify": ProviderStats("spotify", calls=4 * t, rate=5.0)})
    row = model.rowCount() - 1
    assert _rate(model, row) == "4 / 5"
    assert model.index(row, COLUMN["calls"]).data(FG) is None  # working: not greyed
    panel.show_import("")  # imported; no run yet: it falls idle as its calls stop
    assert not panel._rate_timer.isActive()
    now[0] = 10.0
    model.refresh_rates()
    assert _rate(model, row) == "— / 5"
    assert model.index(row, COLUMN["calls"]).data(FG) == theme.muted_color()
