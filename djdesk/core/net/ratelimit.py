"""Token buckets with priorities, woken by one timer on an injected clock (aiolimiter's shape).

Why not aiolimiter itself: DJDesk needs priority classes (a click beats background work),
an adaptive rate that a 429 can cut and block for a cooldown, and one shared injected clock
so every limit is testable on fake time. aiolimiter orders its heap by amount and reads the
loop clock, so it gives none of the three.

Invariants:
- ``_tokens`` never exceeds ``burst``; tokens do not accrue while blocked (a cooldown), and a
  cooldown ends with exactly one token, so traffic resumes at the rate, not as a burst.
- Waiters sit in a heap ordered by ``(priority, arrival)``; exactly one timer is armed while
  anyone waits; nothing polls.
- A grant happens when ``tokens >= 1 - _EPS``. The epsilon and the minimum timer delay keep a
  quantized clock from spinning on float dust (reliability.md §0.3: aiolimiter scheduled a
  wake-up 7e-16 s ahead, which a 1 µs clock rounds to "now", forever).
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


class TokenBucket:
    """``rate`` tokens per second refill a bucket of ``burst``; each call takes one token.

    :param rate: tokens per second (0 means: only the initial burst, then wait for ``set_rate``).
    :param burst: bucket size, i.e. how many calls may go at once after a quiet spell.
    :param clock: the injected clock (``clock.monotonic()`` for the math, timers through it).
    :param name: shown in ``repr``.
    """

    __slots__ = (
        "_blocked_until",
        "_burst",
        "_clock",
        "_last",
        "_live",
        "_rate",
        "_seq",
        "_timer",
        "_timer_at",
        "_tokens",
        "_waiters",
        "granted",
        "name",
        "wakeups",
    )

    def __init__(
        self, rate: float, burst: int, *, clock: Clock | None = None, name: str = ""
    ) -> None:
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        if rate < 0 or math.isnan(rate):
            raise ValueError(f"rate must be >= 0, got {rate}")
        self._clock: Clock = clock or SystemClock()
        self._rate = float(rate)
        self._burst = int(burst)
        self._tokens = float(burst)
        self._last = self._clock.monotonic()
        self._blocked_until = -math.inf
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._live = 0
        self._timer: Cancellable | None = None
        self._timer_at = math.inf
        self.name = name
        #: Timer firings and grants so far; tests bound wake-ups per grant with these.
        self.wakeups = 0
        self.granted = 0

    # -- state -----------------------------------------------------------------------------

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> int:
        return self._burst

    @property
    def waiting(self) -> int:
        """Callers parked in ``acquire`` right now (cancelled ones excluded)."""
        return self._live

    @property
    def blocked_until(self) -> float | None:
        """Monotonic time a cooldown ends, or None when not blocked."""
        now = self._clock.monotonic()
        return self._blocked_until if self._blocked_until > now else None

    def tokens(self) -> float:
        """Tokens available now (0 while blocked)."""
        now = self._clock.monotonic()
        self._refill(now)
        return self._tokens if now >= self._blocked_until else 0.0

    def has_capacity(self) -> bool:
        """Would ``acquire()`` return at once? Never consumes anything."""
        now = self._clock.monotonic()
        self._refill(now)
        return not self._live and self._can_grant(now)

    def _refill(self, now: float) -> None:
        if now <= self._last:  # a clock that stepped back creates nothing (Go JumpBackwards)
            return
        start = max(self._last, self._blocked_until)
        if now > start:
            self._tokens = min(float(self._burst), self._tokens + (now - start) * self._rate)
        self._last = now

    def _can_grant(self, now: float) -> bool:
        return now >= self._blocked_until and self._tokens >= 1.0 - _EPS

    # -- acquiring -------------------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Take a token if one is free and nobody is queued; never waits."""
        now = self._clock.monotonic()
        self._refill(now)
        if self._live or not self._can_grant(now):
            return False
        self._take()
        return True

    async def acquire(self, priority: int = 1) -> None:
        """Wait for a token; lower ``priority`` goes first, FIFO within a priority.

        A caller cancelled after its grant but before it resumed gives the token back.
        """
        now = self._clock.monotonic()
        self._refill(now)
        if not self._live and self._can_grant(now):
            self._take()
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
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
                self._tokens = min(float(self._burst), self._tokens + 1.0)
                self._wake(count=False)
            raise

    def _take(self) -> None:
        self._tokens -= 1.0
        self.granted += 1

    def _wake(self, *, count: bool = True) -> None:
        self._timer = None
        self._timer_at = math.inf
        if count:
            self.wakeups += 1
        now = self._clock.monotonic()
        self._refill(now)
        waiters = self._waiters
        while waiters:
            fut = waiters[0][2]
            if fut.done():
                heapq.heappop(waiters)
                continue
            if not self._can_grant(now):
                break
            heapq.heappop(waiters)
            self._take()
            self._live -= 1
            fut.set_result(None)
        if self._live:
            self._arm(now)

    def _next_grant_at(self, now: float) -> float:
        start = max(now, self._blocked_until)
        missing = 1.0 - self._tokens
        if missing <= _EPS:
            return start
        if self._rate <= 0:
            return math.inf
        return start + missing / self._rate

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

    # -- steering (adaptive rate, cooldowns) -----------------------------------------------

    def set_rate(self, rate: float) -> None:
        """Change the refill rate from now on; waiters are rescheduled."""
        if rate < 0 or math.isnan(rate):
            raise ValueError(f"rate must be >= 0, got {rate}")
        now = self._clock.monotonic()
        self._refill(now)
        self._rate = float(rate)
        if self._live:
            self._disarm()
            self._arm(now)

    def block_until(self, until: float) -> None:
        """Grant nothing before monotonic ``until`` (a provider cooldown), then resume at rate."""
        now = self._clock.monotonic()
        self._refill(now)
        if until <= max(now, self._blocked_until):
            return
        self._blocked_until = until
        self._tokens = 1.0  # the first caller goes right at ``until``; the rest follow the rate
        if self._live:
            self._disarm()
            self._arm(now)

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

    def __repr__(self) -> str:
        now = self._clock.monotonic()
        self._refill(now)
        parts = [
            f"rate={self._rate:g}/s",
            f"burst={self._burst}",
            f"tokens={self._tokens:.2f}",
            f"waiting={self._live}",
        ]
        if self._blocked_until > now:
            parts.append(f"blocked_for={self._blocked_until - now:.3f}s")
        if self._timer is not None:
            parts.append(f"waking in {(self._timer_at - now) * 1e6:.0f} µs")
        name = f" {self.name}" if self.name else ""
        return f"<TokenBucket{name} {' '.join(parts)}>"
