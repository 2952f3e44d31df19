"""Hedged requests on virtual time: when a duplicate goes, who wins, and what is left behind."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from djdesk.core.net.breaker import BreakerState
from djdesk.core.net.budget import Budget
from djdesk.core.net.hedge import HedgePolicy, HedgeThrottle
from djdesk.core.net.metrics import ProviderMetrics
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.retry import RetryPolicy
from tests.core.net.orch_helpers import policy
from tests.core.net.vclock import VirtualClock

RECCO = "https://api.reccobeats.com/v1"
FAST = 0.1


@dataclass
class Server:
    """A fake provider: per path, the latency (or error) of each copy in send order."""

    clock: VirtualClock
    plan: dict[str, list[Any]] = field(default_factory=dict)
    sent: list[tuple[str, float]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    def sends(self, path: str) -> list[float]:
        return [t for p, t in self.sent if p == path]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        copy = len(self.sends(path))
        self.sent.append((path, self.clock.monotonic()))
        steps = self.plan.get(path, [FAST])
        step = steps[min(copy, len(steps) - 1)]
        delay, status = step if isinstance(step, tuple) else (step, 200)
        try:
            await self.clock.sleep(delay)
        except asyncio.CancelledError:
            self.cancelled.append(f"{path}#{copy}")
            raise
        self.finished.append(f"{path}#{copy}")
        if status == "reset":
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(status, json={"copy": copy})


@pytest.fixture
async def unretrieved() -> AsyncIterator[list[dict[str, Any]]]:
    """Every 'exception never retrieved' (or other loop error) reported during the test."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(previous)


def _orch(
    clock: VirtualClock,
    server: Server,
    hedge: HedgePolicy | None = None,
    **overrides: Any,
) -> Orchestrator:
    budget = overrides.pop("budget", None)
    hp = hedge or HedgePolicy(after_s=1.0, min_samples=5, max_ratio=1.0)
    pol = policy("reccobeats", hedge=hp, **overrides)
    return Orchestrator(
        {"reccobeats": pol}, clock=clock, transport=httpx.MockTransport(server), budget=budget
    )


async def _warm_up(clock: VirtualClock, client: httpx.AsyncClient, n: int = 5) -> None:
    """``n`` fast answers, so the lane knows its latency (min_samples) and has recent calls."""
    tasks = [asyncio.create_task(client.get(f"/warm/{i}")) for i in range(n)]
    await clock.advance(FAST)
    for response in await asyncio.gather(*tasks):
        assert response.status_code == 200


async def _nothing_left(clock: VirtualClock, orch: Orchestrator) -> None:
    await clock.settle()
    lane = orch.lane("reccobeats")
    assert lane.sem.in_use == 0 and lane.active == 0 and len(lane.flights) == 0
    assert orch._hub.global_sem.in_use == 0
    assert clock.pending_timers == 0
    current = asyncio.current_task()
    assert [t for t in asyncio.all_tasks() if t is not current] == []


async def test_a_slow_answer_is_hedged_after_hedge_after_s_and_the_hedge_wins(
    vclock: VirtualClock, unretrieved: list[dict[str, Any]]
) -> None:
    server = Server(vclock, {"/slow": [8.0, 0.2]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    t0 = vclock.monotonic()
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(0.999)
    assert server.sends("/slow") == [t0]  # not before hedge_after_s
    await vclock.advance(0.002)
    assert server.sends("/slow") == [t0, pytest.approx(t0 + 1.0)]
    await vclock.advance(0.2)
    response = await call
    assert response.json() == {"copy": 1}  # the duplicate's answer
    assert vclock.monotonic() - t0 < 1.21
    assert server.cancelled == ["/slow#0"]  # the loser was cancelled, not left running
    stats = orch.stats("reccobeats")
    assert (stats.hedges, stats.hedges_won) == (1, 1)
    assert stats.calls == 5 + 2 and stats.successes == 6 and stats.failures == 0
    assert orch.budget.used("reccobeats") == 7  # a hedge is a call like any other
    breaker = orch.lane("reccobeats").breaker
    assert breaker.state is BreakerState.CLOSED and breaker.counts() == (6, 0)
    await _nothing_left(vclock, orch)
    await orch.aclose()
    gc.collect()
    assert unretrieved == []


async def test_a_fast_answer_is_never_hedged(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/ok": [0.9]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/ok"))
    await vclock.advance(5.0)
    assert (await call).json() == {"copy": 0}
    assert len(server.sends("/ok")) == 1
    assert orch.stats("reccobeats").hedges == 0
    await _nothing_left(vclock, orch)
    await orch.aclose()


async def test_the_first_copy_can_still_win_and_the_hedge_is_cancelled(
    vclock: VirtualClock, unretrieved: list[dict[str, Any]]
) -> None:
    server = Server(vclock, {"/slow": [1.5, 5.0]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(2.0)
    assert (await call).json() == {"copy": 0}
    assert server.cancelled == ["/slow#1"]
    stats = orch.stats("reccobeats")
    assert (stats.hedges, stats.hedges_won, stats.calls) == (1, 0, 7)
    await _nothing_left(vclock, orch)
    await orch.aclose()
    gc.collect()
    assert unretrieved == []


async def test_the_delay_is_the_recent_p95_when_that_is_longer_than_the_floor(
    vclock: VirtualClock,
) -> None:
    server = Server(vclock, {**{f"/warm/{i}": [2.0] for i in range(5)}, "/slow": [8.0, 0.1]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    warm = [asyncio.create_task(client.get(f"/warm/{i}")) for i in range(5)]
    await vclock.advance(2.0)
    await asyncio.gather(*warm)
    t0 = vclock.monotonic()
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(1.5)
    assert len(server.sends("/slow")) == 1  # 1.0 s floor passed, but p95 is 2.0 s
    await vclock.advance(0.6)
    assert server.sends("/slow")[1] == pytest.approx(t0 + 2.0)
    await vclock.advance(0.2)
    assert (await call).json() == {"copy": 1}
    await orch.aclose()


async def test_no_hedge_before_min_samples(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/slow": [8.0, 0.1]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client, n=4)  # min_samples is 5
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(8.0)
    assert (await call).json() == {"copy": 0}
    assert len(server.sends("/slow")) == 1
    await orch.aclose()


@pytest.mark.parametrize(
    ("window", "slow", "hedges"),
    [(7, 1, 0), (8, 1, 1), (9, 2, 1), (10, 2, 1), (11, 2, 2), (10, 3, 1)],
)
async def test_a_hedge_leaves_a_window_grant_for_each_hedged_request(
    window: int, slow: int, hedges: int
) -> None:
    """Only grants free now, minus one for each hedged request (its next call needs one)."""
    clock = VirtualClock()
    server = Server(clock, {f"/slow/{i}": [8.0, 0.1] for i in range(slow)})
    orch = _orch(clock, server, window=(window, 10.0), rate=window / 10.0, burst=window)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(clock, client)  # 5 grants used
    calls = [asyncio.create_task(client.get(f"/slow/{i}")) for i in range(slow)]
    await clock.advance(1.5)
    assert orch.stats("reccobeats").hedges == hedges
    assert len(server.sent) == 5 + slow + hedges
    # the hedges' grants are in the window like any call's: none invented
    assert orch.lane("reccobeats").bucket.tokens() == window - 5 - slow - hedges
    await clock.advance(8.0)
    await asyncio.gather(*calls)
    assert orch.lane("reccobeats").hedges.out == 0  # type: ignore[union-attr]
    await orch.aclose()


async def test_no_hedge_while_calls_wait_for_the_limiter_and_theirs_are_not_delayed(
    vclock: VirtualClock,
) -> None:
    server = Server(vclock, {"/slow": [8.0, 0.1]})
    orch = _orch(vclock, server, window=(7, 10.0), rate=0.7, burst=7)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    t0 = vclock.monotonic()
    slow = asyncio.create_task(client.get("/slow"))
    # 3 more: one takes the last grant, two queue for the next window
    queued = [asyncio.create_task(client.get(f"/q/{i}")) for i in range(3)]
    await vclock.advance(1.5)
    assert len(server.sends("/slow")) == 1
    await vclock.advance(10.0)
    await asyncio.gather(slow, *queued)
    sends = sorted(t - t0 for p, t in server.sent if p.startswith("/q/"))
    warm_start = t0 - FAST
    assert sends[0] == pytest.approx(0.0)
    assert [warm_start + 10.0 - t0] * 2 == pytest.approx(sends[1:])  # the next window, as due
    assert orch.stats("reccobeats").hedges == 0
    await orch.aclose()


@pytest.mark.parametrize("state", [BreakerState.OPEN, BreakerState.HALF_OPEN])
async def test_no_hedge_unless_the_breaker_is_closed(
    vclock: VirtualClock, state: BreakerState
) -> None:
    server = Server(vclock, {"/slow": [3.0, 0.1]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(0.5)
    orch.force_breaker("reccobeats", state)  # trouble began while the first copy was out
    await vclock.advance(3.0)
    assert (await call).json() == {"copy": 0}
    assert len(server.sends("/slow")) == 1
    assert orch.stats("reccobeats").hedges == 0
    await orch.aclose()


async def test_hedges_stay_within_their_share_of_recent_calls(vclock: VirtualClock) -> None:
    server = Server(vclock, {f"/slow/{i}": [8.0, 0.1] for i in range(3)})
    orch = _orch(vclock, server, HedgePolicy(after_s=1.0, min_samples=5, max_ratio=0.1))
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client, n=9)
    calls = [asyncio.create_task(client.get(f"/slow/{i}")) for i in range(3)]
    await vclock.advance(2.0)
    # 12 first copies in the window: 10 % of them is 1.2, so one hedge and no second
    assert sorted(len(server.sends(f"/slow/{i}")) for i in range(3)) == [1, 1, 2]
    await vclock.advance(8.0)
    await asyncio.gather(*calls)
    throttle = orch.lane("reccobeats").hedges
    assert throttle is not None and not throttle.allows()
    await vclock.advance(60.0)  # the window rolled: the budget is back once calls are
    await _warm_up(vclock, client, n=10)
    assert throttle.allows()
    await orch.aclose()


async def test_no_hedge_when_the_call_budget_is_spent(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/slow": [8.0, 0.1]})
    orch = _orch(vclock, server, budget=Budget({"reccobeats": 6}))
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(8.0)
    assert (await call).json() == {"copy": 0}
    assert len(server.sends("/slow")) == 1 and orch.budget.used("reccobeats") == 6
    await orch.aclose()


async def test_a_post_is_never_hedged(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/tracks": [8.0, 0.1]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(
        client.post("/tracks", json={"ids": [1]}, extensions={"djdesk.idempotent": True})
    )
    await vclock.advance(8.0)
    assert (await call).status_code == 200
    assert len(server.sends("/tracks")) == 1
    assert orch.stats("reccobeats").hedges == 0
    await orch.aclose()


async def test_a_caller_cancelled_mid_race_leaves_nothing_behind(
    vclock: VirtualClock, unretrieved: list[dict[str, Any]]
) -> None:
    server = Server(vclock, {"/slow": [8.0, 8.0]})
    orch = _orch(vclock, server)
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(1.5)
    assert len(server.sends("/slow")) == 2
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert sorted(server.cancelled) == ["/slow#0", "/slow#1"]
    breaker = orch.lane("reccobeats").breaker
    assert breaker.counts() == (5, 0)  # a cancelled copy is no failure
    await _nothing_left(vclock, orch)
    await orch.aclose()
    gc.collect()
    assert unretrieved == []


@pytest.mark.parametrize("failure", [503, "reset"])
async def test_a_transient_failure_waits_for_the_other_copy(
    vclock: VirtualClock, failure: int | str, unretrieved: list[dict[str, Any]]
) -> None:
    """gRPC's non-fatal codes: a 5xx or a reset while the other copy is out is not the answer."""
    server = Server(vclock, {"/slow": [(1.5, failure), 1.0]})
    orch = _orch(vclock, server, retry=RetryPolicy(attempts=1))
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(2.5)
    response = await call
    assert response.status_code == 200 and response.json() == {"copy": 1}
    stats = orch.stats("reccobeats")
    assert (stats.hedges_won, stats.retries, stats.failures) == (1, 0, 0)
    assert orch.lane("reccobeats").breaker.counts() == (7, 1)  # the failure still counts
    await _nothing_left(vclock, orch)
    await orch.aclose()
    gc.collect()
    assert unretrieved == []


async def test_when_both_copies_fail_the_last_failure_is_the_answer(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/slow": [(1.5, 503), (1.0, 502)]})
    orch = _orch(vclock, server, retry=RetryPolicy(attempts=1))
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(2.5)
    assert (await call).status_code == 502
    stats = orch.stats("reccobeats")
    assert (stats.hedges, stats.hedges_won, stats.failures) == (1, 0, 1)
    assert orch.lane("reccobeats").breaker.counts() == (7, 2)
    await _nothing_left(vclock, orch)
    await orch.aclose()


async def test_providers_without_a_hedge_policy_never_hedge(vclock: VirtualClock) -> None:
    server = Server(vclock, {"/slow": [8.0, 0.1]})
    orch = Orchestrator(
        {"reccobeats": policy("reccobeats")}, clock=vclock, transport=httpx.MockTransport(server)
    )
    client = orch.client("reccobeats", RECCO)
    await _warm_up(vclock, client)
    call = asyncio.create_task(client.get("/slow"))
    await vclock.advance(8.0)
    assert (await call).json() == {"copy": 0}
    assert len(server.sends("/slow")) == 1 and orch.lane("reccobeats").hedges is None
    await orch.aclose()


def test_the_throttle_reads_the_percentile_and_refreshes_it_in_steps(
    vclock: VirtualClock,
) -> None:
    throttle = HedgeThrottle(HedgePolicy(after_s=0.5, min_samples=3), clock=vclock)
    metrics = ProviderMetrics()
    assert throttle.delay(metrics) is None
    for seconds in (0.2, 0.3, 0.4):
        metrics.calls += 1
        metrics.observe(seconds)
    assert throttle.delay(metrics) == 0.5  # p95 0.4 is under the floor
    for _ in range(7):
        metrics.calls += 1
        metrics.observe(3.0)
    assert throttle.delay(metrics) == 0.5  # not re-read before 8 new answers
    metrics.calls += 1
    metrics.observe(3.0)
    assert throttle.delay(metrics) == 3.0


def test_hedge_policy_rejects_nonsense() -> None:
    for bad in ({"after_s": 0}, {"percentile": 0}, {"max_ratio": 2}, {"min_samples": 0}):
        with pytest.raises(ValueError):
            HedgePolicy(**bad)
