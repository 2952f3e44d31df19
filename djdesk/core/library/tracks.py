"""Tracks and the provider ids they are known by; the one dedupe rule lives here.

The rule, kept simple on purpose: **the same identity-provider id (Spotify, Deezer, ReccoBeats,
MusicBrainz) means the same track.** An ISRC is stored and searchable but never merges tracks on
its own, because several recordings (and several Deezer records) share one; deciding that two
rows with one ISRC are the same song (title and duration agree) is the engine's call, made with
``tracks_by_id("isrc", ...)`` and then an upsert by the provider id it settled on.

Upserts never merge two existing tracks: an id already owned by another track stays there and
is reported as a conflict. Functions take an open connection and run inside the caller's
transaction; they never commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from djdesk.core.library.records import (
    ID_PROVIDERS,
    IDENTITY_PROVIDERS,
    TrackInput,
    UpsertResult,
)


def check_provider(provider: str) -> None:
    if provider not in ID_PROVIDERS:
        raise ValueError(f"unknown id provider {provider!r}; expected one of {ID_PROVIDERS}")


def _owner(conn: sqlite3.Connection, provider: str, value: str) -> int | None:
    row = conn.execute(
        "SELECT track_id FROM track_ids WHERE provider = ? AND value = ? ORDER BY rowid LIMIT 1",
        (provider, value),
    ).fetchone()
    return None if row is None else int(row[0])


def find_track(conn: sqlite3.Connection, ids: Mapping[str, str]) -> int | None:
    """The track one of ``ids`` identifies, by precedence Spotify > Deezer > ReccoBeats > MB.

    ISRC is ignored here (it is not an identity); use ``tracks_by_id("isrc", x)``.
    """
    for provider in ids:
        check_provider(provider)
    for provider in IDENTITY_PROVIDERS:
        value = ids.get(provider)
        if value:
            owner = _owner(conn, provider, value)
            if owner is not None:
                return owner
    return None


def tracks_by_id(conn: sqlite3.Connection, provider: str, value: str) -> list[int]:
    """Every track known by this id: at most one for an identity provider, any number for ISRC."""
    check_provider(provider)
    rows = conn.execute(
        "SELECT DISTINCT track_id FROM track_ids WHERE provider = ? AND value = ? "
        "ORDER BY track_id",
        (provider, value),
    ).fetchall()
    return [int(r[0]) for r in rows]


def attach_id(
    conn: sqlite3.Connection, track_id: int, provider: str, value: str, origin: str = "import"
) -> int | None:
    """Record that ``track_id`` is known by this id; returns the OTHER owner on a conflict."""
    check_provider(provider)
    if provider != "isrc":
        owner = _owner(conn, provider, value)
        if owner is not None:
            return None if owner == track_id else owner
    conn.execute(
        "INSERT OR IGNORE INTO track_ids (provider, value, track_id, origin) VALUES (?, ?, ?, ?)",
        (provider, value, track_id, origin),
    )
    return None


def upsert_track(conn: sqlite3.Connection, track: TrackInput, now: float) -> UpsertResult:
    """Find the track by any identity id (or take ``same_as``) or create it; attach every id
    not owned elsewhere.

    Metadata only fills blanks on an existing track (the first import's spelling stays); use
    ``set_meta`` to overwrite on purpose.
    """
    ids = {p: str(v) for p, v in track.ids.items() if v}
    if track.same_as is not None:
        if conn.execute("SELECT 1 FROM tracks WHERE id = ?", (track.same_as,)).fetchone() is None:
            raise LookupError(f"no track {track.same_as} in the library")
        existing: int | None = track.same_as
    else:
        existing = find_track(conn, ids)
    artists = None if track.artists is None else json.dumps(list(track.artists))
    if existing is None:
        track_id = int(
            conn.execute(
                "INSERT INTO tracks (title, artists, album, duration_ms, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (track.title or "", artists or "[]", track.album, track.duration_ms, now),
            ).fetchone()[0]
        )
    else:
        track_id = existing
        conn.execute(
            "UPDATE tracks SET "
            "title = CASE WHEN title = '' THEN coalesce(?, '') ELSE title END, "
            "artists = CASE WHEN artists = '[]' THEN coalesce(?, '[]') ELSE artists END, "
            "album = coalesce(album, ?), duration_ms = coalesce(duration_ms, ?) WHERE id = ?",
            (track.title, artists, track.album, track.duration_ms, track_id),
        )
    conflicts: list[tuple[str, str, int]] = []
    for provider in ID_PROVIDERS:
        value = ids.get(provider)
        if value:
            other = attach_id(conn, track_id, provider, value)
            if other is not None:
                conflicts.append((provider, value, other))
    return UpsertResult(track_id, existing is None, tuple(conflicts))


def set_meta(
    conn: sqlite3.Connection,
    track_id: int,
    *,
    title: str | None = None,
    artists: Iterable[str] | None = None,
    album: str | None = None,
    duration_ms: int | None = None,
    now: float,
) -> None:
    """Overwrite the given metadata (``None`` keeps the stored value)."""
    encoded = None if artists is None else json.dumps(list(artists))
    cur = conn.execute(
        "UPDATE tracks SET title = coalesce(?, title), artists = coalesce(?, artists), "
        "album = coalesce(?, album), duration_ms = coalesce(?, duration_ms), updated_at = ? "
        "WHERE id = ?",
        (title, encoded, album, duration_ms, now, track_id),
    )
    if cur.rowcount == 0:
        raise LookupError(f"no track {track_id} in the library")


def ids_for_many(conn: sqlite3.Connection, track_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each track's id per provider: the first one attached, unless a pin says otherwise."""
    wanted = list(dict.fromkeys(track_ids))
    out: dict[int, dict[str, str]] = {t: {} for t in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for tid, provider, value in conn.execute(
            f"SELECT track_id, provider, value FROM track_ids WHERE track_id IN ({marks}) "
            "ORDER BY rowid",
            chunk,
        ):
            out[int(tid)].setdefault(provider, value)
        for tid, provider, value in conn.execute(
            f"SELECT track_id, provider, value FROM pins WHERE track_id IN ({marks})", chunk
        ):
            out[int(tid)][provider] = value
    return out


def ids_for(conn: sqlite3.Connection, track_id: int) -> dict[str, str]:
    return ids_for_many(conn, [track_id])[track_id]
