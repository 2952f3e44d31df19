"""Running counters for one provider of the fake run, published as ``ProviderStats`` snapshots.

Apart from ``fake_services`` so the fake engine's file holds the engine; the numbers follow the
orchestrator's meaning (calls sent, answers, failures, cache hits) so the panel is fed real shapes.
"""

from __future__ import annotations

import time

from djdesk.core.events import ProviderStats
from djdesk.core.settings import DEFAULT_RATES


class ProviderCounters:
    """Running counters for one fake provider, published as ``ProviderStats`` snapshots."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.total = 0
        self.calls = self.ok = self.failed = self.hits = self.coalesced = 0
        self.retries = self.limited = 0
        self.breaker = "closed"
        self.started = time.monotonic()

    def record(self, tid: int, *, hit: bool, ok: bool) -> None:
        if hit:
            self.hits += 1
            return
        self.calls += 1
        self.ok += ok
        self.failed += not ok
        self.coalesced += tid % 11 == 0
        self.retries += tid % 17 == 0
        self.limited += self.provider == "lastfm" and tid % 29 == 0

    def snapshot(self) -> ProviderStats:
        elapsed = max(time.monotonic() - self.started, 1e-3)
        limit = DEFAULT_RATES.get(self.provider, 5.0)
        return ProviderStats(
            provider=self.provider,
            calls=self.calls,
            successes=self.ok,
            failures=self.failed,
            retries=self.retries,
            rate_limited=self.limited,
            coalesced=self.coalesced,
            cache_hits=self.hits,
            pending=max(self.total - self.calls - self.hits, 0),
            rate=min(self.calls / elapsed, limit),
            rate_limit=limit,
            breaker=self.breaker,
            budget_left=max(2000 - self.calls, 0),
            latency_p50_ms=40.0 + 10 * len(self.provider),
            latency_p95_ms=120.0 + 25 * len(self.provider),
        )
