"""Adaptive rate (AIMD): a provider's "slow down" halves its rate; quiet periods add it back."""

from __future__ import annotations

from djdesk.core.clock import Clock
from djdesk.core.net.ratelimit import Limiter


class AdaptiveRate:
    """Steers a limiter's rate between ``floor`` and ``ceiling`` (the configured rate).

    Multiplicative decrease on every rate-limit signal; after ``recovery_after`` quiet seconds
    (no new signal, no recent step) a success adds ``step``. Climbing is lazy, on successes, so
    no timer runs while the provider is idle.
    """

    __slots__ = (
        "_bucket",
        "_clock",
        "_last_change",
        "ceiling",
        "decrease",
        "floor",
        "recovery_after",
        "step",
    )

    def __init__(
        self,
        bucket: Limiter,
        *,
        clock: Clock,
        floor: float,
        recovery_after: float = 10.0,
        decrease: float = 0.5,
        step: float | None = None,
    ) -> None:
        self._bucket = bucket
        self._clock = clock
        self.ceiling = bucket.rate
        self.floor = min(floor, self.ceiling)
        self.recovery_after = recovery_after
        self.decrease = decrease
        self.step = step if step is not None else self.ceiling / 10
        self._last_change = clock.monotonic()

    @property
    def rate(self) -> float:
        return self._bucket.rate

    def on_rate_limited(self) -> None:
        self._bucket.set_rate(max(self.floor, self._bucket.rate * self.decrease))
        self._last_change = self._clock.monotonic()

    def on_success(self) -> None:
        rate = self._bucket.rate
        if rate >= self.ceiling:
            return
        now = self._clock.monotonic()
        if now - self._last_change >= self.recovery_after:
            self._bucket.set_rate(min(self.ceiling, rate + self.step))
            self._last_change = now
