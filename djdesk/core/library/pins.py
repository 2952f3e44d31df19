"""User pins: "this is the right Deezer (or Spotify, …) id for this track", and they win.

A pin wins everywhere because it is applied in the two places ids are read: ``ids_for`` lays
pins over the attached ids, and the pinned id is attached to the pinned track (taken away from
any other track that held it), so ``find_track`` by that id resolves to the pinned track too.
Unpinning removes the pin and only the id rows the pin itself attached; the engine may then
match again. Functions run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3

from djdesk.core.library.tracks import check_provider


def pin(conn: sqlite3.Connection, track_id: int, provider: str, value: str, now: float) -> None:
    check_provider(provider)
    if conn.execute("SELECT 1 FROM tracks WHERE id = ?", (track_id,)).fetchone() is None:
        raise LookupError(f"no track {track_id} in the library")
    if provider != "isrc":
        # The id belongs to exactly one track; the user just said which.
        conn.execute(
            "DELETE FROM track_ids WHERE provider = ? AND value = ? AND track_id <> ?",
            (provider, value, track_id),
        )
        conn.execute(
            "DELETE FROM pins WHERE provider = ? AND value = ? AND track_id <> ?",
            (provider, value, track_id),
        )
    conn.execute(
        "DELETE FROM track_ids WHERE track_id = ? AND provider = ? AND origin = 'pin'",
        (track_id, provider),
    )
    conn.execute(
        "INSERT OR IGNORE INTO track_ids (provider, value, track_id, origin) "
        "VALUES (?, ?, ?, 'pin')",
        (provider, value, track_id),
    )
    conn.execute(
        "INSERT INTO pins (track_id, provider, value, pinned_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (track_id, provider) DO UPDATE SET value = excluded.value, "
        "pinned_at = excluded.pinned_at",
        (track_id, provider, value, now),
    )


def unpin(conn: sqlite3.Connection, track_id: int, provider: str) -> bool:
    """Remove a pin; True if there was one."""
    check_provider(provider)
    conn.execute(
        "DELETE FROM track_ids WHERE track_id = ? AND provider = ? AND origin = 'pin'",
        (track_id, provider),
    )
    cur = conn.execute("DELETE FROM pins WHERE track_id = ? AND provider = ?", (track_id, provider))
    return cur.rowcount > 0


def pins_for(conn: sqlite3.Connection, track_id: int) -> dict[str, str]:
    rows = conn.execute("SELECT provider, value FROM pins WHERE track_id = ?", (track_id,))
    return {provider: value for provider, value in rows}


def all_pins(conn: sqlite3.Connection) -> dict[int, dict[str, str]]:
    """Every pin by track: the engine reads them when a run starts, so a pin made or removed
    by another process (``djdesk pin`` while the window is open) is what the run uses."""
    out: dict[int, dict[str, str]] = {}
    for track_id, provider, value in conn.execute("SELECT track_id, provider, value FROM pins"):
        out.setdefault(int(track_id), {})[provider] = value
    return out
