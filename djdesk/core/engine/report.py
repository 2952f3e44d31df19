"""What a run hands back: every entry in the input's order, and the missing-tracks report.

One row per playlist entry (a track listed twice appears twice), with the input it came from,
its ids keyed by provider, every field with value/source/confidence/kind, its named state and
the match evidence. Entries nothing could be known about (local files, removed tracks) keep
their position with state ``not_found`` and a reason.
"""

from __future__ import annotations

from typing import Any

from djdesk.core.engine.plan import FINGERPRINT_FIELD
from djdesk.core.library import ID_PROVIDERS, Entry, Library, TrackRow

#: Columns of ``--format table|csv``: the fields a DJ reads first.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "position",
    "artists",
    "title",
    "bpm",
    "key",
    "energy",
    "state",
    "missing",
)


def entry_row(entry: Entry, row: TrackRow | None) -> dict[str, Any]:
    if row is None:
        reason = "local file" if entry.local else "unavailable or removed"
        return {
            "position": entry.position,
            "input": entry.source,
            "track_id": None,
            "title": None,
            "artists": [],
            "album": None,
            "duration_ms": None,
            "ids": dict.fromkeys(ID_PROVIDERS),
            "fields": {},
            "state": "not_found",
            "missing": [],
            "reason": reason,
            "evidence": {},
            "local": entry.local,
            "unavailable": entry.unavailable,
        }
    return {
        "position": entry.position,
        "input": entry.source,
        **track_dict(row),
        "local": entry.local,
        "unavailable": entry.unavailable,
    }


def track_dict(row: TrackRow) -> dict[str, Any]:
    """One track as ``djdesk show --json`` gives it, without its playlist entry's keys
    (``djdesk pin`` prints a track on its own)."""
    return {
        "track_id": row.id,
        "title": row.title,
        "artists": list(row.artists),
        "album": row.album,
        "duration_ms": row.duration_ms,
        "ids": {p: row.ids.get(p) for p in ID_PROVIDERS},
        "fields": {k: v for k, v in row.doc.items() if k != FINGERPRINT_FIELD},
        "state": row.state,
        "missing": list(row.missing),
        "reason": row.reason,
        "evidence": row.evidence,
    }


async def playlist_report(library: Library, playlist_id: int) -> list[dict[str, Any]]:
    return [entry_row(entry, row) for entry, row in await library.playlist_view(playlist_id)]


def field_value(row: dict[str, Any], name: str, notation: str = "camelot") -> Any:
    """A field's plain value for tables; keys in the chosen notation."""
    data = row.get("fields", {}).get(name)
    if not isinstance(data, dict):
        return None
    value = data.get("value")
    if isinstance(value, dict) and notation in value:
        return value[notation]
    return value


def summary_row(row: dict[str, Any], notation: str = "camelot") -> dict[str, Any]:
    bpm = field_value(row, "bpm")
    energy = field_value(row, "energy")
    return {
        "position": row["position"] + 1,
        "artists": ", ".join(row["artists"]),
        "title": row["title"] or "",
        "bpm": f"{bpm:.1f}" if isinstance(bpm, int | float) else "",
        "key": field_value(row, "key", notation) or "",
        "energy": f"{energy:.2f}" if isinstance(energy, int | float) else "",
        "state": row["state"],
        "missing": ",".join(row["missing"]),
    }


def missing_report(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every entry not complete: what is missing and why (the "shopping list" of gaps)."""
    return [
        {
            "position": r["position"] + 1,
            "artists": r["artists"],
            "title": r["title"],
            "state": r["state"],
            "missing": r["missing"],
            "reason": r["reason"],
        }
        for r in rows
        if r["state"] != "complete"
    ]
