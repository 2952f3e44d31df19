"""Limiters with priorities, woken by one timer on an injected clock (aiolimiter's shape).

Why not aiolimiter itself: DJDesk needs priority classes (a click beats background work),
an adaptive rate that a 429 can cut and block for a cooldown, and one shared injected clock
so every limit is testable on fake time. aiolimiter orders its heap by amount and reads the
loop clock, so it gives none of the three.

``Limiter`` holds what every limit shares (the waiter heap, the one timer, cooldowns,
refunds); a subclass says only when the next grant may happen: ``TokenBucket`` here (a rate
and a burst) and ``net.window.WindowLimiter`` (R grants in any W seconds).

Invariants:
- Waiters sit in a heap ordered by ``(priority, arrival)``; exactly one timer is armed while
  anyone waits; nothing polls.
- A cooldown (``block_until``) grants nothing before its end and then resumes at the rate,
  not as a burst.
- The minimum timer delay (and the bucket's epsilon) keep a quantized clock from spinning on
  float dust (reliability.md §0.3: aiolimiter scheduled a wake-up 7e-16 s ahead, which a 1 µs
  clock rounds to "now", forever).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.net.timer import Cancellable, call_later

#: Float dust below which a token counts as whole (see the module docstring).
_EPS = 1e-9
#: A timer is never armed closer than this, so a quantized clock always moves a tick.
_MIN_DELAY = 1e-6


class Limiter:
    """The waiting half of a limiter: priorities, one timer, cooldowns, cancellation refunds.

    Subclasses implement ``_can_grant``, ``_take``, ``_refund``, ``_next_grant_at`` and the
    steering (``rate``, ``burst``, ``tokens``, ``set_rate``, ``_cooldown``).
    """

    __slots__ = (
        "_blocked_until",
        "_clock",
        "_live",
        "_seq",
        "_timer",
        "_timer_at",
        "_waiters",
        "granted",
        "name",
        "wakeups",
    )

    def __init__(self, *, clock: Clock | None, name: str) -> None:
        self._clock: Clock = clock or SystemClock()
        self._blocked_until = -math.inf
        self._waiters: list[tuple[int, int, asyncio.Future[object]]] = []
        self._seq = itertools.count()
        self._live = 0
        self._timer: Cancellable | None = None
        self._timer_at = math.inf
        self.name = name
        #: Timer firings and grants so far; tests bound wake-ups per grant with these.
        self.wakeups = 0
        self.granted = 0

    # -- what a subclass decides -----------------------------------------------------------

    @property
    def rate(self) -> float:
        raise NotImplementedError

    @property
    def burst(self) -> int:
        raise NotImplementedError

    def tokens(self) -> float:
        """Grants available now (0 while blocked)."""
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        raise NotImplementedError

    def _can_grant(self, now: float) -> bool:
        raise NotImplementedError

    def _take(self, now: float) -> object:
        """Record one grant at ``now``; what it returns is handed back to ``_refund``."""
        raise NotImplementedError

    def _refund(self, grant: object) -> None:
        raise NotImplementedError

    def _next_grant_at(self, now: float) -> float:
        raise NotImplementedError

    def _cooldown(self, until: float) -> None:
        """Shape the state so that one grant goes at ``until`` and the rest follow the rate."""
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Callers parked in ``acquire`` right now (cancelled ones excluded)."""
        return self._live

    @property
    def blocked_until(self) -> float | None:
        """Monotonic time a cooldown ends, or None when not blocked."""
        now = self._clock.monotonic()
        return self._blocked_until if self._blocked_until > now else None

    def has_capacity(self) -> bool:
        """Would ``acquire()`` return at once? Never consumes anything."""
        return not self._live and self._can_grant(self._clock.monotonic())

    # -- acquiring -------------------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Take a grant if one is free and nobody is queued; never waits."""
        now = self._clock.monotonic()
        if self._live or not self._can_grant(now):
            return False
        self._grant(now)
        return True

    async def acquire(self, priority: int = 1) -> None:
        """Wait for a grant; lower ``priority`` goes first, FIFO within a priority.

        A caller cancelled after its grant but before it resumed gives the grant back.
        """
        now = self._clock.monotonic()
        if not self._live and self._can_grant(now):
            self._grant(now)
            return
        fut: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), fut))
        self._live += 1
        self._arm(now)
        try:
            await fut
        except BaseException:
            if fut.cancelled():
                self._live -= 1
                if not self._live:
                    self._disarm()
            elif fut.exception() is None:  # granted, then cancelled before resuming: refund
                self.granted -= 1
                self._refund(fut.result())
                self._wake(count=False)
            raise

    def _grant(self, now: float) -> object:
        self.granted += 1
        return self._take(now)

    def _wake(self, *, count: bool = True) -> None:
        self._timer = None
        self._timer_at = math.inf
        if count:
            self.wakeups += 1
        now = self._clock.monotonic()
        waiters = self._waiters
        while waiters:
            fut = waiters[0][2]
            if fut.done():
                heapq.heappop(waiters)
                continue
            if not self._can_grant(now):
                break
            heapq.heappop(waiters)
            self._live -= 1
            fut.set_result(self._grant(now))
        if self._live:
            self._arm(now)

    def _arm(self, now: float) -> None:
        at = self._next_grant_at(now)
        if at == math.inf:
            self._disarm()
            return
        at = max(at, now + _MIN_DELAY)
        if self._timer is not None:
            if self._timer_at <= at:
                return
            self._timer.cancel()
        self._timer_at = at
        self._timer = call_later(self._clock, at - now, self._wake)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_at = math.inf

    def _rearm(self, now: float) -> None:
        """After the rules changed (a new rate, a cooldown): waiters get a fresh wake-up."""
        if self._live:
            self._disarm()
            self._arm(now)

    # -- steering (adaptive rate, cooldowns) -----------------------------------------------

    def block_until(self, until: float) -> None:
        """Grant nothing before monotonic ``until`` (a provider cooldown), then resume at rate."""
        now = self._clock.monotonic()
        if until <= max(now, self._blocked_until):
            return
        self._cooldown(until)
        self._blocked_until = until
        self._rearm(now)

    def reject_waiters(self, exc: BaseException) -> int:
        """Fail every queued caller with ``exc`` (a long pause); returns how many."""
        failed = 0
        for _, _, fut in self._waiters:
            if not fut.done():
                fut.set_exception(exc)
                failed += 1
        self._waiters.clear()
        self._live = 0
        self._disarm()
        return failed

    def _describe(self, now: float) -> list[str]:
        parts = [f"waiting={self._live}"]
        if self._blocked_until > now:
            parts.append(f"blocked_for={self._blocked_until - now:.3f}s")
        if self._timer is not None:
            parts.append(f"waking in {(self._timer_at - now) * 1e6:.0f} µs")
        return parts


class TokenBucket(Limiter):
    """``rate`` tokens per second refill a bucket of ``burst``; each call takes one token.

    A bucket lets ``burst + rate * W`` calls into any W seconds; where a provider counts a
    fixed window, ``net.window.WindowLimiter`` uses the whole window instead.

    Tokens never exceed ``burst`` and do not accrue while blocked (a cooldown); a cooldown
    ends with exactly one token. A grant happens when ``tokens >= 1 - _EPS``.

    :param rate: tokens per second (0 means: only the initial burst, then wait for ``set_rate``).
    :param burst: bucket size, i.e. how many calls may go at once after a quiet spell.
    :param clock: the injected clock (``clock.monotonic()`` for the math, timers through it).
    :param name: shown in ``repr``.
    """

    __slots__ = ("_burst", "_last", "_rate", "_tokens")

    def __init__(
        self, rate: float, burst: int, *, clock: Clock | None = None, name: str = ""
    ) -> None:
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        if rate < 0 or math.isnan(rate):
            raise ValueError(f"rate must be >= 0, got {rate}")
        super().__init__(clock=clock, name=name)
        self._rate = float(rate)
        self._burst = int(burst)
        self._tokens = float(burst)
        self._last = self._clock.monotonic()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> int:
        return self._burst

    def tokens(self) -> float:
        now = self._clock.monotonic()
        self._refill(now)
        return self._tokens if now >= self._blocked_until else 0.0

    def _refill(self, now: float) -> None:
        if now <= self._last:  # a clock that stepped back creates nothing (Go JumpBackwards)
            return
        start = max(self._last, self._blocked_until)
        if now > start:
            self._tokens = min(float(self._burst), self._tokens + (now - start) * self._rate)
        self._last = now

    def _can_grant(self, now: float) -> bool:
        self._refill(now)
        return now >= self._blocked_until and self._tokens >= 1.0 - _EPS

    def _take(self, now: float) -> object:
        self._tokens -= 1.0
        return None

    def _refund(self, grant: object) -> None:
        self._tokens = min(float(self._burst), self._tokens + 1.0)

    def _next_grant_at(self, now: float) -> float:
        self._refill(now)
        start = max(now, self._blocked_until)
        missing = 1.0 - self._tokens
        if missing <= _EPS:
            return start
        if self._rate <= 0:
            return math.inf
        return start + missing / self._rate

    def set_rate(self, rate: float) -> None:
        """Change the refill rate from now on; waiters are rescheduled."""
        if rate < 0 or math.isnan(rate):
            raise ValueError(f"rate must be >= 0, got {rate}")
        now = self._clock.monotonic()
        self._refill(now)
        self._rate = float(rate)
        self._rearm(now)

    def _cooldown(self, until: float) -> None:
        self._refill(self._clock.monotonic())
        self._tokens = 1.0  # the first caller goes right at ``until``; the rest follow the rate

    def __repr__(self) -> str:
        now = self._clock.monotonic()
        self._refill(now)
        parts = [f"rate={self._rate:g}/s", f"burst={self._burst}", f"tokens={self._tokens:.2f}"]
        name = f" {self.name}" if self.name else ""
        return f"<TokenBucket{name} {' '.join(parts + self._describe(now))}>"
