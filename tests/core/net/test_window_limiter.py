"""WindowLimiter on virtual time: whole windows at once, never R+1 in any W, steering, refunds."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from djdesk.core.clock import FakeClock
from djdesk.core.net.adaptive import AdaptiveRate
from djdesk.core.net.ratelimit import TokenBucket
from djdesk.core.net.window import WindowLimiter
from tests.core.net.vclock import VirtualClock


def max_in_window(grants: list[float], window: float) -> int:
    """The most grants inside any half-open ``[t, t + window)`` (the server's rolling count)."""
    grants = sorted(grants)
    best = j = 0
    for i, start in enumerate(grants):
        j = max(j, i)
        while j < len(grants) and grants[j] < start + window - 1e-9:
            j += 1
        best = max(best, j - i)
    return best


async def _collect(
    limiter: WindowLimiter, clock: VirtualClock, n: int, until: float
) -> list[float]:
    times: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        times.append(clock.monotonic())

    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await clock.run_until(until)
    await asyncio.gather(*tasks)
    return times


async def test_a_whole_window_goes_at_once_then_the_next_one_window_later(
    vclock: VirtualClock,
) -> None:
    limiter = WindowLimiter(30, 10.0, clock=vclock)
    t0 = vclock.monotonic()
    times = await _collect(limiter, vclock, 100, t0 + 40.0)
    # N calls in (ceil(N / R) - 1) * W: the benchmark's bound, met exactly.
    starts = sorted(t - t0 for t in times)
    assert starts[:30] == [0.0] * 30
    assert starts[30:60] == pytest.approx([10.0] * 30)
    assert starts[60:90] == pytest.approx([20.0] * 30)
    assert starts[90:] == pytest.approx([30.0] * 10)
    assert limiter.wakeups <= 3  # one timer per window, not one per grant


async def test_a_bucket_paced_under_the_window_takes_longer_for_the_same_calls(
    vclock: VirtualClock,
) -> None:
    """Why the window limiter exists: 95 % of R / W with a burst of one, as planned before."""
    bucket = TokenBucket(0.95 * 30 / 10.0, 1, clock=vclock)
    t0 = vclock.monotonic()
    times: list[float] = []

    async def one() -> None:
        await bucket.acquire()
        times.append(vclock.monotonic() - t0)

    tasks = [asyncio.create_task(one()) for _ in range(100)]
    await vclock.run_until(t0 + 60.0)
    await asyncio.gather(*tasks)
    assert max(times) == pytest.approx(99 / 2.85)  # 34.7 s against the window's 30 s


@pytest.mark.parametrize(("requests", "window"), [(50, 5.1), (5, 1.05), (1, 1.05), (30, 10.2)])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pattern=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=30.0, allow_nan=False), st.integers(1, 40)),
        min_size=1,
        max_size=20,
    ),
    cancels=st.lists(st.integers(0, 200), max_size=5),
)
def test_r3_no_window_ever_holds_more_than_r(
    requests: int, window: float, pattern: list[tuple[float, int]], cancels: list[int]
) -> None:
    """Random arrivals and cancellations: any W seconds see at most R grants (R3, property)."""

    async def run() -> list[float]:
        clock = VirtualClock(start=0.0)
        limiter = WindowLimiter(requests, window, clock=clock)
        grants: list[float] = []

        async def caller(at: float) -> None:
            await clock.sleep(at)
            await limiter.acquire()
            grants.append(clock.monotonic())

        tasks = [asyncio.create_task(caller(at)) for at, n in pattern for _ in range(n)]
        await clock.run_until(0.0)
        for k in cancels:
            tasks[k % len(tasks)].cancel()
        end = 30.0 + (len(tasks) / requests + 1) * window
        await clock.run_until(end)
        await asyncio.gather(*tasks, return_exceptions=True)
        assert limiter.waiting == 0
        return grants

    grants = asyncio.run(run())
    total = sum(n for _, n in pattern)
    assert total - len(set(cancels)) <= len(grants) <= total
    assert max_in_window(grants, window) <= requests


async def test_a_late_wake_up_is_not_caught_up() -> None:
    """Stamps are when grants happen: a loop that ran a timer late pushes the next window later.

    A bucket's tokens accrue while the loop is busy, so its next grants come early and arrive
    bunched with the late one; the log never lets R + 1 into a window of what really left.
    """
    clock = FakeClock(start=0.0)
    limiter = WindowLimiter(2, 1.0, clock=clock)
    times: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        times.append(clock.monotonic())

    tasks = [asyncio.create_task(one()) for _ in range(6)]
    for _ in range(3):
        await asyncio.sleep(0)
    assert times == [0.0, 0.0]
    clock.advance(1.5)  # the timer due at 1.0 fires at 1.5
    for _ in range(5):
        await asyncio.sleep(0)
    assert times == [0.0, 0.0, 1.5, 1.5]
    clock.advance(0.6)  # 2.1: a schedule that caught up would have granted at 2.0
    for _ in range(5):
        await asyncio.sleep(0)
    assert times == [0.0, 0.0, 1.5, 1.5]
    clock.advance(0.4)
    for _ in range(5):
        await asyncio.sleep(0)
    assert times == [0.0, 0.0, 1.5, 1.5, 2.5, 2.5]
    await asyncio.gather(*tasks)


async def test_set_rate_keeps_the_window_shape_and_restores_it_exactly(
    vclock: VirtualClock,
) -> None:
    limiter = WindowLimiter(30, 10.0, clock=vclock)
    adaptive = AdaptiveRate(limiter, clock=vclock, floor=3.0 / 16, recovery_after=10.0)
    assert adaptive.ceiling == 3.0
    adaptive.on_rate_limited()
    assert limiter.window == (15, 10.0) and limiter.rate == 1.5
    adaptive.on_rate_limited()
    adaptive.on_rate_limited()
    adaptive.on_rate_limited()
    limit, span = limiter.window
    assert limit == 1 and span == pytest.approx(1 / 0.1875)  # the floor: one per 5.33 s
    for _ in range(40):
        await vclock.advance(10.0)
        adaptive.on_success()
    assert limiter.window == (30, 10.0) and limiter.rate == 3.0
    limiter.set_rate(6.0)  # above the configured window (a raised quota): honoured as a window
    assert limiter.window == (60, 10.0)


async def test_a_lowered_rate_lets_no_more_than_its_share_into_any_window(
    vclock: VirtualClock,
) -> None:
    limiter = WindowLimiter(30, 10.0, clock=vclock)
    limiter.set_rate(1.5)
    t0 = vclock.monotonic()
    times = await _collect(limiter, vclock, 60, t0 + 40.0)
    assert max_in_window(times, 10.0) == 15
    assert max(times) - t0 == pytest.approx(30.0)


async def test_a_cooldown_grants_nothing_then_resumes_at_the_rate_not_as_a_burst(
    vclock: VirtualClock,
) -> None:
    limiter = WindowLimiter(10, 5.0, clock=vclock)
    t0 = vclock.monotonic()
    limiter.block_until(t0 + 7.0)
    assert limiter.blocked_until == t0 + 7.0 and limiter.tokens() == 0.0
    times = await _collect(limiter, vclock, 12, t0 + 20.0)
    offsets = sorted(t - t0 for t in times)
    # One at the cooldown's end, then one every W / R: the server just said "slow down".
    assert offsets == pytest.approx([7.0 + 0.5 * k for k in range(12)])
    assert max_in_window(times, 5.0) == 10


async def test_a_cooldown_keeps_the_grants_already_in_the_window(vclock: VirtualClock) -> None:
    limiter = WindowLimiter(3, 10.0, clock=vclock)
    t0 = vclock.monotonic()
    for _ in range(3):
        assert limiter.try_acquire()
    limiter.block_until(t0 + 1.0)  # shorter than the window the real grants still fill
    times = await _collect(limiter, vclock, 1, t0 + 30.0)
    assert times == [pytest.approx(t0 + 10.0)]


async def test_priorities_first_fifo_within_a_priority(vclock: VirtualClock) -> None:
    limiter = WindowLimiter(2, 1.0, clock=vclock)
    assert limiter.try_acquire() and limiter.try_acquire()
    order: list[str] = []

    async def one(tag: str, priority: int) -> None:
        await limiter.acquire(priority)
        order.append(tag)

    tasks = [
        asyncio.create_task(one("bg1", 2)),
        asyncio.create_task(one("bg2", 2)),
        asyncio.create_task(one("click", 0)),
        asyncio.create_task(one("bg3", 2)),
    ]
    await vclock.advance(2.5)
    assert order == ["click", "bg1", "bg2", "bg3"]
    await asyncio.gather(*tasks)


async def test_a_grant_cancelled_before_it_resumed_is_given_back(vclock: VirtualClock) -> None:
    limiter = WindowLimiter(1, 1.0, clock=vclock)
    t0 = vclock.monotonic()
    assert limiter.try_acquire()
    first = asyncio.create_task(limiter.acquire())
    second = asyncio.create_task(limiter.acquire())
    await vclock.settle()
    # Fire the wake-up by hand, then cancel ``first`` before it gets to run on.
    await vclock.run_until(t0 + 1.0 - 1e-9)
    vclock._now = t0 + 1.0  # type: ignore[attr-defined]
    limiter._wake()
    assert first.done() is False
    first.cancel()
    await vclock.settle()
    assert second.done()  # the refunded stamp let the next waiter go at the same instant
    assert limiter.granted == 2 and limiter.waiting == 0
    await asyncio.gather(first, return_exceptions=True)


async def test_a_clock_stepping_back_opens_no_room() -> None:
    clock = FakeClock(start=100.0)
    limiter = WindowLimiter(2, 1.0, clock=clock)
    assert limiter.try_acquire() and limiter.try_acquire()
    clock._now = 50.0  # type: ignore[attr-defined]
    assert not limiter.try_acquire()
    clock._now = 100.5  # type: ignore[attr-defined]
    assert not limiter.try_acquire()
    clock._now = 101.0  # type: ignore[attr-defined]
    assert limiter.try_acquire()


async def test_no_livelock_on_a_quantized_clock() -> None:
    clock = VirtualClock(start=8.3, quantum=1e-6)
    limiter = WindowLimiter(7, 0.7692307692307693, clock=clock)
    grants: list[float] = []

    async def greedy() -> None:
        while True:
            await limiter.acquire()
            grants.append(clock.monotonic())

    task = asyncio.create_task(greedy())
    await clock.run_until(8.3 + 2000 * 0.7692307692307693 + 1e-3, max_fires=3 * 2000 * 7)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(grants) >= 2000 * 7
    assert limiter.wakeups <= 3 * limiter.granted


def test_bad_arguments_fail_clearly() -> None:
    with pytest.raises(ValueError, match="requests"):
        WindowLimiter(0, 1.0)
    with pytest.raises(ValueError, match="window"):
        WindowLimiter(1, 0.0)
    with pytest.raises(ValueError, match="rate"):
        WindowLimiter(1, 1.0).set_rate(-1.0)
    assert "WindowLimiter" in repr(WindowLimiter(3, 2.0, name="x"))
