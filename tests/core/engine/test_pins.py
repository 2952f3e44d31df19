"""Pins on the sandbox: every pinnable id is read by that id and wins; unpinning undoes it.

MusicBrainz and ReccoBeats pins used to be stored and ignored (enrichment never looked a track
up by either id). Each test pins a record that is NOT the track's own, so only a pin that is
really read can change what the track shows; the catalog says what that record holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from djdesk.core.errors import InputError
from djdesk.core.library import TrackInput
from djdesk.core.runtime import Runtime
from djdesk.sandbox import SandboxThread
from djdesk.sandbox.catalog import Catalog, Track
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime, truth_entries


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


def _clean(catalog: Catalog, skip: int = 0) -> list[Track]:
    """Tracks every provider knows, each the only one with its ISRC (no ISRC trap)."""
    return [
        t
        for t in catalog.tracks
        if t.readable and t.mbid and t.rb_uuid and len(catalog.by_isrc.get(t.isrc, [])) == 1
    ][skip:]


async def _add(rt: Runtime, catalog: Catalog, t: Track, **ids: str) -> int:
    """The track as a playlist entry gives it (``ids`` only: no ISRC unless given)."""
    (made,) = await rt.library.upsert_tracks(
        [
            TrackInput(
                title=t.title + catalog.feat_suffix(t),
                artists=[catalog.artists[a].name for a in t.artists],
                duration_ms=t.duration_ms,
                ids=ids,
            )
        ]
    )
    return made.track_id


async def test_a_pinned_musicbrainz_recording_is_looked_up_and_wins_over_the_search(
    sandbox: SandboxThread,
) -> None:
    catalog = catalog_of(sandbox)
    own, other = _clean(catalog)[:2]
    async with sandbox_runtime(sandbox.endpoints) as rt:
        tid = await _add(rt, catalog, own)
        await rt.engine.reenrich_track(tid)
        (before,) = await rt.library.track_rows([tid])
        assert before.ids.get("deezer") == str(own.deezer_id)  # the search found its own

        await rt.engine.pin_track(tid, "musicbrainz", str(other.mbid))
        (row,) = await rt.library.track_rows([tid])
        # Deezer by the pinned recording's ISRC: the other track's record, not the search's.
        assert row.doc["rank"]["value"] == other.rank
        assert row.ids["musicbrainz"] == other.mbid
        payloads = await rt.library.get_payloads(tid, "deezer")
        assert [int(p.payload["id"]) for p in payloads] == [other.deezer_id]
        ev = row.evidence["deezer"]
        assert ev["via"] == "musicbrainz" and ev["chosen"]["id"] == str(other.deezer_id)
        assert ev["pinned"] == other.mbid and other.isrc in ev["reason"]
        mb = ev["musicbrainz"]
        assert mb["via"] == "pinned" and mb["chosen"] == {
            "provider": "musicbrainz",
            "id": other.mbid,
        }
        (cand,) = mb["candidates"]
        assert cand["chosen"] and cand["via"] == "pinned" and other.isrc in cand["isrcs"]


async def test_unpinning_undoes_what_a_pin_found_on_a_track_that_had_no_ids(
    sandbox: SandboxThread,
) -> None:
    """Ids reached only through a pin are not kept as the track's own: after the unpin, the
    track is matched again instead of reading the pinned records by ids they left behind."""
    catalog = catalog_of(sandbox)
    own, other = _clean(catalog, 6)[:2]
    assert other.rb_uuid is not None
    async with sandbox_runtime(sandbox.endpoints) as rt:
        tid = await _add(rt, catalog, own)  # an Exportify-like row: no id at all
        await rt.engine.pin_track(tid, "musicbrainz", str(other.mbid))
        (first,) = await rt.library.track_rows([tid])
        assert first.doc["rank"]["value"] == other.rank
        assert "deezer" not in first.ids and "spotify" not in first.ids  # through the pin only
        await rt.engine.pin_track(tid, "reccobeats", other.rb_uuid)
        (pinned,) = await rt.library.track_rows([tid])
        assert pinned.doc["energy"]["value"] == pytest.approx(other.energy)
        assert pinned.doc["rank"]["value"] == other.rank
        assert "spotify" not in pinned.ids and "deezer" not in pinned.ids

        await rt.engine.unpin_track(tid, "reccobeats")
        await rt.engine.unpin_track(tid, "musicbrainz")
        (row,) = await rt.library.track_rows([tid])
        assert row.doc["rank"]["value"] == own.rank  # matched again: its own record
        assert row.ids["deezer"] == str(own.deezer_id)
        assert row.doc.get("energy", {}).get("value") != pytest.approx(other.energy)
        assert "spotify" not in row.ids or row.ids["spotify"] == own.spotify_id


async def test_a_pinned_musicbrainz_id_it_does_not_know_says_so_and_the_track_keeps_matching(
    sandbox: SandboxThread,
) -> None:
    catalog = catalog_of(sandbox)
    (own,) = _clean(catalog)[:1]
    missing = "00000000-0000-4000-8000-000000000000"
    async with sandbox_runtime(sandbox.endpoints) as rt:
        tid = await _add(rt, catalog, own)
        await rt.engine.pin_track(tid, "musicbrainz", missing)
        (row,) = await rt.library.track_rows([tid])
        assert row.ids.get("deezer") == str(own.deezer_id)  # found another way (search)
        mb = row.evidence["deezer"]["musicbrainz"]
        assert mb["via"] == "pinned" and mb["chosen"] is None and mb["candidates"] == []
        assert missing in mb["reason"]


async def test_a_pinned_reccobeats_id_is_read_by_that_id_over_the_spotify_id(
    sandbox: SandboxThread,
) -> None:
    catalog = catalog_of(sandbox)
    own, other = _clean(catalog, 2)[:2]
    assert other.rb_uuid is not None
    async with sandbox_runtime(sandbox.endpoints) as rt:
        tid = await _add(rt, catalog, own, spotify=own.spotify_id)
        await rt.engine.reenrich_track(tid)
        (before,) = await rt.library.track_rows([tid])
        assert before.doc["energy"]["value"] == pytest.approx(own.energy)

        await rt.engine.pin_track(tid, "reccobeats", other.rb_uuid)
        (row,) = await rt.library.track_rows([tid])
        assert row.doc["energy"]["value"] == pytest.approx(other.energy)
        assert row.doc["energy"]["source"] == "reccobeats"
        assert row.ids["spotify"] == own.spotify_id  # the track's own id is not replaced
        ev = row.evidence["reccobeats"]
        assert ev["via"] == "pinned" and ev["pinned"] == other.rb_uuid
        assert ev["chosen"] == {"provider": "reccobeats", "id": other.rb_uuid}
        assert ev["candidates"][0]["spotify_id"] == other.spotify_id

        # Unpinned: read by its Spotify id again, at once.
        await rt.engine.unpin_track(tid, "reccobeats")
        (after,) = await rt.library.track_rows([tid])
        assert after.doc["energy"]["value"] == pytest.approx(own.energy)
        assert after.evidence["reccobeats"]["via"] != "pinned"
        assert await rt.library.pins_for(tid) == {}
        assert tid not in rt.engine.pins


async def test_unpin_drops_the_pin_everywhere_and_enriches_again(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    own, other = _clean(catalog, 4)[:2]
    async with sandbox_runtime(sandbox.endpoints) as rt:
        tid = await _add(rt, catalog, own, deezer=str(own.deezer_id))
        await rt.engine.pin_track(tid, "deezer", str(other.deezer_id))
        assert rt.engine.pins[tid] == {"deezer": str(other.deezer_id)}
        (pinned,) = await rt.library.track_rows([tid])
        assert pinned.doc["rank"]["value"] == other.rank

        state = await rt.engine.unpin_track(tid, "deezer")
        (row,) = await rt.library.track_rows([tid])
        assert state == row.state
        assert row.ids["deezer"] == str(own.deezer_id)
        assert row.doc["rank"]["value"] == own.rank
        assert await rt.library.pins_for(tid) == {} and tid not in rt.engine.pins
        with pytest.raises(InputError, match="no deezer pin"):
            await rt.engine.unpin_track(tid, "deezer")


async def test_a_run_reads_pins_from_the_library_not_the_windows_copy(
    sandbox: SandboxThread,
) -> None:
    """The window pinned; ``djdesk pin --remove`` (another process: the library only) then
    unpinned. The window's next run must not put the removed pin back."""
    catalog = catalog_of(sandbox)
    url = demo_url(catalog, "deezer", 25)
    first = next(t for t in truth_entries(catalog, url) if t is not None)
    other = next(t for t in catalog.tracks if t.readable and t.rank != first.rank)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        await rt.engine.import_only(url)
        (tid,) = await rt.library.tracks_by_id("deezer", str(first.deezer_id))
        await rt.engine.pin_track(tid, "deezer", str(other.deezer_id))
        assert await rt.library.unpin(tid, "deezer")  # as the CLI does, in its own process
        assert tid in rt.engine.pins  # the window's copy does not know yet

        await rt.engine.enrich(url)
        (row,) = await rt.library.track_rows([tid])
        assert row.ids["deezer"] == str(first.deezer_id)
        assert row.doc["rank"]["value"] == first.rank
        assert tid not in rt.engine.pins
        # And a pin made by the CLI alone is what the window's next run uses.
        await rt.library.pin(tid, "deezer", str(other.deezer_id))
        await rt.engine.enrich(url)
        (again,) = await rt.library.track_rows([tid])
        assert again.doc["rank"]["value"] == other.rank
        assert rt.engine.pins[tid] == {"deezer": str(other.deezer_id)}
