"""Spotify Web API (``/v1``) in its 2026 development-mode shape.

Entries carry ``item`` only (no ``track``), playlists carry ``items`` (no ``tracks``), and the
fields dev mode strips (popularity, available_markets, linked_from, album label, user country...)
are absent; ``external_ids.isrc`` stays. Playlists the demo user does not own give metadata from
``/playlists/{id}`` and the 2026 403 from ``/items``. Every call needs a Bearer token issued by
the sandbox's accounts host (or the demo user token).
"""

from __future__ import annotations

import hashlib
from typing import Any

from aiohttp import web

from djdesk.sandbox.catalog import LOCAL_ITEM, NULL_ITEM, Album, SpotifyPlaylist, Track
from djdesk.sandbox.names import BASE62
from djdesk.sandbox.responses import int_param, json_response
from djdesk.sandbox.server import SandboxContext
from djdesk.sandbox.spotify_fields import apply_fields, parse_fields

OPEN = "https://open.spotify.com"
MAX_ITEMS_LIMIT = 50


def _err(status: int, message: str) -> web.Response:
    return json_response({"error": {"status": status, "message": message}}, status)


def forbidden() -> web.Response:
    return _err(403, "Forbidden")


def not_found() -> web.Response:
    return _err(404, "Resource not found")


def _valid_id(value: str) -> bool:
    return len(value) == 22 and all(c in BASE62 for c in value)


def _image(seed: str, size: int, prefix: str) -> dict[str, Any]:
    digest = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()[:24]
    return {"height": size, "url": f"https://i.scdn.co/image/{prefix}{digest}", "width": size}


class SpotifyShapes:
    """Builds Spotify objects for one sandbox; track objects are cached per base URL."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx
        self.cat = ctx.catalog
        self._tracks: dict[int, dict[str, Any]] = {}

    @property
    def base(self) -> str:
        return self.ctx.endpoints["spotify"]

    def user(self, uid: str, name: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {} if name is None else {"display_name": name}
        out |= {
            "external_urls": {"spotify": f"{OPEN}/user/{uid}"},
            "href": f"{self.base}/users/{uid}",
            "id": uid,
            "type": "user",
            "uri": f"spotify:user:{uid}",
        }
        return out

    def artist(self, key: int) -> dict[str, Any]:
        a = self.cat.artists[key]
        return {
            "external_urls": {"spotify": f"{OPEN}/artist/{a.spotify_id}"},
            "href": f"{self.base}/artists/{a.spotify_id}",
            "id": a.spotify_id,
            "name": a.name,
            "type": "artist",
            "uri": f"spotify:artist:{a.spotify_id}",
        }

    def album(self, album: Album) -> dict[str, Any]:
        return {
            "type": "album",
            "album_type": album.album_type,
            "href": f"{self.base}/albums/{album.spotify_id}",
            "id": album.spotify_id,
            "images": [
                _image(album.spotify_id, s, p)
                for s, p in (
                    (640, "ab67616d0000b273"),
                    (300, "ab67616d00001e02"),
                    (64, "ab67616d00004851"),
                )
            ],
            "name": album.title,
            "release_date": album.release_date,
            "release_date_precision": "day",
            "uri": f"spotify:album:{album.spotify_id}",
            "artists": [self.artist(album.artist)],
            "external_urls": {"spotify": f"{OPEN}/album/{album.spotify_id}"},
            "total_tracks": len(album.tracks),
        }

    def track(self, t: Track) -> dict[str, Any]:
        cached = self._tracks.get(t.key)
        if cached is not None:
            return cached
        name = t.title + self.cat.feat_suffix(t) + (f" - {t.version}" if t.version else "")
        obj = {
            "preview_url": None,
            "explicit": t.explicit,
            "type": "track",
            "episode": False,
            "track": True,
            "album": self.album(self.cat.albums[t.album]),
            "artists": [self.artist(a) for a in t.artists],
            "disc_number": 1,
            "track_number": t.track_number,
            "duration_ms": t.duration_ms,
            "external_ids": {} if t.spotify_isrc_missing else {"isrc": t.isrc},
            "external_urls": {"spotify": f"{OPEN}/track/{t.spotify_id}"},
            "href": f"{self.base}/tracks/{t.spotify_id}",
            "id": t.spotify_id,
            "name": name,
            "uri": f"spotify:track:{t.spotify_id}",
            "is_local": False,
        }
        self._tracks[t.key] = obj
        return obj

    def entry(self, pl: SpotifyPlaylist, pos: int) -> dict[str, Any]:
        code = pl.entries[pos]
        day = 1 + (pos * 7 + len(pl.id)) % 28
        added_at = f"20{19 + pos % 7}-{1 + pos % 12:02d}-{day:02d}T12:{pos % 60:02d}:00Z"
        if code == NULL_ITEM:  # unavailable / removed: added_by carries an empty id
            return {
                "added_at": added_at,
                "added_by": self.user(""),
                "is_local": False,
                "primary_color": None,
                "item": None,
                "video_thumbnail": {"url": None},
            }
        if code == LOCAL_ITEM:
            return {
                "added_at": added_at,
                "added_by": self.user(pl.owner_id),
                "is_local": True,
                "primary_color": None,
                "item": self.local_track(pos),
                "video_thumbnail": {"url": None},
            }
        return {
            "added_at": added_at,
            "added_by": self.user(pl.owner_id),
            "is_local": False,
            "primary_color": None,
            "item": self.track(self.cat.tracks[code]),
            "video_thumbnail": {"url": None},
        }

    def local_track(self, pos: int) -> dict[str, Any]:
        title, artist, album, secs = (
            f"Dubplate {pos}",
            "Local Selector",
            "USB Stick",
            200 + pos % 90,
        )
        uri = (
            f"spotify:local:{artist.replace(' ', '+')}:{album.replace(' ', '+')}:"
            f"{title.replace(' ', '+')}:{secs}"
        )
        return {
            "album": {
                "album_type": None,
                "external_urls": {},
                "href": None,
                "id": None,
                "images": [],
                "name": album,
                "release_date": None,
                "release_date_precision": None,
                "type": "album",
                "uri": None,
                "artists": [],
            },
            "artists": [
                {
                    "external_urls": {},
                    "href": None,
                    "id": None,
                    "name": artist,
                    "type": "artist",
                    "uri": None,
                }
            ],
            "explicit": False,
            "preview_url": None,
            "type": "track",
            "disc_number": 0,
            "external_ids": {},
            "external_urls": {},
            "href": None,
            "id": None,
            "duration_ms": secs * 1000,
            "name": title,
            "uri": uri,
            "track_number": 0,
            "is_local": True,
        }

    def page(self, pl: SpotifyPlaylist, offset: int, limit: int, extra: str = "") -> dict[str, Any]:
        """A paging object; ``next`` never asks for more than /items accepts (50)."""
        total = len(pl.entries)
        end = min(total, offset + limit)
        url = f"{self.base}/playlists/{pl.id}/items"
        step = min(limit, MAX_ITEMS_LIMIT)
        nxt = f"{url}?offset={end}&limit={step}{extra}" if end < total else None
        prev = f"{url}?offset={max(0, offset - limit)}&limit={limit}{extra}" if offset else None
        return {
            "href": f"{url}?offset={offset}&limit={limit}{extra}",
            "items": [self.entry(pl, i) for i in range(offset, end)],
            "limit": limit,
            "next": nxt,
            "offset": offset,
            "previous": prev,
            "total": total,
        }

    def playlist_simplified(self, pl: SpotifyPlaylist) -> dict[str, Any]:
        return {
            "collaborative": pl.collaborative,
            "description": "" if pl.owned else "Followed, not owned: metadata only in dev mode.",
            "external_urls": {"spotify": f"{OPEN}/playlist/{pl.id}"},
            "href": f"{self.base}/playlists/{pl.id}",
            "id": pl.id,
            # A mosaic (owned) has no size; an uploaded cover (others') has one.
            "images": [
                {"height": None, "url": _image(pl.id, 0, "ab67706c0000da84")["url"], "width": None}
                if pl.owned
                else _image(pl.id, 640, "ab67706c0000da84")
            ],
            "name": pl.name,
            "owner": self.user(pl.owner_id, pl.owner_name),
            "primary_color": None,
            "public": True,
            "snapshot_id": pl.snapshot_id,
            "items": {"href": f"{self.base}/playlists/{pl.id}/items", "total": len(pl.entries)},
            "type": "playlist",
            "uri": f"spotify:playlist:{pl.id}",
        }


def _bearer(request: web.Request, ctx: SandboxContext) -> web.Response | None:
    """None if the request carries a live sandbox token, else the 401 to send."""
    header = request.headers.get("Authorization", "")
    token = header[7:] if header[:7].lower() == "bearer " else ""
    if token and token == ctx.demo_user_token:
        return None
    expiry = ctx.state.setdefault("spotify_access", {}).get(token)
    if expiry is None:
        return _err(401, "Missing/invalid/expired access token")
    if ctx.clock.monotonic() >= expiry:
        return _err(401, "The access token expired")
    return None


def setup(app: web.Application, ctx: SandboxContext) -> None:
    shapes = SpotifyShapes(ctx)
    cat = ctx.catalog

    def authed(handler: Any) -> Any:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            denied = _bearer(request, ctx)
            return denied if denied is not None else await handler(request)

        return wrapper

    def playlist_or_error(pid: str) -> SpotifyPlaylist | web.Response:
        if not _valid_id(pid):
            return _err(400, "Invalid base62 id")
        pl = cat.spotify_playlists.get(pid)
        return pl if pl is not None else not_found()

    def filtered(request: web.Request, body: dict[str, Any]) -> web.Response:
        """Apply ``fields=`` if given (400 "Invalid fields" on a malformed filter)."""
        if "fields" not in request.query:
            return json_response(body)
        try:
            return json_response(apply_fields(body, parse_fields(request.query["fields"])))
        except ValueError:
            return _err(400, "Invalid fields")

    async def me(request: web.Request) -> web.Response:
        out = shapes.user(cat.USER_ID, cat.USER_NAME)
        out["images"] = []
        out["account_id"] = f"acct-{cat.USER_ID}"
        return json_response(out)

    async def me_playlists(request: web.Request) -> web.Response:
        limit, offset = int_param(request, "limit", 20), int_param(request, "offset", 0)
        if limit is None or not 1 <= limit <= 50:
            return _err(400, "Invalid limit")
        if offset is None or not 0 <= offset <= 100_000:
            return _err(400, "Invalid offset")
        pls = list(cat.spotify_playlists.values())
        url = f"{shapes.base}/me/playlists"
        end = min(len(pls), offset + limit)
        return json_response(
            {
                "href": f"{url}?offset={offset}&limit={limit}",
                "limit": limit,
                "next": f"{url}?offset={end}&limit={limit}" if end < len(pls) else None,
                "offset": offset,
                "previous": f"{url}?offset={max(0, offset - limit)}&limit={limit}"
                if offset
                else None,
                "total": len(pls),
                "items": [shapes.playlist_simplified(p) for p in pls[offset:end]],
            }
        )

    async def playlist(request: web.Request) -> web.Response:
        pl = playlist_or_error(request.match_info["id"])
        if isinstance(pl, web.Response):
            return pl
        out = shapes.playlist_simplified(pl)
        out["followers"] = {"href": None, "total": 3 if pl.owned else 12_480}
        out.pop("items")
        if pl.owned or pl.collaborative:
            out["items"] = shapes.page(pl, 0, 100)
        return filtered(request, out)

    async def playlist_items(request: web.Request) -> web.Response:
        pl = playlist_or_error(request.match_info["id"])
        if isinstance(pl, web.Response):
            return pl
        if not (pl.owned or pl.collaborative):
            return forbidden()
        limit, offset = int_param(request, "limit", 20), int_param(request, "offset", 0)
        if limit is None or not 1 <= limit <= MAX_ITEMS_LIMIT:
            return _err(400, "Invalid limit")
        if offset is None or offset < 0:
            return _err(400, "Invalid offset")
        return filtered(request, shapes.page(pl, offset, limit))

    async def removed(request: web.Request) -> web.Response:
        return forbidden()

    async def gone(request: web.Request) -> web.Response:
        return not_found()

    async def track(request: web.Request) -> web.Response:
        tid = request.match_info["id"]
        if not _valid_id(tid):
            return _err(400, "Invalid base62 id")
        t = cat.by_spotify.get(tid)
        return json_response(shapes.track(t)) if t else not_found()

    for path, handler in (
        ("/me", me),
        ("/me/playlists", me_playlists),
        ("/playlists/{id}", playlist),
        ("/playlists/{id}/items", playlist_items),
        ("/playlists/{id}/tracks", removed),  # removed for dev-mode apps in 2026: 403
        ("/tracks", removed),  # batch lookups are gone
        ("/tracks/{id}", track),
        ("/audio-features", removed),  # gone since 2024-11 for new apps: 403
        ("/audio-features/{id}", removed),
        ("/recommendations", gone),  # gone since 2024-11: 404
        ("/artists/{id}/related-artists", gone),
    ):
        app.router.add_get("/v1" + path, authed(handler))
