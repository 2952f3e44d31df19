"""A song imported from Deezer, then from Spotify, is one library track when the ISRC, title
and duration agree; a remaster that only shares the ISRC stays its own track."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, sandbox_runtime


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


async def test_same_isrc_title_and_duration_join_across_services(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    track = next(
        t
        for t in catalog.tracks
        if t.kind == "original"
        and len(catalog.by_isrc[t.isrc]) == 1
        and not t.spotify_isrc_missing
        and t.readable
    )
    async with sandbox_runtime(sandbox.endpoints) as rt:
        first = await rt.engine.import_only(f"https://www.deezer.com/track/{track.deezer_id}")
        second = await rt.engine.import_only(f"https://open.spotify.com/track/{track.spotify_id}")
        assert second.track_ids == first.track_ids
        assert second.created_tracks == 0
        (tid,) = first.track_ids
        assert tid is not None
        ids = await rt.library.ids_for(tid)
    assert ids["deezer"] == str(track.deezer_id) and ids["spotify"] == track.spotify_id


async def test_a_remaster_sharing_the_isrc_is_not_joined(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    remaster = next(
        t
        for t in catalog.tracks
        if t.kind == "remaster"
        and t.version_of is not None
        and catalog.tracks[t.version_of].isrc == t.isrc
        and not t.spotify_isrc_missing
    )
    original = catalog.tracks[remaster.version_of]  # type: ignore[index]
    async with sandbox_runtime(sandbox.endpoints) as rt:
        first = await rt.engine.import_only(f"https://www.deezer.com/track/{original.deezer_id}")
        url = f"https://open.spotify.com/track/{remaster.spotify_id}"
        second = await rt.engine.import_only(url)
    assert second.created_tracks == 1
    assert second.track_ids != first.track_ids
