"""The async ``Library``: every call runs on its one database thread, never on the loop's."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.errors import SchemaTooNewError, StorageError
from djdesk.core.library import (
    SCHEMA_VERSION,
    EntryInput,
    FieldValue,
    Library,
    PlaylistInput,
    TrackInput,
    UnitDone,
)
from djdesk.core.library.store import LibraryStore
from djdesk.core.paths import default_paths


async def test_round_trip_through_the_async_api(clock: FakeClock) -> None:
    path = default_paths().library_db
    async with await Library.open(path, clock=clock) as lib:
        imported = await lib.import_playlist(
            PlaylistInput("deezer", "908622995", "Test"),
            [EntryInput(TrackInput({"deezer": "3135558", "isrc": "GBDUW0000061"}, "Nightvision"))],
        )
        (tid,) = imported.track_ids
        assert tid is not None
        await lib.set_fields(tid, {"bpm": FieldValue(124.0, "deezer")})
        await lib.pin(tid, "spotify", "sp-pinned")
        assert await lib.ids_for(tid) == {
            "deezer": "3135558",
            "isrc": "GBDUW0000061",
            "spotify": "sp-pinned",
        }
        job = await lib.create_job("https://www.deezer.com/playlist/908622995", {})
        await lib.record_units(job.id, [UnitDone(tid, "deezer", state="complete")])
        assert await lib.finished_units(job.id) == {(tid, "deezer"): "ok"}
        (row,) = await lib.track_rows(await lib.query_track_ids(playlist_id=imported.playlist_id))
        assert row.state == "complete" and row.doc["bpm"]["fetched_at"] == clock.time()
        assert [p.name for p in await lib.list_playlists()] == ["Test"]
    assert path.exists()


async def test_all_work_runs_on_one_dedicated_thread(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: set[int] = set()
    original = LibraryStore.list_playlists

    def spy(self: LibraryStore) -> object:
        seen.add(threading.get_ident())
        return original(self)

    monkeypatch.setattr(LibraryStore, "list_playlists", spy)
    lib = await Library.open(db_path)
    await asyncio.gather(*(lib.list_playlists() for _ in range(20)))
    await lib.aclose()
    assert len(seen) == 1
    assert threading.get_ident() not in seen


async def test_concurrent_writers_in_one_process_serialise(db_path: Path) -> None:
    lib = await Library.open(db_path)
    tid = (await lib.upsert_track(TrackInput({"spotify": "s"}))).track_id
    await asyncio.gather(*(lib.set_fields(tid, {f"f{i}": FieldValue(i, "x")}) for i in range(50)))
    (row,) = await lib.track_rows([tid])
    assert len(row.doc) == 50
    await lib.aclose()
    await lib.aclose()  # idempotent
    with pytest.raises(StorageError):
        await lib.list_playlists()


async def test_newer_schema_refused_through_async_open(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        await Library.open(db_path)
