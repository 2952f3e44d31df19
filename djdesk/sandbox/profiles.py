"""Fault profiles (fast, realistic, hostile): latency, rate limits, outages and faults per provider.

A profile is data; ``ProviderGate`` applies it to one provider's requests. All randomness comes
from a ``random.Random`` seeded with (seed, provider), and all time from an injected clock, so a
run with the same seed and request order draws the same latencies and faults.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field

from djdesk.core.clock import Clock


@dataclass(frozen=True, slots=True)
class Latency:
    """Log-normal around ``median_s``; with probability ``tail_p`` a long tail up to ``tail_s``."""

    median_s: float
    sigma: float = 0.5
    tail_p: float = 0.0
    tail_s: float = 0.0

    def draw(self, rng: random.Random) -> float:
        if self.median_s <= 0:
            return 0.0
        if self.tail_p and rng.random() < self.tail_p:
            return rng.uniform(self.tail_s / 3, self.tail_s)
        return self.median_s * math.exp(rng.gauss(0.0, self.sigma))


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``requests`` per rolling ``window_s``; beyond it answer with fault ``fault``."""

    requests: int
    window_s: float
    fault: str = "rate_limit"


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    latency: dict[str, Latency] = field(default_factory=dict)
    limits: dict[str, Limit] = field(default_factory=dict)
    fault_p: float = 0.0  # per request, for the faults in ``faults``
    faults: tuple[str, ...] = ()  # names from djdesk.sandbox.faults (generic or provider-specific)
    outage_s: float = 0.0  # hostile: each provider goes down once for this long
    timeout_s: float = 20.0  # how long a "timeout" fault stalls before answering


#: Published or observed limits (see shared/apis.md); Spotify's window value is unpublished.
REALISTIC_LIMITS = {
    "deezer": Limit(50, 5.0, "quota"),
    "lastfm": Limit(5, 1.0, "rate_limit"),
    "musicbrainz": Limit(1, 1.0, "rate_limit"),
    "spotify": Limit(180, 30.0, "rate_limit"),
    "reccobeats": Limit(30, 10.0, "rate_limit"),
}
REALISTIC_LATENCY = {
    "spotify": Latency(0.09, 0.4, 0.01, 1.5),
    "spotify_accounts": Latency(0.12, 0.3),
    "deezer": Latency(0.07, 0.4, 0.01, 1.0),
    "musicbrainz": Latency(0.30, 0.5, 0.02, 3.0),
    "lastfm": Latency(0.14, 0.5, 0.02, 2.0),
    "reccobeats": Latency(0.35, 0.6, 0.05, 8.0),  # "slow at times (tens of seconds)"
}

PROFILES: dict[str, Profile] = {
    "fast": Profile("fast"),
    "realistic": Profile("realistic", REALISTIC_LATENCY, REALISTIC_LIMITS),
    "hostile": Profile(
        "hostile",
        REALISTIC_LATENCY,
        REALISTIC_LIMITS,
        fault_p=0.12,
        faults=(
            "http_500",
            "http_502",
            "http_503",
            "timeout",
            "truncated",
            "garbage",
            "wrong_content_type",
            "slow_drip",
            "missing_fields",
            "huge_retry_after",
            "quota_exceeded",
        ),
        outage_s=20.0,
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown sandbox profile {name!r}; use one of {sorted(PROFILES)}"
        ) from None


class ProviderGate:
    """Decides, per request, the latency and the fault (if any) for one provider.

    Not thread-safe: one gate lives on the sandbox's event loop.
    """

    def __init__(
        self, provider: str, profile: Profile, seed: int, clock: Clock, *, faults_known: set[str]
    ) -> None:
        self.provider = provider
        self.profile = profile
        self.clock = clock
        self.rng = random.Random(f"{seed}:{provider}")
        self.latency = profile.latency.get(provider, Latency(0.0))
        self.limit = profile.limits.get(provider)
        self._hits: deque[float] = deque()
        # The accounts host is never faulted by a profile: the demo must always log in.
        # Tests that want login failures inject them explicitly.
        spared = provider == "spotify_accounts"
        self.faults = () if spared else tuple(f for f in profile.faults if f in faults_known)
        self.injected: deque[str] = deque()
        self._outage_at: float | None = None
        self._outage_until = 0.0
        if profile.outage_s and not spared:
            self._outage_at = clock.monotonic() + self.rng.uniform(5.0, 60.0)

    def inject(self, fault: str, count: int = 1) -> None:
        """Make the next ``count`` requests answer with ``fault`` (tests, fidelity checks)."""
        self.injected.extend([fault] * count)

    def reset(self) -> None:
        self._hits.clear()
        self.injected.clear()

    def decide(self) -> tuple[float, str | None]:
        """Return (seconds to wait before answering, fault name or None) for one request."""
        if self.injected:
            return 0.0, self.injected.popleft()
        now = self.clock.monotonic()
        if self._outage_at is not None and now >= self._outage_at:
            self._outage_until = now + self.profile.outage_s
            self._outage_at = None
        if now < self._outage_until:
            return 0.0, "down"
        if self.limit is not None:
            while self._hits and self._hits[0] <= now - self.limit.window_s:
                self._hits.popleft()
            if len(self._hits) >= self.limit.requests:
                return 0.0, self.limit.fault
            self._hits.append(now)
        delay = self.latency.draw(self.rng)
        if self.faults and self.rng.random() < self.profile.fault_p:
            return delay, self.rng.choice(self.faults)
        return delay, None

    def retry_after(self) -> int:
        """Seconds until the rolling window frees a slot (at least 1), for ``Retry-After``."""
        if self.limit is None or not self._hits:
            return 1
        wait = self._hits[0] + self.limit.window_s - self.clock.monotonic()
        return max(1, math.ceil(wait))
