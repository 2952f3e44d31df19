"""Profiles: seeded and reproducible, realistic limits answer with each API's throttle body."""

from __future__ import annotations

import httpx
import pytest

from djdesk.core.clock import FakeClock
from djdesk.sandbox import Catalog, Sandbox
from djdesk.sandbox.faults import known_faults
from djdesk.sandbox.profiles import PROFILES, Limit, Profile, ProviderGate, get_profile


def _gate(
    profile: str, provider: str, seed: int = 1, clock: FakeClock | None = None
) -> ProviderGate:
    return ProviderGate(
        provider,
        get_profile(profile),
        seed,
        clock or FakeClock(),
        faults_known=known_faults(provider),
    )


def test_fast_has_no_latency_limits_or_faults() -> None:
    gate = _gate("fast", "deezer")
    assert {gate.decide() for _ in range(500)} == {(0.0, None)}


def test_same_seed_draws_the_same_latencies_and_faults() -> None:
    a = [_gate("hostile", "reccobeats", 5).decide() for _ in range(1)]
    g1, g2, g3 = (_gate("hostile", "lastfm", s) for s in (5, 5, 6))
    seq1 = [g1.decide() for _ in range(300)]
    assert seq1 == [g2.decide() for _ in range(300)]
    assert seq1 != [g3.decide() for _ in range(300)]
    assert a  # the first draw exists for every provider
    faults = {f for _, f in seq1 if f}
    assert faults and faults <= known_faults("lastfm")


def test_rolling_window_limit_and_retry_after() -> None:
    clock = FakeClock()
    profile = Profile("t", limits={"spotify": Limit(3, 30.0, "rate_limit")})
    gate = ProviderGate("spotify", profile, 1, clock, faults_known=known_faults("spotify"))
    assert [gate.decide()[1] for _ in range(4)] == [None, None, None, "rate_limit"]
    clock.advance(10)
    assert gate.decide()[1] == "rate_limit" and gate.retry_after() == 20
    clock.advance(20.5)
    assert gate.decide()[1] is None


def test_hostile_provider_goes_down_then_comes_back() -> None:
    clock = FakeClock()
    gate = _gate("hostile", "deezer", clock=clock)
    clock.advance(61)
    assert gate.decide()[1] == "down"
    clock.advance(PROFILES["hostile"].outage_s + 0.1)
    assert gate.decide()[1] != "down"


@pytest.mark.parametrize(
    ("provider", "path", "status", "check"),
    [
        ("deezer", "/track/-1", 200, lambda r: r.json()["error"]["code"] == 4),
        ("musicbrainz", "/isrc/BAD?fmt=json", 503, lambda r: "rate limit" in r.json()["error"]),
        (
            "lastfm",
            "/?method=track.getinfo&api_key=k&format=json",
            429,
            lambda r: r.json()["error"] == 29,
        ),
    ],
)
async def test_realistic_limits_answer_with_the_real_throttle(
    catalog: Catalog, provider: str, path: str, status: int, check: object
) -> None:
    clock = FakeClock(auto_advance=True)  # latency sleeps pass instantly
    limit = PROFILES["realistic"].limits[provider]
    async with Sandbox("realistic", catalog=catalog, clock=clock) as sb:
        sb.gates[provider].latency = type(sb.gates[provider].latency)(0.0)
        async with httpx.AsyncClient() as c:
            answers = [
                await c.get(sb.endpoints[provider] + path) for _ in range(limit.requests + 1)
            ]
    assert answers[-1].status_code == status
    assert check(answers[-1])  # type: ignore[operator]
    assert all(a.status_code != status or provider == "deezer" for a in answers[:-1])


async def test_spotify_429_carries_retry_after(catalog: Catalog) -> None:
    clock = FakeClock(auto_advance=True)
    async with Sandbox("realistic", catalog=catalog, clock=clock) as sb:
        gate = sb.gates["spotify"]
        gate.latency = type(gate.latency)(0.0)
        gate.limit = Limit(2, 30.0, "rate_limit")
        async with httpx.AsyncClient(
            headers={"Authorization": "Bearer sandbox-demo-user-token"}
        ) as c:
            answers = [await c.get(f"{sb.endpoints['spotify']}/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].headers["Retry-After"] == "30"
    assert answers[-1].json()["error"]["status"] == 429


@pytest.mark.parametrize(
    "fault",
    [
        "timeout",
        "truncated",
        "garbage",
        "wrong_content_type",
        "slow_drip",
        "http_502",
        "missing_fields",
    ],
)
async def test_generic_faults_break_the_answer_as_named(catalog: Catalog, fault: str) -> None:
    async with Sandbox("fast", catalog=catalog, clock=FakeClock(auto_advance=True)) as sb:
        t = catalog.tracks[3]
        sb.inject("deezer", fault)
        async with httpx.AsyncClient() as c:
            try:
                r = await c.get(f"{sb.endpoints['deezer']}/track/{t.deezer_id}")
            except httpx.HTTPError:
                assert fault == "truncated"
                return
    if fault in ("missing_fields", "slow_drip"):
        assert r.status_code == 200 and r.json()["id"] == t.deezer_id
    elif fault in ("timeout", "http_502"):
        assert r.status_code in (502, 504)
    elif fault == "wrong_content_type":
        assert r.headers["content-type"].startswith("text/html")
    else:
        with pytest.raises(ValueError):
            r.json()
