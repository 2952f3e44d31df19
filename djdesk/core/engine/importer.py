"""Import: any input ``core.urls`` parses becomes a library playlist with ordered entries.

Spotify and Deezer playlists and Deezer albums are paged in full (up to ``MAX_TRACKS``), each
page written to the library as it arrives (``import_pages``: the rows and their enrichment
need not wait for the last page); single tracks become a one-entry list; an Exportify CSV keeps
every row (with its ``Track URI``) as the entry's source. Answers are cached like every other
provider answer: Spotify playlist metadata for 24 h, its items keyed by ``snapshot_id`` (an
unchanged playlist is never fetched again; a changed one has a new snapshot and so a new key),
Deezer playlists for 24 h. The Spotify 2026 owner-only 403 reaches the caller as the
providers' explanatory ``ForbiddenError``.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from djdesk.core.cache.policy import DAY
from djdesk.core.engine import cachekeys as ck
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.engine.import_pages import MAX_TRACKS, PageListener, PageWriter
from djdesk.core.engine.sources import as_json, deezer_track
from djdesk.core.errors import InputError, NotFoundError
from djdesk.core.library import EntryInput, Library, PlaylistInput, TrackInput
from djdesk.core.models import RefKind, Service, SourceRef
from djdesk.core.providers.types import PageCallback, TrackRecord
from djdesk.core.urls import parse_exportify_csv, parse_source

__all__ = ["MAX_TRACKS", "Imported", "Importer"]

#: Items keyed by snapshot never change; keep them longer than the 24 h metadata.
SNAPSHOT_ITEMS_TTL = 30 * DAY


@dataclass(frozen=True, slots=True)
class Imported:
    playlist_id: int
    name: str
    ref: SourceRef
    track_ids: tuple[int | None, ...]
    created_tracks: int
    truncated: bool = False


def _record(data: dict[str, Any]) -> TrackRecord:
    return TrackRecord(**{**data, "artists": tuple(data.get("artists") or ())})


def _track_input(record: TrackRecord) -> TrackInput | None:
    if record.id is None:
        return None
    ids = {record.provider: record.id}
    if record.isrc:
        ids["isrc"] = record.isrc
    return TrackInput(
        ids=ids,
        title=record.title,
        artists=tuple(record.artists),
        album=record.album,
        duration_ms=record.duration_ms,
    )


class Importer:
    def __init__(self, clients: Clients, fetcher: Fetcher, library: Library) -> None:
        self._clients = clients
        self._fetcher = fetcher
        self._library = library

    async def run(
        self,
        text: str,
        progress: PageCallback | None = None,
        on_page: PageListener | None = None,
    ) -> Imported:
        """``progress`` hears ``(entries read, total)`` as a paged list arrives: a
        10,000-track Spotify playlist is 200 pages, ~40 s at the API's pace. ``on_page`` is
        awaited with each page once it is in the library (a cached list, a CSV or a track
        comes as one page), in order."""
        ref = parse_source(text)
        writer = PageWriter(self._library, on_page)
        if ref.service == Service.CSV:
            playlist, entries = self._csv(text)
        elif ref.service == Service.SPOTIFY and ref.kind == RefKind.PLAYLIST:
            playlist, entries = await self._spotify_playlist(ref.id, text, progress, writer)
        elif ref.service == Service.SPOTIFY and ref.kind == RefKind.ALBUM:
            playlist, entries = await self._spotify_album(ref.id, text, progress)
        elif ref.service == Service.SPOTIFY and ref.kind == RefKind.TRACK:
            playlist, entries = await self._spotify_track(ref.id, text)
        elif ref.service == Service.DEEZER and ref.kind in (RefKind.PLAYLIST, RefKind.ALBUM):
            playlist, entries = await self._deezer_list(ref, text, progress, writer)
        elif ref.service == Service.DEEZER and ref.kind == RefKind.TRACK:
            playlist, entries = await self._deezer_track(ref.id, text)
        else:
            raise InputError(
                f"DJDesk cannot import {ref.service} {ref.kind} links yet.",
                hint="Paste the Deezer link of the same album, or a playlist link.",
            )
        playlist_id, track_ids = await writer.finish(playlist, entries)
        return Imported(
            playlist_id=playlist_id,
            name=writer.name,
            ref=ref,
            track_ids=track_ids,
            created_tracks=writer.created,
            truncated=writer.truncated,
        )

    # -- Spotify -----------------------------------------------------------------------------

    async def _spotify_playlist(
        self, playlist_id: str, text: str, progress: PageCallback | None, writer: PageWriter
    ) -> tuple[PlaylistInput, list[EntryInput]]:
        spotify = self._clients.spotify

        async def fetch_meta() -> Any:
            p = await spotify.playlist(playlist_id)
            return {
                "id": p.id,
                "name": p.name,
                "owner_id": p.owner_id,
                "owner_name": p.owner_name,
                "collaborative": p.collaborative,
                "snapshot_id": p.snapshot_id,
                "total": p.total,
            }

        meta = await self._fetcher.get(ck.SPOTIFY_PLAYLIST, playlist_id, fetch_meta)
        playlist = PlaylistInput(
            service="spotify",
            service_id=playlist_id,
            name=str(meta.get("name") or ""),
            owner=meta.get("owner_name") or meta.get("owner_id"),
            owned=True,  # the items were readable, so (2026 rules) the user owns or collaborates
            snapshot_id=meta.get("snapshot_id"),
            url=f"https://open.spotify.com/playlist/{playlist_id}",
        )
        writer.begin(playlist, meta.get("total"))

        async def page(items: Sequence[Any], offset: int, _total: int | None) -> None:
            await writer.page([_spotify_entry(i, text) for i in as_json(items)], offset)

        async def fetch_items() -> Any:
            items = await spotify.playlist_items(playlist_id, on_page=progress, on_items=page)
            return await asyncio.to_thread(as_json, items)

        items = await self._fetcher.get(
            ck.SPOTIFY_ITEMS,
            ck.spotify_items(playlist_id, meta.get("snapshot_id")),
            fetch_items,
            ttl=SNAPSHOT_ITEMS_TTL,
        )
        entries = await asyncio.to_thread(_spotify_entries, items or [], text)
        return dataclasses.replace(playlist, track_count=len(entries)), entries

    async def _spotify_album(
        self, album_id: str, text: str, progress: PageCallback | None
    ) -> tuple[PlaylistInput, list[EntryInput]]:
        """An album imports like a playlist (no ownership rule); its tracks carry no ISRC, so
        the waterfall finds them on Deezer by search and matching."""
        spotify = self._clients.spotify

        async def fetch() -> Any:
            album = await spotify.album(album_id)
            tracks = await spotify.album_tracks(album_id, album.name, on_page=progress)
            return {"meta": as_json(album), "tracks": as_json(tracks)}

        data = await self._fetcher.get(ck.SPOTIFY_ITEMS, f"album:{album_id}", fetch)
        if data is None:
            raise NotFoundError("spotify", f"Spotify has no album {album_id}.")
        meta = data["meta"]
        entries = []
        for position, raw in enumerate(data["tracks"]):
            record = _record(raw)
            source: dict[str, Any] = {"input": text, "position": position}
            if record.id:
                source["uri"] = f"spotify:track:{record.id}"
                source["url"] = record.url
            entries.append(
                EntryInput(
                    track=_track_input(record), source=source, unavailable=not record.available
                )
            )
        playlist = PlaylistInput(
            service="spotify",
            service_id=f"album:{album_id}",
            name=str(meta.get("name") or ""),
            owner=", ".join(meta.get("artists") or ()) or None,
            url=f"https://open.spotify.com/album/{album_id}",
            track_count=len(entries),
        )
        return playlist, entries

    async def _spotify_track(
        self, track_id: str, text: str
    ) -> tuple[PlaylistInput, list[EntryInput]]:
        async def fetch() -> Any:
            return as_json(await self._clients.spotify.track(track_id))

        data = await self._fetcher.get(ck.SPOTIFY_TRACK, track_id, fetch)
        if data is None:
            raise NotFoundError("spotify", f"Spotify has no track {track_id}.")
        record = _record(data)
        entry = EntryInput(
            track=_track_input(record),
            source={"input": text, "position": 0, "uri": f"spotify:track:{track_id}"},
        )
        playlist = PlaylistInput("spotify", f"track:{track_id}", name=record.title, url=text)
        return playlist, [entry]

    # -- Deezer ------------------------------------------------------------------------------

    async def _deezer_list(
        self, ref: SourceRef, text: str, progress: PageCallback | None, writer: PageWriter
    ) -> tuple[PlaylistInput, list[EntryInput]]:
        deezer = self._clients.deezer
        album = ref.kind == RefKind.ALBUM
        meta: dict[str, Any] = {}

        async def page(tracks: Sequence[Any], offset: int, _total: int | None) -> None:
            await writer.page(_deezer_entries(as_json(tracks), meta, album, text, offset), offset)

        async def fetch() -> Any:
            if album:
                meta_obj: Any = await deezer.album(ref.id)
            else:
                meta_obj = await deezer.playlist(ref.id)
            meta.update(as_json(meta_obj))
            writer.begin(_deezer_playlist(ref, meta), meta.get("nb_tracks"))
            if album:
                tracks = await deezer.album_tracks(ref.id, on_page=progress, on_items=page)
            else:
                tracks = await deezer.playlist_tracks(ref.id, on_page=progress, on_items=page)
            return {"meta": dict(meta), "tracks": await asyncio.to_thread(as_json, tracks)}

        namespace = ck.DEEZER_ALBUM if album else ck.DEEZER_PLAYLIST
        data = await self._fetcher.get(namespace, ref.id, fetch)
        if data is None:
            raise NotFoundError("deezer", f"Deezer has no {ref.kind} {ref.id}.")
        entries = await asyncio.to_thread(
            _deezer_entries, data["tracks"], data["meta"], album, text, 0
        )
        playlist = dataclasses.replace(
            _deezer_playlist(ref, data["meta"]), track_count=len(entries)
        )
        return playlist, entries

    async def _deezer_track(
        self, track_id: str, text: str
    ) -> tuple[PlaylistInput, list[EntryInput]]:
        async def fetch() -> Any:
            try:
                return as_json(await self._clients.deezer.track(track_id))
            except NotFoundError:
                return None

        data = await self._fetcher.get(ck.DEEZER_TRACK, ck.deezer_id(track_id), fetch)
        if data is None:
            raise NotFoundError("deezer", f"Deezer has no track {track_id}.")
        record = deezer_track(data).to_record()
        entry = EntryInput(
            track=_track_input(record), source={"input": text, "position": 0, "id": track_id}
        )
        playlist = PlaylistInput("deezer", f"track:{track_id}", name=record.title, url=text)
        return playlist, [entry]

    # -- Exportify CSV -----------------------------------------------------------------------

    def _csv(self, text: str) -> tuple[PlaylistInput, list[EntryInput]]:
        path = Path(text.removeprefix("file://")).expanduser()
        try:
            content = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{path.name} cannot be read ({exc.strerror}).") from None
        records = parse_exportify_csv(content, source=path.name)
        rows = _raw_rows(content)
        entries = [
            EntryInput(
                track=None if record.is_local else _track_input(record),
                source={"input": str(path), "line": i + 2, "row": row},
                local=record.is_local,
            )
            for i, (record, row) in enumerate(zip(records, rows, strict=False))
        ]
        digest = hashlib.sha1(content.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
        playlist = PlaylistInput(
            service="csv",
            service_id=digest,
            name=path.stem,
            snapshot_id=digest,
            url=str(path),
            track_count=len(entries),
        )
        return playlist, entries


def _spotify_entries(items: Sequence[Any], text: str) -> list[EntryInput]:
    """Every item of a list; run in a thread (``asyncio.to_thread``) like the other whole-list
    work at an import's end: pure Python there still shares the GIL, but the interpreter
    switches every few milliseconds, where on the loop a 10,000-item list stalled the window
    200-350 ms (gui_bench's import_10k_lag_max_ms)."""
    return [_spotify_entry(item, text) for item in items]


def _spotify_entry(item: dict[str, Any], text: str) -> EntryInput:
    data = item.get("track")
    record = _record(data) if data else None
    source: dict[str, Any] = {"input": text, "position": item["position"]}
    if record is not None and record.id:
        source["uri"] = f"spotify:track:{record.id}"
        source["url"] = record.url
    return EntryInput(
        track=None if record is None or item.get("is_local") else _track_input(record),
        source=source,
        local=bool(item.get("is_local")),
        unavailable=item.get("kind") != "track" or (record is not None and not record.available),
        added_at=item.get("added_at"),
    )


def _deezer_entries(
    raws: Sequence[dict[str, Any]], meta: dict[str, Any], album: bool, text: str, offset: int
) -> list[EntryInput]:
    entries: list[EntryInput] = []
    for position, raw in enumerate(raws, offset):
        t = deezer_track(raw)
        record = t.to_record()
        if album and not record.album:
            record = TrackRecord(**{**as_json(record), "album": meta.get("title")})
        entries.append(
            EntryInput(
                track=_track_input(record),
                source={"input": text, "position": position, "url": t.link, "id": str(t.id)},
                unavailable=not t.readable,
            )
        )
    return entries


def _deezer_playlist(ref: SourceRef, meta: dict[str, Any]) -> PlaylistInput:
    kind = "album" if ref.kind == RefKind.ALBUM else "playlist"
    return PlaylistInput(
        service="deezer",
        service_id=f"{kind}:{ref.id}" if ref.kind == RefKind.ALBUM else ref.id,
        name=str(meta.get("title") or ""),
        owner=meta.get("creator") or meta.get("artist"),
        snapshot_id=meta.get("checksum"),
        url=f"https://www.deezer.com/{kind}/{ref.id}",
    )


def _raw_rows(content: str) -> Sequence[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items() if k} for r in reader]
