"""The read side for lazy tables: ordered, filtered id lists in SQL, then rows for a page of ids.

The GUI's model holds only ids (the Anki browser pattern): ``query_track_ids`` sorts and filters
in SQLite on the indexed generated columns (bpm, energy, key, year, state), and ``track_rows``
fetches the visible page, decoding JSON fresh each time. Only whitelisted column names ever
reach the SQL text; every value is a bound parameter.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from djdesk.core.library.records import SORT_COLUMNS, TrackRow
from djdesk.core.library.tracks import ids_for_many

_RANGES = ("bpm", "energy", "year", "duration_ms")


def query_track_ids(
    conn: sqlite3.Connection,
    *,
    playlist_id: int | None = None,
    sort: str = "position",
    descending: bool = False,
    ranges: dict[str, tuple[float | None, float | None]] | None = None,
    keys: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    text: str | None = None,
) -> list[int]:
    """Track ids in one playlist (or the whole library), sorted and filtered in SQL.

    ``ranges`` maps ``bpm``/``energy``/``year``/``duration_ms`` to inclusive ``(low, high)``
    bounds (``None`` = open). Tracks without a value sort last either way. Entries without a
    track are left out; a track in a playlist twice appears twice (once per position).
    """
    if sort not in SORT_COLUMNS:
        raise ValueError(f"sort must be one of {SORT_COLUMNS}, not {sort!r}")
    args: list[Any] = []
    if playlist_id is None:
        sql = "SELECT t.id FROM tracks t WHERE 1"
        position = "t.id"
    else:
        sql = (
            "SELECT t.id FROM playlist_entries e JOIN tracks t ON t.id = e.track_id "
            "WHERE e.playlist_id = ?"
        )
        args.append(playlist_id)
        position = "e.position"
    for column, (low, high) in (ranges or {}).items():
        if column not in _RANGES:
            raise ValueError(f"range filters work on {_RANGES}, not {column!r}")
        if low is not None:
            sql += f" AND t.{column} >= ?"
            args.append(low)
        if high is not None:
            sql += f" AND t.{column} <= ?"
            args.append(high)
    for column, values in (("key", keys), ("state", states)):
        if values is not None:
            sql += f" AND t.{column} IN ({','.join('?' * len(values))})"
            args += list(values)
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        sql += " AND (t.title LIKE ? ESCAPE '\\' OR t.artists LIKE ? ESCAPE '\\')"
        args += [like, like]
    direction = "DESC" if descending else "ASC"
    if sort == "position":
        order = f"{position} {direction}"
    elif sort == "key":
        # Camelot order: 1A 1B 2A ... 12B (the text prefix cast gives the wheel number).
        order = f"CAST(t.key AS INTEGER) {direction}, t.key {direction}"
    else:
        order = f"t.{sort} {direction}"
    null_column = position if sort == "position" else f"t.{sort}"
    sql += f" ORDER BY {null_column} IS NULL, {order}, {position}"
    return [int(r[0]) for r in conn.execute(sql, args)]


def track_rows(conn: sqlite3.Connection, track_ids: Iterable[int]) -> list[TrackRow]:
    """Rows for these ids, in the order asked (unknown ids are skipped)."""
    wanted = list(track_ids)
    unique = list(dict.fromkeys(wanted))
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT id, title, artists, album, duration_ms, doc, state, missing, reason, "
            f"evidence, updated_at FROM tracks WHERE id IN ({marks})",
            chunk,
        ):
            found[int(row[0])] = row
    ids = ids_for_many(conn, found)
    out: list[TrackRow] = []
    for tid in wanted:
        row = found.get(tid)
        if row is None:
            continue
        out.append(
            TrackRow(
                id=tid,
                title=row[1],
                artists=json.loads(row[2]),
                album=row[3],
                duration_ms=row[4],
                ids=dict(ids[tid]),
                doc=json.loads(row[5]),
                state=row[6],
                missing=json.loads(row[7]),
                reason=row[8],
                evidence=json.loads(row[9]),
                updated_at=row[10],
            )
        )
    return out
