"""Enrichment overlaps the import: a playlist's first page is worked while later ones are read.

The sandbox's Spotify pages are made 40 entries long (one full ReccoBeats batch) and the second
page is held by an ``asyncio.Event`` in the client, so the test decides when it arrives.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from djdesk.core.engine import import_pages
from djdesk.core.events import JobStateChanged, PlanReady, TrackEnriched, TracksImported
from djdesk.core.providers import spotify as spotify_mod
from djdesk.core.runtime import Runtime
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime

PAGE = 40
#: A guard, not a wait: a regression fails here instead of hanging the suite.
GUARD_S = 60.0


@pytest.fixture
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


class Pages:
    """Holds the Spotify request for the page at ``offset`` until ``release`` is set (the
    first page is asked with parameters, the next ones by their ``next`` link)."""

    def __init__(self, rt: Runtime, monkeypatch: pytest.MonkeyPatch, offset: int = PAGE) -> None:
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        get = rt.clients.spotify._get
        mark = f"offset={offset}&"

        def wanted(path: str, params: Any) -> bool:
            if offset == 0:
                return path.endswith("/items") and params is not None
            return mark in path

        async def gated(path: str, params: Any = None, **kw: Any) -> Any:
            if wanted(path, params):
                self.held.set()
                await self.release.wait()
            return await get(path, params, **kw)

        monkeypatch.setattr(rt.clients.spotify, "_get", gated)


class Seen:
    """What the run tells the bus: pages, tracks enriched, job states."""

    def __init__(self, rt: Runtime) -> None:
        self.pages: list[TracksImported] = []
        self.enriched: list[TrackEnriched] = []
        self.states: list[JobStateChanged] = []
        self.plans: list[PlanReady] = []
        self.first_done = asyncio.Event()
        rt.events.subscribe(PlanReady, self.plans.append)
        rt.events.subscribe(TracksImported, self.pages.append)
        rt.events.subscribe(TrackEnriched, self._on_track)
        rt.events.subscribe(JobStateChanged, self.states.append)

    @property
    def first_page(self) -> set[int]:
        return {t for p in self.pages if p.offset == 0 for t in p.track_ids if t is not None}

    def _on_track(self, event: TrackEnriched) -> None:
        self.enriched.append(event)
        first = self.first_page
        if first and first <= {e.track_id for e in self.enriched}:
            self.first_done.set()


def reccobeats_calls(sandbox: SandboxThread) -> int:
    endpoints = sandbox.counters()["providers"].get("reccobeats", {}).get("endpoints", {})
    return sum(endpoints.values())


async def test_the_first_page_is_enriched_before_the_second_is_read(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        pages = Pages(rt, monkeypatch)
        seen = Seen(rt)
        before = reccobeats_calls(sandbox)
        task = asyncio.ensure_future(rt.engine.enrich(url))
        await asyncio.wait_for(pages.held.wait(), GUARD_S)
        await asyncio.wait_for(seen.first_done.wait(), GUARD_S)
        # Page 2 is still held: the first page's tracks are enriched and their values saved.
        assert not pages.release.is_set() and not task.done()
        assert [p.offset for p in seen.pages] == [0]
        first = seen.first_page
        assert len(first) == PAGE
        rows = await rt.library.track_rows(sorted(first))
        assert sum("bpm" in r.doc for r in rows) >= PAGE * 0.9
        # The progress panel's total is the playlist's from the first page on.
        assert seen.states[-1].total == 200
        assert [(p.first, p.final) for p in seen.plans] == [(True, False)]
        pages.release.set()
        result = await task
        assert result.state == "done"
        view = await rt.library.playlist_view(result.playlist_id)
    assert [p.offset for p in seen.pages] == list(range(0, 200, PAGE))
    assert seen.plans[-1].final and not any(p.final for p in seen.plans[:-1])
    assert sum(seen.plans[-1].calls_needed.values()) == result.plan.total_calls > 0
    tracks = {row.id for _entry, row in view if row is not None}
    counted = Counter(e.track_id for e in seen.enriched)
    assert set(counted) == tracks and set(counted.values()) == {1}  # each track once
    assert result.stats.done == result.stats.total == len(tracks)
    # Batches stay full across pages: one 40-id feature call per 40 tracks.
    assert reccobeats_calls(sandbox) - before == math.ceil(len(tracks) / 40)


async def test_cancel_while_pages_are_coming_leaves_a_resumable_job(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        pages = Pages(rt, monkeypatch)
        seen = Seen(rt)
        task = asyncio.ensure_future(rt.engine.enrich(url, job_id="overlap-cancel"))
        await asyncio.wait_for(seen.first_done.wait(), GUARD_S)
        rt.engine.cancel("overlap-cancel")  # the import waits on page 2: it stops at once
        stopped = await asyncio.wait_for(task, GUARD_S)
        assert stopped.state == "cancelled" and not pages.release.is_set()
        job = await rt.library.get_job("overlap-cancel")
        assert job is not None and job.state == "cancelled"
        assert job.playlist_id == stopped.playlist_id > 0  # the GUI finds it to resume
        first_run = {e.track_id for e in seen.enriched}
        assert first_run >= seen.first_page

        pages.release.set()
        seen.enriched.clear()
        resumed = await rt.engine.resume("overlap-cancel")
        view = await rt.library.playlist_view(resumed.playlist_id)
    assert resumed.state == "done"
    assert resumed.skipped == len(first_run)
    second_run = Counter(e.track_id for e in seen.enriched)
    assert set(second_run.values()) == {1} and not first_run & set(second_run)
    assert first_run | set(second_run) == {row.id for _e, row in view if row is not None}


async def test_pause_during_the_import_holds_the_tracks_and_unpause_finishes(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        pages = Pages(rt, monkeypatch, offset=0)  # the first page itself waits
        seen = Seen(rt)
        task = asyncio.ensure_future(rt.engine.enrich(url, job_id="overlap-pause"))
        await asyncio.wait_for(pages.held.wait(), GUARD_S)
        await rt.engine.pause("overlap-pause")
        pages.release.set()
        imported = asyncio.Event()
        rt.events.subscribe(TracksImported, lambda e: e.offset == 160 and imported.set())
        await asyncio.wait_for(imported.wait(), GUARD_S)
        assert seen.enriched == []  # every page is in, no track passed the gate
        job = await rt.library.get_job("overlap-pause")
        assert job is not None and job.state == "paused" and job.playlist_id
        await rt.engine.unpause("overlap-pause")
        result = await asyncio.wait_for(task, GUARD_S)
    assert result.state == "done"
    assert Counter(e.track_id for e in seen.enriched).most_common(1)[0][1] == 1
    assert len(seen.enriched) == result.stats.total


async def test_a_warm_import_is_one_page_and_rewrites_nothing(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        first = await rt.engine.import_only(url)
        seen = Seen(rt)
        written: list[int] = []
        store = rt.library.import_playlist

        async def spy(*args: Any, **kw: Any) -> Any:
            written.append(1)
            return await store(*args, **kw)

        monkeypatch.setattr(rt.library, "import_playlist", spy)
        again = await rt.engine.import_only(url)
    assert again.track_ids == first.track_ids and again.created_tracks == 0
    assert written == []  # same snapshot: the stored entries are these
    assert [(p.offset, len(p.track_ids)) for p in seen.pages] == [(0, 200)]


async def test_max_tracks_stops_writing_pages_mid_list(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    monkeypatch.setattr(import_pages, "MAX_TRACKS", 60)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        seen = Seen(rt)
        imported = await rt.engine.import_only(url)
        summary = await rt.library.get_playlist(imported.playlist_id)
    assert imported.truncated and len(imported.track_ids) == 60
    assert summary is not None and summary.entries == summary.track_count == 60
    assert [(p.offset, len(p.track_ids), p.total) for p in seen.pages] == [
        (0, 40, 60),
        (40, 20, 60),
    ]


async def test_a_list_read_again_from_its_first_page_is_written_once(tmp_path: Any) -> None:
    """A provider pause re-runs a fetch from page one: pages already written are skipped."""
    from djdesk.core.library import EntryInput, Library, PlaylistInput, TrackInput

    def entries(start: int, n: int) -> list[EntryInput]:
        return [
            EntryInput(TrackInput(ids={"spotify": f"t{i}"}, title=f"Song {i}", artists=("A",)))
            for i in range(start, start + n)
        ]

    got: list[tuple[int, int]] = []

    async def listen(page: import_pages.ImportedPage) -> None:
        got.append((page.offset, len(page.track_ids)))

    async with await Library.open(tmp_path / "library.sqlite3") as library:
        writer = import_pages.PageWriter(library, listen)
        writer.begin(PlaylistInput("spotify", "p1", name="P", snapshot_id="s1"), 5)
        await writer.page(entries(0, 3), 0)
        await writer.page(entries(0, 3), 0)  # the fetch started over
        await writer.page(entries(3, 2), 3)
        pid, ids = await writer.finish(PlaylistInput("spotify", "p1", name="P"), entries(0, 5))
        stored = await library.playlist_track_ids(pid)
    assert got == [(0, 3), (3, 2)]
    assert list(ids) == stored and len(set(stored)) == 5
