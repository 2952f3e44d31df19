"""Deezer bodies: track items per context (search, playlist, album), track detail, search.

The same track has a different shape in each place it appears, as on the real API: list items
never carry ``bpm``/``gain``/``release_date``; playlist entries add ``isrc``, ``time_add`` and the
album ``upc``; embedded playlist entries and album tracks have a smaller artist object.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from aiohttp import web

from djdesk.sandbox.catalog import Album, Track
from djdesk.sandbox.names import COUNTRIES
from djdesk.sandbox.responses import json_response
from djdesk.sandbox.server import SandboxContext

WWW = "https://www.deezer.com"
IMG = "https://cdn-images.dzcdn.net/images"
_FIELD_RE = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)')


def error(kind: str, message: str, code: int | None) -> web.Response:
    body: dict[str, Any] = {"type": kind, "message": message}
    if code is not None:
        body["code"] = code
    return json_response({"error": body})  # HTTP 200, as Deezer does


def no_data() -> web.Response:
    return error("DataException", "no data", 800)


def parse_query(q: str) -> tuple[list[str], dict[str, str]]:
    """Split Deezer's advanced syntax into free words and ``field -> value``."""
    fields: dict[str, str] = {}
    for m in _FIELD_RE.finditer(q):
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        fields[name.lower()] = value.strip('"')
    rest = _FIELD_RE.sub(" ", q)
    words = [w.strip('"').casefold() for w in rest.split() if w.strip('"')]
    return words, fields


def md5_hex(value: str) -> str:
    return hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()


class DeezerShapes:
    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx
        self.cat = ctx.catalog
        self._items: dict[int, dict[str, Any]] = {}
        self._hay: list[tuple[Track, str]] | None = None

    @property
    def _haystack(self) -> list[tuple[Track, str]]:
        """Search text per track, built on the first search (keeps start-up short)."""
        if self._hay is None:
            cat = self.cat
            self._hay = [
                (
                    t,
                    f"{cat.artist_credit(t)} {t.title} {t.version} "
                    f"{cat.albums[t.album].title}".casefold(),
                )
                for t in cat.tracks
            ]
        return self._hay

    @property
    def base(self) -> str:
        return self.ctx.endpoints["deezer"]

    def artist(self, key: int, *, full: bool = False) -> dict[str, Any]:
        a = self.cat.artists[key]
        md5 = md5_hex(a.name)
        out: dict[str, Any] = {
            "id": a.deezer_id,
            "name": a.name,
            "link": f"{WWW}/artist/{a.deezer_id}",
        }
        if full:
            out["share"] = (
                f"{WWW}/artist/{a.deezer_id}?utm_source=deezer&utm_content=artist-{a.deezer_id}"
            )
        out |= {"picture": f"{self.base}/artist/{a.deezer_id}/image"}
        for size, px in (("small", 56), ("medium", 250), ("big", 500), ("xl", 1000)):
            out[f"picture_{size}"] = f"{IMG}/artist/{md5}/{px}x{px}-000000-80-0-0.jpg"
        if full:
            out["radio"] = True
        out |= {"tracklist": f"{self.base}/artist/{a.deezer_id}/top?limit=50", "type": "artist"}
        return out

    def album_small(self, album: Album, *, with_date: bool = False) -> dict[str, Any]:
        md5 = md5_hex(album.spotify_id)
        out: dict[str, Any] = {"id": album.deezer_id, "title": album.title}
        if with_date:
            out["link"] = f"{WWW}/album/{album.deezer_id}"
        out["cover"] = f"{self.base}/album/{album.deezer_id}/image"
        for size, px in (("small", 56), ("medium", 250), ("big", 500), ("xl", 1000)):
            out[f"cover_{size}"] = f"{IMG}/cover/{md5}/{px}x{px}-000000-80-0-0.jpg"
        out["md5_image"] = md5
        if with_date:
            out["release_date"] = album.release_date
        out |= {"tracklist": f"{self.base}/album/{album.deezer_id}/tracks", "type": "album"}
        return out

    def _titles(self, t: Track) -> tuple[str, str, str]:
        short = t.title + self.cat.feat_suffix(t)
        version = f"({t.version})" if t.version else ""
        return (f"{short} {version}".strip(), short, version)

    def _preview(self, t: Track) -> str:
        exp = int(self.ctx.clock.time()) + 900
        h = md5_hex(f"{t.deezer_id}")
        return (
            f"https://cdnt-preview.dzcdn.net/api/1/1/{h[0]}/{h[1]}/{h[2]}/0/{h}.mp3"
            f"?hdnea=exp={exp}~acl=/api/1/1/{h[0]}/{h[1]}/{h[2]}/0/{h}.mp3*~hmac={h[::-1]}"
        )

    def item(self, t: Track) -> dict[str, Any]:
        """A list item (search, playlist page); without ``isrc``/``time_add``."""
        cached = self._items.get(t.key)
        if cached is not None:
            return cached
        title, short, version = self._titles(t)
        album = self.cat.albums[t.album]
        out = {
            "id": t.deezer_id,
            "readable": t.readable,
            "title": title,
            "title_short": short,
            "title_version": version,
            "link": f"{WWW}/track/{t.deezer_id}",
            "duration": t.duration_ms // 1000,
            "rank": t.rank,
            "explicit_lyrics": t.explicit,
            "explicit_content_lyrics": 1 if t.explicit else 0,
            "explicit_content_cover": 0,
            "preview": self._preview(t),
            "md5_image": md5_hex(album.spotify_id),
            "artist": self.artist(t.artists[0]),
            "album": self.album_small(album),
            "type": "track",
        }
        self._items[t.key] = out
        return out

    def playlist_item(self, t: Track, pos: int, *, embedded: bool = False) -> dict[str, Any]:
        """A playlist entry: ``isrc``, ``time_add`` and album ``upc``; embedded ones carry a
        small artist (no pictures), as in the recorded ``/playlist/{id}`` bodies."""
        base = self.item(t)
        out: dict[str, Any] = {}
        for k, v in base.items():
            out[k] = v
            if k == "title_version":
                out["isrc"] = t.isrc
            elif k == "md5_image":
                out["time_add"] = 1_600_000_000 + pos * 3_600
        if embedded:
            out["artist"] = {k: v for k, v in out["artist"].items() if not k.startswith("pic")}
        album = dict(out["album"])
        out["album"] = {
            "id": album.pop("id"),
            "title": album.pop("title"),
            "upc": self.cat.albums[t.album].upc,
        } | album
        return out

    def album_item(self, t: Track) -> dict[str, Any]:
        """An album's embedded track: the artist without link or pictures."""
        out = dict(self.item(t))
        out["artist"] = {
            k: v for k, v in out["artist"].items() if k in ("id", "name", "tracklist", "type")
        }
        return out

    def detail(self, t: Track) -> dict[str, Any]:
        title, short, version = self._titles(t)
        album = self.cat.albums[t.album]
        bpm: float | int = t.deezer_bpm
        if bpm == int(bpm):
            bpm = int(bpm)
        return {
            "id": t.deezer_id,
            "readable": t.readable,
            "title": title,
            "title_short": short,
            "title_version": version,
            "isrc": t.isrc,
            "link": f"{WWW}/track/{t.deezer_id}",
            "share": f"{WWW}/track/{t.deezer_id}?utm_source=deezer&utm_content=track-{t.deezer_id}",
            "duration": t.duration_ms // 1000,
            "track_position": t.track_number,
            "disk_number": 1,
            "rank": t.rank,
            "release_date": t.deezer_release_date,
            "explicit_lyrics": t.explicit,
            "explicit_content_lyrics": 1 if t.explicit else 0,
            "explicit_content_cover": 0,
            "preview": self._preview(t),
            "bpm": bpm,
            "gain": round(-4 - t.energy * 9, 1),
            "available_countries": list(COUNTRIES),
            "contributors": [self.artist(a, full=True) | {"role": "Main"} for a in t.artists],
            "md5_image": md5_hex(album.spotify_id),
            "track_token": "AAAAAW" + md5_hex(t.isrc) * 2,
            "artist": self.artist(t.artists[0], full=True),
            "album": self.album_small(album, with_date=True),
            "type": "track",
        }

    def search(self, q: str, order: str) -> list[Track]:
        words, fields = parse_query(q)
        artist = fields.get("artist", "").casefold()
        title = fields.get("track", "").casefold()
        album = fields.get("album", "").casefold()
        isrc = fields.get("isrc", "").upper()
        dur_min, dur_max = _num(fields.get("dur_min"), 0), _num(fields.get("dur_max"), 10**9)
        bpm_min, bpm_max = _num(fields.get("bpm_min"), 0), _num(fields.get("bpm_max"), 10**9)
        hits = []
        for t, hay in self._haystack:
            if words and not all(w in hay for w in words):
                continue
            if artist and artist not in self.cat.artist_credit(t).casefold():
                continue
            if title and title not in f"{t.title} {t.version}".casefold():
                continue
            if album and album not in self.cat.albums[t.album].title.casefold():
                continue
            if isrc and t.isrc != isrc:
                continue
            secs = t.duration_ms // 1000
            if not dur_min <= secs <= dur_max or not bpm_min <= t.deezer_bpm <= bpm_max:
                continue
            hits.append(t)
        keyfn = {
            "DURATION_ASC": lambda t: t.duration_ms,
            "DURATION_DESC": lambda t: -t.duration_ms,
            "TRACK_ASC": lambda t: t.title,
            "ARTIST_ASC": lambda t: self.cat.artist_credit(t),
        }.get(order, lambda t: -t.rank)
        return sorted(hits, key=keyfn)[:300]


def _num(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default
