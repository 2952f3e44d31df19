"""``Library``: the async face of the library database, for the engine, the CLI and the GUI.

Thread invariant: ALL database work for one library file runs on ONE dedicated thread, a
``core.dbthread.DbThread`` owned by this object (the Anki ``taskman`` pattern). The
``LibraryStore`` and its connection are created on that thread, used only there and closed
there, so the event loop (plain asyncio or qasync) never waits on SQLite and no connection is
ever shared between threads. Calls run one at a time in submission order.

Cancelling an ``await`` does not cancel the database work already handed to the thread: a write
then still commits or rolls back as a whole, never half. Open one ``Library`` per process;
other processes open their own and WAL serialises the writers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from djdesk.core.clock import Clock
from djdesk.core.dbthread import DbThread
from djdesk.core.library.records import (
    Entry,
    EntryInput,
    FieldLike,
    ImportResult,
    Job,
    Payload,
    PlaylistInput,
    PlaylistSummary,
    TrackInput,
    TrackRow,
    UnitDone,
    UpsertResult,
)
from djdesk.core.library.store import LibraryStore

T = TypeVar("T")


class Library:
    def __init__(self, thread: DbThread[LibraryStore]) -> None:
        self._thread = thread
        self._store = thread.obj
        self.path = self._store.path

    @classmethod
    async def open(cls, path: Path, *, clock: Clock | None = None) -> Library:
        """Open (create, migrate) the file on a fresh dedicated thread.

        Raises ``SchemaTooNewError`` (file untouched) or another ``StorageError``.
        """
        factory = functools.partial(LibraryStore.open, Path(path), clock)
        thread = await DbThread.start("djdesk-library", factory, LibraryStore.close, what="library")
        return cls(thread)

    async def aclose(self) -> None:
        await self._thread.close()

    async def __aenter__(self) -> Library:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await self._thread.run(fn, *args, **kwargs)

    # -- playlists -------------------------------------------------------------------------

    async def import_playlist(
        self, playlist: PlaylistInput, entries: Sequence[EntryInput], offset: int = 0
    ) -> ImportResult:
        """The playlist with ``entries`` from position ``offset`` on (0: all of it); a list
        read page by page writes each page at its offset, the first one replacing the rest."""
        return await self._call(self._store.import_playlist, playlist, entries, offset)

    async def set_playlist_state(self, playlist_id: int, state: str) -> None:
        await self._call(self._store.set_playlist_state, playlist_id, state)

    async def delete_playlist(self, playlist_id: int) -> bool:
        return await self._call(self._store.delete_playlist, playlist_id)

    async def list_playlists(self) -> list[PlaylistSummary]:
        return await self._call(self._store.list_playlists)

    async def get_playlist(self, playlist_id: int) -> PlaylistSummary | None:
        return await self._call(self._store.get_playlist, playlist_id)

    async def find_playlist(self, service: str, service_id: str) -> PlaylistSummary | None:
        return await self._call(self._store.find_playlist, service, service_id)

    async def playlist_track_ids(self, playlist_id: int) -> list[int | None]:
        return await self._call(self._store.playlist_track_ids, playlist_id)

    async def playlist_entries(
        self, playlist_id: int, offset: int = 0, limit: int | None = None
    ) -> list[Entry]:
        return await self._call(self._store.playlist_entries, playlist_id, offset, limit)

    # -- tracks and ids --------------------------------------------------------------------

    async def upsert_track(self, track: TrackInput) -> UpsertResult:
        return await self._call(self._store.upsert_track, track)

    async def upsert_tracks(self, batch: Sequence[TrackInput]) -> list[UpsertResult]:
        return await self._call(self._store.upsert_tracks, batch)

    async def attach_id(
        self, track_id: int, provider: str, value: str, origin: str = "match"
    ) -> int | None:
        return await self._call(self._store.attach_id, track_id, provider, value, origin)

    async def set_meta(
        self,
        track_id: int,
        *,
        title: str | None = None,
        artists: Iterable[str] | None = None,
        album: str | None = None,
        duration_ms: int | None = None,
    ) -> None:
        artists = None if artists is None else list(artists)
        await self._call(
            self._store.set_meta,
            track_id,
            title=title,
            artists=artists,
            album=album,
            duration_ms=duration_ms,
        )

    async def find_track(self, ids: Mapping[str, str]) -> int | None:
        return await self._call(self._store.find_track, dict(ids))

    async def tracks_by_id(self, provider: str, value: str) -> list[int]:
        return await self._call(self._store.tracks_by_id, provider, value)

    async def ids_for(self, track_id: int) -> dict[str, str]:
        return await self._call(self._store.ids_for, track_id)

    async def ids_for_many(self, track_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        return await self._call(self._store.ids_for_many, list(track_ids))

    # -- pins ------------------------------------------------------------------------------

    async def pin(self, track_id: int, provider: str, value: str) -> None:
        await self._call(self._store.pin, track_id, provider, value)

    async def unpin(self, track_id: int, provider: str) -> bool:
        return await self._call(self._store.unpin, track_id, provider)

    async def pins_for(self, track_id: int) -> dict[str, str]:
        return await self._call(self._store.pins_for, track_id)

    async def all_pins(self) -> dict[int, dict[str, str]]:
        return await self._call(self._store.all_pins)

    # -- enrichment ------------------------------------------------------------------------

    async def set_fields(self, track_id: int, fields: Mapping[str, FieldLike]) -> None:
        await self._call(self._store.set_fields, track_id, dict(fields))

    async def set_fields_many(self, updates: Mapping[int, Mapping[str, FieldLike]]) -> None:
        await self._call(self._store.set_fields_many, {k: dict(v) for k, v in updates.items()})

    async def remove_fields(self, track_id: int, names: Iterable[str]) -> None:
        await self._call(self._store.remove_fields, track_id, list(names))

    async def set_state(
        self,
        track_id: int,
        state: str,
        *,
        missing: Iterable[str] = (),
        reason: str | None = None,
    ) -> None:
        await self._call(
            self._store.set_state, track_id, state, missing=list(missing), reason=reason
        )

    async def set_evidence(self, track_id: int, provider: str, evidence: Any) -> None:
        await self._call(self._store.set_evidence, track_id, provider, evidence)

    async def put_payload(
        self,
        track_id: int,
        provider: str,
        kind: str,
        payload: Any,
        fetched_at: float | None = None,
    ) -> None:
        await self._call(self._store.put_payload, track_id, provider, kind, payload, fetched_at)

    async def get_payloads(self, track_id: int, provider: str | None = None) -> list[Payload]:
        return await self._call(self._store.get_payloads, track_id, provider)

    # -- read side for tables --------------------------------------------------------------

    async def query_track_ids(
        self,
        *,
        playlist_id: int | None = None,
        sort: str = "position",
        descending: bool = False,
        ranges: dict[str, tuple[float | None, float | None]] | None = None,
        keys: Sequence[str] | None = None,
        states: Sequence[str] | None = None,
        text: str | None = None,
    ) -> list[int]:
        """Sorted, filtered ids; see ``queries.query_track_ids``."""
        return await self._call(
            self._store.query_track_ids,
            playlist_id=playlist_id,
            sort=sort,
            descending=descending,
            ranges=ranges,
            keys=keys,
            states=states,
            text=text,
        )

    async def playlist_view(
        self, playlist_id: int, offset: int = 0, limit: int | None = None
    ) -> list[tuple[Entry, TrackRow | None]]:
        return await self._call(self._store.playlist_view, playlist_id, offset, limit)

    async def track_rows(self, track_ids: Iterable[int]) -> list[TrackRow]:
        return await self._call(self._store.track_rows, list(track_ids))

    # -- jobs ------------------------------------------------------------------------------

    async def create_job(
        self,
        input: str,
        options: Mapping[str, Any],
        *,
        playlist_id: int | None = None,
        job_id: str | None = None,
    ) -> Job:
        return await self._call(
            self._store.create_job, input, dict(options), playlist_id=playlist_id, job_id=job_id
        )

    async def get_job(self, job_id: str) -> Job | None:
        return await self._call(self._store.get_job, job_id)

    async def list_jobs(self, states: Sequence[str] | None = None) -> list[Job]:
        return await self._call(self._store.list_jobs, states)

    async def set_job_state(
        self,
        job_id: str,
        state: str,
        *,
        error: str | None = None,
        playlist_id: int | None = None,
    ) -> None:
        await self._call(
            self._store.set_job_state, job_id, state, error=error, playlist_id=playlist_id
        )

    async def update_totals(self, job_id: str, totals: Mapping[str, Any]) -> None:
        await self._call(self._store.update_totals, job_id, dict(totals))

    async def record_units(self, job_id: str, units: Sequence[UnitDone]) -> None:
        """Durable once awaited: the units and their results are committed together."""
        await self._call(self._store.record_units, job_id, list(units))

    async def finished_units(self, job_id: str) -> dict[tuple[int, str], str]:
        return await self._call(self._store.finished_units, job_id)

    async def unit_counts(self, job_id: str) -> dict[str, int]:
        return await self._call(self._store.unit_counts, job_id)
