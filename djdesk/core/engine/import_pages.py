"""``PageWriter``: a list read page by page goes into the library page by page.

A 10,000-track Spotify playlist is 200 pages, tens of seconds at the API's pace; written only
at the end, the table stayed empty and the providers idle for all that time. Here each page is
written as it arrives (positions kept: a page goes at its offset) and handed to a listener,
which shows the rows and starts enriching them while the next pages are read.

Same snapshot (Spotify ``snapshot_id``, Deezer checksum, CSV digest) and the same number of
entries: the library's entries are these already, so nothing is rewritten and each page maps
to the stored track ids at its positions. Past ``MAX_TRACKS`` nothing is written. A fetch that
starts over (a provider pause re-runs it from the first page) repeats pages already written:
they are skipped by offset.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from djdesk.core.engine.isrc_join import join_by_isrc
from djdesk.core.library import EntryInput, Library, PlaylistInput

log = logging.getLogger(__name__)

MAX_TRACKS = 10_000


@dataclass(frozen=True, slots=True)
class ImportedPage:
    """Entries ``offset`` .. ``offset + len(track_ids)`` of a playlist, in the library now."""

    playlist_id: int
    name: str
    offset: int
    track_ids: tuple[int | None, ...]
    #: Entries the whole list will have (at most ``MAX_TRACKS``), when the provider says.
    total: int | None = None


PageListener = Callable[[ImportedPage], Awaitable[None]]


def capped(total: int | None) -> int | None:
    return None if total is None else min(int(total), MAX_TRACKS)


class PageWriter:
    """One per import. ``begin`` names the playlist before its pages come; ``page`` writes
    one; ``finish`` writes whatever did not come as a page (a cached list, a CSV) and fixes
    the playlist's count."""

    def __init__(self, library: Library, listener: PageListener | None = None) -> None:
        self._library = library
        self._listener = listener
        self._playlist: PlaylistInput | None = None
        self._total: int | None = None
        self._pid: int | None = None
        self._ids: list[int | None] = []
        self._reuse: list[int | None] | None = None
        self.created = 0
        self.truncated = False

    @property
    def count(self) -> int:
        """Entries written (or found stored) so far."""
        return len(self._ids)

    @property
    def name(self) -> str:
        return "" if self._playlist is None else self._playlist.name

    def begin(self, playlist: PlaylistInput, total: int | None) -> None:
        self._total = capped(total)
        self._playlist = dataclasses.replace(playlist, track_count=self._total)

    async def page(self, entries: Sequence[EntryInput], offset: int) -> None:
        """The page whose first entry is at ``offset``; what is already written is skipped."""
        skip = self.count - offset
        if self.count >= MAX_TRACKS:
            return  # the rest of a list longer than we import
        if skip < 0:
            raise ValueError(f"page at {offset} after {self.count} entries")
        await self._add(entries[skip:])

    async def finish(
        self, playlist: PlaylistInput, entries: Sequence[EntryInput]
    ) -> tuple[int, tuple[int | None, ...]]:
        """The whole list (capped) once it is known: returns the playlist id and track ids."""
        self.truncated = len(entries) > MAX_TRACKS
        if self.truncated:
            log.warning(
                "%s has %d entries; importing the first %d", playlist.name, len(entries), MAX_TRACKS
            )
        entries = entries[:MAX_TRACKS]
        playlist = dataclasses.replace(playlist, track_count=len(entries))
        if self._playlist is None:
            self.begin(playlist, len(entries))
        await self._add(entries[self.count :], always=self._pid is None)
        assert self._pid is not None
        if self._reuse is not None and self.count == len(self._reuse):
            return self._pid, tuple(self._ids)
        # Written here (or stored with another count): the final count, and nothing after it.
        self._playlist = playlist
        if self._reuse is not None:
            log.info("%s changed length under the same snapshot: rewriting", playlist.name)
            self._reuse, self._ids = None, []
            await self._add(entries, always=True)
        else:
            await self._library.import_playlist(playlist, [], offset=self.count)
        return self._pid, tuple(self._ids)

    async def _add(self, entries: Sequence[EntryInput], *, always: bool = False) -> None:
        entries = entries[: max(0, MAX_TRACKS - self.count)]
        if not entries and not always:
            return
        assert self._playlist is not None
        offset = self.count
        if self._pid is None:
            await self._start()
        if self._reuse is not None:
            ids: Sequence[int | None] = self._reuse[offset : offset + len(entries)]
        else:
            joined = await join_by_isrc(self._library, entries)
            result = await self._library.import_playlist(self._playlist, joined, offset=offset)
            self._pid = result.playlist_id
            self.created += result.created_tracks
            ids = result.track_ids
        self._ids.extend(ids)
        if self._listener is not None:
            assert self._pid is not None
            await self._listener(
                ImportedPage(self._pid, self._playlist.name, offset, tuple(ids), self._total)
            )

    async def _start(self) -> None:
        playlist = self._playlist
        assert playlist is not None
        existing = await self._library.find_playlist(playlist.service, playlist.service_id)
        if (
            existing is not None
            and playlist.snapshot_id
            and existing.snapshot_id == playlist.snapshot_id
            and self._total is not None
            and existing.entries == self._total
        ):
            # The entries in the library are these already; rewriting 10,000 rows would
            # change nothing.
            self._pid = existing.id
            self._reuse = await self._library.playlist_track_ids(existing.id)
            self._playlist = dataclasses.replace(playlist, name=existing.name)
