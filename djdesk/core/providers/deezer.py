"""Deezer: keyless reads of any public playlist, album, track, ISRC lookup and fielded search.

Deezer reports errors inside HTTP 200 bodies (``{"error": {"code": 4}}`` is its rate limit), so
every body is checked for ``error`` before it is parsed, whatever the status. ``bpm`` 0 and the
``1900-01-01`` release date are placeholders and become None. Preview URLs are signed and expire,
so they are deliberately not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import BadResponseError, NotFoundError, ProviderDownError, ProviderError
from djdesk.core.models import DEFAULT_ENDPOINTS
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.providers.base import Fields, next_request_path, rate_limited, read_body, try_json
from djdesk.core.providers.types import ItemsCallback, Page, PageCallback, TrackRecord

PROVIDER = "deezer"
#: Deezer sends no Retry-After; its throttle clears "after a few seconds" (CONTRACT.md).
QUOTA_PAUSE_S = 5.0
_PLACEHOLDER_DATE = "1900-01-01"


@dataclass(frozen=True, slots=True)
class DeezerTrack:
    """A Deezer track; detail-only fields (bpm, gain, release_date ...) are None elsewhere."""

    id: int
    title: str
    title_version: str
    artist: str
    artist_id: int | None
    album: str | None
    album_id: int | None
    duration_ms: int | None
    isrc: str | None
    rank: int | None
    readable: bool
    link: str | None
    bpm: float | None = None
    gain: float | None = None
    release_date: str | None = None
    contributors: tuple[str, ...] = ()
    track_position: int | None = None
    disk_number: int | None = None
    time_add: int | None = None

    def to_record(self) -> TrackRecord:
        artists = self.contributors or (self.artist,)
        title = self.title
        if self.title_version and self.title_version not in title:
            title = f"{title} {self.title_version}"
        return TrackRecord(
            provider=PROVIDER,
            id=str(self.id),
            title=title,
            artists=artists,
            album=self.album,
            duration_ms=self.duration_ms,
            isrc=self.isrc,
            available=self.readable,
            url=self.link,
        )


@dataclass(frozen=True, slots=True)
class DeezerPlaylist:
    id: int
    title: str
    description: str
    nb_tracks: int
    creator: str | None
    public: bool
    collaborative: bool
    checksum: str | None
    link: str | None


@dataclass(frozen=True, slots=True)
class DeezerAlbum:
    id: int
    title: str
    artist: str | None
    upc: str | None
    label: str | None
    release_date: str | None
    record_type: str | None
    nb_tracks: int
    genres: tuple[str, ...]
    contributors: tuple[str, ...]
    link: str | None


# --- errors ------------------------------------------------------------------------------------


def _error_fields(body: Any) -> Fields | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return Fields(PROVIDER, body["error"], "error")
    return None


def error_from(response: httpx.Response, now: float) -> ProviderError | None:
    """The typed error a Deezer response stands for, or None when it is a success."""
    body = try_json(response)
    error = _error_fields(body)
    if error is not None:
        code = error.opt_integer("code")
        message = error.opt_text("message") or "unknown error"
        if code == 4:
            return rate_limited(PROVIDER, now, QUOTA_PAUSE_S)
        if code == 800:
            return NotFoundError(PROVIDER, "Deezer has no data for this id.")
        if code == 700:
            return ProviderDownError(PROVIDER, "Deezer says its service is busy.")
        if code in (200, 300):
            return ProviderError(
                PROVIDER, "Deezer asks for a login for this request; DJDesk only reads public data."
            )
        return ProviderError(PROVIDER, f"Deezer refused the request ({code}: {message}).")
    if response.status_code == 404:
        return NotFoundError(PROVIDER, "Deezer has no such item.")
    if response.status_code >= 500 or response.status_code in (403, 429):
        return ProviderDownError(PROVIDER, f"Deezer answered HTTP {response.status_code}.")
    if response.status_code >= 400:
        return ProviderError(PROVIDER, f"Deezer answered HTTP {response.status_code}.")
    return None


def classify(response: httpx.Response) -> Outcome | None:
    """Deezer's 200-with-error bodies for the orchestrator: 4 → rate limited, 800 → not found."""
    error = _error_fields(try_json(response)) if response.status_code == 200 else None
    if error is None:
        return None
    code = error.raw("code")
    if code == 4:
        return Outcome(Verdict.RATE_LIMITED, None, "deezer quota (code 4)")
    if code == 700:
        return Outcome(Verdict.RETRY, None, "deezer service busy (code 700)")
    return Outcome(Verdict.FAIL, None, f"deezer error {code}")


# --- parsers -----------------------------------------------------------------------------------


def parse_track(data: Any, path: str = "") -> DeezerTrack:
    f = Fields(PROVIDER, data, path)
    artist = f.obj("artist")
    album = f.opt_obj("album")
    bpm = f.opt_number("bpm")
    release = f.opt_text("release_date")
    duration = f.opt_integer("duration")
    return DeezerTrack(
        id=f.integer("id"),
        title=f.text("title"),
        title_version=f.opt_text("title_version") or "",
        artist=artist.text("name"),
        artist_id=artist.opt_integer("id"),
        album=album.opt_text("title") if album else None,
        album_id=album.opt_integer("id") if album else None,
        duration_ms=duration * 1000 if duration else None,
        isrc=(f.opt_text("isrc") or "").upper() or None,
        rank=f.opt_integer("rank"),
        readable=f.flag("readable", True),
        link=f.opt_text("link"),
        bpm=bpm if bpm else None,
        gain=f.opt_number("gain"),
        release_date=None if release == _PLACEHOLDER_DATE else release,
        contributors=tuple(c.text("name") for c in f.objs("contributors", required=False)),
        track_position=f.opt_integer("track_position"),
        disk_number=f.opt_integer("disk_number"),
        time_add=f.opt_integer("time_add"),
    )


def parse_track_page(data: Any) -> Page[DeezerTrack]:
    f = Fields(PROVIDER, data)
    items = tuple(
        parse_track(item, f"data[{i}]") for i, item in enumerate(f.items("data", required=True))
    )
    return Page(items=items, total=f.opt_integer("total"), next=f.opt_text("next"))


def parse_playlist(data: Any) -> DeezerPlaylist:
    f = Fields(PROVIDER, data)
    creator = f.opt_obj("creator")
    return DeezerPlaylist(
        id=f.integer("id"),
        title=f.text("title"),
        description=f.opt_text("description") or "",
        nb_tracks=f.integer("nb_tracks"),
        creator=creator.opt_text("name") if creator else None,
        public=f.flag("public", True),
        collaborative=f.flag("collaborative"),
        checksum=f.opt_text("checksum"),
        link=f.opt_text("link"),
    )


def parse_album(data: Any) -> DeezerAlbum:
    f = Fields(PROVIDER, data)
    artist = f.opt_obj("artist")
    genres = f.opt_obj("genres")
    release = f.opt_text("release_date")
    return DeezerAlbum(
        id=f.integer("id"),
        title=f.text("title"),
        artist=artist.opt_text("name") if artist else None,
        upc=f.opt_text("upc"),
        label=f.opt_text("label"),
        release_date=None if release == _PLACEHOLDER_DATE else release,
        record_type=f.opt_text("record_type"),
        nb_tracks=f.integer("nb_tracks"),
        genres=tuple(g.text("name") for g in genres.objs("data", required=False)) if genres else (),
        contributors=tuple(c.text("name") for c in f.objs("contributors", required=False)),
        link=f.opt_text("link"),
    )


def search_query(
    *,
    artist: str | None = None,
    title: str | None = None,
    duration_s: int | None = None,
    tolerance_s: int = 3,
    album: str | None = None,
) -> str:
    """Deezer's advanced syntax: ``artist:"..." track:"..." dur_min:N dur_max:N``."""
    parts: list[str] = []
    for name, value in (("artist", artist), ("track", title), ("album", album)):
        if value:
            parts.append(f'{name}:"{value.replace(chr(34), " ").strip()}"')
    if duration_s:
        parts.append(f"dur_min:{max(0, duration_s - tolerance_s)}")
        parts.append(f"dur_max:{duration_s + tolerance_s}")
    return " ".join(parts)


# --- client ------------------------------------------------------------------------------------


class DeezerClient:
    """Async Deezer reads over an orchestrated ``httpx.AsyncClient`` (base_url = Deezer)."""

    def __init__(
        self, http: httpx.AsyncClient, *, clock: Clock | None = None, page_size: int = 100
    ) -> None:
        self._http = http
        self._clock = clock or SystemClock()
        self._page_size = page_size

    async def _get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        response = await self._http.get(url, params=params)
        error = error_from(response, self._clock.time())
        if error is not None:
            raise error
        return read_body(PROVIDER, response)

    async def playlist(self, playlist_id: int | str) -> DeezerPlaylist:
        return parse_playlist(await self._get(f"/playlist/{playlist_id}"))

    async def playlist_tracks(
        self,
        playlist_id: int | str,
        *,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[DeezerTrack] | None = None,
    ) -> list[DeezerTrack]:
        """Every track, paged through ``/playlist/{id}/tracks`` (the embedded list can be short)."""
        return await self._all_pages(f"/playlist/{playlist_id}/tracks", on_page, on_items)

    async def album(self, album_id: int | str) -> DeezerAlbum:
        return parse_album(await self._get(f"/album/{album_id}"))

    async def album_tracks(
        self,
        album_id: int | str,
        *,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[DeezerTrack] | None = None,
    ) -> list[DeezerTrack]:
        return await self._all_pages(f"/album/{album_id}/tracks", on_page, on_items)

    async def track(self, track_id: int | str) -> DeezerTrack:
        return parse_track(await self._get(f"/track/{track_id}"))

    async def track_by_isrc(self, isrc: str) -> DeezerTrack | None:
        """The detail of a track with this ISRC, or None when Deezer has none (code 800)."""
        try:
            return parse_track(await self._get(f"/track/isrc:{isrc.strip().upper()}"))
        except NotFoundError:
            return None

    async def search_tracks(
        self,
        *,
        artist: str | None = None,
        title: str | None = None,
        duration_s: int | None = None,
        limit: int = 10,
        strict: bool = False,
    ) -> list[DeezerTrack]:
        """One page of fielded search results (no bpm/isrc in them: fetch the detail after)."""
        params: dict[str, Any] = {
            "q": search_query(artist=artist, title=title, duration_s=duration_s),
            "limit": limit,
        }
        if strict:
            params["strict"] = "on"
        page = parse_track_page(await self._get("/search/track", params))
        return list(page.items)

    async def _all_pages(
        self,
        path: str,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[DeezerTrack] | None = None,
    ) -> list[DeezerTrack]:
        tracks: list[DeezerTrack] = []
        url: str | None = path
        params: dict[str, Any] | None = {"limit": self._page_size}
        seen: set[str] = set()
        while url is not None:
            page = parse_track_page(await self._get(url, params))
            offset = len(tracks)
            tracks.extend(page.items)
            if on_page is not None:
                on_page(len(tracks), page.total)
            if on_items is not None:
                await on_items(page.items, offset, page.total)
            if not page.next or not page.items:
                break
            url = next_request_path(page.next, self._http, DEFAULT_ENDPOINTS[PROVIDER])
            if url in seen:  # a server that loops its ``next`` must not loop us
                raise BadResponseError(PROVIDER, "next")
            seen.add(url)
            params = None
        return tracks
