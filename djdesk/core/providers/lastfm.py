"""Last.fm: canonical names, listeners, playcount and tags per track, similar tracks, artist info.

Last.fm reports errors as ``{"error": N}`` with HTTP 200 or 4xx alike, sends most numbers as
strings, and turns single children into objects; the parsers accept all of that. The API key is
the user's own, read from the keyring; an invalid or suspended key is remembered so one bad key
yields one error, not one per track.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from djdesk.core import logs
from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import (
    InvalidKeyError,
    NotFoundError,
    ProviderDownError,
    ProviderError,
)
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.providers.base import (
    USER_AGENT,
    Fields,
    rate_limited,
    read_body,
    try_json,
)

PROVIDER = "lastfm"
KEY_NAME = "lastfm.api_key"
#: Last.fm sends no Retry-After with error 29; back off this long.
RATE_LIMIT_PAUSE_S = 30.0
_TRANSIENT = frozenset({8, 11, 16})
_BAD_KEY = frozenset({10, 26})


class SecretReader(Protocol):
    def get(self, name: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class LastfmTag:
    name: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class LastfmTrackInfo:
    """``track.getInfo`` with autocorrect: the canonical names plus popularity and top tags."""

    name: str
    artist: str
    mbid: str | None
    url: str | None
    duration_ms: int | None
    listeners: int | None
    playcount: int | None
    album: str | None
    tags: tuple[str, ...]
    user_playcount: int | None = None


@dataclass(frozen=True, slots=True)
class LastfmSimilarTrack:
    name: str
    artist: str
    match: float
    playcount: int | None
    duration_ms: int | None
    mbid: str | None


@dataclass(frozen=True, slots=True)
class LastfmArtistInfo:
    name: str
    mbid: str | None
    url: str | None
    listeners: int | None
    playcount: int | None
    tags: tuple[str, ...]
    similar: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LastfmCorrection:
    artist: str
    track: str | None


@dataclass(frozen=True, slots=True)
class LastfmSearchHit:
    name: str
    artist: str
    listeners: int | None
    mbid: str | None


# --- errors ------------------------------------------------------------------------------------


def error_code(body: Any) -> int | None:
    if isinstance(body, dict) and isinstance(body.get("error"), int):
        return body["error"]
    return None


def error_from(response: httpx.Response, now: float) -> ProviderError | InvalidKeyError | None:
    """Checks the body's ``error`` whatever the HTTP status, as Last.fm requires."""
    code = error_code(try_json(response))
    if code is None:
        if response.status_code >= 500:
            return ProviderDownError(PROVIDER, f"Last.fm answered HTTP {response.status_code}.")
        if response.status_code >= 400:
            return ProviderError(PROVIDER, f"Last.fm answered HTTP {response.status_code}.")
        return None
    if code in _BAD_KEY:
        what = "suspended" if code == 26 else "invalid"
        return InvalidKeyError(
            f"Your Last.fm API key is {what}; Last.fm data is skipped until it is replaced.",
            hint="Create or check your key at https://www.last.fm/api/account/create, then run "
            "`djdesk auth lastfm set-key`.",
        )
    if code == 6:
        return NotFoundError(PROVIDER, "Last.fm does not know this artist or track.")
    if code == 29:
        return rate_limited(PROVIDER, now, RATE_LIMIT_PAUSE_S)
    if code in _TRANSIENT:
        return ProviderDownError(PROVIDER, f"Last.fm is temporarily failing (error {code}).")
    return ProviderError(PROVIDER, f"Last.fm refused the request (error {code}).")


def classify(response: httpx.Response) -> Outcome | None:
    code = error_code(try_json(response))
    if code is None:
        return None
    if code == 29:
        return Outcome(Verdict.RATE_LIMITED, None, "lastfm error 29")
    if code in _TRANSIENT:
        return Outcome(Verdict.RETRY, None, f"lastfm error {code}")
    return Outcome(Verdict.FAIL, None, f"lastfm error {code}")


# --- parsers -----------------------------------------------------------------------------------


def _tag_names(container: Fields | None) -> tuple[str, ...]:
    """``toptags``/``tags`` may be ``{"tag": [...]}``, ``{"tag": {...}}`` or a blank string."""
    if container is None:
        return ()
    return tuple(t.text("name") for t in container.objs("tag", required=False))


def _opt_container(f: Fields, key: str) -> Fields | None:
    return f.opt_obj(key) if isinstance(f.raw(key), dict) else None


def _artist_name(f: Fields) -> str:
    """``artist`` is an object in getInfo/getSimilar and a plain string in search."""
    if isinstance(f.raw("artist"), str):
        return f.text("artist")
    return f.obj("artist").text("name")


def parse_track_info(data: Any) -> LastfmTrackInfo:
    f = Fields(PROVIDER, data).obj("track")
    album = _opt_container(f, "album")
    duration = f.opt_integer("duration")
    return LastfmTrackInfo(
        name=f.text("name"),
        artist=_artist_name(f),
        mbid=f.opt_text("mbid"),
        url=f.opt_text("url"),
        duration_ms=duration or None,
        listeners=f.opt_integer("listeners"),
        playcount=f.opt_integer("playcount"),
        album=album.opt_text("title") if album else None,
        tags=_tag_names(_opt_container(f, "toptags")),
        user_playcount=f.opt_integer("userplaycount"),
    )


def parse_similar(data: Any) -> list[LastfmSimilarTrack]:
    f = Fields(PROVIDER, data).obj("similartracks")
    result = []
    for t in f.objs("track", required=False):
        duration = t.opt_integer("duration")  # seconds here, unlike getInfo
        result.append(
            LastfmSimilarTrack(
                name=t.text("name"),
                artist=_artist_name(t),
                match=t.opt_number("match") or 0.0,
                playcount=t.opt_integer("playcount"),
                duration_ms=duration * 1000 if duration else None,
                mbid=t.opt_text("mbid"),
            )
        )
    return result


def parse_top_tags(data: Any) -> list[LastfmTag]:
    f = Fields(PROVIDER, data).obj("toptags")
    return [
        LastfmTag(t.text("name"), t.opt_integer("count")) for t in f.objs("tag", required=False)
    ]


def parse_artist_info(data: Any) -> LastfmArtistInfo:
    f = Fields(PROVIDER, data).obj("artist")
    stats = _opt_container(f, "stats")
    similar = _opt_container(f, "similar")
    return LastfmArtistInfo(
        name=f.text("name"),
        mbid=f.opt_text("mbid"),
        url=f.opt_text("url"),
        listeners=stats.opt_integer("listeners") if stats else None,
        playcount=stats.opt_integer("playcount") if stats else None,
        tags=_tag_names(_opt_container(f, "tags")),
        similar=tuple(a.text("name") for a in similar.objs("artist", required=False))
        if similar
        else (),
    )


def parse_correction(data: Any) -> LastfmCorrection | None:
    """track.getCorrection or artist.getCorrection; None when Last.fm has no suggestion."""
    corrections = _opt_container(Fields(PROVIDER, data), "corrections")
    if corrections is None:
        return None
    for c in corrections.objs("correction", required=False):
        track = _opt_container(c, "track")
        if track is not None:
            return LastfmCorrection(artist=_artist_name(track), track=track.text("name"))
        return LastfmCorrection(artist=c.obj("artist").text("name"), track=None)
    return None


def parse_search(data: Any) -> tuple[int | None, list[LastfmSearchHit]]:
    f = Fields(PROVIDER, data).obj("results")
    matches = _opt_container(f, "trackmatches")
    hits = [
        LastfmSearchHit(
            name=t.text("name"),
            artist=_artist_name(t),
            listeners=t.opt_integer("listeners"),
            mbid=t.opt_text("mbid"),
        )
        for t in (matches.objs("track", required=False) if matches else ())
    ]
    return f.opt_integer("opensearch:totalResults"), hits


# --- client ------------------------------------------------------------------------------------


class LastfmClient:
    """Async Last.fm reads; the key is read from ``secrets`` (a blocking keyring) per client."""

    def __init__(
        self, http: httpx.AsyncClient, secrets: SecretReader, *, clock: Clock | None = None
    ) -> None:
        self._http = http
        self._secrets = secrets
        self._clock = clock or SystemClock()
        self._key: str | None = None
        self._key_error: InvalidKeyError | None = None

    def forget_key(self) -> None:
        """Read the key again on the next call (the user just set a new one)."""
        self._key = None
        self._key_error = None

    async def _api_key(self) -> str:
        if self._key is None:
            key = await asyncio.to_thread(self._secrets.get, KEY_NAME)
            if not key:
                raise InvalidKeyError(
                    "No Last.fm API key is set; Last.fm data is skipped.",
                    hint="Get a free key at https://www.last.fm/api/account/create and run "
                    "`djdesk auth lastfm set-key`.",
                )
            logs.register_secret(key)  # it travels in the query string httpx logs
            self._key = key
        return self._key

    async def _call(self, method: str, **params: Any) -> Any:
        if self._key_error is not None:
            raise self._key_error
        query = {"method": method, "format": "json", "api_key": await self._api_key()}
        query.update({k: v for k, v in params.items() if v is not None})
        response = await self._http.get("/", params=query, headers={"User-Agent": USER_AGENT})
        error = error_from(response, self._clock.time())
        if isinstance(error, InvalidKeyError):
            self._key_error = error
        if error is not None:
            raise error
        return read_body(PROVIDER, response)

    async def track_info(
        self, artist: str, track: str, *, autocorrect: bool = True
    ) -> LastfmTrackInfo | None:
        """Canonical names, listeners, playcount and tags in one call; None when unknown."""
        try:
            body = await self._call(
                "track.getInfo", artist=artist, track=track, autocorrect=int(autocorrect)
            )
        except NotFoundError:
            return None
        return parse_track_info(body)

    async def similar_tracks(
        self, artist: str, track: str, *, limit: int = 50
    ) -> list[LastfmSimilarTrack]:
        try:
            body = await self._call(
                "track.getSimilar", artist=artist, track=track, autocorrect=1, limit=limit
            )
        except NotFoundError:
            return []
        return parse_similar(body)

    async def artist_info(self, artist: str) -> LastfmArtistInfo | None:
        try:
            body = await self._call("artist.getInfo", artist=artist, autocorrect=1)
        except NotFoundError:
            return None
        return parse_artist_info(body)

    async def track_correction(self, artist: str, track: str) -> LastfmCorrection | None:
        """Only for when ``track_info`` found nothing: autocorrect already applies the same fix."""
        try:
            return parse_correction(
                await self._call("track.getCorrection", artist=artist, track=track)
            )
        except NotFoundError:
            return None
