"""The orchestrator as a whole: priorities, batches, micro-batches, caps, fairness, isolation."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from djdesk.core.events import ProviderStats
from djdesk.core.models import Priority
from djdesk.core.net.batching import BatchLoader
from djdesk.core.net.breaker import BreakerConfig, BreakerState
from djdesk.core.net.lane import OPENING_WAIT_S
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.policy import DEFAULT_POLICIES
from djdesk.core.net.retry import RetryPolicy
from djdesk.core.net.transport import PolicyTransport
from djdesk.core.net.window import WindowLimiter
from tests.core.net.orch_helpers import DEEZER, Recorder, policy
from tests.core.net.vclock import VirtualClock

RECCO = "https://api.reccobeats.com/v1"


def _mock(handler: Any) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


async def test_priorities_respected_under_load(vclock: VirtualClock) -> None:
    seen: list[str] = []
    with respx.mock() as router:
        router.get(url__regex=rf"{DEEZER}/track/.*").mock(
            side_effect=lambda request: (seen.append(request.url.path), httpx.Response(200))[1]
        )
        orch = Orchestrator({"deezer": policy(rate=1.0, burst=1, concurrency=1)}, clock=vclock)
        client = orch.client("deezer", DEEZER)
        background = orch.enqueue_batch(
            "enrich", [lambda i=i: client.get(f"/track/bg{i}") for i in range(20)]
        )
        await vclock.settle()
        with orch.priority(Priority.INTERACTIVE):
            clicks = [asyncio.create_task(client.get(f"/track/ui{i}")) for i in range(3)]
        prefetch = asyncio.create_task(
            client.get("/track/pre", extensions={"djdesk.priority": Priority.PREFETCH})
        )
        await vclock.settle()
        assert orch.pending_count() == 19  # the first took the one burst token
        await vclock.advance(30)
        assert all(t.done() for t in clicks) and prefetch.done()
        assert seen[:4] == ["/track/bg0", "/track/ui0", "/track/ui1", "/track/ui2"]
        assert seen[-1] == "/track/pre"
        assert all(f.done() for f in background)
        results = await orch.await_batch("enrich")
        assert [r.status_code for r in results] == [200] * 20
        assert orch.pending_count() == 0
        await orch.aclose()


async def test_40_id_micro_batches_through_the_client(
    vclock: VirtualClock, api_samples: Path
) -> None:
    sample = json.loads(
        (
            api_samples / "reccobeats" / "audio_features_batch_spotify_id_nothing_new.json"
        ).read_text()
    )["content"][0]
    sizes: list[int] = []

    def features(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        sizes.append(len(ids))
        if len(ids) > 40:  # what ReccoBeats really answers (CONTRACT.md)
            return httpx.Response(400, json={"status": 4004})
        known = [i for i in ids if not i.endswith("x")]  # unknown ids are left out
        rows = [{**sample, "href": f"https://open.spotify.com/track/{i}"} for i in known]
        return httpx.Response(200, json={"content": rows})

    orch = Orchestrator(
        {"reccobeats": policy("reccobeats")}, clock=vclock, transport=_mock(features)
    )
    client = orch.client("reccobeats", RECCO)

    async def load_many(ids: list[str]) -> dict[str, float]:
        response = await client.get("/audio-features", params={"ids": ",".join(ids)})
        response.raise_for_status()
        return {row["href"].rsplit("/", 1)[1]: row["tempo"] for row in response.json()["content"]}

    loader = BatchLoader(load_many, max_batch=40)
    ids = [f"id{i}" + ("x" if i % 10 == 0 else "") for i in range(100)]
    tempos = await asyncio.gather(*(loader.load(i) for i in ids))
    assert sizes == [40, 40, 20]
    assert tempos == [None if i % 10 == 0 else sample["tempo"] for i in range(100)]
    assert orch.snapshot()["reccobeats"].calls == 3
    await orch.aclose()


async def test_b4_half_open_admits_exactly_k_of_50_callers(vclock: VirtualClock) -> None:
    gate = asyncio.Event()
    hits = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal hits
        hits += 1
        await gate.wait()
        return httpx.Response(200)

    cfg = BreakerConfig(half_open_probes=2, success_threshold=2)
    orch = Orchestrator({"deezer": policy(breaker=cfg)}, clock=vclock, transport=_mock(handler))
    client = orch.client("deezer", DEEZER)
    orch.force_breaker("deezer", BreakerState.OPEN)
    await vclock.advance(30)
    tasks = [asyncio.create_task(client.get(f"/t/{i}")) for i in range(50)]
    await vclock.settle()
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert hits == 2
    assert sum(isinstance(r, httpx.Response) for r in results) == 2
    assert orch.snapshot()["deezer"].breaker == "closed"
    await orch.aclose()


async def test_r10_caps_hold_and_no_permit_leaks(vclock: VirtualClock) -> None:
    rng = random.Random(10)
    in_flight: dict[str, int] = {"deezer": 0, "lastfm": 0, "musicbrainz": 0}
    worst = dict.fromkeys(in_flight, 0)
    worst_total = 0
    caps = {"deezer": 4, "lastfm": 2, "musicbrainz": 1}

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal worst_total
        name = request.url.host.split(".")[0]
        in_flight[name] += 1
        worst[name] = max(worst[name], in_flight[name])
        worst_total = max(worst_total, sum(in_flight.values()))
        try:
            for _ in range(rng.randint(1, 4)):
                await asyncio.sleep(0)
            if rng.random() < 0.2:
                raise httpx.ReadTimeout("slow", request=request)
            return httpx.Response(200 if rng.random() < 0.8 else 503)
        finally:
            in_flight[name] -= 1

    pols = {
        n: policy(n, concurrency=c, retry=RetryPolicy(attempts=2, base=0.01, cap=0.01))
        for n, c in caps.items()
    }
    orch = Orchestrator(pols, clock=vclock, transport=_mock(handler), global_concurrency=5)
    clients = {n: orch.client(n, f"https://{n}.test") for n in caps}
    names = list(caps)
    tasks = [asyncio.create_task(clients[names[i % 3]].get(f"/{i}")) for i in range(200)]
    await vclock.settle()
    for task in rng.sample(tasks, 30):
        task.cancel()
    await vclock.advance(60)
    assert all(t.done() for t in tasks)
    assert all(worst[n] <= caps[n] for n in caps) and worst_total <= 5
    assert worst_total == 5  # the caps were actually reached
    for n in caps:
        lane = orch.lane(n)
        assert lane.sem.in_use == 0 and lane.sem.waiting == 0 and lane.bucket.waiting == 0
        assert lane.active == 0 and len(lane.flights) == 0
    assert orch._hub.global_sem.in_use == 0
    await orch.aclose()


async def test_r11_a_saturated_provider_does_not_starve_another(vclock: VirtualClock) -> None:
    served: dict[str, list[float]] = {"slow": [], "fast": []}

    async def handler(request: httpx.Request) -> httpx.Response:
        served[request.url.host.split(".")[0]].append(vclock.monotonic())
        return httpx.Response(200)

    orch = Orchestrator(
        {
            "slow": policy("slow", rate=1.0, burst=1, concurrency=4),
            "fast": policy("fast", rate=10.0, burst=1, concurrency=4),
        },
        clock=vclock,
        transport=_mock(handler),
        global_concurrency=2,
        global_rate=100.0,
    )
    slow = orch.client("slow", "https://slow.test")
    fast = orch.client("fast", "https://fast.test")
    t0 = vclock.monotonic()
    a = [asyncio.create_task(slow.get(f"/{i}")) for i in range(100)]

    async def greedy() -> None:
        i = 0
        while True:
            i += 1
            await fast.get(f"/{i}")

    b = [asyncio.create_task(greedy()) for _ in range(5)]
    await vclock.run_until(t0 + 10.0)
    fast_rate = len([t for t in served["fast"] if t - t0 <= 10.0]) / 10.0
    assert fast_rate >= 0.95 * 10.0
    assert len(served["slow"]) <= 1 + 10  # the slow one kept its own limit
    for task in a + b:
        task.cancel()
    await asyncio.gather(*a, *b, return_exceptions=True)
    await orch.aclose()


async def test_adaptive_rate_climbs_back_after_a_quiet_period(vclock: VirtualClock) -> None:
    replies = [httpx.Response(429, headers={"Retry-After": "1"})]

    def handler(request: httpx.Request) -> httpx.Response:
        return replies.pop() if replies else httpx.Response(200)

    orch = Orchestrator(
        {"deezer": policy(rate=10.0, burst=10, recovery_after=10.0)},
        clock=vclock,
        transport=_mock(handler),
    )
    client = orch.client("deezer", DEEZER)
    task = asyncio.create_task(client.get("/a"))
    await vclock.advance(1.0)
    assert task.done() and orch.snapshot()["deezer"].rate == 5.0
    rates = []
    for _ in range(8):
        await vclock.advance(10.0)
        await client.get("/b")
        rates.append(orch.snapshot()["deezer"].rate)
    assert rates[:5] == pytest.approx([6.0, 7.0, 8.0, 9.0, 10.0])
    assert max(rates) == 10.0  # never above the configured rate
    await orch.aclose()


async def test_stats_events_are_throttled_and_cache_hits_show(vclock: VirtualClock) -> None:
    recorder = Recorder()
    orch = Orchestrator(
        {"deezer": policy()},
        clock=vclock,
        events=recorder.bus,
        transport=_mock(lambda r: httpx.Response(200)),
    )
    client = orch.client("deezer", DEEZER)
    for i in range(10):
        await client.get(f"/{i}")
    assert len(recorder.of(ProviderStats)) == 1  # no time passed: one event, not ten
    await vclock.advance(0.1)
    await client.get("/again")
    orch.record_cache_hits("deezer", 7)
    orch.publish_stats()
    stats = recorder.of(ProviderStats)
    assert len(stats) == 3 and stats[-1].calls == 11 and stats[-1].cache_hits == 7
    assert stats[-1].latency_p99_ms >= stats[-1].latency_p50_ms >= 0.0
    await orch.aclose()


async def test_clients_have_no_route_around_the_policy(
    vclock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    sent: list[str] = []
    orch = Orchestrator(
        {"deezer": policy()},
        clock=vclock,
        transport=_mock(lambda r: (sent.append(str(r.url)), httpx.Response(200))[1]),
    )
    client = orch.client("deezer", DEEZER)
    assert isinstance(client._transport, PolicyTransport)
    assert client._mounts == {}  # proxies from the environment would bypass the policy
    await client.get("/ok")
    orch.pause("deezer", vclock.monotonic() + 60)
    with pytest.raises(Exception, match="rate limited"):
        await client.get("/blocked")
    assert sent == [f"{DEEZER}/ok"]
    assert orch.snapshot()["deezer"].calls == 1
    await client.aclose()  # closing one client leaves the shared transport usable
    await vclock.advance(60)
    async with orch.client("deezer", DEEZER) as again:
        await again.get("/ok")
    assert len(sent) == 2
    await orch.aclose()


def test_core_modules_that_call_providers_build_no_network_client_of_their_own() -> None:
    root = Path(__file__).resolve().parents[3] / "djdesk" / "core"
    forbidden = ("httpx.AsyncClient(", "httpx.Client(", "AsyncHTTPTransport(", "aiohttp", "socket.")
    offenders = [
        f"{path.relative_to(root)}: {needle}"
        for folder in ("providers", "engine", "library", "cache", "dj")
        for path in (root / folder).rglob("*.py")
        for needle in forbidden
        if needle in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


async def test_unknown_providers_use_defaults_or_fail_clearly(vclock: VirtualClock) -> None:
    orch = Orchestrator(clock=vclock, transport=_mock(lambda r: httpx.Response(200)))
    assert orch.lane("musicbrainz").policy is DEFAULT_POLICIES["musicbrainz"]
    with pytest.raises(KeyError):
        orch.client("myspace", "https://myspace.test")
    await orch.aclose()


async def test_enqueue_batch_returns_at_once_and_each_future_resolves_alone(
    vclock: VirtualClock,
) -> None:
    orch = Orchestrator({"deezer": policy()}, clock=vclock)
    gates = [asyncio.Event() for _ in range(3)]

    async def work(i: int) -> int:
        await gates[i].wait()
        if i == 2:
            raise ValueError("bad row")
        return i

    futures = orch.enqueue_batch("b", [lambda i=i: work(i) for i in range(3)], provider="deezer")
    assert orch.pending_count("deezer") == 3 and orch.pending_count("lastfm") == 0
    gates[1].set()
    assert await futures[1] == 1
    assert not futures[0].done()
    assert orch.pending_count() == 2
    gates[0].set()
    gates[2].set()
    results = await orch.await_batch("b")
    assert results[:2] == [0, 1] and isinstance(results[2], ValueError)
    assert orch.pending_count() == 0
    # unfinished work is cancelled on close
    stuck = orch.enqueue_batch("c", [lambda: asyncio.Event().wait()])
    await orch.aclose()
    assert stuck[0].cancelled()


async def test_first_alone_holds_the_rest_until_the_first_answer(vclock: VirtualClock) -> None:
    """A cold connection arrives late: the provider's first call goes alone (first_alone)."""
    sent: list[float] = []
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(vclock.monotonic())
        if len(sent) == 1:
            await release.wait()
        return httpx.Response(200)

    orch = Orchestrator(
        {"deezer": policy(first_alone=True)}, clock=vclock, transport=_mock(handler)
    )
    client = orch.client("deezer", DEEZER)
    tasks = [asyncio.create_task(client.get(f"/t/{i}")) for i in range(5)]
    await vclock.advance(0.5)
    assert len(sent) == 1 and not orch.lane("deezer").opened
    release.set()
    await vclock.advance(0.01)
    assert len(sent) == 5 and orch.lane("deezer").opened
    assert [r.status_code for r in await asyncio.gather(*tasks)] == [200] * 5
    await orch.aclose()


async def test_first_alone_waits_at_most_the_opening_wait(vclock: VirtualClock) -> None:
    sent: list[str] = []
    never = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if request.url.path == "/slow":
            await never.wait()
        return httpx.Response(200)

    orch = Orchestrator(
        {"deezer": policy(first_alone=True)}, clock=vclock, transport=_mock(handler)
    )
    client = orch.client("deezer", DEEZER)
    slow = asyncio.create_task(client.get("/slow"))
    await vclock.settle()
    rest = [asyncio.create_task(client.get(f"/t/{i}")) for i in range(3)]
    await vclock.advance(OPENING_WAIT_S - 0.01)
    assert sent == ["/slow"]
    await vclock.advance(0.02)
    assert sorted(sent[1:]) == ["/t/0", "/t/1", "/t/2"]
    await asyncio.gather(*rest)
    slow.cancel()
    await asyncio.gather(slow, return_exceptions=True)
    await orch.aclose()


async def test_a_windowed_policy_limits_by_its_window(vclock: VirtualClock) -> None:
    """policy.window: the lane gets a WindowLimiter; a whole window goes at once."""
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(vclock.monotonic())
        return httpx.Response(200)

    orch = Orchestrator(
        {"reccobeats": policy("reccobeats", rate=3.0, burst=30, concurrency=30, window=(30, 10.0))},
        clock=vclock,
        transport=_mock(handler),
    )
    client = orch.client("reccobeats", RECCO)
    t0 = vclock.monotonic()
    tasks = [asyncio.create_task(client.get(f"/track/{i}")) for i in range(70)]
    await vclock.advance(25.0)
    await asyncio.gather(*tasks)
    offsets = sorted(round(t - t0, 6) for t in sent)
    assert offsets == [0.0] * 30 + [10.0] * 30 + [20.0] * 10
    assert isinstance(orch.lane("reccobeats").bucket, WindowLimiter)
    await orch.aclose()
