"""Spotify Web API shapes (2026 development mode) as typed records, and their parsers.

Entries of either era are accepted: ``item`` (2026) or ``track`` (before), null entries kept as
unavailable, local files flagged. Split from ``spotify`` so the client stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from djdesk.core.errors import BadResponseError
from djdesk.core.providers.base import Fields
from djdesk.core.providers.types import Page, TrackRecord

PROVIDER = "spotify"


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


@dataclass(frozen=True, slots=True)
class SpotifyAlbum:
    id: str
    name: str
    artists: tuple[str, ...]
    release_date: str | None
    total_tracks: int | None
    upc: str | None


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


def parse_album(data: Any) -> SpotifyAlbum:
    """UNVERIFIED shape: no album body was recorded; fields follow the OpenAPI AlbumObject and
    the album embedded in the recorded track object (CONTRACT.md §8: ``label`` is gone)."""
    f = Fields(PROVIDER, data)
    ids = f.opt_obj("external_ids")
    return SpotifyAlbum(
        id=f.text("id"),
        name=f.text("name"),
        artists=tuple(a.opt_text("name") or "" for a in f.objs("artists", required=False)),
        release_date=f.opt_text("release_date"),
        total_tracks=f.opt_integer("total_tracks"),
        upc=ids.opt_text("upc") if ids else None,
    )


def parse_album_tracks_page(data: Any, album: str | None) -> Page[TrackRecord]:
    """Simplified track objects carry no album and no ISRC: the album name is filled in here."""
    f = Fields(PROVIDER, data)
    items = []
    for i, raw in enumerate(f.items("items")):
        record = parse_track(raw, f"items[{i}]")
        items.append(record if record.album else _with_album(record, album))
    return Page(items=tuple(items), total=f.opt_integer("total"), next=f.opt_text("next"))


def _with_album(record: TrackRecord, album: str | None) -> TrackRecord:
    return TrackRecord(
        provider=record.provider,
        id=record.id,
        title=record.title,
        artists=record.artists,
        album=album,
        duration_ms=record.duration_ms,
        isrc=record.isrc,
        is_local=record.is_local,
        available=record.available,
        url=record.url,
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
