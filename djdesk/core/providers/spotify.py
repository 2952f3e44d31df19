"""Spotify Web API (2026 development mode): the user, their playlists and playlist entries.

Since February 2026 entries sit under ``item`` (formerly ``track``; inside a track object
``track`` is a boolean), ``/items`` pages hold at most 50, and a playlist the user neither owns
nor collaborates on answers 403. Errors are branched on status and ``reason`` only, because
Spotify rewrites its messages and some bodies are plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import httpx

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import (
    BadResponseError,
    ForbiddenError,
    LoginRequiredError,
    NotFoundError,
    ProviderDownError,
    ProviderError,
)
from djdesk.core.models import DEFAULT_ENDPOINTS
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.providers.base import (
    Fields,
    next_request_path,
    rate_limited,
    read_body,
    retry_after_seconds,
    try_json,
)
from djdesk.core.providers.spotify_models import (
    PROVIDER,
    PlaylistItem,
    SpotifyAlbum,
    SpotifyPlaylist,
    SpotifyUser,
    parse_album,
    parse_album_tracks_page,
    parse_entries_page,
    parse_entry,
    parse_playlist,
    parse_playlists_page,
    parse_track,
    parse_user,
)
from djdesk.core.providers.types import ItemsCallback, Page, PageCallback, TrackRecord

T = TypeVar("T")

ITEMS_LIMIT = 50
#: When a 429 has no Retry-After, pause this long (observed values are 1-4 s).
DEFAULT_RETRY_AFTER_S = 5.0

NOT_OWNER_MESSAGE = (
    "Spotify does not share the tracks of this playlist with DJDesk: since March 2026 Spotify "
    "only gives apps the tracks of playlists you own or collaborate on."
)
NOT_OWNER_HINT = (
    "Ways out: find the same playlist on Deezer and paste that link (Deezer reads any public "
    "playlist); or in Spotify copy its songs into a playlist of your own (select all, then Add "
    "to playlist → New playlist) and import that; or export it with Exportify (exportify.net) "
    "and drop the CSV file here."
)
APP_NOT_ALLOWED_HINT = (
    "Check your app on developer.spotify.com/dashboard: the app owner needs Spotify Premium "
    "(after a change it can take a few hours), and your account must be on the app's user list."
)


class AccessTokens(Protocol):
    """Where the client gets a bearer token; ``rejected`` asks for a fresh one after a 401."""

    async def access_token(self, *, rejected: str | None = None) -> str: ...


# --- errors ------------------------------------------------------------------------------------


def error_from(
    response: httpx.Response, now: float, *, playlist_items: bool = False
) -> ProviderError | LoginRequiredError | None:
    """The typed error for a Web API response, or None for a success."""
    status = response.status_code
    if status < 400:
        return None
    body = try_json(response)
    error = Fields(PROVIDER, body["error"], "error") if _has_error_obj(body) else None
    reason = (error.opt_text("reason") if error else None) or ""
    if status == 401:
        return LoginRequiredError(
            "Spotify did not accept your login.",
            hint="Log in again with `djdesk auth spotify login`.",
        )
    if status == 403:
        if error is None:  # plain text: Premium missing or user not on the app's allowlist
            return ForbiddenError(
                PROVIDER,
                "Spotify refuses requests from your Spotify app.",
                reason="app_not_allowed",
                hint=APP_NOT_ALLOWED_HINT,
            )
        if playlist_items:
            return ForbiddenError(
                PROVIDER, NOT_OWNER_MESSAGE, reason="not_owner", hint=NOT_OWNER_HINT
            )
        return ForbiddenError(
            PROVIDER,
            "Spotify does not allow this request for your app.",
            reason=reason or "forbidden",
        )
    if status == 404:
        return NotFoundError(
            PROVIDER,
            "Spotify has no such item (Spotify's own editorial and algorithmic playlists "
            "are not available to apps).",
        )
    if status == 429:
        wait = retry_after_seconds(response) or DEFAULT_RETRY_AFTER_S
        if reason == "QUOTA_EXCEEDED":
            return rate_limited(
                PROVIDER,
                now,
                wait,
                message="Your Spotify app has used up its daily request quota.",
                hint="DJDesk resumes Spotify calls by itself when the quota is back.",
            )
        return rate_limited(PROVIDER, now, wait)
    if status >= 500:
        return ProviderDownError(PROVIDER, f"Spotify answered HTTP {status}.")
    message = error.opt_text("message") if error else None
    return ProviderError(PROVIDER, f"Spotify rejected the request ({status}: {message or '?'}).")


def _has_error_obj(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def classify(response: httpx.Response) -> Outcome | None:
    if response.status_code == 429:
        body = try_json(response)
        reason = ""
        if _has_error_obj(body):
            reason = str(body["error"].get("reason") or "")
        return Outcome(Verdict.RATE_LIMITED, retry_after_seconds(response), reason or "429")
    if response.status_code in (400, 401, 403, 404):
        return Outcome(Verdict.FAIL, None, f"spotify {response.status_code}")
    return None


# --- client ------------------------------------------------------------------------------------


class SpotifyClient:
    """Async Spotify reads; a 401 gets one refreshed-token retry before asking for a login."""

    def __init__(
        self, http: httpx.AsyncClient, tokens: AccessTokens, *, clock: Clock | None = None
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._clock = clock or SystemClock()

    async def _get(
        self, url: str, params: dict[str, Any] | None = None, *, playlist_items: bool = False
    ) -> Any:
        token = await self._tokens.access_token()
        response = await self._send(url, params, token)
        if response.status_code == 401:
            token = await self._tokens.access_token(rejected=token)
            response = await self._send(url, params, token)
        error = error_from(response, self._clock.time(), playlist_items=playlist_items)
        if error is not None:
            raise error
        return read_body(PROVIDER, response)

    async def _follow(
        self,
        url: str,
        params: dict[str, Any],
        parse: Callable[[Any, int], Page[T]],
        *,
        playlist_items: bool = False,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[T] | None = None,
    ) -> list[T]:
        """Every item from ``url`` on, following ``next`` (``parse`` gets the offset so far).

        A ``next`` seen before is a bad response, not an endless loop.
        """
        items: list[T] = []
        path: str | None = url
        query: dict[str, Any] | None = params
        seen: set[str] = set()
        while path is not None:
            page = parse(await self._get(path, query, playlist_items=playlist_items), len(items))
            offset = len(items)
            items.extend(page.items)
            if on_page is not None:
                on_page(len(items), page.total)
            if on_items is not None:
                await on_items(page.items, offset, page.total)
            if not page.next or not page.items:
                break
            path = next_request_path(page.next, self._http, DEFAULT_ENDPOINTS[PROVIDER])
            if path in seen:
                raise BadResponseError(PROVIDER, "next")
            seen.add(path)
            query = None
        return items

    async def _send(self, url: str, params: dict[str, Any] | None, token: str) -> httpx.Response:
        return await self._http.get(
            url, params=params, headers={"Authorization": f"Bearer {token}"}
        )

    async def me(self) -> SpotifyUser:
        return parse_user(await self._get("/me"))

    async def my_playlists(self) -> list[SpotifyPlaylist]:
        """Owned and followed playlists; offsets are built here because the recorded ``next``
        points at ``/users/{id}/playlists``, an endpoint dev-mode apps no longer have."""
        playlists: list[SpotifyPlaylist] = []
        offset = 0
        while True:
            page = parse_playlists_page(
                await self._get("/me/playlists", {"limit": ITEMS_LIMIT, "offset": offset})
            )
            playlists.extend(page.items)
            offset += ITEMS_LIMIT
            if not page.next or page.total is None or offset >= page.total:
                return playlists

    async def playlist(self, playlist_id: str) -> SpotifyPlaylist:
        return parse_playlist(
            await self._get(f"/playlists/{playlist_id}", {"additional_types": "track,episode"})
        )

    async def playlist_items(
        self,
        playlist_id: str,
        *,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[PlaylistItem] | None = None,
    ) -> list[PlaylistItem]:
        """Every entry, 50 per page, following ``next``; 403 explains the 2026 ownership rule."""
        params = {"limit": ITEMS_LIMIT, "additional_types": "track,episode"}
        return await self._follow(
            f"/playlists/{playlist_id}/items",
            params,
            parse_entries_page,
            playlist_items=True,
            on_page=on_page,
            on_items=on_items,
        )

    async def album(self, album_id: str) -> SpotifyAlbum:
        return parse_album(await self._get(f"/albums/{album_id}"))

    async def album_tracks(
        self,
        album_id: str,
        album_name: str | None = None,
        *,
        on_page: PageCallback | None = None,
        on_items: ItemsCallback[TrackRecord] | None = None,
    ) -> list[TrackRecord]:
        """Every track of an album, 50 per page following ``next`` (an album imports like a
        playlist). Albums have no ownership rule; ISRCs need ``track()`` per track."""
        return await self._follow(
            f"/albums/{album_id}/tracks",
            {"limit": ITEMS_LIMIT},
            lambda body, _offset: parse_album_tracks_page(body, album_name),
            on_page=on_page,
            on_items=on_items,
        )

    async def track(self, track_id: str) -> TrackRecord:
        return parse_track(await self._get(f"/tracks/{track_id}"))


__all__ = [
    "ITEMS_LIMIT",
    "NOT_OWNER_HINT",
    "NOT_OWNER_MESSAGE",
    "PROVIDER",
    "AccessTokens",
    "PlaylistItem",
    "SpotifyAlbum",
    "SpotifyClient",
    "SpotifyPlaylist",
    "SpotifyUser",
    "classify",
    "error_from",
    "parse_album",
    "parse_album_tracks_page",
    "parse_entries_page",
    "parse_entry",
    "parse_playlist",
    "parse_playlists_page",
    "parse_track",
    "parse_user",
]
