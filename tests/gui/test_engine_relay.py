"""``EngineRelay``: core events in, the GUI's events out, fed by hand (no runtime needed).

The relay only reads and writes its own dicts and publishes on its bus, so these drive
``_on_core_event`` directly with the shapes the engine publishes.
"""

from __future__ import annotations

import logging
from typing import Any

from djdesk.core.events import (
    BreakerChanged,
    EventBus,
    ImportProgress,
    JobStateChanged,
    LogMessage,
    PlanReady,
    ProviderPaused,
    ProviderStats,
)
from djdesk.gui.engine_adapter import EngineServices


def _relay() -> tuple[EngineServices, list[Any]]:
    engine = EngineServices()
    seen: list[Any] = []
    engine.events.subscribe(None, seen.append)
    return engine, seen


def _of(seen: list[Any], kind: type) -> list[Any]:
    return [e for e in seen if isinstance(e, kind)]


def test_a_plan_joining_a_running_job_is_summed_and_keeps_the_counters() -> None:
    engine, seen = _relay()
    feed = engine._on_core_event
    feed(ProviderStats("deezer", calls=100, successes=100))  # an earlier run's, process-wide
    feed(JobStateChanged("a", "running", 0, 0, "importing"))
    feed(PlanReady("a", calls_needed={"deezer": 20}, cache_hits={"deezer": 5}))
    (plan,) = _of(seen, PlanReady)
    assert plan.calls_needed == {"deezer": 20} and plan.cache_hits == {"deezer": 5}
    assert _of(seen, ProviderStats)[-1].calls == 0  # rebased at the plan, sent with it
    feed(ProviderStats("deezer", calls=110, successes=108))
    assert _of(seen, ProviderStats)[-1].successes == 8

    feed(JobStateChanged("b", "running", 0, 0, "importing"))  # a second import, A still going
    feed(PlanReady("b", calls_needed={"deezer": 30, "lastfm": 4}, cache_hits={"deezer": 1}))
    joined = _of(seen, PlanReady)[-1]
    assert joined.calls_needed == {"deezer": 50, "lastfm": 4}
    assert joined.cache_hits == {"deezer": 6}
    assert _of(seen, ProviderStats)[-1].successes == 8  # not reset under A's feet

    feed(JobStateChanged("a", "done", 25, 25))
    feed(JobStateChanged("b", "done", 35, 35))
    # Two more at once: D is still importing when C's plan comes. C starts a new count (no
    # counted run is going), D's plan joins it.
    feed(JobStateChanged("c", "running", 0, 0, "importing"))
    feed(JobStateChanged("d", "running", 0, 0, "importing"))
    feed(PlanReady("c", calls_needed={"deezer": 7}))
    assert _of(seen, PlanReady)[-1].calls_needed == {"deezer": 7}
    assert _of(seen, ProviderStats)[-1].successes == 0
    feed(PlanReady("d", calls_needed={"deezer": 3}, cache_hits={"deezer": 2}))
    last = _of(seen, PlanReady)[-1]
    assert (last.calls_needed, last.cache_hits) == ({"deezer": 10}, {"deezer": 2})


def test_a_resumed_job_counts_against_its_whole_playlist() -> None:
    engine, seen = _relay()
    engine._job_pid["j"] = "7"
    engine._whole["j"] = 200  # the job's stored total; 174 finished before the stop
    engine._on_core_event(JobStateChanged("j", "running", 0, 0, "importing"))
    engine._on_core_event(JobStateChanged("j", "running", 1, 26))
    engine._on_core_event(JobStateChanged("j", "cancelled", 3, 26))
    states = [(e.job_id, e.state, e.done, e.total) for e in _of(seen, JobStateChanged)]
    assert states[1:] == [("7", "running", 175, 200), ("7", "cancelled", 177, 200)]
    assert "177/200" in _of(seen, LogMessage)[-1].message


def test_breaker_and_pause_lines_name_states_like_the_panel() -> None:
    engine, seen = _relay()
    engine._on_core_event(BreakerChanged("musicbrainz", "open", "half_open"))
    engine._on_core_event(ProviderPaused("lastfm", 0.0, "rate limited"))
    lines = [(m.level, m.message) for m in _of(seen, LogMessage)]
    assert lines == [
        (logging.INFO, "musicbrainz: circuit breaker open → half-open"),
        (logging.WARNING, "lastfm paused: rate limited"),
    ]


def test_plan_details_are_debug_lines() -> None:
    engine, seen = _relay()
    engine._on_core_event(PlanReady("a", calls_needed={"deezer": 3}, cache_hits={"lastfm": 2}))
    debug = [m.message for m in _of(seen, LogMessage) if m.level == logging.DEBUG]
    assert debug == ["Plan for deezer: 3 calls, 0 cached", "Plan for lastfm: 0 calls, 2 cached"]


def test_core_debug_records_reach_the_run_log_while_attached() -> None:
    engine, seen = _relay()
    core = logging.getLogger("djdesk.core.engine.fetcher")
    core_root = logging.getLogger("djdesk.core")
    before = core_root.level

    class _Rt:  # only what ``attach`` touches before the announce task
        events = EventBus()

    engine._spawn = lambda coro, name: coro.close()  # type: ignore[method-assign]
    engine.attach(_Rt())  # type: ignore[arg-type]
    try:
        core.debug("prefetched %d keys", 12)
    finally:
        engine._unsubscribe()
        core_root.removeHandler(engine._relay)
        core_root.setLevel(before)
    assert LogMessage(logging.DEBUG, "prefetched 12 keys", "fetcher") in seen


def test_import_progress_reaches_the_window_as_it_is() -> None:
    engine, seen = _relay()
    event = ImportProgress("https://open.spotify.com/playlist/x", 50, 10000)
    engine._on_core_event(event)
    assert _of(seen, ImportProgress) == [event]
