"""Runtime policies: known windows shape the default limits; the user's rates are used."""

from __future__ import annotations

from djdesk.core.clock import FakeClock
from djdesk.core.models import PROVIDERS
from djdesk.core.net.adaptive import AdaptiveRate
from djdesk.core.net.ratelimit import TokenBucket
from djdesk.core.runtime import KNOWN_WINDOWS, WINDOWED, build_policies
from djdesk.core.settings import Settings


def test_default_rates_stay_inside_the_published_windows() -> None:
    policies = build_policies(Settings())
    # Buckets: any W seconds see at most burst + rate * W requests, under the window's R.
    for name, requests, seconds in (("lastfm", 5, 1.0), ("musicbrainz", 1, 1.0)):
        p = policies[name]
        assert p.window is None and p.burst + p.rate * seconds <= requests + 1
        assert p.rate == 0.95 * requests / seconds and p.first_alone
    # Windowed: the published window itself, planned a little longer, with slots for all of it.
    for name in WINDOWED:
        p = policies[name]
        requests, seconds = KNOWN_WINDOWS[name]
        assert p.window is not None and p.window[0] == requests
        assert seconds < p.window[1] <= seconds * 1.05
        assert p.concurrency >= requests and p.rate == requests / p.window[1]
        assert 0 < p.window_spacing * requests < p.window[1]
    recco = policies["reccobeats"]  # slots for its multi-second tail too
    assert recco.window is not None and recco.concurrency >= recco.rate * 8
    assert not policies["spotify"].first_alone and policies["spotify"].window is None


def test_a_user_rate_under_a_known_window_stays_a_sized_bucket() -> None:
    policies = build_policies(Settings(rates={**Settings().rates, "reccobeats": 2.0}))
    recco = policies["reccobeats"]
    assert recco.window is None and recco.rate == 2.0 and recco.burst + 2.0 * 10 <= 30


def test_a_rate_set_above_a_known_window_is_honoured() -> None:
    """A mirror, a raised quota or the fast sandbox: capping it made ``[rates]`` do nothing."""
    policies = build_policies(Settings(rates=dict.fromkeys(PROVIDERS, 200.0)))
    assert {name: p.rate for name, p in policies.items()} == dict.fromkeys(PROVIDERS, 200.0)
    assert policies["musicbrainz"].concurrency >= 200
    raised = build_policies(Settings(rates={**Settings().rates, "reccobeats": 4.0}))
    assert raised["reccobeats"].rate == 4.0
    lowered = build_policies(Settings(rates={**Settings().rates, "deezer": 4.0}))
    assert lowered["deezer"].rate == 4.0  # the user's own lower rate is kept


def test_only_reccobeats_hedges_its_slow_answers() -> None:
    """Its long tail ends Deezer-sourced runs; the others finish early or have no grant to spare."""
    for settings in (Settings(), Settings(rates={**Settings().rates, "reccobeats": 2.0})):
        policies = build_policies(settings)
        hedging = {name for name, p in policies.items() if p.hedge is not None}
        assert hedging == {"reccobeats"}
        hedge = policies["reccobeats"].hedge
        assert hedge is not None and hedge.after_s >= 1.0 and hedge.percentile == 95.0
        assert hedge.max_ratio <= 0.1 and hedge.spare_grants >= 1


def _seconds_back_to_full_rate(name: str) -> float:
    """One 429, then a success every 0.1 s: how long until the limiter is back at its rate."""
    policy = build_policies(Settings())[name]
    clock = FakeClock()
    bucket = TokenBucket(policy.rate, policy.burst, clock=clock)
    adaptive = AdaptiveRate(
        bucket, clock=clock, floor=policy.rate_floor, recovery_after=policy.recovery_after
    )
    adaptive.on_rate_limited()
    start = clock.monotonic()
    while bucket.rate < policy.rate:
        clock.advance(0.1)
        adaptive.on_success()
    return clock.monotonic() - start


def test_a_lone_429_under_a_one_second_window_costs_seconds_not_a_minute() -> None:
    """Paced at 95 % of Last.fm's 5 per second, a 429 is jitter: the rate climbs back after a
    few quiet windows (it took 50 s with the net default, ~15 s of a 42 s run)."""
    assert _seconds_back_to_full_rate("lastfm") <= 20 * KNOWN_WINDOWS["lastfm"][1]
    assert _seconds_back_to_full_rate("musicbrainz") <= 20 * KNOWN_WINDOWS["musicbrainz"][1]
    # Spotify's window is unknown and it answers with long Retry-Afters: the cautious default.
    assert _seconds_back_to_full_rate("spotify") >= 50
