"""TokenBucket on virtual time: burst, long-run accuracy, priorities, refunds, no livelock."""

from __future__ import annotations

import asyncio

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.net.ratelimit import TokenBucket
from tests.core.net.vclock import VirtualClock


async def _greedy(bucket: TokenBucket, clock: VirtualClock, grants: list[float]) -> None:
    while True:
        await bucket.acquire()
        grants.append(clock.monotonic())


async def test_r1_burst_then_one_per_interval(vclock: VirtualClock) -> None:
    bucket = TokenBucket(10, 5, clock=vclock)
    t0 = vclock.monotonic()
    times: list[float] = []

    async def one() -> None:
        await bucket.acquire()
        times.append(vclock.monotonic() - t0)

    tasks = [asyncio.create_task(one()) for _ in range(50)]
    await vclock.settle()
    assert len(times) == 5 and all(t == 0 for t in times)
    await vclock.run_until(t0 + 5.0)
    assert len(times) == 50
    for k, t in enumerate(times[5:], start=6):
        assert t == pytest.approx((k - 5) / 10, abs=1e-6)
    await asyncio.gather(*tasks)


@pytest.mark.parametrize(("rate", "burst"), [(10.0, 5), (7.3, 3), (100.0, 100), (0.5, 1)])
@pytest.mark.parametrize("seconds", [10.0, 300.0])
async def test_r2_long_run_accuracy_50_clients(
    vclock: VirtualClock, rate: float, burst: int, seconds: float
) -> None:
    bucket = TokenBucket(rate, burst, clock=vclock)
    t0 = vclock.monotonic()
    grants: list[float] = []
    tasks = [asyncio.create_task(_greedy(bucket, vclock, grants)) for _ in range(50)]
    await vclock.run_until(t0 + seconds)
    granted = sum(1 for t in grants if t - t0 <= seconds)
    ideal = burst + rate * seconds
    assert ideal - 1 <= granted <= ideal + 1, (granted, ideal)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert bucket.waiting == 0


@pytest.mark.parametrize("rate", [10.0, 0.7692307692307693])
async def test_r9_no_livelock_on_a_quantized_clock(rate: float) -> None:
    clock = VirtualClock(start=8.3, quantum=1e-6)
    bucket = TokenBucket(rate, 1, clock=clock)
    n = 100_000 if rate == 10.0 else 2_000
    grants: list[float] = []
    task = asyncio.create_task(_greedy(bucket, clock, grants))
    # ideal time for n grants is (n - 1) / rate; a livelock trips max_fires long before that
    await clock.run_until(8.3 + (n - 1) / rate + 1e-3, max_fires=3 * n)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(grants) >= n
    assert bucket.wakeups <= 3 * bucket.granted


async def test_r9_tiny_rate_does_not_overflow(vclock: VirtualClock) -> None:
    bucket = TokenBucket(1e-10, 1, clock=vclock)
    await bucket.acquire()  # the initial burst
    assert not bucket.has_capacity()
    task = asyncio.create_task(bucket.acquire())
    await vclock.advance(3600)
    assert not task.done()
    assert "waking in" in repr(bucket)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert bucket.waiting == 0 and vclock.pending_timers == 0


async def test_priority_beats_arrival_and_fifo_within_priority(vclock: VirtualClock) -> None:
    bucket = TokenBucket(1, 1, clock=vclock)
    await bucket.acquire()
    order: list[str] = []

    async def call(tag: str, prio: int) -> None:
        await bucket.acquire(prio)
        order.append(tag)

    tasks = [
        asyncio.create_task(call(tag, prio))
        for tag, prio in [("bg1", 1), ("pre1", 2), ("bg2", 1), ("ui1", 0), ("ui2", 0)]
    ]
    await vclock.advance(10)
    assert order == ["ui1", "ui2", "bg1", "bg2", "pre1"]
    await asyncio.gather(*tasks)


async def test_r5_cancelled_waiter_lets_the_next_go_at_the_earlier_time(
    vclock: VirtualClock,
) -> None:
    bucket = TokenBucket(1, 1, clock=vclock)
    await bucket.acquire()
    t0 = vclock.monotonic()
    first = asyncio.create_task(bucket.acquire())
    second = asyncio.create_task(bucket.acquire())
    await vclock.settle()
    first.cancel()
    await vclock.run_until(t0 + 1.0)
    assert second.done() and not second.cancelled()
    assert first.cancelled()
    assert bucket.waiting == 0


async def test_r5_cancel_after_grant_refunds_the_token(vclock: VirtualClock) -> None:
    bucket = TokenBucket(1, 1, clock=vclock)
    await bucket.acquire()
    t0 = vclock.monotonic()
    first = asyncio.create_task(bucket.acquire())
    await vclock.settle()
    # fire the timer by hand and cancel before ``first`` resumes
    await vclock.run_until(t0 + 1.0)
    assert first.done()
    second = asyncio.create_task(bucket.acquire())
    third = asyncio.create_task(bucket.acquire())
    await vclock.settle()
    third.cancel()  # a waiter cancelled while queued never takes a token
    await vclock.run_until(t0 + 2.0)
    assert second.done() and bucket.granted == 3


async def test_grant_then_cancel_before_resume_refunds() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1, 1, clock=clock)
    await bucket.acquire()
    waiter = asyncio.create_task(bucket.acquire())
    await asyncio.sleep(0)
    other = asyncio.create_task(bucket.acquire())
    await asyncio.sleep(0)
    clock.advance(1.0)
    # the timer task resumes and grants ``waiter``; cancel it in the same tick
    for _ in range(3):
        await asyncio.sleep(0)
        if bucket.granted == 2:
            break
    assert bucket.granted == 2
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    await asyncio.sleep(0)
    assert other.done(), "the refunded token went to the next waiter at once"
    assert bucket.granted == 2


async def test_r8_clock_going_backwards_creates_no_tokens(vclock: VirtualClock) -> None:
    bucket = TokenBucket(10, 2, clock=vclock)
    assert bucket.try_acquire() and bucket.try_acquire()
    vclock._now -= 3600  # a monotonic source that misbehaves
    assert bucket.tokens() == 0
    vclock._now += 3600
    assert bucket.tokens() == 0
    vclock._now += 0.1
    assert bucket.tokens() == pytest.approx(1.0)


async def test_r12_block_until_means_zero_grants_then_resume_at_rate(
    vclock: VirtualClock,
) -> None:
    bucket = TokenBucket(10, 5, clock=vclock)
    t0 = vclock.monotonic()
    bucket.block_until(t0 + 7.0)
    grants: list[float] = []
    tasks = [asyncio.create_task(_greedy(bucket, vclock, grants)) for _ in range(20)]
    await vclock.run_until(t0 + 6.999)
    assert grants == []
    assert not bucket.has_capacity() and bucket.tokens() == 0
    await vclock.run_until(t0 + 8.0)
    # not a burst of 20 (or 5) at the end of the cooldown: one, then the rate
    assert grants[0] == pytest.approx(t0 + 7.0)
    assert len(grants) == 11
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_set_rate_reschedules_waiters(vclock: VirtualClock) -> None:
    bucket = TokenBucket(1, 1, clock=vclock)
    await bucket.acquire()
    task = asyncio.create_task(bucket.acquire())
    await vclock.settle()
    bucket.set_rate(0.1)  # a 429 halves and halves again
    await vclock.advance(5)
    assert not task.done()
    bucket.set_rate(10)  # 0.5 token accrued; the other half takes 0.05 s at the new rate
    await vclock.advance(0.04)
    assert not task.done()
    await vclock.advance(0.011)
    assert task.done()


async def test_reject_waiters_fails_everyone_queued(vclock: VirtualClock) -> None:
    bucket = TokenBucket(1, 1, clock=vclock)
    await bucket.acquire()
    tasks = [asyncio.create_task(bucket.acquire()) for _ in range(3)]
    await vclock.settle()
    assert bucket.reject_waiters(RuntimeError("paused")) == 3
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert bucket.waiting == 0 and vclock.pending_timers == 0


async def test_repr_and_has_capacity(vclock: VirtualClock) -> None:
    bucket = TokenBucket(2, 2, clock=vclock, name="deezer")
    assert bucket.has_capacity()
    assert repr(bucket) == "<TokenBucket deezer rate=2/s burst=2 tokens=2.00 waiting=0>"
    bucket.block_until(vclock.monotonic() + 1.5)
    assert "blocked_for=1.500s" in repr(bucket)
    with pytest.raises(ValueError):
        TokenBucket(1, 0)
    with pytest.raises(ValueError):
        TokenBucket(-1, 1)
