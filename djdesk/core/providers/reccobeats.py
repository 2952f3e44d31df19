"""ReccoBeats: Spotify-scale audio features, id ↔ ISRC mapping, search and recommendations.

Batches take at most 40 ids, silently drop unknown ones and may reorder rows, so every row is
joined back by its ``href`` (``https://open.spotify.com/track/<id>``), never by position. Values
are hints (double-time tempos, relative-key swaps happen), not truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import (
    ForbiddenError,
    InputError,
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
    retry_after_seconds,
    try_json,
)

PROVIDER = "reccobeats"
BATCH = 40
MAX_SEEDS = 5
DEFAULT_RETRY_AFTER_S = 5.0
HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
_SPOTIFY_TRACK = "https://open.spotify.com/track/"


@dataclass(frozen=True, slots=True)
class ReccoBeatsFeatures:
    """Spotify-scale features; ids are None for the upload-analysis endpoint's answer."""

    reccobeats_id: str | None
    spotify_id: str | None
    isrc: str | None
    energy: float
    danceability: float
    valence: float
    acousticness: float
    instrumentalness: float
    liveness: float
    speechiness: float
    loudness: float
    tempo: float
    key: int | None
    mode: int | None


@dataclass(frozen=True, slots=True)
class ReccoBeatsTrack:
    reccobeats_id: str
    spotify_id: str | None
    title: str
    artists: tuple[str, ...]
    duration_ms: int | None
    isrc: str | None
    popularity: int | None


@dataclass(frozen=True, slots=True)
class ReccoBeatsArtist:
    reccobeats_id: str
    spotify_id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class ReccoBeatsAlbum:
    reccobeats_id: str
    spotify_id: str | None
    name: str
    album_type: str | None
    total_tracks: int | None
    release_date: str | None
    label: str | None
    upc: str | None


def spotify_id_from_href(href: str | None, prefix: str = _SPOTIFY_TRACK) -> str | None:
    if not href or not href.startswith(prefix):
        return None
    tail = href.rstrip("/").rsplit("/", 1)[-1]
    return tail.split("?", 1)[0] or None


# --- errors ------------------------------------------------------------------------------------


def error_from(response: httpx.Response, now: float) -> ProviderError | None:
    status = response.status_code
    if status < 400:
        return None
    body = try_json(response)
    f = Fields(PROVIDER, body) if isinstance(body, dict) else None
    app_code = f.opt_integer("status") if f else None
    if status == 429 or app_code == 4291:
        return rate_limited(PROVIDER, now, retry_after_seconds(response) or DEFAULT_RETRY_AFTER_S)
    if status == 404 or app_code in (4041, 4042):
        return NotFoundError(PROVIDER, "ReccoBeats has no such item.")
    if status >= 500 or app_code == 5001:
        return ProviderDownError(PROVIDER, f"ReccoBeats answered HTTP {status}.")
    if status == 403 and f is None:  # Cloudflare's plain "error code: 1010"
        return ForbiddenError(
            PROVIDER, "ReccoBeats' firewall refused the request.", reason="blocked"
        )
    detail = "?"
    if f is not None:
        errors = list(f.objs("errors", required=False))
        if errors:
            detail = "; ".join(
                f"{e.opt_text('path') or '?'}: {e.opt_text('message') or '?'}" for e in errors
            )
        else:
            detail = f.opt_text("error") or "?"
    return ProviderError(
        PROVIDER, f"ReccoBeats refused the request ({app_code or status}: {detail})."
    )


def classify(response: httpx.Response) -> Outcome | None:
    status = response.status_code
    if status == 429:
        return Outcome(Verdict.RATE_LIMITED, retry_after_seconds(response), "reccobeats 429")
    if status in (400, 404):
        return Outcome(Verdict.FAIL, None, f"reccobeats {status}")
    return None


# --- parsers -----------------------------------------------------------------------------------


def parse_features(data: Any, path: str = "") -> ReccoBeatsFeatures:
    f = Fields(PROVIDER, data, path)
    key = f.opt_integer("key")
    return ReccoBeatsFeatures(
        reccobeats_id=f.opt_text("id"),
        spotify_id=spotify_id_from_href(f.opt_text("href")),
        isrc=(f.opt_text("isrc") or "").upper() or None,
        energy=f.number("energy"),
        danceability=f.number("danceability"),
        valence=f.number("valence"),
        acousticness=f.number("acousticness"),
        instrumentalness=f.number("instrumentalness"),
        liveness=f.number("liveness"),
        speechiness=f.number("speechiness"),
        loudness=f.number("loudness"),
        tempo=f.number("tempo"),
        key=None if key is None or key < 0 else key,
        mode=f.opt_integer("mode"),
    )


def parse_track(data: Any, path: str = "") -> ReccoBeatsTrack:
    f = Fields(PROVIDER, data, path)
    return ReccoBeatsTrack(
        reccobeats_id=f.text("id"),
        spotify_id=spotify_id_from_href(f.opt_text("href")),
        title=f.text("trackTitle"),
        artists=tuple(a.text("name") for a in f.objs("artists", required=False)),
        duration_ms=f.opt_integer("durationMs"),
        isrc=(f.opt_text("isrc") or "").upper() or None,
        popularity=f.opt_integer("popularity"),
    )


def parse_artist(data: Any) -> ReccoBeatsArtist:
    f = Fields(PROVIDER, data)
    return ReccoBeatsArtist(
        reccobeats_id=f.text("id"),
        spotify_id=spotify_id_from_href(f.opt_text("href"), "https://open.spotify.com/artist/"),
        name=f.text("name"),
    )


def parse_album(data: Any) -> ReccoBeatsAlbum:
    f = Fields(PROVIDER, data)
    return ReccoBeatsAlbum(
        reccobeats_id=f.text("id"),
        spotify_id=spotify_id_from_href(f.opt_text("href"), "https://open.spotify.com/album/"),
        name=f.text("name"),
        album_type=f.opt_text("albumType"),
        total_tracks=f.opt_integer("totalTracks"),
        release_date=f.opt_text("releaseDate"),
        label=f.opt_text("label"),
        upc=f.opt_text("upc"),
    )


def parse_content(data: Any, parse: Any) -> list[Any]:
    f = Fields(PROVIDER, data)
    return [parse(row, f"content[{i}]") for i, row in enumerate(f.items("content"))]


def _chunks(ids: Sequence[str], size: int = BATCH) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i))


# --- client ------------------------------------------------------------------------------------


class ReccoBeatsClient:
    def __init__(self, http: httpx.AsyncClient, *, clock: Clock | None = None) -> None:
        self._http = http
        self._clock = clock or SystemClock()

    async def _get(self, url: str, params: Any) -> Any:
        response = await self._http.get(url, params=params, headers=HEADERS)
        error = error_from(response, self._clock.time())
        if error is not None:
            raise error
        return read_body(PROVIDER, response)

    async def audio_features(self, spotify_ids: Iterable[str]) -> dict[str, ReccoBeatsFeatures]:
        """Features by Spotify id, 40 ids a call; ids ReccoBeats does not know are absent."""
        wanted = _unique(spotify_ids)
        found: dict[str, ReccoBeatsFeatures] = {}
        for chunk in _chunks(wanted):
            body = await self._get("/audio-features", [("ids", i) for i in chunk])
            for row in parse_content(body, parse_features):
                if row.spotify_id in chunk:
                    found[row.spotify_id] = row
        return found

    async def track_features(self, reccobeats_id: str) -> ReccoBeatsFeatures:
        """One track's features by its ReccoBeats UUID (``/track/{id}/audio-features``, which
        takes ReccoBeats ids only): how a pinned ReccoBeats id is read. The batch endpoint's
        acceptance of UUIDs is unverified, so a pin is never read through it."""
        body = await self._get(f"/track/{reccobeats_id.strip()}/audio-features", None)
        return parse_features(body)

    async def tracks(self, spotify_ids: Iterable[str]) -> dict[str, ReccoBeatsTrack]:
        """Spotify id → ReccoBeats track (its UUID and ISRC), 40 ids a call, joined by href."""
        wanted = _unique(spotify_ids)
        found: dict[str, ReccoBeatsTrack] = {}
        for chunk in _chunks(wanted):
            body = await self._get("/track", [("ids", i) for i in chunk])
            for row in parse_content(body, parse_track):
                if row.spotify_id in chunk:
                    found[row.spotify_id] = row
        return found

    async def search_tracks(
        self, text: str, *, isrc: str | None = None, size: int = 10
    ) -> list[ReccoBeatsTrack]:
        """Free-text search; with ``isrc`` only rows carrying that ISRC are kept (the response's
        paging fields are UNVERIFIED, only ``content`` is relied on)."""
        if len(text.strip()) < 3:
            return []
        body = await self._get("/track/search", {"searchText": text.strip()[:1000], "size": size})
        rows = parse_content(body, parse_track)
        if isrc:
            rows = [r for r in rows if r.isrc == isrc.upper()]
        return rows

    async def recommendations(
        self, seeds: Sequence[str], *, size: int = 20
    ) -> list[ReccoBeatsTrack]:
        """Tracks like the seeds (Spotify ids or ReccoBeats ids), 1-5 seeds, size 1-100."""
        seeds = _unique(seeds)
        if not 1 <= len(seeds) <= MAX_SEEDS:
            raise InputError(
                f"Recommendations need 1 to {MAX_SEEDS} seed tracks, not {len(seeds)}."
            )
        params = [("seeds", s) for s in seeds] + [("size", str(max(1, min(size, 100))))]
        return parse_content(await self._get("/track/recommendation", params), parse_track)
