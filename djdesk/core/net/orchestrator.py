"""The orchestrator: one object that owns every provider lane, named batches, budget and stats.

Built once by the runtime; provider clients receive only ``orchestrator.client(...)``, an
``httpx.AsyncClient`` whose sole transport is the provider's policy transport, so nothing in
DJDesk talks to the network around the limits.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import httpx

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.events import BreakerChanged, EventBus, ProviderStats
from djdesk.core.models import Priority
from djdesk.core.net.adaptive import AdaptiveRate
from djdesk.core.net.breaker import BreakerState, CircuitBreaker
from djdesk.core.net.budget import Budget
from djdesk.core.net.concurrency import PrioritySemaphore
from djdesk.core.net.hedge import HedgeThrottle
from djdesk.core.net.lane import Hub, ProviderLane
from djdesk.core.net.policy import DEFAULT_POLICIES, ProviderPolicy
from djdesk.core.net.priority import priority as _priority
from djdesk.core.net.ratelimit import Limiter, TokenBucket
from djdesk.core.net.transport import PolicyTransport
from djdesk.core.net.window import WindowLimiter

T = TypeVar("T")

#: ProviderStats events go out at most this often per provider (the GUI coalesces further).
STATS_INTERVAL = 0.1


class Orchestrator:
    """Rate-limited, prioritised, breaker-guarded access to every provider.

    :param policies: per provider; a provider missing here falls back to ``DEFAULT_POLICIES``.
    :param clock: drives every limit, cooldown and breaker (``SystemClock`` by default).
    :param events: where ``ProviderStats``, ``BreakerChanged`` and ``ProviderPaused`` go.
    :param global_rate: requests per second over all providers (None: no global bucket).
    :param global_burst: the global bucket size (default: the global rate, at least 1).
    :param global_concurrency: requests in flight over all providers (None: unlimited).
    :param transport: the innermost real transport (default ``httpx.AsyncHTTPTransport()``).
    :param jitter: up to this many seconds of random delay after a token, against herds.
    """

    def __init__(
        self,
        policies: Mapping[str, ProviderPolicy] | None = None,
        *,
        clock: Clock | None = None,
        events: EventBus | None = None,
        global_rate: float | None = None,
        global_burst: int | None = None,
        global_concurrency: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        jitter: float = 0.0,
        budget: Budget | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        self._events = events
        self._policies = dict(policies or {})
        global_bucket = None
        if global_rate is not None:
            burst = global_burst if global_burst is not None else max(1, int(global_rate))
            global_bucket = TokenBucket(global_rate, burst, clock=self._clock, name="global")
        self._hub = Hub(
            clock=self._clock,
            inner=transport or httpx.AsyncHTTPTransport(),
            budget=budget or Budget(),
            global_bucket=global_bucket,
            global_sem=PrioritySemaphore(global_concurrency, name="global"),
            events=events,
            jitter=jitter,
            rng=rng or random.Random(),
        )
        self._lanes: dict[str, ProviderLane] = {}
        self._transports: dict[str, PolicyTransport] = {}
        self._batches: dict[str, list[asyncio.Task[Any]]] = {}
        self._pending: Counter[str | None] = Counter()
        self._closed = False
        for name in self._policies:
            self._lane(name)

    # -- lanes and clients -----------------------------------------------------------------

    def _lane(self, provider: str) -> ProviderLane:
        lane = self._lanes.get(provider)
        if lane is not None:
            return lane
        policy = self._policies.get(provider) or DEFAULT_POLICIES.get(provider)
        if policy is None:
            raise KeyError(f"no rate-limit policy for provider {provider!r}")
        clock = self._clock
        bucket: Limiter
        if policy.window is not None:
            requests, seconds = policy.window
            bucket = WindowLimiter(
                requests, seconds, spacing=policy.window_spacing, clock=clock, name=provider
            )
        else:
            bucket = TokenBucket(policy.rate, policy.burst, clock=clock, name=provider)
        lane = ProviderLane(
            policy=policy,
            hub=self._hub,
            bucket=bucket,
            sem=PrioritySemaphore(policy.concurrency, name=provider),
            breaker=CircuitBreaker(
                provider, policy.breaker, clock=clock, listener=self._on_breaker_change
            ),
            adaptive=AdaptiveRate(
                bucket,
                clock=clock,
                floor=policy.rate_floor,
                recovery_after=policy.recovery_after,
            ),
            on_activity=self._on_activity,
            hedges=None if policy.hedge is None else HedgeThrottle(policy.hedge, clock=clock),
        )
        self._lanes[provider] = lane
        self._transports[provider] = PolicyTransport(lane)
        return lane

    def lane(self, provider: str) -> ProviderLane:
        """The provider's shared state (bucket, breaker, metrics); for diagnostics and tests."""
        return self._lane(provider)

    def transport(self, provider: str) -> PolicyTransport:
        self._lane(provider)
        return self._transports[provider]

    def client(
        self,
        provider: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> httpx.AsyncClient:
        """An ``AsyncClient`` whose only route out is this provider's policy transport.

        ``trust_env=False`` on purpose: proxy variables would otherwise mount extra transports
        that bypass the policy. (Proxy support belongs on the inner transport.)
        """
        return httpx.AsyncClient(
            base_url=base_url,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=self.transport(provider),
            trust_env=False,
        )

    @property
    def providers(self) -> list[str]:
        return list(self._lanes)

    # -- priorities and batches ------------------------------------------------------------

    @staticmethod
    def priority(level: Priority) -> AbstractContextManager[Priority]:
        """``with orch.priority(Priority.INTERACTIVE):`` marks the requests made inside."""
        return _priority(level)

    def enqueue_batch(
        self,
        name: str,
        tasks: Iterable[Callable[[], Awaitable[T]]],
        *,
        provider: str | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> list[asyncio.Future[T]]:
        """Start every task now (the lanes queue them); each future resolves on its own."""
        loop = asyncio.get_running_loop()
        started: list[asyncio.Future[T]] = []
        batch = self._batches.setdefault(name, [])
        for fn in tasks:
            task = loop.create_task(self._run(fn, priority))
            self._pending[provider] += 1
            task.add_done_callback(lambda t, p=provider: self._task_done(t, p))
            batch.append(task)
            started.append(task)
        return started

    async def _run(self, fn: Callable[[], Awaitable[T]], level: Priority) -> T:
        with _priority(level):
            return await fn()

    def _task_done(self, task: asyncio.Task[Any], provider: str | None) -> None:
        self._pending[provider] -= 1
        if not task.cancelled():
            task.exception()  # await_batch reports it; do not log "never retrieved"

    async def await_batch(self, name: str) -> list[Any]:
        """Wait for every task of batch ``name``; results in order, exceptions as values."""
        tasks = self._batches.pop(name, [])
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    def pending_count(self, provider: str | None = None) -> int:
        """Batch tasks not finished yet, for one provider tag or in total."""
        if provider is None:
            return sum(self._pending.values())
        return self._pending[provider]

    # -- budget, pauses, breakers ----------------------------------------------------------

    @property
    def budget(self) -> Budget:
        return self._hub.budget

    def pause(self, provider: str, until_monotonic: float, reason: str = "paused") -> None:
        self._lane(provider).pause(until_monotonic, reason)

    def paused_until(self, provider: str) -> float | None:
        """Monotonic end of the provider's pause, or None when it is not paused."""
        return self._lane(provider).paused_until_or_none()

    def force_breaker(self, provider: str, state: BreakerState | str) -> None:
        self._lane(provider).force_breaker(state)

    def _on_breaker_change(self, provider: str, old: BreakerState, new: BreakerState) -> None:
        if self._events is not None:
            self._events.publish(BreakerChanged(provider, old.value, new.value))

    # -- metrics ---------------------------------------------------------------------------

    def record_cache_hits(self, provider: str, n: int = 1) -> None:
        self._lane(provider).metrics.cache_hits += n

    def stats(self, provider: str) -> ProviderStats:
        lane = self._lane(provider)
        paused = lane.paused_until_or_none()
        return lane.metrics.stats(
            provider,
            pending=self.pending_count(provider) + lane.bucket.waiting + lane.sem.waiting,
            rate=lane.bucket.rate,
            rate_limit=lane.policy.rate,
            breaker=lane.breaker.state.value,
            budget_left=self.budget.remaining(provider),
            paused_until=None if paused is None else self._hub.wall(paused).timestamp(),
        )

    def snapshot(self) -> dict[str, ProviderStats]:
        return {name: self.stats(name) for name in self._lanes}

    def publish_stats(self, provider: str | None = None) -> None:
        """Publish ``ProviderStats`` now (one provider, or all)."""
        if self._events is None:
            return
        for name in [provider] if provider is not None else list(self._lanes):
            self._lanes[name].last_published = self._clock.monotonic()
            self._events.publish(self.stats(name))

    def _on_activity(self, lane: ProviderLane) -> None:
        if self._events is None:
            return
        now = self._clock.monotonic()
        if now - lane.last_published >= STATS_INTERVAL:
            lane.last_published = now
            self._events.publish(self.stats(lane.name))

    # -- lifecycle -------------------------------------------------------------------------

    def batches(self) -> Iterator[str]:
        return iter(list(self._batches))

    async def aclose(self) -> None:
        """Cancel unfinished batch tasks and close the real transport."""
        if self._closed:
            return
        self._closed = True
        tasks = [t for batch in self._batches.values() for t in batch if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._batches.clear()
        await self._hub.inner.aclose()

    async def __aenter__(self) -> Orchestrator:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
