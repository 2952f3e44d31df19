"""The library side of ``EngineServices``: the GUI's snapshot of playlists and rows (LibraryView).

Why a snapshot: the views read synchronously on every paint; the library keeps SQLite on its
own thread. These methods refresh the snapshot from ``Library`` and the sync ones only read it
(an empty snapshot until the runtime is attached).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from djdesk.core.errors import DJDeskError
from djdesk.core.events import TrackEnriched
from djdesk.gui import engine_rows
from djdesk.gui.engine_state import EngineState
from djdesk.gui.services import PlaylistInfo, TrackDetails, TrackRow

#: Synthetic row ids for entries without a track (local files, removed tracks): negative, and
#: unique per (playlist, position) so they never collide with a library track id.
_MISSING_BASE = 1_000_000


class EngineLibrary(EngineState):
    """LibraryView over the runtime's ``Library``."""

    def playlists(self) -> list[PlaylistInfo]:
        return list(self._playlists.values())

    def track_ids(self, playlist_id: str) -> list[int]:
        return list(self._ids.get(playlist_id, ()))

    def rows(self, ids: Sequence[int]) -> dict[int, TrackRow]:
        rows = self._rows
        return {i: rows[i] for i in ids if i in rows}

    async def refresh_playlists(self) -> None:
        rt = await self.runtime()
        running = {pid for pid, task in self._runs.items() if not task.done()}
        summaries = await rt.library.list_playlists()
        fresh = {}
        for s in summaries:
            info = engine_rows.playlist_info(s, running=str(s.id) in running)
            old = self._playlists.get(info.id)
            if old is not None and old.state in ("paused", "failed", "done", "cancelled"):
                info = replace(info, state=old.state)
            fresh[info.id] = info
        self._playlists = fresh

    async def load_playlist(self, playlist_id: str) -> None:
        rt = await self.runtime()
        view = await rt.library.playlist_view(int(playlist_id))
        # Converting 10,000 rows takes ~0.1 s of Python: off the GUI thread (the GIL is shared,
        # but it switches every few ms, so the loop keeps ticking).
        ids, rows = await asyncio.to_thread(_convert_view, int(playlist_id), view)
        keep = set(ids)
        for old in self._ids.get(playlist_id, ()):
            if old not in keep:
                self._rows.pop(old, None)
        self._rows.update(rows)
        self._ids[playlist_id] = ids

    async def load_more(self, playlist_id: str) -> None:
        """Add the entries past the loaded ones (an import's later pages) to the snapshot.

        Why not ``load_playlist``: it re-reads and converts the whole list, and an import that
        shows its playlist as pages land would do that once per page (a 10,000-track list:
        100 reads of up to 10,000 rows, O(n²), the loop lagging 250 ms). A list not loaded yet
        is loaded whole.
        """
        ids = self._ids.get(playlist_id)
        last = self._rows.get(ids[-1]) if ids else None
        if ids is None or last is None:
            await self.load_playlist(playlist_id)
            return
        rt = await self.runtime()
        # Positions are 1-based, so the last row's is the offset of the entry after it.
        view = await rt.library.playlist_view(int(playlist_id), last.position)
        more, rows = _convert_view(int(playlist_id), view)
        if self._ids.get(playlist_id) is not ids:  # re-read whole meanwhile: it has these
            return
        known = set(ids)
        for rid in more:
            if rid not in known:  # a track listed again further down shows once, at its first
                known.add(rid)
                ids.append(rid)
                self._rows[rid] = rows[rid]

    async def refresh_tracks(self, ids: Sequence[int]) -> None:
        known = [i for i in ids if i > 0 and i in self._rows]
        if not known:
            return
        rt = await self.runtime()
        for row in await rt.library.track_rows(known):
            old = self._rows.get(row.id)
            if old is not None:
                self._rows[row.id] = engine_rows.track_row(row, old.position)

    async def details(self, track_id: int) -> TrackDetails | None:
        shown = self._rows.get(track_id)
        if track_id <= 0:
            return None if shown is None else TrackDetails(row=shown)
        rt = await self.runtime()
        found = await rt.library.track_rows([track_id])
        if not found:
            return None
        lib_row = found[0]
        pins = await rt.library.pins_for(track_id)
        position = shown.position if shown is not None else 0
        row = engine_rows.track_row(lib_row, position)
        if (
            "similar" not in lib_row.doc
            and lib_row.state != "pending"
            and track_id not in self._details_asked
        ):
            # The later wave for this track now (the user opened it); the pane refreshes
            # when it lands, through the same TrackEnriched path as streamed rows.
            self._details_asked.add(track_id)
            self._spawn(self._fetch_details(track_id), f"details {track_id}")
        return TrackDetails(
            row=row,
            tags=engine_rows.tags_of(lib_row.doc),
            similar=engine_rows.similar_tracks(lib_row.doc),
            artist_info=engine_rows.artist_info(lib_row),
            candidates=engine_rows.candidates(lib_row.evidence, pins),
        )

    async def _fetch_details(self, track_id: int) -> None:
        rt = await self.runtime()
        try:
            await rt.engine.track_details(track_id)
        except DJDeskError as exc:
            self._say(logging.WARNING, exc.message, "lastfm")
            return
        self._events.publish(TrackEnriched("details", track_id, ("similar",), ""))


def _convert_view(pid: int, view: list[Any]) -> tuple[list[int], dict[int, TrackRow]]:
    """A playlist view as (row ids in order, rows); a track listed twice shows once."""
    ids: list[int] = []
    rows: dict[int, TrackRow] = {}
    base = pid * _MISSING_BASE
    for entry, row in view:
        position = entry.position + 1
        if row is None:
            rid = -(base + position)
            rows[rid] = engine_rows.missing_row(rid, position, entry.source, entry.local)
        elif row.id in rows:
            continue
        else:
            rid = row.id
            rows[rid] = engine_rows.track_row(row, position)
        ids.append(rid)
    return ids, rows
