"""In-memory stand-ins for the engine: a library and a streaming run (accounts: fake_accounts).

Named ``Fake*`` on purpose: they back the GUI's fast unit tests only; the window, the
screenshots and the benchmark run on the real engine (``service_factory``, ``engine_adapter``).
The fake run publishes the same core events the engine does (PlanReady, TrackEnriched,
ProviderStats, BreakerChanged, JobStateChanged, LogMessage), so the models are fed real shapes.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import re
import time
from collections.abc import Awaitable, Generator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from djdesk.core.errors import InputError, UnsupportedLinkError
from djdesk.core.events import (
    BreakerChanged,
    EventBus,
    JobStateChanged,
    LogMessage,
    PlanReady,
    TrackEnriched,
)
from djdesk.gui import fake_catalog as catalog
from djdesk.gui.fake_accounts import FakeAccounts
from djdesk.gui.fake_cache import FakeCacheBrowser
from djdesk.gui.fake_stats import ProviderCounters
from djdesk.gui.services import PlaylistInfo, Services, TrackDetails, TrackRow

if TYPE_CHECKING:
    from djdesk.core.export import ExportReport, ExportTrack

log = logging.getLogger(__name__)

__all__ = ["ENRICH_PROVIDERS", "FakeAccounts", "FakeEngine", "fake_services", "parse_link"]

ENRICH_PROVIDERS = ("deezer", "musicbrainz", "lastfm", "reccobeats")
_LINK = re.compile(
    r"(?:open\.spotify\.com/(?:intl-\w+/)?(?P<sk>playlist|album)/(?P<sid>[A-Za-z0-9]{22})"
    r"|spotify:(?P<sk2>playlist|album):(?P<sid2>[A-Za-z0-9]{22})"
    r"|deezer\.com/(?:[a-z]{2}/)?(?P<dk>playlist|album)/(?P<did>\d+))"
)


def parse_link(text: str) -> str:
    """A stable ``service:kind:id`` for a link, parsed by ``core.urls`` (the real parser)."""
    try:
        from djdesk.core.urls import parse_source
    except ImportError:  # core.urls is optional for the fake; keep a minimal parser
        parse_source = None
    if parse_source is not None:
        return str(parse_source(text).uri)
    text = text.strip()
    m = _LINK.search(text)
    if not text or m is None:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise UnsupportedLinkError(f"“{shown}” is not a Spotify or Deezer playlist link.")
    if m.group("did"):
        return f"deezer:{m.group('dk')}:{m.group('did')}"
    kind, ident = (
        (m.group("sk"), m.group("sid")) if m.group("sid") else (m.group("sk2"), m.group("sid2"))
    )
    return f"spotify:{kind}:{ident}"


class FakeEngine:
    """LibraryView + EnrichmentControl over dicts. ``step_s`` paces the simulated run."""

    def __init__(
        self, *, seed: int = 7, step_s: float = 0.03, batch: int = 4, cache: FakeCacheBrowser
    ) -> None:
        self.seed = seed
        self.step_s = step_s
        self.batch = batch
        self.cache = cache
        self._events = EventBus()
        self._playlists: dict[str, PlaylistInfo] = {}
        self._tracks: dict[str, list[int]] = {}
        self._rows: dict[int, TrackRow] = {}
        self._tags: dict[int, tuple[str, ...]] = {}
        self._pins: dict[int, tuple[str, str]] = {}
        self._next_id = 1
        self._resume = asyncio.Event()
        self._resume.set()
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._deleting: dict[str, PlaylistInfo] = {}

    # --- LibraryView -----------------------------------------------------------------------------

    @property
    def events(self) -> EventBus:
        return self._events

    def playlists(self) -> list[PlaylistInfo]:
        return list(self._playlists.values())

    def track_ids(self, playlist_id: str) -> list[int]:
        return list(self._tracks.get(playlist_id, ()))

    def rows(self, ids: Sequence[int]) -> dict[int, TrackRow]:
        return {i: self._rows[i] for i in ids if i in self._rows}

    # The fake's "database" is its memory, so the snapshot is always current; each call still
    # yields once so callers are exercised the way the real (threaded) library answers them.

    async def refresh_playlists(self) -> None:
        await asyncio.sleep(0)
        self._playlists.update(self._deleting)  # not deleted yet: the library still lists it

    async def load_playlist(self, playlist_id: str) -> None:
        await asyncio.sleep(0)

    async def refresh_tracks(self, ids: Sequence[int]) -> None:
        await asyncio.sleep(0)

    async def details(self, track_id: int) -> TrackDetails | None:
        await asyncio.sleep(0)
        return self.details_now(track_id)

    def details_now(self, track_id: int) -> TrackDetails | None:
        row = self._rows.get(track_id)
        if row is None:
            return None
        enriched = row.state != "pending"
        cands = catalog.candidates(self.seed, row) if enriched else ()
        pin = self._pins.get(track_id)
        if pin:
            cands = tuple(
                replace(c, pinned=(c.provider, c.id) == pin, chosen=(c.provider, c.id) == pin)
                if c.provider == pin[0]
                else c
                for c in cands
            )
        return TrackDetails(
            row=row,
            tags=self._tags.get(track_id, ()),
            similar=catalog.similar(self.seed, track_id) if enriched else (),
            artist_info=catalog.artist_info(self.seed, row) if enriched else "",
            candidates=cands,
        )

    # --- EnrichmentControl -----------------------------------------------------------------------

    async def import_link(self, text: str) -> str:
        ref = parse_link(text)
        if ref in self._playlists:
            return ref
        name, owner, count = catalog.playlist_meta(self.seed, ref)
        self.add_playlist(ref, name, owner, catalog.make_tracks(self.seed, ref, count, 0), text)
        await asyncio.sleep(0)
        return ref

    async def import_csv(self, path: Path) -> str:
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                records = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputError(f"Could not read {path.name}: {exc}.") from None
        if not records or "Track Name" not in records[0]:
            raise UnsupportedLinkError(f"{path.name} is not an Exportify playlist CSV.")
        rows = [
            TrackRow(
                id=0,
                position=i + 1,
                title=r.get("Track Name", ""),
                artists=r.get("Artist Name(s)", ""),
                album=r.get("Album Name", ""),
                duration_s=_ms(r.get("Track Duration (ms)", "")),
            )
            for i, r in enumerate(records)
        ]
        ref = f"csv:file:{path.name}"
        self.add_playlist(ref, path.stem, "CSV file", rows, str(path))
        await asyncio.sleep(0)
        return ref

    def add_playlist(
        self, ref: str, name: str, owner: str, rows: list[TrackRow], source: str
    ) -> None:
        ids = []
        for row in rows:
            tid = self._next_id
            self._next_id += 1
            self._rows[tid] = replace(row, id=tid)
            ids.append(tid)
        self._tracks[ref] = ids
        self._playlists[ref] = PlaylistInfo(ref, name, owner, len(ids), "imported", source)
        self._log(logging.INFO, f"Imported “{name}” ({len(ids)} tracks)", "importer")

    def remove(self, playlist_id: str) -> Awaitable[None]:
        """Like the real one: gone from the snapshot now, deleted from the "database" when the
        returned task has run (until then ``refresh_playlists`` lists it again)."""
        task = self._runs.pop(playlist_id, None)
        if task:
            task.cancel()
        info = self._playlists.pop(playlist_id, None)
        if info is not None:
            self._deleting[playlist_id] = info
        for tid in self._tracks.pop(playlist_id, ()):
            self._rows.pop(tid, None)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop (a sync caller): delete now
            self._deleting.pop(playlist_id, None)
            return _DONE
        return asyncio.ensure_future(self._delete(playlist_id))

    async def _delete(self, playlist_id: str) -> None:
        await asyncio.sleep(0)  # the real delete runs on the library's thread
        self._deleting.pop(playlist_id, None)

    def pause(self) -> None:
        self._resume.clear()
        self._log(logging.INFO, "Paused", "engine")

    def resume(self) -> None:
        self._resume.set()
        self._log(logging.INFO, "Resumed", "engine")

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def cancel(self) -> None:
        for task in self._runs.values():
            task.cancel()

    async def pin(self, track_id: int, provider: str, candidate_id: str) -> None:
        self._pins[track_id] = (provider, candidate_id)
        self._log(logging.INFO, f"Pinned {provider} match {candidate_id} for track {track_id}")
        self._events.publish(TrackEnriched("pin", track_id, (), self._rows[track_id].state))
        await asyncio.sleep(0)

    async def unpin(self, track_id: int, provider: str) -> None:
        if self._pins.get(track_id, ("", ""))[0] == provider:
            del self._pins[track_id]
        self._log(logging.INFO, f"Unpinned {provider} for track {track_id}")
        self._events.publish(TrackEnriched("pin", track_id, (), self._rows[track_id].state))
        await asyncio.sleep(0)

    async def export_playlist(
        self, playlist_id: str, fmt: str, dest: Path, notation: str
    ) -> ExportReport:
        """The real writers on the fake's rows, so the GUI tests read back a real file."""
        from djdesk.core.export import ExportPlaylist, write_export

        info = self._playlists.get(playlist_id)
        if info is None:
            raise InputError(f"There is no playlist {playlist_id} in the library.")
        rows = [self._rows[i] for i in self._tracks.get(playlist_id, ())]
        tracks = tuple(_export_track(r) for r in rows if r.state != "not_found")
        playlist = ExportPlaylist(0, info.name, tracks)
        return await asyncio.to_thread(write_export, playlist, fmt, dest, notation=notation)

    async def aclose(self) -> None:
        tasks = list(self._runs.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def enrich(self, playlist_id: str) -> None:
        """Run until done; a second call for the same playlist waits on the first run."""
        task = self._runs.get(playlist_id)
        if task is None or task.done():
            task = asyncio.ensure_future(self._run(playlist_id))
            self._runs[playlist_id] = task
        await asyncio.shield(task)

    async def _run(self, playlist_id: str) -> None:
        ids = self._tracks[playlist_id]
        todo = [i for i in ids if self._rows[i].state in ("pending", "enriching")]
        total, done = len(ids), len(ids) - len(todo)
        stats = {p: ProviderCounters(p) for p in ENRICH_PROVIDERS}
        self._set_state(playlist_id, "running", done, total)
        self._events.publish(
            PlanReady(
                playlist_id,
                calls_needed={p: len(todo) for p in ENRICH_PROVIDERS},
                cache_hits={p: total - len(todo) for p in ENRICH_PROVIDERS},
                estimated_s=len(todo) / 4.5,
            )
        )
        for s in stats.values():
            s.total = len(todo)
        try:
            for start in range(0, len(todo), self.batch):
                await self._resume.wait()
                chunk = todo[start : start + self.batch]
                for tid in chunk:
                    self._enrich_one(playlist_id, tid, stats)
                done += len(chunk)
                self._breaker_script(stats, done / max(total, 1))
                for s in stats.values():
                    self._events.publish(s.snapshot())
                self._set_state(playlist_id, "running", done, total)
                await asyncio.sleep(self.step_s)
        except asyncio.CancelledError:
            self._set_state(playlist_id, "cancelled", done, total, "resumable")
            self._log(logging.WARNING, f"Run cancelled at {done}/{total}; resumable", "engine")
            raise
        self._set_state(playlist_id, "done", done, total)
        self._log(logging.INFO, f"Enrichment finished: {done}/{total} tracks", "engine")

    def _enrich_one(self, playlist_id: str, tid: int, stats: dict[str, ProviderCounters]) -> None:
        row = self._rows[tid]
        fields, state, tags = catalog.enrichment(self.seed, row, time.time())
        self._rows[tid] = replace(row, fields=fields, state=state)
        self._tags[tid] = tags
        for name, s in stats.items():
            s.record(tid, hit=(tid * 7 + len(name)) % 5 == 0, ok=state != "not_found")
        self.cache.record_track(tid, row.title, fields)
        self._events.publish(TrackEnriched(playlist_id, tid, tuple(fields), state))
        if state == "not_found":
            self._log(logging.WARNING, f"No match for “{row.title}” by {row.artists}", "deezer")

    def _breaker_script(self, stats: dict[str, ProviderCounters], frac: float) -> None:
        """Walk musicbrainz's breaker open → half-open → closed so the panel shows every state."""
        s = stats["musicbrainz"]
        want = "open" if 0.3 <= frac < 0.5 else "half_open" if 0.5 <= frac < 0.6 else "closed"
        if want != s.breaker:
            self._events.publish(BreakerChanged("musicbrainz", s.breaker, want))
            level = logging.WARNING if want == "open" else logging.INFO
            self._log(level, f"musicbrainz breaker {s.breaker} → {want}", "net")
            s.breaker = want

    def _set_state(self, pid: str, state: str, done: int, total: int, detail: str = "") -> None:
        info = self._playlists.get(pid)
        if info is not None:
            self._playlists[pid] = replace(info, state=state)
        self._events.publish(JobStateChanged(pid, state, done, total, detail))

    def _log(self, level: int, message: str, source: str = "") -> None:
        self._events.publish(LogMessage(level, message, source))


class _Done:
    """An awaitable that is already finished (``remove`` without a running loop)."""

    def __await__(self) -> Generator[None, None, None]:
        return
        yield


_DONE = _Done()


def _export_track(row: TrackRow) -> ExportTrack:
    """A fake row as the exports see it; a default BPM is left out, as the core does."""
    from djdesk.core.dj.keys import parse_key
    from djdesk.core.export import ExportTrack

    def value(name: str) -> object:
        f = row.fields.get(name)
        return None if f is None or f.source == "default" else f.value

    bpm, energy, key, year = value("bpm"), value("energy"), value("key"), value("year")
    genres = value("genres")
    return ExportTrack(
        track_id=row.id,
        position=row.position,
        title=row.title,
        artists=tuple(a.strip() for a in row.artists.split(",") if a.strip()),
        album=row.album,
        duration_ms=None if row.duration_s is None else round(row.duration_s * 1000),
        bpm=float(bpm) if isinstance(bpm, int | float) else None,
        key=parse_key(key) if isinstance(key, str) else None,
        energy=float(energy) if isinstance(energy, int | float) else None,
        genres=tuple(g.strip() for g in genres.split(",")) if isinstance(genres, str) else (),
        release_date=f"{year}-01-01" if isinstance(year, int) else "",
        ids={"deezer": str(row.id)},
    )


def _ms(text: str) -> float | None:
    try:
        return int(text) / 1000
    except ValueError:
        return None


def fake_services(*, seed: int = 7, step_s: float = 0.03, cache_entries: int = 1500) -> Services:
    """The whole fake bundle, one engine shared by library and control."""
    cache = FakeCacheBrowser(seed=seed, entries=cache_entries)
    engine = FakeEngine(seed=seed, step_s=step_s, cache=cache)
    return Services(library=engine, control=engine, cache=cache, accounts=FakeAccounts())
