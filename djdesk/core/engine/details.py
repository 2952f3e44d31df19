"""The later, low-priority wave: Last.fm similar tracks and artist info.

Not needed for BPM, key or energy, so it runs after the eager wave at ``Priority.PREFETCH``
(or at once, interactively, when a user opens a track), with one ``artist.getInfo`` per
distinct artist however many tracks share them. Results are cached like every answer and
written per field with provenance.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from djdesk.core.engine.fusion import FieldValue, measured
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.waterfall import plain_title
from djdesk.core.engine.work import TrackWork
from djdesk.core.errors import DJDeskError
from djdesk.core.library import Library
from djdesk.core.models import Priority
from djdesk.core.net.orchestrator import Orchestrator

T = TypeVar("T")

#: How many similar tracks to keep per track.
SIMILAR_KEPT = 10


async def details_wave(
    works: Sequence[TrackWork],
    sources: Sources,
    library: Library,
    orchestrator: Orchestrator,
    *,
    now: float,
    priority: Priority = Priority.PREFETCH,
) -> int:
    """Fetch and store similar tracks and artist info; returns the tracks updated."""
    if sources.lastfm_disabled:
        return 0
    with orchestrator.priority(priority):
        artists = sorted({w.main_artist for w in works if w.main_artist})
        infos = await asyncio.gather(*(_safe(sources.lastfm_artist(a)) for a in artists))
        by_artist = dict(zip(artists, infos, strict=True))
        similar = await asyncio.gather(
            *(_safe(sources.lastfm_similar(w.main_artist, plain_title(w.title))) for w in works)
        )
    updates: dict[int, dict[str, FieldValue]] = {}
    for work, sims in zip(works, similar, strict=True):
        fields: dict[str, FieldValue | None] = {}
        info = by_artist.get(work.main_artist)
        if info is not None:
            fields["artist_tags"] = measured("lastfm", list(info.tags), fetched_at=now)
            fields["artist_listeners"] = measured("lastfm", info.listeners, fetched_at=now)
        if sims:
            top = [f"{s.artist} - {s.name}" for s in sims[:SIMILAR_KEPT]]
            fields["similar"] = measured("lastfm", top, fetched_at=now)
        kept = {k: v for k, v in fields.items() if v is not None}
        if kept:
            updates[work.track_id] = kept
    if updates:
        await library.set_fields_many(
            {tid: {k: v.to_dict() for k, v in f.items()} for tid, f in updates.items()}
        )
    return len(updates)


async def _safe(coro: Awaitable[T]) -> T | None:
    """A detail that fails stays missing; it never fails the wave."""
    try:
        return await coro
    except DJDeskError:
        return None
