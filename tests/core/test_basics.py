"""Errors, clocks and the event bus: the small pieces everything else leans on."""

from __future__ import annotations

import asyncio
import datetime as dt

from djdesk.core.clock import FakeClock
from djdesk.core.errors import DJDeskError, ProviderError, RateLimitedError, UnsupportedLinkError
from djdesk.core.events import BreakerChanged, EventBus, LogMessage


def test_errors_carry_message_and_hint() -> None:
    err = UnsupportedLinkError("That is a YouTube link.")
    assert err.message == "That is a YouTube link."
    assert "Deezer" in err.hint
    assert isinstance(err, DJDeskError)
    assert err.to_dict()["error"] == "UnsupportedLinkError"


def test_rate_limited_names_the_time() -> None:
    until = dt.datetime(2026, 12, 1, 14, 5, tzinfo=dt.UTC)
    err = RateLimitedError("spotify", until)
    assert isinstance(err, ProviderError)
    assert until.astimezone().strftime("%H:%M:%S") in err.message
    assert err.to_dict()["provider"] == "spotify"


async def test_fake_clock_wakes_sleepers_in_order() -> None:
    clock = FakeClock()
    woke: list[str] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    tasks = [asyncio.create_task(sleeper("b", 2)), asyncio.create_task(sleeper("a", 1))]
    await asyncio.sleep(0)
    assert clock.sleepers == 2
    clock.advance(1)
    await asyncio.sleep(0)
    assert woke == ["a"]
    clock.advance(1)
    await asyncio.gather(*tasks)
    assert woke == ["a", "b"]


def test_event_bus_routes_by_type_and_survives_bad_subscribers() -> None:
    bus = EventBus()
    seen: list[object] = []
    everything: list[object] = []
    bus.subscribe(BreakerChanged, lambda e: 1 / 0)
    unsubscribe = bus.subscribe(BreakerChanged, seen.append)
    bus.subscribe(None, everything.append)
    bus.publish(BreakerChanged("deezer", "closed", "open"))
    bus.publish(LogMessage(20, "hello"))
    assert len(seen) == 1 and len(everything) == 2
    unsubscribe()
    bus.publish(BreakerChanged("deezer", "open", "half_open"))
    assert len(seen) == 1
