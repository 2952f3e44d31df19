"""Spotify Web API (2026 development mode): the user, their playlists and playlist entries.

Since February 2026 entries sit under ``item`` (formerly ``track``; inside a track object
``track`` is a boolean), ``/items`` pages hold at most 50, and a playlist the user neither owns
nor collaborates on answers 403. Errors are branched on status and ``reason`` only, because
Spotify rewrites its messages and some bodies are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

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
from djdesk.core.providers.types import Page, TrackRecord

PROVIDER = "spotify"
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


@dataclass(frozen=True, slots=True)
class SpotifyUser:
    id: str
    display_name: str | None
    account_id: str | None


@dataclass(frozen=True, slots=True)
class PlaylistItem:
    """One entry at its position; ``track`` is None for unavailable (null) entries and episodes."""

    position: int
    kind: str  # "track" | "episode" | "unavailable"
    track: TrackRecord | None
    added_at: str | None
    is_local: bool

    @property
    def unavailable(self) -> bool:
        return self.kind == "unavailable" or (self.track is not None and not self.track.available)


@dataclass(frozen=True, slots=True)
class SpotifyPlaylist:
    id: str
    name: str
    description: str
    owner_id: str | None
    owner_name: str | None
    collaborative: bool
    public: bool | None
    snapshot_id: str | None
    total: int | None
    #: The first entries when ``GET /playlists/{id}`` embedded them (owned playlists only).
    first_items: tuple[PlaylistItem, ...] | None = None
    items_next: str | None = None

    def owned_by(self, user_id: str) -> bool:
        return self.owner_id == user_id or self.collaborative


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


# --- parsers -----------------------------------------------------------------------------------


def parse_user(data: Any) -> SpotifyUser:
    f = Fields(PROVIDER, data)
    return SpotifyUser(
        id=f.text("id"),
        display_name=f.opt_text("display_name"),
        account_id=f.opt_text("account_id"),
    )


def parse_track(data: Any, path: str = "") -> TrackRecord:
    f = Fields(PROVIDER, data, path)
    album = f.opt_obj("album")
    ids = f.opt_obj("external_ids")
    urls = f.opt_obj("external_urls")
    markets = f.raw("available_markets")
    is_local = f.flag("is_local")
    playable = f.raw("is_playable")
    available = not (markets == [] and not is_local) and playable is not False
    return TrackRecord(
        provider=PROVIDER,
        id=f.opt_text("id"),
        title=f.text("name"),
        artists=tuple(a.opt_text("name") or "" for a in f.objs("artists", required=False)),
        album=album.opt_text("name") if album else None,
        duration_ms=f.opt_integer("duration_ms"),
        isrc=((ids.opt_text("isrc") if ids else None) or "").upper() or None,
        is_local=is_local,
        available=available,
        url=urls.opt_text("spotify") if urls else None,
    )


def parse_entry(data: Any, position: int, path: str = "") -> PlaylistItem:
    """An entry of either era: ``item`` (2026) or ``track`` (before), null when unavailable."""
    f = Fields(PROVIDER, data, path)
    content = f.raw("item")
    key = "item"
    if not isinstance(content, dict):
        content, key = f.raw("track"), "track"
    is_local = f.flag("is_local")
    added_at = f.opt_text("added_at")
    if not isinstance(content, dict):
        return PlaylistItem(position, "unavailable", None, added_at, is_local)
    where = f"{path}.{key}" if path else key
    if content.get("type") == "episode":
        return PlaylistItem(position, "episode", None, added_at, is_local)
    return PlaylistItem(position, "track", parse_track(content, where), added_at, is_local)


def parse_entries_page(data: Any, offset: int = 0) -> Page[PlaylistItem]:
    f = Fields(PROVIDER, data)
    start = f.opt_integer("offset")
    start = offset if start is None else start
    items = tuple(
        parse_entry(entry, start + i, f"items[{i}]") for i, entry in enumerate(f.items("items"))
    )
    return Page(items=items, total=f.opt_integer("total"), next=f.opt_text("next"))


def parse_playlist(data: Any) -> SpotifyPlaylist:
    """Full (``/playlists/{id}``) or simplified (``/me/playlists``) playlist objects."""
    f = Fields(PROVIDER, data)
    owner = f.opt_obj("owner")
    items = f.opt_obj("items") or f.opt_obj("tracks")
    total = items.opt_integer("total") if items else None
    first: tuple[PlaylistItem, ...] | None = None
    items_next = None
    if items is not None and isinstance(items.raw("items"), list):
        page = parse_entries_page(_as_dict(items))
        first, items_next = page.items, page.next
    return SpotifyPlaylist(
        id=f.text("id"),
        name=f.text("name"),
        description=f.opt_text("description") or "",
        owner_id=owner.opt_text("id") if owner else None,
        owner_name=owner.opt_text("display_name") if owner else None,
        collaborative=f.flag("collaborative"),
        public=f.raw("public") if isinstance(f.raw("public"), bool) else None,
        snapshot_id=f.opt_text("snapshot_id"),
        total=total,
        first_items=first,
        items_next=items_next,
    )


def _as_dict(fields: Fields) -> dict[str, Any]:
    return {k: fields.raw(k) for k in ("items", "total", "next", "offset")}


def parse_playlists_page(data: Any) -> Page[SpotifyPlaylist]:
    f = Fields(PROVIDER, data)
    items = []
    for i, raw in enumerate(f.items("items")):
        if raw is None:  # Spotify sometimes puts null in simplified lists
            continue
        try:
            items.append(parse_playlist(raw))
        except BadResponseError as exc:
            raise BadResponseError(PROVIDER, f"items[{i}].{exc.field}") from None
    return Page(items=tuple(items), total=f.opt_integer("total"), next=f.opt_text("next"))


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

    async def playlist_items(self, playlist_id: str) -> list[PlaylistItem]:
        """Every entry, 50 per page, following ``next``; 403 explains the 2026 ownership rule."""
        entries: list[PlaylistItem] = []
        url: str | None = f"/playlists/{playlist_id}/items"
        params: dict[str, Any] | None = {
            "limit": ITEMS_LIMIT,
            "additional_types": "track,episode",
        }
        seen: set[str] = set()
        while url is not None:
            page = parse_entries_page(
                await self._get(url, params, playlist_items=True), len(entries)
            )
            entries.extend(page.items)
            if not page.next or not page.items:
                break
            url = next_request_path(page.next, self._http, DEFAULT_ENDPOINTS[PROVIDER])
            if url in seen:
                raise BadResponseError(PROVIDER, "next")
            seen.add(url)
            params = None
        return entries

    async def track(self, track_id: str) -> TrackRecord:
        return parse_track(await self._get(f"/tracks/{track_id}"))
