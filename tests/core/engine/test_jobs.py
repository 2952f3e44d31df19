"""Jobs seen from the GUI's side: pause and resume, cancel, a paused provider, the later wave."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from djdesk.core.engine.enricher import EnrichOptions
from djdesk.core.events import JobStateChanged, PlanReady, TrackEnriched
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime


@pytest.fixture
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


async def test_pause_holds_every_track_until_resumed_then_cancel_stops_the_job(
    sandbox: SandboxThread,
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        seen: list[TrackEnriched] = []
        planned: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        rt.events.subscribe(TrackEnriched, seen.append)
        rt.events.subscribe(PlanReady, lambda e: planned.done() or planned.set_result(e.job_id))
        task = asyncio.ensure_future(rt.engine.enrich(url))
        job_id = await planned
        await rt.engine.pause(job_id)  # before any track passed the gate
        for _ in range(50):
            await asyncio.sleep(0)
        assert seen == []
        assert (await rt.library.get_job(job_id)).state == "paused"  # type: ignore[union-attr]
        rt.engine.cancel(job_id)
        result = await task
        assert (await rt.library.get_job(job_id)).state == "cancelled"  # type: ignore[union-attr]
    assert result.state == "cancelled"
    assert result.stats.done < 200


async def test_pause_and_unpause_are_recorded_in_the_library(sandbox: SandboxThread) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        written: list[str] = []
        store = rt.library.set_job_state

        async def spy(job_id: str, state: str, **kw: object) -> None:
            await store(job_id, state, **kw)  # type: ignore[arg-type]
            written.append(state)

        rt.library.set_job_state = spy  # type: ignore[method-assign]
        planned: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        rt.events.subscribe(PlanReady, lambda e: planned.done() or planned.set_result(e.job_id))
        task = asyncio.ensure_future(rt.engine.enrich(url))
        job_id = await planned
        await rt.engine.pause(job_id)
        assert (await rt.library.get_job(job_id)).state == "paused"  # type: ignore[union-attr]
        await rt.engine.unpause(job_id)
        result = await task
        assert (await rt.library.get_job(job_id)).state == "done"  # type: ignore[union-attr]
    assert result.state == "done" and result.stats.done == 25
    assert written == ["running", "paused", "running", "done"]


async def test_a_paused_provider_stops_only_its_own_work(sandbox: SandboxThread) -> None:
    url = demo_url(catalog_of(sandbox), "spotify", 25)
    assert sandbox.sandbox is not None
    async with sandbox_runtime(sandbox.endpoints) as rt:
        details: list[str] = []
        rt.events.subscribe(JobStateChanged, lambda e: e.detail and details.append(e.detail))
        await rt.engine.import_only(url)  # the import is not what this test pauses
        sandbox.sandbox.inject("reccobeats", "huge_retry_after", 1)
        result = await rt.engine.enrich(url, EnrichOptions(max_pause_s=5.0))
        rows = await rt.engine.report(result.playlist_id)
    assert any("ReccoBeats paused until" in d for d in details)
    tracks = [r for r in rows if r["track_id"] is not None]
    # Deezer and Last.fm went on: BPM and tags arrived; ReccoBeats' steps say why they stopped.
    assert sum("bpm" in r["fields"] for r in tracks) >= len(tracks) // 2
    assert all("energy" not in r["fields"] for r in tracks)
    assert all("reccobeats paused until" in (r["reason"] or "") for r in tracks)
    assert result.stats.retry == len(tracks)  # journalled for --resume, not as finished


async def test_later_wave_fetches_each_artist_once(sandbox: SandboxThread) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        before = sandbox.counters()["providers"]["lastfm"]["endpoints"]
        result = await rt.engine.enrich(url, EnrichOptions(details=True))
        after = sandbox.counters()["providers"]["lastfm"]["endpoints"]
        rows = await rt.engine.report(result.playlist_id)
    artists = {r["artists"][0] for r in rows if r["artists"]}
    artist_calls = after["GET artist.getinfo"] - before.get("GET artist.getinfo", 0)
    assert 0 < artist_calls <= len(artists)
    assert any("similar" in r["fields"] for r in rows)
    assert any("artist_tags" in r["fields"] for r in rows)
