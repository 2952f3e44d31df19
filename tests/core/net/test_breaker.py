"""Circuit breaker on fake time: opening, timing, exactly-K probes, no stuck half-open, events."""

from __future__ import annotations

import asyncio

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.net.breaker import BreakerConfig, BreakerState, CircuitBreaker


def _breaker(
    clock: FakeClock, events: list[tuple[str, str, str]] | None = None, **cfg: float
) -> CircuitBreaker:
    def listener(name: str, old: BreakerState, new: BreakerState) -> None:
        if events is not None:
            events.append((name, old.value, new.value))

    return CircuitBreaker("deezer", BreakerConfig(**cfg), clock=clock, listener=listener)  # type: ignore[arg-type]


def _fail(b: CircuitBreaker, n: int = 1) -> None:
    for _ in range(n):
        permit = b.try_acquire()
        assert permit is not None
        b.on_failure(permit)


def _succeed(b: CircuitBreaker, n: int = 1) -> None:
    for _ in range(n):
        permit = b.try_acquire()
        assert permit is not None
        b.on_success(permit)


def test_b1_needs_minimum_calls_then_opens_on_that_call() -> None:
    b = _breaker(FakeClock())  # seed 004: 5 failures, 10 minimum calls, 50 %
    _fail(b, 5)
    assert b.state is BreakerState.CLOSED  # only 5 calls so far
    _succeed(b, 4)
    assert b.state is BreakerState.CLOSED
    _succeed(b)  # 10 calls, 5 failures: 50 %, but the last one was a success
    assert b.state is BreakerState.CLOSED
    _fail(b)
    assert b.state is BreakerState.OPEN


def test_b1_mixed_sequence_opens_at_the_threshold() -> None:
    b = _breaker(FakeClock(), minimum_calls=5, failure_threshold=3, failure_rate=0.5)
    _succeed(b, 2)
    _fail(b, 2)
    _succeed(b)
    assert b.state is BreakerState.CLOSED
    _fail(b)  # 3 of 6 fail
    assert b.state is BreakerState.OPEN


def test_b2_open_rejects_without_counting() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1)
    _fail(b)
    assert b.try_acquire() is None and not b.allows()
    assert b.retry_at == pytest.approx(clock.monotonic() + 30.0)
    assert b.counts() == (1, 1)


def test_b3_reset_timing_and_failed_probe_restarts_the_wait() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1)
    _fail(b)
    clock.advance(29.999)
    assert b.state is BreakerState.OPEN
    clock.advance(0.001)
    assert b.state is BreakerState.HALF_OPEN
    _fail(b)
    assert b.state is BreakerState.OPEN
    clock.advance(29.9)
    assert b.state is BreakerState.OPEN
    clock.advance(0.1)
    assert b.state is BreakerState.HALF_OPEN


@pytest.mark.parametrize("k", [1, 4])
async def test_b4_exactly_k_probes_of_50_concurrent_callers(k: int) -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1, half_open_probes=k)
    _fail(b)
    clock.advance(30)
    release = asyncio.Event()
    ran = 0
    rejected = 0

    async def caller() -> None:
        nonlocal ran, rejected
        permit = b.try_acquire()
        if permit is None:
            rejected += 1
            return
        ran += 1
        try:
            await release.wait()
            b.on_success(permit)
        finally:
            b.release(permit)

    tasks = [asyncio.create_task(caller()) for _ in range(50)]
    await asyncio.sleep(0)
    assert (ran, rejected) == (k, 50 - k)
    release.set()
    await asyncio.gather(*tasks)
    assert b.state is (BreakerState.CLOSED if k >= 3 else BreakerState.HALF_OPEN)


def test_b5_three_successes_close_and_a_failure_after_two_reopens() -> None:
    clock = FakeClock()
    events: list[tuple[str, str, str]] = []
    b = _breaker(clock, events, minimum_calls=1, failure_threshold=1)
    _fail(b)
    clock.advance(30)
    _succeed(b, 2)
    _fail(b)
    assert b.state is BreakerState.OPEN
    clock.advance(30)
    _succeed(b, 3)
    assert b.state is BreakerState.CLOSED
    assert b.counts() == (0, 0)
    # B10: one event per real transition, none for lazy looks or no-op forces
    assert events == [
        ("deezer", "closed", "open"),
        ("deezer", "open", "half_open"),
        ("deezer", "half_open", "open"),
        ("deezer", "open", "half_open"),
        ("deezer", "half_open", "closed"),
    ]
    b.force("closed")
    assert len(events) == 5


async def test_b6_b8_cancelled_probe_frees_its_permit() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1, half_open_probes=1)
    _fail(b)
    clock.advance(30)
    started = asyncio.Event()

    async def probe() -> None:
        permit = b.try_acquire()
        assert permit is not None
        try:
            started.set()
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            b.release(permit)  # what the transport does in its BaseException branch
            raise

    task = asyncio.create_task(probe())
    await started.wait()
    assert b.try_acquire() is None
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert b.state is BreakerState.HALF_OPEN, "a cancellation is not a failure"
    assert b.try_acquire() is not None, "the permit came back"


def test_b6_ignored_outcome_frees_permit_and_stale_permits_are_ignored() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1, half_open_probes=1)
    closed_permit = b.try_acquire()
    assert closed_permit is not None
    _fail(b)
    clock.advance(30)
    probe = b.try_acquire()
    assert probe is not None
    b.release(probe)
    b.release(probe)  # twice is harmless
    assert b.allows()
    b.on_failure(closed_permit)  # a late outcome from before the trip moves nothing
    assert b.state is BreakerState.HALF_OPEN
    assert "half_open" in repr(b)


def test_b11_failures_older_than_the_window_stop_counting() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=4, failure_threshold=2)
    _fail(b)
    _succeed(b, 2)
    clock.advance(60)
    assert b.counts() == (0, 0)
    _fail(b)
    _succeed(b, 2)
    assert b.state is BreakerState.CLOSED


def test_force_and_allows_is_read_only() -> None:
    clock = FakeClock()
    b = _breaker(clock, half_open_probes=1)
    b.force(BreakerState.OPEN)
    assert b.state is BreakerState.OPEN
    clock.advance(30)
    for _ in range(5):
        assert b.allows()  # looking never uses the one probe permit
    assert b.try_acquire() is not None
    assert not b.allows()


def test_b6_a_hanging_probe_frees_its_permit_after_max_probe_time() -> None:
    clock = FakeClock()
    b = _breaker(clock, minimum_calls=1, failure_threshold=1, half_open_probes=1)
    _fail(b)
    clock.advance(30)
    hung = b.try_acquire()
    assert hung is not None
    clock.advance(9.999)
    assert b.try_acquire() is None
    clock.advance(0.001)
    assert b.allows()
    fresh = b.try_acquire()
    assert fresh is not None
    b.on_failure(hung)  # the lost probe's late answer changes nothing
    assert b.state is BreakerState.HALF_OPEN
    b.on_success(fresh)
    assert b.state is BreakerState.HALF_OPEN  # 1 of 3 successes
