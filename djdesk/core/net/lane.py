"""The state one provider's traffic shares (its lane) and what every lane shares (the hub)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from djdesk.core.clock import Clock
from djdesk.core.errors import ProviderDownError, RateLimitedError
from djdesk.core.events import EventBus, ProviderPaused
from djdesk.core.net.adaptive import AdaptiveRate
from djdesk.core.net.breaker import BreakerState, CircuitBreaker
from djdesk.core.net.budget import Budget
from djdesk.core.net.concurrency import PrioritySemaphore
from djdesk.core.net.metrics import ProviderMetrics
from djdesk.core.net.policy import ProviderPolicy
from djdesk.core.net.ratelimit import TokenBucket
from djdesk.core.net.singleflight import SingleFlight

#: How people spell the providers in messages.
TITLES = {
    "spotify": "Spotify",
    "spotify_accounts": "Spotify",
    "deezer": "Deezer",
    "musicbrainz": "MusicBrainz",
    "lastfm": "Last.fm",
    "reccobeats": "ReccoBeats",
}


@dataclass(slots=True)
class Hub:
    """Shared by every lane: the clock, the real transport, the budget and the global limits."""

    clock: Clock
    inner: httpx.AsyncBaseTransport
    budget: Budget
    global_bucket: TokenBucket | None
    global_sem: PrioritySemaphore
    events: EventBus | None
    jitter: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    def wall(self, monotonic: float) -> dt.datetime:
        """The aware wall-clock time of a monotonic instant (for messages and events)."""
        unix = self.clock.time() + (monotonic - self.clock.monotonic())
        return dt.datetime.fromtimestamp(unix, tz=dt.UTC)


@dataclass(slots=True)
class ProviderLane:
    """One provider's bucket, slots, breaker, flights and counters, shared by all its clients."""

    policy: ProviderPolicy
    hub: Hub
    bucket: TokenBucket
    sem: PrioritySemaphore
    breaker: CircuitBreaker
    adaptive: AdaptiveRate
    metrics: ProviderMetrics = field(default_factory=ProviderMetrics)
    flights: SingleFlight[Any] = field(default_factory=SingleFlight)
    paused_until: float = float("-inf")
    #: Requests inside the transport (queued or in flight), for the ``pending`` figure.
    active: int = 0
    last_published: float = float("-inf")
    on_activity: Callable[[ProviderLane], None] | None = None

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def title(self) -> str:
        return TITLES.get(self.name, self.name.capitalize())

    def check_open(self) -> None:
        """Fail fast while paused or while the breaker refuses (no token, no slot taken)."""
        now = self.hub.clock.monotonic()
        if self.paused_until > now:
            raise RateLimitedError(self.name, self.hub.wall(self.paused_until))
        if not self.breaker.allows():
            raise self.down_error()

    def down_error(self) -> ProviderDownError:
        at = self.breaker.retry_at
        if at is None:
            at = self.hub.clock.monotonic() + 1.0
        local = self.hub.wall(at).astimezone().strftime("%H:%M:%S")
        return ProviderDownError(self.name, f"{self.title} is unavailable; paused until {local}.")

    def pause(self, until: float, reason: str = "") -> None:
        """Zero requests to this provider before monotonic ``until``; queued callers fail now."""
        if until <= self.paused_until:
            return
        self.paused_until = until
        self.bucket.block_until(until)
        self.bucket.reject_waiters(RateLimitedError(self.name, self.hub.wall(until)))
        if self.hub.events is not None:
            self.hub.events.publish(
                ProviderPaused(self.name, until=self.hub.wall(until).timestamp(), reason=reason)
            )

    def paused_until_or_none(self) -> float | None:
        return self.paused_until if self.paused_until > self.hub.clock.monotonic() else None

    def force_breaker(self, state: BreakerState | str) -> None:
        self.breaker.force(state)
