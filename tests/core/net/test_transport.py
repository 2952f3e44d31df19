"""The policy transport through real httpx clients, with respx as the network and fake time."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import respx

from djdesk.core.errors import (
    BudgetExhaustedError,
    ProviderDownError,
    RateLimitedError,
)
from djdesk.core.events import BreakerChanged, ProviderPaused
from djdesk.core.net.breaker import BreakerConfig
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.net.retry import RetryPolicy
from tests.core.net.orch_helpers import DEEZER, OTHER, Recorder, policy
from tests.core.net.vclock import VirtualClock

T = TypeVar("T")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def router() -> Any:
    with respx.mock(assert_all_called=False) as mock:
        yield mock


async def _run(clock: VirtualClock, coro: Awaitable[T], until: float) -> T:
    task = asyncio.ensure_future(coro)
    await clock.run_until(clock.monotonic() + until)
    assert task.done(), "the call did not finish in the fake time given"
    return task.result()


def _orch(clock: VirtualClock, recorder: Recorder, *policies: Any, **kw: Any) -> Orchestrator:
    pols = policies or (policy(),)
    return Orchestrator({p.name: p for p in pols}, clock=clock, events=recorder.bus, **kw)


async def test_roundtrip_counts_and_a_fresh_response(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/track/3135556").respond(200, json={"id": 3135556})
    orch = _orch(vclock, recorder)
    async with orch.client("deezer", DEEZER) as client:
        response = await client.get("/track/3135556")
    assert response.json() == {"id": 3135556}
    assert response.extensions["djdesk.coalesced"] is False
    assert response.extensions["djdesk.attempts"] == 1
    assert route.call_count == 1
    stats = orch.snapshot()["deezer"]
    assert (stats.calls, stats.successes, stats.failures, stats.retries) == (1, 1, 0, 0)
    assert stats.rate_limit == 100.0 and stats.breaker == "closed"
    await orch.aclose()


async def test_r12_retry_after_seconds_blocks_every_caller_of_that_provider_only(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    limited = router.get(f"{DEEZER}/track/1").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    )
    sibling = router.get(f"{DEEZER}/track/2").respond(200)
    other = router.get(f"{OTHER}/").respond(200)
    orch = _orch(vclock, recorder, policy(), policy("lastfm"))
    deezer = orch.client("deezer", DEEZER)
    lastfm = orch.client("lastfm", OTHER)
    t0 = vclock.monotonic()
    first = asyncio.create_task(deezer.get("/track/1"))
    await vclock.settle()
    assert limited.call_count == 1
    second = asyncio.create_task(deezer.get("/track/2"))
    assert (await _run(vclock, lastfm.get("/"), 1.0)).status_code == 200  # unaffected
    await vclock.run_until(t0 + 6.999)
    assert limited.call_count == 1 and sibling.call_count == 0  # zero requests in the cooldown
    await vclock.run_until(t0 + 7.0)
    assert first.done() and first.result().status_code == 200
    assert limited.call_count == 2 and sibling.call_count == 0  # one token, not a burst
    await vclock.run_until(t0 + 7.02)  # the next token comes at the halved rate (50/s)
    assert second.done() and second.result().status_code == 200
    assert sibling.call_count == 1 and other.call_count == 1
    stats = orch.snapshot()["deezer"]
    assert stats.rate_limited == 1 and stats.retries == 1
    assert stats.rate == 50.0  # multiplicative decrease
    assert stats.breaker == "closed"  # a rate limit is not a provider failure
    await orch.aclose()


async def test_retry_after_http_date_is_honoured(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    when = email.utils.formatdate(vclock.time() + 5, usegmt=True)
    route = router.get(f"{DEEZER}/x").mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200)]
    )
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    t0 = vclock.monotonic()
    task = asyncio.create_task(client.get("/x"))
    await vclock.run_until(t0 + 4.999)
    assert route.call_count == 1
    await vclock.run_until(t0 + 5.0)
    assert (await task).status_code == 200 and route.call_count == 2
    await orch.aclose()


@pytest.mark.parametrize("retry_after", [3600, 86400])
async def test_t2_long_retry_after_pauses_the_provider_and_fails_fast(
    vclock: VirtualClock, recorder: Recorder, router: Any, retry_after: int
) -> None:
    gate = asyncio.Event()

    async def limited(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(429, headers={"Retry-After": str(retry_after)})

    route = router.get(f"{DEEZER}/x").mock(side_effect=limited)
    ok = router.get(f"{DEEZER}/y").respond(200)
    orch = _orch(vclock, recorder, policy(rate=1.0, burst=1))
    client = orch.client("deezer", DEEZER)
    t0, wall0 = vclock.monotonic(), vclock.time()
    first = asyncio.create_task(client.get("/x"))
    await vclock.settle()
    queued = asyncio.create_task(client.get("/y"))  # waits for the next token
    await vclock.settle()
    gate.set()
    with pytest.raises(RateLimitedError) as info:
        await _run(vclock, first, 0.5)
    expected = dt.datetime.fromtimestamp(wall0 + retry_after, tz=dt.UTC)
    assert info.value.until == expected and info.value.until.tzinfo is not None
    assert info.value.provider == "deezer"
    assert "rate limited until" in info.value.message
    assert orch.paused_until("deezer") == pytest.approx(t0 + retry_after)
    with pytest.raises(RateLimitedError):
        await queued  # queued work fails at once instead of sleeping an hour
    with pytest.raises(RateLimitedError):
        await client.get("/y")
    assert route.call_count == 1 and ok.call_count == 0
    (paused,) = recorder.of(ProviderPaused)
    assert paused.provider == "deezer" and paused.until == pytest.approx(wall0 + retry_after)
    assert orch.snapshot()["deezer"].paused_until == pytest.approx(wall0 + retry_after)
    await vclock.run_until(t0 + retry_after)
    assert orch.paused_until("deezer") is None
    assert (await _run(vclock, client.get("/y"), 1.0)).status_code == 200
    await orch.aclose()


def _deezer_quota_body(api_samples: Path) -> bytes:
    return (api_samples / "deezer" / "error_quota_exceeded_4.json").read_bytes()


def _quota_classifier(response: httpx.Response) -> Outcome | None:
    """The contract a provider classifier fulfils: Deezer's code 4 inside a 200 is a quota."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code") == 4:
        return Outcome(Verdict.RATE_LIMITED, reason=str(error.get("message")))
    return None


@pytest.mark.parametrize("source", ["contract", "provider"])
async def test_deezer_quota_in_a_200_body_is_a_rate_limit(
    vclock: VirtualClock, recorder: Recorder, router: Any, api_samples: Path, source: str
) -> None:
    if source == "provider":
        from djdesk.core.providers.deezer import classify
    else:
        classify = _quota_classifier
    quota = _deezer_quota_body(api_samples)
    track = (api_samples / "deezer" / "track_detail_3135556_2025-01-21.json").read_bytes()
    route = router.get(f"{DEEZER}/track/3135556").mock(
        side_effect=[httpx.Response(200, content=quota), httpx.Response(200, content=track)]
    )
    orch = _orch(vclock, recorder, policy(classify=classify, default_cooldown=5.0))
    client = orch.client("deezer", DEEZER)
    t0 = vclock.monotonic()
    task = asyncio.create_task(client.get("/track/3135556"))
    await vclock.run_until(t0 + 4.999)
    assert route.call_count == 1  # no request during the quota cooldown
    await vclock.run_until(t0 + 5.0)
    response = await task
    assert response.json()["id"] == 3135556
    stats = orch.snapshot()["deezer"]
    assert stats.rate_limited == 1 and stats.rate == 50.0 and stats.failures == 0
    await orch.aclose()


async def test_5xx_retries_with_backoff_then_returns_the_last_response(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/x").respond(502)
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    response = await _run(vclock, client.get("/x"), 10.0)  # backoff ceilings 0.5 + 1.0
    assert response.status_code == 502 and response.extensions["djdesk.attempts"] == 3
    assert route.call_count == 3
    stats = orch.snapshot()["deezer"]
    assert (stats.calls, stats.retries, stats.failures) == (3, 2, 1)
    await orch.aclose()


async def test_connection_errors_end_as_provider_down(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/x").mock(side_effect=httpx.ConnectError("refused"))
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    with pytest.raises(ProviderDownError) as info:
        await _run(vclock, client.get("/x"), 10.0)
    assert "Deezer did not answer" in info.value.message
    assert route.call_count == 3
    await orch.aclose()


async def test_a_body_that_cannot_be_decoded_is_retried_then_provider_down(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    """A broken gzip body raises httpx.DecodingError, which is no TransportError."""
    route = router.get(f"{DEEZER}/x").mock(
        side_effect=lambda request: httpx.Response(
            200,
            headers={"Content-Encoding": "gzip"},
            stream=httpx.ByteStream(b"\x1f\x8b garbage"),
        )
    )
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    with pytest.raises(ProviderDownError) as info:
        await _run(vclock, client.get("/x"), 10.0)
    assert "DecodingError" in info.value.message
    assert route.call_count == 3
    assert orch.snapshot()["deezer"].failures == 1
    await orch.aclose()


async def test_only_idempotent_requests_are_retried(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.post(f"{DEEZER}/x").respond(503)
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    assert (await _run(vclock, client.post("/x", content=b"a"), 10.0)).status_code == 503
    assert route.call_count == 1
    marked = client.build_request("POST", "/x", content=b"a")
    marked.extensions["djdesk.idempotent"] = True
    assert (await _run(vclock, client.send(marked), 10.0)).status_code == 503
    assert route.call_count == 4
    await orch.aclose()


async def test_client_errors_are_returned_and_never_trip_the_breaker(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/missing").respond(404)
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    for _ in range(20):
        assert (await client.get("/missing")).status_code == 404
    assert route.call_count == 20
    assert orch.snapshot()["deezer"].breaker == "closed"
    await orch.aclose()


async def test_open_breaker_fails_fast_with_a_clear_message(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/x").respond(500)
    cfg = BreakerConfig(minimum_calls=2, failure_threshold=2)
    orch = _orch(vclock, recorder, policy(breaker=cfg, retry=RetryPolicy(attempts=1)))
    client = orch.client("deezer", DEEZER)
    for _ in range(2):
        assert (await client.get("/x")).status_code == 500
    with pytest.raises(ProviderDownError) as info:
        await client.get("/x")
    assert info.value.message.startswith("Deezer is unavailable; paused until ")
    assert route.call_count == 2
    assert [(e.old, e.new) for e in recorder.of(BreakerChanged)] == [("closed", "open")]
    orch.force_breaker("deezer", "closed")
    assert (await client.get("/x")).status_code == 500
    assert route.call_count == 3
    await orch.aclose()


async def test_budget_spent_raises_and_sends_nothing(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    route = router.get(f"{DEEZER}/x").respond(200)
    orch = _orch(vclock, recorder)
    orch.budget.set_limit("deezer", 2)
    client = orch.client("deezer", DEEZER)
    await client.get("/x")
    await client.get("/x")
    with pytest.raises(BudgetExhaustedError):
        await client.get("/x")
    assert route.call_count == 2
    assert orch.snapshot()["deezer"].budget_left == 0
    await orch.aclose()


async def test_singleflight_through_the_client_100_callers_one_fetch(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(200, json={"n": 1})

    route = router.get(f"{DEEZER}/x").mock(side_effect=slow)
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    tasks = [asyncio.create_task(client.get("/x")) for _ in range(100)]
    await vclock.settle()
    gate.set()
    responses = await asyncio.gather(*tasks)
    assert route.call_count == 1
    assert len({id(r) for r in responses}) == 100  # each caller has its own copy
    assert all(r.json() == {"n": 1} for r in responses)
    assert sum(r.extensions["djdesk.coalesced"] for r in responses) == 99
    assert orch.snapshot()["deezer"].coalesced == 99
    assert len(orch.lane("deezer").flights) == 0
    # a different Authorization is a different request
    await asyncio.gather(client.get("/x"), client.get("/x", headers={"Authorization": "Bearer b"}))
    assert route.call_count == 3
    await orch.aclose()


async def test_leader_cancel_through_the_client_leaves_followers_served(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(200, json={"n": 2})

    route = router.get(f"{DEEZER}/x").mock(side_effect=slow)
    orch = _orch(vclock, recorder)
    client = orch.client("deezer", DEEZER)
    leader = asyncio.create_task(client.get("/x"))
    await vclock.settle()
    followers = [asyncio.create_task(client.get("/x")) for _ in range(9)]
    await vclock.settle()
    leader.cancel()
    await vclock.settle()
    gate.set()
    assert all(r.json() == {"n": 2} for r in await asyncio.gather(*followers))
    assert route.call_count == 1 and len(orch.lane("deezer").flights) == 0
    await orch.aclose()


async def test_gzip_bodies_survive_the_copy(
    vclock: VirtualClock, recorder: Recorder, router: Any
) -> None:
    import gzip

    payload = json.dumps({"ok": True}).encode()
    router.get(f"{DEEZER}/z").respond(
        200, content=gzip.compress(payload), headers={"Content-Encoding": "gzip"}
    )
    orch = _orch(vclock, recorder)
    async with orch.client("deezer", DEEZER) as client:
        assert (await client.get("/z")).json() == {"ok": True}
    await orch.aclose()
