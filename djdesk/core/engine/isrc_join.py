"""Joins a track imported from one service to the same song already imported from another.

The library merges tracks only by identity ids (Spotify, Deezer, ...), never by ISRC alone,
because several recordings share one. A track imported first from Deezer and later from Spotify
would so become two tracks, enriched twice. Here the engine makes the call the library leaves
to it: same ISRC, titles that agree (versions included) and durations within 3 s, on a track
that has no id on the new entry's service yet, and exactly one such track. Anything less is
left apart: a wrong join is worse than a duplicate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from djdesk.core.engine.text import normalise_isrc, parse_title, title_similarity
from djdesk.core.library import EntryInput, Library, TrackInput

#: Titles at least this similar (after removing credits and brackets) are the same title.
SAME_TITLE = 0.9
#: The same recording on two services differs by a second or two at most.
DURATION_SLACK_MS = 3_000


def _agrees(new: TrackInput, title: str, duration_ms: int | None) -> bool:
    if new.duration_ms is None or duration_ms is None:
        return False
    if abs(new.duration_ms - duration_ms) > DURATION_SLACK_MS:
        return False
    a, b = parse_title(new.title), parse_title(title)
    return a.versions == b.versions and title_similarity(a, b) >= SAME_TITLE


async def _same_as(library: Library, track: TrackInput) -> int | None:
    isrc = track.ids.get("isrc")
    services = [p for p in track.ids if p != "isrc"]
    if not isrc or not normalise_isrc(isrc) or not services:
        return None
    owners = await library.tracks_by_id("isrc", isrc)
    if not owners or await library.find_track(track.ids) is not None:
        return None  # nobody to join, or already known by its own id
    matches = [
        row.id
        for row in await library.track_rows(owners)
        if not any(row.ids.get(p) for p in services) and _agrees(track, row.title, row.duration_ms)
    ]
    return matches[0] if len(matches) == 1 else None


async def join_by_isrc(library: Library, entries: Sequence[EntryInput]) -> list[EntryInput]:
    """``entries`` with ``same_as`` set where an existing track is this one from another
    service. One ISRC lookup per entry with an ISRC; more only when the ISRC is known."""
    out: list[EntryInput] = []
    for entry in entries:
        track = entry.track
        if track is not None and track.same_as is None:
            same = await _same_as(library, track)
            if same is not None:
                entry = dataclasses.replace(entry, track=dataclasses.replace(track, same_as=same))
        out.append(entry)
    return out
