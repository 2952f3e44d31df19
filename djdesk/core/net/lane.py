"""The state one provider's traffic shares (its lane) and what every lane shares (the hub)."""

from __future__ import annotations

import asyncio
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
from djdesk.core.net.hedge import HedgeThrottle
from djdesk.core.net.metrics import ProviderMetrics
from djdesk.core.net.policy import ProviderPolicy
from djdesk.core.net.ratelimit import Limiter, TokenBucket
from djdesk.core.net.singleflight import SingleFlight
from djdesk.core.net.timer import Cancellable, call_later
from djdesk.core.provider_names import provider_label

#: The longest the rest of a provider's calls wait for its first answer (see ``opening``).
OPENING_WAIT_S = 1.0


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
    #: A ``TokenBucket``, or a ``WindowLimiter`` where the provider's window is known.
    bucket: Limiter
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
    #: The hedging delay and budget, for a provider whose policy hedges (else None).
    hedges: HedgeThrottle | None = None
    #: True once the first call to this provider came back (or ``OPENING_WAIT_S`` passed).
    opened: bool = False
    _opening: asyncio.Future[None] | None = None
    _opening_timer: Cancellable | None = None

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def title(self) -> str:
        """How people spell the provider in messages (one map for every front end)."""
        return provider_label(self.name)

    async def opening(self) -> bool:
        """The first call to a provider goes alone; True for that caller (it calls ``open``).

        Why: a first request opens a connection (TCP, TLS), so it reaches the server late,
        while the ones the limiter grants after it ride warm connections and arrive on time:
        the server then counts the late first one in the same window as calls we sent a full
        window after it (the realistic sandbox's Last.fm answered 429 to the 6th call at 5/s).
        The rest wait for its answer, at most ``OPENING_WAIT_S`` (a slow answer must not hold
        a whole run), then go through the limiter as usual.
        """
        if self.opened or not self.policy.first_alone:
            return False
        if self._opening is None:
            self._opening = asyncio.get_running_loop().create_future()
            self._opening_timer = call_later(self.hub.clock, OPENING_WAIT_S, self.open)
            return True
        await asyncio.shield(self._opening)
        return False

    def open(self) -> None:
        """The first call is back (or took too long): let everyone through from now on."""
        self.opened = True
        if self._opening_timer is not None:
            self._opening_timer.cancel()
            self._opening_timer = None
        if self._opening is not None and not self._opening.done():
            self._opening.set_result(None)

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
