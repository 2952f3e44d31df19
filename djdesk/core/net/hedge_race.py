"""The hedged exchange: a first copy, maybe one duplicate after a delay, the first answer wins.

Kept apart from ``transport`` so the common path there stays one straight ``await``: only a
provider whose policy hedges pays for a task and a timer per request.

Rules of the race (gRPC's hedging semantics, one duplicate at most):
- The duplicate goes only if ``try_hedge`` can take everything it needs at once, without
  waiting: call budget, hedge budget, a closed breaker, free slots, limiter grants with spares.
- An answer is final unless it is "non-fatal" (a transport error or a transient 5xx verdict)
  while the other copy is still out: then the other copy may still bring a good one.
- The loser is cancelled and awaited, its breaker permit released (a cancelled call is no
  failure) and its slot freed; no task is left pending, no exception left unretrieved.
- Every permit the race does not hand back is settled here; the one handed back (with the
  winning response, or with the last error) is the caller's to settle as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NamedTuple

import httpx

from djdesk.core.net.breaker import BreakerState, Permit
from djdesk.core.net.lane import ProviderLane
from djdesk.core.net.policy import Verdict, classify
from djdesk.core.net.timer import call_later

Fetch = Callable[[], Awaitable[httpx.Response]]


class Exchange(NamedTuple):
    """What the race hands back: a response or the error to raise, with its permit and start."""

    result: httpx.Response | BaseException
    permit: Permit
    started: float


class _Copy:
    """One copy in flight: its task, breaker permit, send time and whether it is the hedge."""

    __slots__ = ("hedge", "permit", "started", "task")

    def __init__(
        self, task: asyncio.Task[httpx.Response], permit: Permit, started: float, hedge: bool
    ) -> None:
        self.task = task
        self.permit = permit
        self.started = started
        self.hedge = hedge


def try_hedge(lane: ProviderLane) -> Permit | None:
    """Take a duplicate's slots, grants and permit now, or nothing at all (never waits).

    Synchronous on purpose: no other task runs between a check and its take.
    """
    hub, throttle = lane.hub, lane.hedges
    if throttle is None or not throttle.allows() or not hub.budget.can_make(lane.name):
        return None
    now = hub.clock.monotonic()
    if lane.paused_until > now or lane.breaker.state is not BreakerState.CLOSED:
        return None  # a half-open breaker's probes are for finding out, not for racing
    # a grant to spare for each hedged request (this one too): its answer may need a next
    # call (a slow search's features), which must not wait for a window hedges used up
    spare = max(throttle.policy.spare_grants, throttle.out + 1)
    buckets = [lane.bucket] if hub.global_bucket is None else [lane.bucket, hub.global_bucket]
    if not all(b.has_capacity() and b.tokens() >= 1 + spare - 1e-9 for b in buckets):
        return None
    if not lane.sem.try_acquire():
        return None
    if not hub.global_sem.try_acquire():
        lane.sem.release()
        return None
    for bucket in buckets:
        bucket.try_acquire()  # free and nobody queued (checked above, nothing ran since)
    permit = lane.breaker.try_acquire()
    assert permit is not None  # closed breakers always admit
    hub.budget.record(lane.name)
    throttle.note_hedge()
    throttle.out += 1
    lane.metrics.calls += 1
    lane.metrics.hedges += 1
    return permit


def _non_fatal(lane: ProviderLane, task: asyncio.Task[httpx.Response]) -> bool:
    """An answer the other copy may still beat: a transport error or a transient verdict."""
    if task.cancelled():
        return True
    exc = task.exception()
    if exc is not None:
        return isinstance(exc, (httpx.TransportError, httpx.DecodingError))
    return classify(task.result(), lane.policy.classify).verdict is Verdict.RETRY


async def hedged_exchange(
    lane: ProviderLane, fetch: Fetch, permit: Permit, started: float, delay: float
) -> Exchange:
    """Run ``fetch`` (the first copy, holding ``permit``); after ``delay`` maybe a duplicate."""
    clock = lane.hub.clock
    loop = asyncio.get_running_loop()
    copies = [_Copy(loop.create_task(fetch()), permit, started, hedge=False)]
    fired: asyncio.Future[None] = loop.create_future()
    timer = call_later(clock, max(0.0, started + delay - clock.monotonic()), lambda: _fire(fired))
    answer: Exchange | None = None
    try:
        await asyncio.wait({copies[0].task, fired}, return_when=asyncio.FIRST_COMPLETED)
        if not copies[0].task.done():
            hedge_permit = try_hedge(lane)
            if hedge_permit is not None:
                task = loop.create_task(fetch())
                # a done callback, not a ``finally``: it runs even for a task cancelled before
                # its first step, whose coroutine never starts
                task.add_done_callback(lambda _: _hedge_done(lane))
                copies.append(_Copy(task, hedge_permit, clock.monotonic(), hedge=True))
        answer = await _first_answer(lane, copies)
        return answer
    finally:
        timer.cancel()
        if not fired.done():
            fired.cancel()
        await _cancel_rest(lane, copies, None if answer is None else answer.permit)


def _fire(fired: asyncio.Future[None]) -> None:
    if not fired.done():
        fired.set_result(None)


def _hedge_done(lane: ProviderLane) -> None:
    """The hedge is back or gone: free its slots (the first copy's are the caller's)."""
    if lane.hedges is not None:
        lane.hedges.out -= 1
    lane.sem.release()
    lane.hub.global_sem.release()


async def _first_answer(lane: ProviderLane, copies: list[_Copy]) -> Exchange:
    """Wait for a final answer; settle the permits of non-fatal answers that were beaten."""
    metrics, clock = lane.metrics, lane.hub.clock
    first = copies[0]
    out = {c.task: c for c in copies}
    while True:
        done, _ = await asyncio.wait(out, return_when=asyncio.FIRST_COMPLETED)
        # the first copy before the hedge when both finished in one turn: deterministic
        for copy in [c for c in copies if c.task in done]:
            del out[copy.task]
            task = copy.task
            if task.cancelled():  # not by us: nothing came back, and it is no failure
                lane.breaker.release(copy.permit)
                if out:
                    continue
                raise asyncio.CancelledError
            exc = task.exception()
            if out and _non_fatal(lane, task):
                lane.breaker.on_failure(copy.permit)
                if exc is None:
                    metrics.observe(clock.monotonic() - copy.started)
                continue
            if copy.hedge and not _non_fatal(lane, task):  # a good answer, not just the last
                metrics.hedges_won += 1
                if first.task in out:
                    # the first copy's wait so far: a lower bound on its latency, kept so the
                    # percentile is not pulled down by the slow answers hedging cut short
                    metrics.observe(clock.monotonic() - first.started)
            return Exchange(exc if exc is not None else task.result(), copy.permit, copy.started)


async def _cancel_rest(lane: ProviderLane, copies: list[_Copy], kept: Permit | None) -> None:
    """Cancel the copies still out, wait until they are gone, free every permit but ``kept``."""
    left = [c.task for c in copies if not c.task.done()]
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left)
    for copy in copies:
        if copy.permit is not kept:
            lane.breaker.release(copy.permit)  # a no-op for permits already settled
        if not copy.task.cancelled():
            copy.task.exception()  # retrieved, even for a copy that lost in the same turn
