"""R3: with the default policies, no provider ever sees more than its window limit (property)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from djdesk.core.net.policy import DEFAULT_POLICIES
from djdesk.core.net.ratelimit import TokenBucket
from tests.core.net.vclock import VirtualClock

#: (provider, window seconds, max requests in any window): reliability.md §1.4 R3.
WINDOWS = [
    ("spotify", 30.0, 90),  # Spotify's rolling 30 s window; DJDesk's own budget
    ("musicbrainz", 1.0, 1),
    ("musicbrainz", 10.0, 10),
    ("lastfm", 1.0, 5),
    ("deezer", 5.0, 50),
]

arrivals = st.lists(
    st.tuples(st.floats(min_value=0.0, max_value=40.0, allow_nan=False), st.integers(1, 30)),
    min_size=1,
    max_size=25,
)


def _max_in_window(grants: list[float], window: float) -> int:
    grants = sorted(grants)
    best = 0
    j = 0
    for i, start in enumerate(grants):
        j = max(j, i)
        while j < len(grants) and grants[j] < start + window - 1e-9:
            j += 1
        best = max(best, j - i)
    return best


async def _simulate(provider: str, pattern: list[tuple[float, int]]) -> list[float]:
    policy = DEFAULT_POLICIES[provider]
    clock = VirtualClock(start=0.0)
    bucket = TokenBucket(policy.rate, policy.burst, clock=clock)
    grants: list[float] = []

    async def caller(at: float) -> None:
        await clock.sleep(at)
        await bucket.acquire()
        grants.append(clock.monotonic())

    tasks = [asyncio.create_task(caller(at)) for at, n in pattern for _ in range(n)]
    total = len(tasks)
    await clock.run_until(40.0 + total / policy.rate + 1.0)
    await asyncio.gather(*tasks)
    return grants


@pytest.mark.parametrize(("provider", "window", "limit"), WINDOWS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=arrivals)
def test_r3_no_window_ever_exceeds_the_provider_limit(
    provider: str, window: float, limit: int, pattern: list[tuple[float, int]]
) -> None:
    grants = asyncio.run(_simulate(provider, pattern))
    assert len(grants) == sum(n for _, n in pattern)
    assert _max_in_window(grants, window) <= limit


def test_window_counter_itself() -> None:
    assert _max_in_window([0.0, 0.5, 1.0, 1.5], 1.0) == 2
    assert _max_in_window([0.0, 1.0, 2.0], 1.0) == 1
