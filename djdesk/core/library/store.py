"""``LibraryStore``: the synchronous library on one connection, for one thread.

Thread invariant: a store's connection is created, used and closed on ONE thread (sqlite3's
default ``check_same_thread=True`` enforces it and raises ``ProgrammingError`` otherwise; see
reliability.md §4.2 for the InterfaceError class of bugs a shared connection causes). The async
``Library`` runs a store on its own single-thread executor; scripts and tests may use a store
directly on the thread that opened it. Other processes are welcome: they get their own
connection, and WAL plus ``busy_timeout`` plus ``BEGIN IMMEDIATE`` serialise their writes.

Every public write is one transaction; every error leaves as a ``StorageError`` subclass (or
``LookupError``/``ValueError`` for a caller's mistake), never a raw "database is locked".
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.library import enrichment, jobs, pins, playlists, queries, tracks
from djdesk.core.library.connection import connect, read_txn, translate, write_txn
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


class LibraryStore:
    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock | None = None) -> None:
        self._conn = conn
        self.path = path
        self._clock: Clock = clock or SystemClock()

    @classmethod
    def open(cls, path: Path, clock: Clock | None = None) -> LibraryStore:
        return cls(connect(Path(path)), Path(path), clock)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close (WAL growth, reliability.md C12)."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()

    def _now(self) -> float:
        return self._clock.time()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # our bug (e.g. wrong thread), not the user's file: keep it loud
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._errors(), write_txn(self._conn) as conn:
            yield conn

    # -- playlists -------------------------------------------------------------------------

    def import_playlist(
        self, playlist: PlaylistInput, entries: Sequence[EntryInput], offset: int = 0
    ) -> ImportResult:
        with self._write() as conn:
            return playlists.import_playlist(conn, playlist, entries, self._now(), offset)

    def set_playlist_state(self, playlist_id: int, state: str) -> None:
        with self._write() as conn:
            playlists.set_playlist_state(conn, playlist_id, state)

    def delete_playlist(self, playlist_id: int) -> bool:
        with self._write() as conn:
            return playlists.delete_playlist(conn, playlist_id)

    def list_playlists(self) -> list[PlaylistSummary]:
        with self._errors():
            return playlists.list_playlists(self._conn)

    def get_playlist(self, playlist_id: int) -> PlaylistSummary | None:
        with self._errors():
            return playlists.get_playlist(self._conn, playlist_id)

    def find_playlist(self, service: str, service_id: str) -> PlaylistSummary | None:
        with self._errors():
            return playlists.find_playlist(self._conn, service, service_id)

    def playlist_track_ids(self, playlist_id: int) -> list[int | None]:
        with self._errors():
            return playlists.playlist_track_ids(self._conn, playlist_id)

    def playlist_entries(
        self, playlist_id: int, offset: int = 0, limit: int | None = None
    ) -> list[Entry]:
        with self._errors():
            return playlists.playlist_entries(self._conn, playlist_id, offset, limit)

    # -- tracks and ids --------------------------------------------------------------------

    def upsert_track(self, track: TrackInput) -> UpsertResult:
        with self._write() as conn:
            return tracks.upsert_track(conn, track, self._now())

    def upsert_tracks(self, batch: Sequence[TrackInput]) -> list[UpsertResult]:
        with self._write() as conn:
            now = self._now()
            return [tracks.upsert_track(conn, t, now) for t in batch]

    def attach_id(
        self, track_id: int, provider: str, value: str, origin: str = "match"
    ) -> int | None:
        """Attach an id found by matching; returns the other track's id if it already owns it."""
        with self._write() as conn:
            return tracks.attach_id(conn, track_id, provider, value, origin)

    def set_meta(
        self,
        track_id: int,
        *,
        title: str | None = None,
        artists: Iterable[str] | None = None,
        album: str | None = None,
        duration_ms: int | None = None,
    ) -> None:
        with self._write() as conn:
            tracks.set_meta(
                conn,
                track_id,
                title=title,
                artists=artists,
                album=album,
                duration_ms=duration_ms,
                now=self._now(),
            )

    def find_track(self, ids: Mapping[str, str]) -> int | None:
        with self._errors():
            return tracks.find_track(self._conn, ids)

    def tracks_by_id(self, provider: str, value: str) -> list[int]:
        with self._errors():
            return tracks.tracks_by_id(self._conn, provider, value)

    def ids_for(self, track_id: int) -> dict[str, str]:
        with self._errors():
            return tracks.ids_for(self._conn, track_id)

    def ids_for_many(self, track_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        with self._errors():
            return tracks.ids_for_many(self._conn, track_ids)

    # -- pins ------------------------------------------------------------------------------

    def pin(self, track_id: int, provider: str, value: str) -> None:
        with self._write() as conn:
            pins.pin(conn, track_id, provider, value, self._now())

    def unpin(self, track_id: int, provider: str) -> bool:
        with self._write() as conn:
            return pins.unpin(conn, track_id, provider)

    def pins_for(self, track_id: int) -> dict[str, str]:
        with self._errors():
            return pins.pins_for(self._conn, track_id)

    def all_pins(self) -> dict[int, dict[str, str]]:
        with self._errors():
            return pins.all_pins(self._conn)

    # -- enrichment ------------------------------------------------------------------------

    def set_fields(self, track_id: int, fields: Mapping[str, FieldLike]) -> None:
        with self._write() as conn:
            enrichment.set_fields(conn, track_id, fields, self._now())

    def set_fields_many(self, updates: Mapping[int, Mapping[str, FieldLike]]) -> None:
        """Many tracks' fields in one transaction (one json_set statement per track)."""
        with self._write() as conn:
            now = self._now()
            for track_id, fields in updates.items():
                enrichment.set_fields(conn, track_id, fields, now)

    def remove_fields(self, track_id: int, names: Iterable[str]) -> None:
        with self._write() as conn:
            enrichment.remove_fields(conn, track_id, names, self._now())

    def set_state(
        self,
        track_id: int,
        state: str,
        *,
        missing: Iterable[str] = (),
        reason: str | None = None,
    ) -> None:
        with self._write() as conn:
            enrichment.set_state(conn, track_id, state, self._now(), missing=missing, reason=reason)

    def set_evidence(self, track_id: int, provider: str, evidence: Any) -> None:
        with self._write() as conn:
            enrichment.set_evidence(conn, track_id, provider, evidence, self._now())

    def put_payload(
        self,
        track_id: int,
        provider: str,
        kind: str,
        payload: Any,
        fetched_at: float | None = None,
    ) -> None:
        with self._write() as conn:
            when = self._now() if fetched_at is None else fetched_at
            enrichment.put_payload(conn, track_id, provider, kind, payload, when)

    def get_payloads(self, track_id: int, provider: str | None = None) -> list[Payload]:
        with self._errors():
            return enrichment.get_payloads(self._conn, track_id, provider)

    # -- read side for tables --------------------------------------------------------------

    def query_track_ids(
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
        with self._errors():
            return queries.query_track_ids(
                self._conn,
                playlist_id=playlist_id,
                sort=sort,
                descending=descending,
                ranges=ranges,
                keys=keys,
                states=states,
                text=text,
            )

    def playlist_view(
        self, playlist_id: int, offset: int = 0, limit: int | None = None
    ) -> list[tuple[Entry, TrackRow | None]]:
        """Entries in order, each with its track row: what ``show`` and ``--format json`` print."""
        with self._errors(), read_txn(self._conn):
            entries = playlists.playlist_entries(self._conn, playlist_id, offset, limit)
            rows = queries.track_rows(self._conn, [e.track_id for e in entries if e.track_id])
        by_id = {r.id: r for r in rows}
        return [(e, by_id.get(e.track_id) if e.track_id else None) for e in entries]

    def track_rows(self, track_ids: Iterable[int]) -> list[TrackRow]:
        with self._errors():
            return queries.track_rows(self._conn, track_ids)

    # -- jobs ------------------------------------------------------------------------------

    def create_job(
        self,
        input: str,
        options: Mapping[str, Any],
        *,
        playlist_id: int | None = None,
        job_id: str | None = None,
    ) -> Job:
        with self._write() as conn:
            return jobs.create_job(
                conn, input, options, self._now(), playlist_id=playlist_id, job_id=job_id
            )

    def get_job(self, job_id: str) -> Job | None:
        with self._errors():
            return jobs.get_job(self._conn, job_id)

    def list_jobs(self, states: Sequence[str] | None = None) -> list[Job]:
        with self._errors():
            return jobs.list_jobs(self._conn, states)

    def set_job_state(
        self,
        job_id: str,
        state: str,
        *,
        error: str | None = None,
        playlist_id: int | None = None,
    ) -> None:
        with self._write() as conn:
            jobs.set_job_state(
                conn, job_id, state, self._now(), error=error, playlist_id=playlist_id
            )

    def update_totals(self, job_id: str, totals: Mapping[str, Any]) -> None:
        with self._write() as conn:
            jobs.update_totals(conn, job_id, totals, self._now())

    def record_units(self, job_id: str, units: Sequence[UnitDone]) -> None:
        """Durable once this returns: the units and their results are committed together."""
        with self._write() as conn:
            jobs.record_units(conn, job_id, units, self._now())

    def finished_units(self, job_id: str) -> dict[tuple[int, str], str]:
        with self._errors():
            return jobs.finished_units(self._conn, job_id)

    def unit_counts(self, job_id: str) -> dict[str, int]:
        with self._errors():
            return jobs.unit_counts(self._conn, job_id)
