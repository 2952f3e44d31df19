"""EngineBridge: many core events become one batched Qt signal per frame, from any thread."""

from __future__ import annotations

import threading
from typing import Any

from djdesk.core.events import (
    BreakerChanged,
    EventBus,
    JobStateChanged,
    LogMessage,
    PlanReady,
    ProviderStats,
    TrackEnriched,
)
from djdesk.gui.bridge import MAX_LOGS_PER_FLUSH, EngineBridge


def test_thousand_track_events_coalesce_into_one_signal(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EngineBridge(bus)
    batches: list[list[int]] = []
    stats: list[dict[str, ProviderStats]] = []
    jobs: list[JobStateChanged] = []
    bridge.tracks_changed.connect(batches.append)
    bridge.provider_stats_changed.connect(stats.append)
    bridge.job_state_changed.connect(jobs.append)
    with qtbot.waitSignal(bridge.flushed, timeout=2000):
        for i in range(1000):
            bus.publish(TrackEnriched("j", i % 600, ("bpm",), "done"))
            bus.publish(ProviderStats("deezer", calls=i))
            bus.publish(JobStateChanged("j", "running", i, 1000))
    assert len(batches) == 1
    assert batches[0] == list(range(600)), "each id once, in first-seen order"
    assert len(stats) == 1 and stats[0]["deezer"].calls == 999, "only the latest snapshot"
    assert [j.done for j in jobs] == [999]
    assert bridge.flush_count == 1


def test_rare_events_all_arrive_and_logs_are_capped(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EngineBridge(bus)
    breakers: list[tuple[str, str, str]] = []
    plans: list[PlanReady] = []
    logs: list[list[LogMessage]] = []
    bridge.breaker_changed.connect(lambda p, o, n: breakers.append((p, o, n)))
    bridge.plan_ready.connect(plans.append)
    bridge.log_messages.connect(logs.append)
    with qtbot.waitSignal(bridge.flushed, timeout=2000):
        bus.publish(PlanReady("j", {"deezer": 3}))
        bus.publish(BreakerChanged("musicbrainz", "closed", "open"))
        bus.publish(BreakerChanged("musicbrainz", "open", "half_open"))
        for i in range(MAX_LOGS_PER_FLUSH + 50):
            bus.publish(LogMessage(20, f"line {i}"))
    assert breakers == [("musicbrainz", "closed", "open"), ("musicbrainz", "open", "half_open")]
    assert len(plans) == 1
    lines = logs[0]
    assert len(lines) == MAX_LOGS_PER_FLUSH + 1
    assert lines[-2].message == f"line {MAX_LOGS_PER_FLUSH + 49}", "the newest lines are kept"
    assert "50 log lines skipped" in lines[-1].message


def test_events_from_another_thread_are_delivered_on_the_gui_thread(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EngineBridge(bus)
    seen: list[tuple[list[int], bool]] = []
    gui_thread = threading.current_thread()
    bridge.tracks_changed.connect(
        lambda ids: seen.append((ids, threading.current_thread() is gui_thread))
    )

    def publish() -> None:
        for i in range(100):
            bus.publish(TrackEnriched("j", i))

    with qtbot.waitSignal(bridge.flushed, timeout=2000):
        worker = threading.Thread(target=publish)
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: sum(len(ids) for ids, _ in seen) == 100, timeout=2000)
    assert all(on_gui for _, on_gui in seen)


def test_detach_stops_listening(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EngineBridge(bus)
    got: list[list[int]] = []
    bridge.tracks_changed.connect(got.append)
    bridge.detach()
    bus.publish(TrackEnriched("j", 1))
    bridge.flush()
    assert got == []
