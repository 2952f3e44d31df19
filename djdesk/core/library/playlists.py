"""Playlists and their ordered entries; an import writes both in the caller's one transaction.

An entry keeps the raw input it came from (the URL, or the Exportify CSV row with its
``Track URI``) so output can give every track back in the input's order with its origin, and
flags the provider set (local file, unavailable in this market). Re-importing a playlist
replaces its entries wholesale: positions are the playlist's, not ours.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from djdesk.core.library.records import (
    Entry,
    EntryInput,
    ImportResult,
    PlaylistInput,
    PlaylistSummary,
)
from djdesk.core.library.tracks import upsert_track


def upsert_playlist(conn: sqlite3.Connection, playlist: PlaylistInput, now: float) -> int:
    row = conn.execute(
        "INSERT INTO playlists (service, service_id, name, owner, owned, snapshot_id, url, "
        "track_count, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (service, service_id) DO UPDATE SET name = excluded.name, "
        "owner = excluded.owner, owned = excluded.owned, snapshot_id = excluded.snapshot_id, "
        "url = coalesce(excluded.url, url), track_count = excluded.track_count, "
        "imported_at = excluded.imported_at RETURNING id",
        (
            playlist.service,
            playlist.service_id,
            playlist.name,
            playlist.owner,
            int(playlist.owned),
            playlist.snapshot_id,
            playlist.url,
            playlist.track_count or 0,
            now,
        ),
    ).fetchone()
    return int(row[0])


def import_playlist(
    conn: sqlite3.Connection,
    playlist: PlaylistInput,
    entries: Sequence[EntryInput],
    now: float,
    offset: int = 0,
) -> ImportResult:
    """Upsert the playlist, every entry's track (deduped by provider id) and the entry order.

    ``offset`` > 0 writes one later page of a list that arrives page by page: the entries from
    that position on are replaced, the ones before it (earlier pages) are kept."""
    if playlist.track_count is None:
        playlist = PlaylistInput(**{**_fields(playlist), "track_count": offset + len(entries)})
    playlist_id = upsert_playlist(conn, playlist, now)
    conn.execute(
        "DELETE FROM playlist_entries WHERE playlist_id = ? AND position >= ?",
        (playlist_id, offset),
    )
    track_ids: list[int | None] = []
    created = 0
    rows: list[tuple[Any, ...]] = []
    for position, entry in enumerate(entries, offset):
        track_id: int | None = None
        if entry.track is not None:
            result = upsert_track(conn, entry.track, now)
            track_id = result.track_id
            created += int(result.created)
        track_ids.append(track_id)
        rows.append(
            (
                playlist_id,
                position,
                track_id,
                json.dumps(dict(entry.source)),
                int(entry.local),
                int(entry.unavailable),
                entry.added_at,
            )
        )
    conn.executemany(
        "INSERT INTO playlist_entries (playlist_id, position, track_id, source, local, "
        "unavailable, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return ImportResult(playlist_id, tuple(track_ids), created)


def _fields(playlist: PlaylistInput) -> dict[str, Any]:
    return {name: getattr(playlist, name) for name in PlaylistInput.__dataclass_fields__}


def set_playlist_state(conn: sqlite3.Connection, playlist_id: int, state: str) -> None:
    cur = conn.execute(
        "UPDATE playlists SET enrichment_state = ? WHERE id = ?", (state, playlist_id)
    )
    if cur.rowcount == 0:
        raise LookupError(f"no playlist {playlist_id} in the library")


def delete_playlist(conn: sqlite3.Connection, playlist_id: int) -> bool:
    """Remove a playlist and its entries; its tracks stay (other playlists may hold them)."""
    return conn.execute("DELETE FROM playlists WHERE id = ?", (playlist_id,)).rowcount > 0


_SUMMARY_SQL = """
SELECT p.id, p.service, p.service_id, p.name, p.owner, p.owned, p.snapshot_id, p.url,
       p.track_count, p.imported_at, p.enrichment_state,
       (SELECT count(*) FROM playlist_entries e WHERE e.playlist_id = p.id),
       (SELECT json_group_object(s.state, s.n) FROM (
            SELECT t.state AS state, count(*) AS n FROM playlist_entries e
            JOIN tracks t ON t.id = e.track_id WHERE e.playlist_id = p.id GROUP BY t.state) s)
FROM playlists p
"""


def _summary(row: tuple[Any, ...]) -> PlaylistSummary:
    states = json.loads(row[12]) if row[12] else {}
    return PlaylistSummary(
        id=int(row[0]),
        service=row[1],
        service_id=row[2],
        name=row[3],
        owner=row[4],
        owned=bool(row[5]),
        snapshot_id=row[6],
        url=row[7],
        track_count=int(row[8]),
        imported_at=row[9],
        enrichment_state=row[10],
        entries=int(row[11]),
        states=states,
    )


def list_playlists(conn: sqlite3.Connection) -> list[PlaylistSummary]:
    rows = conn.execute(_SUMMARY_SQL + " ORDER BY p.imported_at DESC, p.id DESC").fetchall()
    return [_summary(r) for r in rows]


def get_playlist(conn: sqlite3.Connection, playlist_id: int) -> PlaylistSummary | None:
    row = conn.execute(_SUMMARY_SQL + " WHERE p.id = ?", (playlist_id,)).fetchone()
    return None if row is None else _summary(row)


def find_playlist(
    conn: sqlite3.Connection, service: str, service_id: str
) -> PlaylistSummary | None:
    """The stored playlist for a service id (e.g. to skip a re-fetch when snapshot_id matches)."""
    row = conn.execute(
        _SUMMARY_SQL + " WHERE p.service = ? AND p.service_id = ?", (service, service_id)
    ).fetchone()
    return None if row is None else _summary(row)


def playlist_track_ids(conn: sqlite3.Connection, playlist_id: int) -> list[int | None]:
    """Track ids in playlist order (``None`` where an entry has no track)."""
    rows = conn.execute(
        "SELECT track_id FROM playlist_entries WHERE playlist_id = ? ORDER BY position",
        (playlist_id,),
    )
    return [None if r[0] is None else int(r[0]) for r in rows]


def playlist_entries(
    conn: sqlite3.Connection, playlist_id: int, offset: int = 0, limit: int | None = None
) -> list[Entry]:
    rows = conn.execute(
        "SELECT position, track_id, source, local, unavailable, added_at FROM playlist_entries "
        "WHERE playlist_id = ? ORDER BY position LIMIT ? OFFSET ?",
        (playlist_id, -1 if limit is None else limit, offset),
    )
    return [
        Entry(int(pos), tid, json.loads(src), bool(loc), bool(unav), added)
        for pos, tid, src, loc, unav, added in rows
    ]
