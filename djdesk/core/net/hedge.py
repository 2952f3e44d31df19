"""Hedged requests: when an answer is late, one duplicate may go, and the first answer wins.

"The Tail at Scale" (Dean and Barroso): defer the second copy until the first has been out
longer than the provider's p95, which cuts the tail for a few percent more calls. gRPC's
``hedgingPolicy`` (``hedgingDelay``, non-fatal codes) and Envoy/Finagle's budgets bound the
extra load; tower's ``hedge`` takes the delay from a latency percentile once it has enough data.

DJDesk sends at most ONE duplicate per request, and only when it costs no one else anything:
the provider's limiter grants it now with nobody queued (and grants to spare, one for each
hedged request: its answer may need a next call, like a slow search's features, and that
call must not be the one that waits for a window hedges used up), slots are free, the
breaker is closed, and hedges stay under ``max_ratio`` of the provider's recent calls. This
module holds the config and that per-provider throttle; the race lives in ``net.hedge_race``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from djdesk.core.clock import Clock
from djdesk.core.net.metrics import ProviderMetrics, percentile


@dataclass(frozen=True, slots=True)
class HedgePolicy:
    """When to send a duplicate of a slow idempotent request, and how many of them at most.

    :param after_s: the floor of the hedging delay: never hedge an answer younger than this.
    :param percentile: the delay is this percentile of the provider's recent latencies when
        that is longer than ``after_s`` (a slow provider's normal answer is not a tail).
    :param min_samples: no hedging before this many latencies are known (the percentile of a
        handful of answers says nothing about the tail).
    :param max_ratio: hedges stay at most this fraction of the provider's calls in the last
        ``window_s`` seconds (gRPC's throttle and Envoy's budget idea: bounded extra load).
    :param window_s: what "recent" means for ``max_ratio``.
    :param spare_grants: the limiter must still have at least this many grants free after the
        hedge's, and one for each hedged request (see the module docstring).
    """

    after_s: float = 1.0
    percentile: float = 95.0
    min_samples: int = 20
    max_ratio: float = 0.1
    window_s: float = 60.0
    spare_grants: int = 1

    def __post_init__(self) -> None:
        if not self.after_s > 0:
            raise ValueError(f"after_s must be positive, got {self.after_s}")
        if not 0 < self.percentile <= 100:
            raise ValueError(f"percentile must be in (0, 100], got {self.percentile}")
        if not 0 <= self.max_ratio <= 1:
            raise ValueError(f"max_ratio must be in [0, 1], got {self.max_ratio}")
        if self.min_samples < 1 or self.spare_grants < 0 or not self.window_s > 0:
            raise ValueError("min_samples >= 1, spare_grants >= 0 and window_s > 0 are required")


#: The percentile is re-read from the latencies after this many new answers (sorting up to
#: 1024 floats on every request would be waste; a few answers barely move a p95).
_REFRESH_EVERY = 8


class HedgeThrottle:
    """One provider's hedging delay and budget; the transport asks it before each hedge."""

    __slots__ = ("_calls", "_clock", "_delay", "_hedges", "_seen", "out", "policy")

    def __init__(self, policy: HedgePolicy, *, clock: Clock) -> None:
        self.policy = policy
        self._clock = clock
        #: Send times of first copies and of hedges in the last ``window_s`` seconds.
        self._calls: deque[float] = deque()
        self._hedges: deque[float] = deque()
        self._delay: float | None = None
        self._seen = -_REFRESH_EVERY
        #: Hedges in flight now (the rest of the provider's slots in use are first copies).
        self.out = 0

    def delay(self, metrics: ProviderMetrics) -> float | None:
        """Seconds to wait for an answer before hedging, or None while too little is known."""
        known = len(metrics.latencies)
        if known < self.policy.min_samples:
            return None
        observed = metrics.calls
        if self._delay is None or observed - self._seen >= _REFRESH_EVERY:
            tail = percentile(sorted(metrics.latencies), self.policy.percentile)
            self._delay = max(self.policy.after_s, tail)
            self._seen = observed
        return self._delay

    def note_call(self) -> None:
        """A first copy went out (hedges are budgeted against these)."""
        self._calls.append(self._clock.monotonic())

    def allows(self) -> bool:
        """Would one more hedge stay within ``max_ratio`` of the recent calls?"""
        self._prune(self._clock.monotonic())
        return len(self._hedges) + 1 <= self.policy.max_ratio * len(self._calls)

    def note_hedge(self) -> None:
        self._hedges.append(self._clock.monotonic())

    def _prune(self, now: float) -> None:
        edge = now - self.policy.window_s
        for log in (self._calls, self._hedges):
            while log and log[0] <= edge:
                log.popleft()

    def __repr__(self) -> str:
        self._prune(self._clock.monotonic())
        return (
            f"<HedgeThrottle calls={len(self._calls)} hedges={len(self._hedges)} "
            f"delay={self._delay}>"
        )
