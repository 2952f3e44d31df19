"""A sliding-window log limiter: at most R grants in any W seconds, R of them at once if free.

Why not a token bucket for a provider that counts a window: a bucket lets ``burst + rate * W``
into any window, so to stay under R it must pace at about R / W with a burst of one, and N calls
take N / rate, while the window allows R at once and N calls in ``(ceil(N / R) - 1) * W``.
The log keeps the last R grant times (pyrate-limiter's exact sliding-window check, R <= 50
here, so a deque is plenty) and grants when the R-th most recent is a window old.

Two choices that keep it under a real server's count:
- Grants are stamped with the clock when they happen, so a wake-up the loop runs late pushes
  the next window later instead of being caught up (a bucket's tokens accrue while the loop is
  busy, and the catch-up sends arrive bunched).
- A cooldown rewrites the log as if the last R - 1 grants had been evenly paced up to its end:
  one call goes at the end, the rest follow at R / W, never a full window at once into a
  server that has just said "slow down".
"""

from __future__ import annotations

import contextlib
import math
from collections import deque

from djdesk.core.clock import Clock
from djdesk.core.net.ratelimit import _EPS, Limiter


class WindowLimiter(Limiter):
    """At most ``requests`` grants in any ``window`` seconds (a rolling window, like the server's).

    The adaptive rate steers it through ``set_rate``: a lower rate r keeps the window's shape
    with fewer grants, ``max(1, floor(r * window))`` per ``that / r`` seconds, so it never lets
    more through than the configured window, and ``set_rate(rate)`` restores it exactly.

    :param requests: R, grants allowed in any window.
    :param window: W in seconds (include any safety margin: the server's clock is not ours).
    :param spacing: at least this many seconds between two grants, so a free window leaves as
        a quick run rather than all in one loop turn (a burst's last calls wait for
        connections and in the server's queue, and slow every other provider's sends).
    """

    __slots__ = ("_limit", "_requests", "_spacing", "_span", "_stamps", "_window")

    def __init__(
        self,
        requests: int,
        window: float,
        *,
        spacing: float = 0.0,
        clock: Clock | None = None,
        name: str = "",
    ) -> None:
        if requests < 1:
            raise ValueError(f"requests must be at least 1, got {requests}")
        if not window > 0 or math.isinf(window):
            raise ValueError(f"window must be a positive number of seconds, got {window}")
        if not 0 <= spacing <= window / requests:
            raise ValueError(f"spacing must be between 0 and window / requests, got {spacing}")
        self._spacing = float(spacing)
        super().__init__(clock=clock, name=name)
        self._requests = int(requests)
        self._window = float(window)
        #: The limit in force now: ``_limit`` grants in any ``_span`` seconds.
        self._limit = self._requests
        self._span = self._window
        self._stamps: deque[float] = deque(maxlen=self._requests)

    # -- state -----------------------------------------------------------------------------

    @property
    def rate(self) -> float:
        return self._limit / self._span

    @property
    def burst(self) -> int:
        return self._limit

    @property
    def window(self) -> tuple[int, float]:
        """The limit in force now: (grants, seconds)."""
        return self._limit, self._span

    def tokens(self) -> float:
        now = self._clock.monotonic()
        if now < self._blocked_until:
            return 0.0
        edge = now - self._span + _EPS
        return float(self._limit - sum(1 for t in self._stamps if t > edge))

    # -- the rule --------------------------------------------------------------------------

    def _free_at(self) -> float:
        """When the window next has room: the ``_limit``-th most recent grant plus the span
        (and the last grant plus the spacing)."""
        stamps = self._stamps
        if not stamps:
            return -math.inf
        paced = stamps[-1] + self._spacing
        if len(stamps) < self._limit:
            return paced
        return max(paced, stamps[-self._limit] + self._span)

    def _can_grant(self, now: float) -> bool:
        return now >= self._blocked_until and self._free_at() <= now + _EPS

    def _take(self, now: float) -> object:
        stamps = self._stamps
        # A clock that stepped back must not open room: stamps stay in order (the later one).
        stamp = max(now, stamps[-1]) if stamps else now
        stamps.append(stamp)
        return stamp

    def _refund(self, grant: object) -> None:
        if isinstance(grant, (int, float)):
            # Already pushed out of the log by later grants: nothing to give back.
            with contextlib.suppress(ValueError):
                self._stamps.remove(grant)

    def _next_grant_at(self, now: float) -> float:
        return max(now, self._blocked_until, self._free_at())

    # -- steering --------------------------------------------------------------------------

    def set_rate(self, rate: float) -> None:
        """Steer to ``rate`` per second, as whole grants per (possibly longer) window."""
        if rate < 0 or math.isnan(rate):
            raise ValueError(f"rate must be >= 0, got {rate}")
        now = self._clock.monotonic()
        configured = self._requests / self._window
        if rate <= 0:  # like a bucket at rate 0: what the log allows now, then nothing
            self._limit, self._span = self._requests, math.inf
        elif rate >= configured - _EPS:
            if rate > configured + _EPS:  # above the configured window (a raised quota)
                self._requests = max(self._requests, math.floor(rate * self._window + _EPS))
                self._window = self._requests / rate
                self._stamps = deque(self._stamps, maxlen=self._requests)
            self._limit, self._span = self._requests, self._window
        else:
            self._limit = max(1, math.floor(rate * self._window + _EPS))
            self._span = self._limit / rate
        self._rearm(now)

    def _cooldown(self, until: float) -> None:
        limit, span = self._limit, self._span
        if math.isinf(span):
            return
        paced = [until - span + k * span / limit for k in range(1, limit)]
        self._stamps = deque(sorted([*self._stamps, *paced])[-self._requests :], self._requests)

    def __repr__(self) -> str:
        now = self._clock.monotonic()
        parts = [f"limit={self._limit}/{self._span:g}s", f"free={self.tokens():g}"]
        name = f" {self.name}" if self.name else ""
        return f"<WindowLimiter{name} {' '.join(parts + self._describe(now))}>"
