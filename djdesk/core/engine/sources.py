"""Typed, cache-first reads of every provider answer the waterfall uses.

Each method names one provider question, builds its cache key (``cachekeys``), and asks the
``Fetcher``, which answers from memory, the cache, or one orchestrated call. Answers are cached
as plain JSON (the dataclass fields) and turned back into the providers' types here, so a cached
answer and a fresh one look the same to the waterfall.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from djdesk.core.cache.policy import DAY
from djdesk.core.engine import cachekeys as ck
from djdesk.core.engine.batcher import HeldBatcher
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.errors import InvalidKeyError, NotFoundError
from djdesk.core.providers.deezer import DeezerTrack
from djdesk.core.providers.lastfm import LastfmArtistInfo, LastfmSimilarTrack, LastfmTrackInfo
from djdesk.core.providers.musicbrainz import MusicBrainzRecording
from djdesk.core.providers.reccobeats import BATCH, ReccoBeatsFeatures, ReccoBeatsTrack

#: MusicBrainz is 1 request/s: its misses are kept as long as its hits (issue 7: "misses too").
MB_NEGATIVE_TTL = 30 * DAY


def as_json(obj: Any) -> Any:
    """A provider dataclass (or list of them) as the JSON we cache.

    Shallow on purpose (``dataclasses.asdict`` deep-copies every value, which dominated warm
    runs): provider records are flat, with tuples of strings that ``json`` writes as lists.
    """
    if isinstance(obj, list | tuple):
        return [as_json(o) for o in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return obj


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_json(value)
    if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
        return as_json(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _tuples(data: dict[str, Any], *names: str) -> dict[str, Any]:
    out = dict(data)
    for name in names:
        if isinstance(out.get(name), list):
            out[name] = tuple(out[name])
    return out


def deezer_track(data: dict[str, Any]) -> DeezerTrack:
    return DeezerTrack(**_tuples(data, "contributors"))


def rb_features(data: dict[str, Any]) -> ReccoBeatsFeatures:
    return ReccoBeatsFeatures(**data)


def rb_track(data: dict[str, Any]) -> ReccoBeatsTrack:
    return ReccoBeatsTrack(**_tuples(data, "artists"))


def mb_recording(data: dict[str, Any]) -> MusicBrainzRecording:
    return MusicBrainzRecording(**_tuples(data, "artists", "isrcs"))


class Sources:
    """One per run (it owns the run's ReccoBeats batcher)."""

    def __init__(self, clients: Clients, fetcher: Fetcher, *, max_wait: float = 10.0) -> None:
        self.clients = clients
        self.fetcher = fetcher
        self.features = HeldBatcher(self._features_many, max_batch=BATCH, max_wait=max_wait)
        self.lastfm_disabled: str | None = None
        #: The user's pins by track (the engine's, read from the library when the run started
        #: and kept up to date by pins made since): a pinned id is read as such, and wins.
        self.pins: Mapping[int, Mapping[str, str]] = {}

    def pinned(self, track_id: int, provider: str) -> str | None:
        return self.pins.get(track_id, {}).get(provider)

    async def aclose(self) -> None:
        await self.features.aclose()

    # -- Deezer ------------------------------------------------------------------------------

    async def deezer_track(self, track_id: str) -> DeezerTrack | None:
        async def fetch() -> Any:
            try:
                return as_json(await self.clients.deezer.track(track_id))
            except NotFoundError:
                return None

        data = await self.fetcher.get(ck.DEEZER_TRACK, ck.deezer_id(track_id), fetch)
        return None if data is None else deezer_track(data)

    async def deezer_isrc(self, isrc: str) -> DeezerTrack | None:
        async def fetch() -> Any:
            return as_json(await self.clients.deezer.track_by_isrc(isrc))

        data = await self.fetcher.get(ck.DEEZER_TRACK, ck.deezer_isrc(isrc), fetch)
        if data is None:
            return None
        track = deezer_track(data)
        by_id = ck.deezer_id(track.id)
        if self.fetcher.known(ck.DEEZER_TRACK, by_id) is None:
            # The next run reads this record by the id it attaches now: cache it under both.
            await self.fetcher.store(ck.DEEZER_TRACK, {by_id: data})
        return track

    async def deezer_search(
        self, artist: str, title: str, duration_ms: int | None
    ) -> list[DeezerTrack]:
        duration_s = round(duration_ms / 1000) if duration_ms else None

        async def fetch() -> Any:
            found = await self.clients.deezer.search_tracks(
                artist=artist, title=title, duration_s=duration_s
            )
            if not found and duration_s:  # a wrong length in the source must not hide it
                found = await self.clients.deezer.search_tracks(artist=artist, title=title)
            return as_json(found)

        data = await self.fetcher.get(
            ck.DEEZER_SEARCH, ck.search(artist, title, duration_ms), fetch
        )
        return [deezer_track(d) for d in data or []]

    # -- MusicBrainz ---------------------------------------------------------------------------

    async def mb_search(
        self, artist: str, title: str, duration_ms: int | None
    ) -> list[MusicBrainzRecording]:
        async def fetch() -> Any:
            result = await self.clients.musicbrainz.search_recordings(
                artist=artist, title=title, duration_ms=duration_ms
            )
            return as_json(list(result.recordings)) or None

        data = await self.fetcher.get(
            ck.MB_SEARCH, ck.search(artist, title, duration_ms), fetch, negative_ttl=MB_NEGATIVE_TTL
        )
        return [mb_recording(d) for d in data or []]

    async def mb_recording(self, mbid: str) -> MusicBrainzRecording | None:
        """A recording by its MBID (a pin): its ISRCs, artists and length."""

        async def fetch() -> Any:
            try:
                return as_json(await self.clients.musicbrainz.recording(mbid))
            except NotFoundError:
                return None

        data = await self.fetcher.get(
            ck.MB_RECORDING, mbid.strip().lower(), fetch, negative_ttl=MB_NEGATIVE_TTL
        )
        return None if data is None else mb_recording(data)

    # -- ReccoBeats ----------------------------------------------------------------------------

    def rb_mapping(self, spotify_id: str) -> str | bool | None:
        """From memory: the ReccoBeats id, False for a cached "no mapping", None when unknown."""
        known = self.fetcher.known(ck.RB_MAP_SPOTIFY, spotify_id)
        if known is None:
            return None
        if known.negative:
            return False
        return str(known.value.get("reccobeats") or "")

    async def rb_features(
        self, spotify_id: str, *, hold: list[bool] | None = None
    ) -> ReccoBeatsFeatures | None:
        """Features by Spotify id, batched 40 a call; a cached "no mapping" makes no call.

        ``hold`` is the caller's ``[True]`` when it holds the batcher: the hold is released
        right after the id joins the queue (and the flag cleared), so the batch waits for it.
        """
        await self.fetcher.prefetch(ck.RB_MAP_SPOTIFY, [spotify_id])  # no-op once looked up
        if self.rb_mapping(spotify_id) is False:
            return None
        await self.fetcher.prefetch(ck.RB_FEATURES, [spotify_id])
        known = self.fetcher.known(ck.RB_FEATURES, spotify_id)
        if known is not None and not known.negative:
            self.fetcher.hits["reccobeats"] += 1
            return rb_features(known.value)
        release = bool(hold and hold[0])
        if hold:
            hold[0] = False
        data = await self.features.load(spotify_id, release=release)
        return None if data is None else rb_features(data)

    async def rb_features_by_id(self, reccobeats_id: str) -> ReccoBeatsFeatures | None:
        """Features by a ReccoBeats UUID (a pin), one call: never batched with Spotify ids."""

        async def fetch() -> Any:
            try:
                return as_json(await self.clients.reccobeats.track_features(reccobeats_id))
            except NotFoundError:
                return None

        data = await self.fetcher.get(ck.RB_FEATURES, ck.rb_id(reccobeats_id), fetch)
        return None if data is None else rb_features(data)

    async def _features_many(self, spotify_ids: list[str]) -> dict[str, Any]:
        fetcher = self.fetcher
        found = await fetcher.call(
            "reccobeats", lambda: self.clients.reccobeats.audio_features(spotify_ids)
        )
        fetcher.misses["reccobeats"] += 1
        features = {sid: as_json(f) for sid, f in found.items()}
        await fetcher.store(ck.RB_FEATURES, features)
        await self.store_mappings(
            {sid: (f.reccobeats_id, f.isrc) for sid, f in found.items()},
            missing=[s for s in spotify_ids if s not in found],
        )
        return features

    async def store_mappings(
        self, found: dict[str, tuple[str | None, str | None]], missing: Iterable[str] = ()
    ) -> None:
        """The Spotify ↔ ReccoBeats map, both ways; ``missing`` as "no mapping" (14 days)."""
        forward: dict[str, Any] = {
            sid: {"reccobeats": rb, "isrc": isrc} for sid, (rb, isrc) in found.items() if rb
        }
        forward.update(dict.fromkeys(missing))
        backward = {rb: {"spotify": sid} for sid, (rb, _isrc) in found.items() if rb}
        if forward:
            await self.fetcher.store(ck.RB_MAP_SPOTIFY, forward)
        if backward:
            await self.fetcher.store(ck.RB_MAP_RECCOBEATS, backward)

    async def rb_search(self, text: str) -> list[ReccoBeatsTrack]:
        async def fetch() -> Any:
            return as_json(await self.clients.reccobeats.search_tracks(text))

        data = await self.fetcher.get(ck.RB_SEARCH, ck.rb_search(text), fetch)
        return [rb_track(d) for d in data or []]

    # -- Last.fm -------------------------------------------------------------------------------

    async def lastfm_track(self, artist: str, title: str) -> LastfmTrackInfo | None:
        async def fetch() -> Any:
            return as_json(await self.clients.lastfm.track_info(artist, title))

        data = await self._lastfm(ck.LASTFM_TRACK, ck.lastfm_track(artist, title), fetch)
        return None if data is None else LastfmTrackInfo(**_tuples(data, "tags"))

    async def lastfm_artist(self, artist: str) -> LastfmArtistInfo | None:
        async def fetch() -> Any:
            return as_json(await self.clients.lastfm.artist_info(artist))

        data = await self._lastfm(ck.LASTFM_ARTIST, ck.lastfm_artist(artist), fetch)
        return None if data is None else LastfmArtistInfo(**_tuples(data, "tags", "similar"))

    async def lastfm_similar(self, artist: str, title: str) -> list[LastfmSimilarTrack]:
        async def fetch() -> Any:
            return as_json(await self.clients.lastfm.similar_tracks(artist, title, limit=20))

        data = await self._lastfm(ck.LASTFM_SIMILAR, ck.lastfm_track(artist, title), fetch)
        return [LastfmSimilarTrack(**d) for d in data or []]

    async def _lastfm(self, namespace: str, key: str, fetch: Any) -> Any:
        if self.lastfm_disabled:
            known = self.fetcher.known(namespace, key)
            if known is None:
                return None
        try:
            return await self.fetcher.get(namespace, key, fetch)
        except InvalidKeyError as exc:
            self.lastfm_disabled = exc.message
            raise
