"""Matching on the sandbox's traps attaches no wrong match (the catalog knows the truth).

Tracks are looked up WITHOUT ids, as a CSV row or an ISRC-less Spotify entry would be: the
waterfall must search, and the traps (remix vs original, edits, live takes, covers and karaoke
that outrank the original, shared ISRCs, featuring spellings, non-Latin names) must not fool it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.waterfall import deezer_step, reccobeats_step
from djdesk.core.engine.work import TrackWork
from djdesk.sandbox import SandboxThread
from djdesk.sandbox.catalog import Catalog, Track
from tests.core.engine.sandbox_env import catalog_of, sandbox_runtime


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


def as_listed(catalog: Catalog, t: Track, *, isrc: bool = False) -> TrackWork:
    """The track as Spotify lists it (title with featuring and version), with no ids."""
    title = t.title + catalog.feat_suffix(t) + (f" - {t.version}" if t.version else "")
    return TrackWork(
        track_id=t.key,
        title=title,
        artists=tuple(catalog.artists[a].name for a in t.artists),
        album=None,
        duration_ms=t.duration_ms,
        ids={"isrc": t.isrc} if isrc else {},
    )


def traps(catalog: Catalog) -> list[Track]:
    rng = random.Random(7)
    versions = [
        t for t in catalog.tracks if t.version_of is not None and t.kind not in ("cover", "karaoke")
    ]
    covered = {t.version_of for t in catalog.tracks if t.kind in ("cover", "karaoke")}
    picked = rng.sample(versions, 25)
    picked += [catalog.tracks[v.version_of] for v in picked[:15] if v.version_of is not None]
    picked += [catalog.tracks[k] for k in list(covered)[:15] if k is not None]
    picked += rng.sample([t for t in catalog.tracks if len(t.artists) > 1], 10)
    picked += [t for t in catalog.tracks if not catalog.artists[t.artists[0]].name.isascii()][:10]
    return list({t.key: t for t in picked}.values())


def acceptable(catalog: Catalog, attached: Track, truth: Track) -> bool:
    if attached.key == truth.key:
        return True
    # A remaster sharing the ISRC is the same recording (same BPM, key).
    return attached.isrc == truth.isrc and {attached.kind, truth.kind} <= {"original", "remaster"}


async def test_search_attaches_no_wrong_match(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    cases = traps(catalog)
    found = 0
    async with sandbox_runtime(sandbox.endpoints) as rt:
        sources = Sources(rt.clients, Fetcher(rt.cache, rt.orchestrator, rt.clock))
        for t in cases:
            outcome = await deezer_step(sources, as_listed(catalog, t))
            assert outcome.failure is None, outcome.failure
            if not outcome.found:
                continue
            found += 1
            attached = catalog.by_deezer[int(outcome.ids["deezer"])]
            assert acceptable(catalog, attached, t), (
                t.title,
                t.version,
                t.kind,
                attached.title,
                attached.version,
                attached.kind,
                outcome.evidence,
            )
            assert outcome.evidence and outcome.evidence["candidates"]
        await sources.aclose()
    print(f"traps: {found} of {len(cases)} found, none wrong")
    assert found >= 0.7 * len(cases), (found, len(cases))


async def test_reccobeats_search_is_confirmed_by_isrc(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    cases = [t for t in traps(catalog) if t.rb_uuid][:30]
    async with sandbox_runtime(sandbox.endpoints) as rt:
        sources = Sources(rt.clients, Fetcher(rt.cache, rt.orchestrator, rt.clock))
        for t in cases:
            outcome = await reccobeats_step(sources, as_listed(catalog, t, isrc=True))
            if outcome.found:
                attached = catalog.by_rb[outcome.ids["reccobeats"]]
                assert acceptable(catalog, attached, t), (t.title, attached.title)
                assert outcome.ids["spotify"] == attached.spotify_id
        await sources.aclose()
