"""Per-provider counters and latency percentiles, turned into ``ProviderStats`` events."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from djdesk.core.events import ProviderStats

#: Latest latencies kept for percentiles; enough for a stable p99, small enough to sort often.
_RESERVOIR = 1024


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


@dataclass(slots=True)
class ProviderMetrics:
    """Plain counters the transport bumps; reading them costs nothing on the hot path."""

    calls: int = 0
    successes: int = 0
    failures: int = 0
    retries: int = 0
    rate_limited: int = 0
    coalesced: int = 0
    cache_hits: int = 0
    #: Duplicates sent for slow answers (counted in ``calls`` too) and those that answered first.
    hedges: int = 0
    hedges_won: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=_RESERVOIR))

    def observe(self, seconds: float) -> None:
        self.latencies.append(seconds)

    def stats(self, provider: str, **live: object) -> ProviderStats:
        """A snapshot event; ``live`` carries what the orchestrator knows (rate, breaker, ...)."""
        ordered = sorted(self.latencies)
        return ProviderStats(
            provider=provider,
            calls=self.calls,
            successes=self.successes,
            failures=self.failures,
            retries=self.retries,
            rate_limited=self.rate_limited,
            coalesced=self.coalesced,
            cache_hits=self.cache_hits,
            hedges=self.hedges,
            hedges_won=self.hedges_won,
            latency_p50_ms=percentile(ordered, 50) * 1000,
            latency_p95_ms=percentile(ordered, 95) * 1000,
            latency_p99_ms=percentile(ordered, 99) * 1000,
            **live,  # type: ignore[arg-type]
        )
