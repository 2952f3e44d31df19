"""Deezer public API: playlists (paged tracks), albums, track detail, ``/track/isrc:``, search.

Quirks served on purpose: errors come with HTTP 200 and an ``error`` object (``code`` missing
for some), ``bpm`` 0 means unknown, ``release_date`` may be ``1900-01-01``, the embedded
playlist list is incomplete (page ``/playlist/{id}/tracks`` to get every track), list items
never carry ``bpm``/``gain``/``release_date``, and ``next``/``prev`` are absolute URLs on the
sandbox's own host. Search understands ``artist:"..." track:"..." album:"..." dur_min:N``...
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from djdesk.sandbox.catalog import Album
from djdesk.sandbox.deezer_shapes import IMG, WWW, DeezerShapes, error, md5_hex, no_data
from djdesk.sandbox.names import DEEZER_GENRE_IDS
from djdesk.sandbox.responses import int_param, json_response
from djdesk.sandbox.server import SandboxContext

EMBED_MAX = 400
ORDERS = {
    "RANKING",
    "TRACK_ASC",
    "TRACK_DESC",
    "ARTIST_ASC",
    "ARTIST_DESC",
    "ALBUM_ASC",
    "ALBUM_DESC",
    "RATING_ASC",
    "RATING_DESC",
    "DURATION_ASC",
    "DURATION_DESC",
}


def _page_links(
    url: str, params: str, index: int, limit: int | None, total: int, page_len: int
) -> dict[str, str]:
    out: dict[str, str] = {}
    lim = "" if limit is None else f"limit={limit}&"
    step = 25 if limit is None else limit
    sep = "&" if params else ""
    if index > 0:
        out["prev"] = f"{url}?{params}{sep}{lim}index={max(0, index - step)}"
    if index + page_len < total:
        out["next"] = f"{url}?{params}{sep}{lim}index={index + step}"
    return out


def setup(app: web.Application, ctx: SandboxContext) -> None:
    shapes = DeezerShapes(ctx)
    cat = ctx.catalog

    def paging(request: web.Request) -> tuple[int, int, int | None] | None:
        index = int_param(request, "index", 0)
        raw_limit = request.query.get("limit")
        limit = int_param(request, "limit", 25)
        if index is None or limit is None or index < 0:
            return None
        return index, max(1, min(limit, 100)), (None if raw_limit is None else limit)

    def wrong() -> web.Response:
        return error("ParameterException", "Wrong parameter", 500)

    async def track(request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        if raw.lower().startswith("isrc:"):
            found = cat.by_isrc.get(raw[5:].upper())
            return json_response(shapes.detail(found[-1])) if found else no_data()
        if not raw.lstrip("-").isdigit():
            return wrong()
        t = cat.by_deezer.get(int(raw))
        return json_response(shapes.detail(t)) if t else no_data()

    async def playlist(request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        pl = cat.deezer_playlists.get(int(raw)) if raw.isdigit() else None
        if pl is None:
            return no_data()
        tracks = [cat.tracks[k] for k in pl.entries]
        embedded = [
            shapes.playlist_item(t, i, embedded=True)
            for i, t in enumerate(tracks[:EMBED_MAX])
            if not t.deezer_embed_missing
        ]
        pid = pl.id
        md5 = md5_hex(str(pid))
        out = {
            "id": pid,
            "title": pl.title,
            "description": "A DJDesk sandbox demo playlist.",
            "duration": sum(t.duration_ms // 1000 for t in tracks),
            "public": True,
            "is_loved_track": False,
            "collaborative": False,
            "nb_tracks": len(tracks),
            "fans": 1000 + pid % 5000,
            "link": f"{WWW}/playlist/{pid}",
            "share": f"{WWW}/playlist/{pid}?utm_source=deezer&utm_content=playlist-{pid}",
            "picture": f"{shapes.base}/playlist/{pid}/image",
        }
        for size, px in (("small", 56), ("medium", 250), ("big", 500), ("xl", 1000)):
            out[f"picture_{size}"] = f"{IMG}/playlist/{md5}/{px}x{px}-000000-80-0-0.jpg"
        out |= {
            "checksum": pl.checksum,
            "tracklist": f"{shapes.base}/playlist/{pid}/tracks",
            "creation_date": "2024-05-01 10:00:00",
            "add_date": "2024-05-01 10:00:00",
            "mod_date": "2026-11-01 09:30:00",
            "md5_image": md5,
            "picture_type": "playlist",
            "creator": {
                "id": pl.creator_id,
                "name": pl.creator_name,
                "tracklist": f"{shapes.base}/user/{pl.creator_id}/flow",
                "type": "user",
            },
            "type": "playlist",
            "tracks": {"data": embedded, "checksum": pl.checksum},
        }
        return json_response(out)

    async def playlist_tracks(request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        pl = cat.deezer_playlists.get(int(raw)) if raw.isdigit() else None
        if pl is None:
            return no_data()
        pg = paging(request)
        if pg is None:
            return wrong()
        index, limit, shown = pg
        data = [
            shapes.playlist_item(cat.tracks[k], i)
            for i, k in enumerate(pl.entries[index : index + limit], start=index)
        ]
        out: dict[str, Any] = {"data": data, "checksum": pl.checksum, "total": len(pl.entries)}
        url = f"{shapes.base}/playlist/{pl.id}/tracks"
        return json_response(out | _page_links(url, "", index, shown, len(pl.entries), len(data)))

    def find_album(raw: str) -> Album | None:
        return cat.albums_by_deezer.get(int(raw)) if raw.isdigit() else None

    async def album(request: web.Request) -> web.Response:
        alb = find_album(request.match_info["id"])
        if alb is None:
            return no_data()
        tracks = [cat.tracks[k] for k in alb.tracks]
        small = shapes.album_small(alb)
        genre_id = DEEZER_GENRE_IDS.get(alb.genre, 132)
        out = {
            "id": alb.deezer_id,
            "title": alb.title,
            "upc": alb.upc,
            "link": f"{WWW}/album/{alb.deezer_id}",
            "share": f"{WWW}/album/{alb.deezer_id}?utm_source=deezer&utm_content=album",
        }
        out |= {k: v for k, v in small.items() if k.startswith("cover") or k == "md5_image"}
        out |= {
            "genre_id": genre_id,
            "genres": {
                "data": [
                    {
                        "id": genre_id,
                        "name": alb.genre.title(),
                        "picture": f"{shapes.base}/genre/{genre_id}/image",
                        "type": "genre",
                    }
                ]
            },
            "label": alb.label,
            "nb_tracks": len(tracks),
            "duration": sum(t.duration_ms // 1000 for t in tracks),
            "fans": 100 + alb.deezer_id % 9000,
            "release_date": alb.release_date,
            "record_type": alb.album_type,
            "available": True,
            "tracklist": small["tracklist"],
            "explicit_lyrics": False,
            "explicit_content_lyrics": 0,
            "explicit_content_cover": 0,
            "contributors": [shapes.artist(alb.artist, full=True) | {"role": "Main"}],
            "artist": {k: v for k, v in shapes.artist(alb.artist).items() if k != "link"},
            "type": "album",
            "tracks": {"data": [shapes.album_item(t) for t in tracks]},
        }
        return json_response(out)

    async def album_tracks(request: web.Request) -> web.Response:
        alb = find_album(request.match_info["id"])
        pg = paging(request)
        if alb is None:
            return no_data()
        if pg is None:
            return wrong()
        index, limit, shown = pg
        data = []
        for k in alb.tracks[index : index + limit]:
            t = cat.tracks[k]
            row: dict[str, Any] = {}
            for key, value in shapes.album_item(t).items():
                if key in ("album", "md5_image"):
                    continue
                row[key] = value
                if key == "title_version":
                    row["isrc"] = t.isrc
                elif key == "duration":
                    row |= {"track_position": t.track_number, "disk_number": 1}
            data.append(row)
        out: dict[str, Any] = {"data": data, "total": len(alb.tracks)}
        url = f"{shapes.base}/album/{alb.deezer_id}/tracks"
        return json_response(out | _page_links(url, "", index, shown, len(alb.tracks), len(data)))

    async def search(request: web.Request) -> web.Response:
        if "q" not in request.query:
            return error("MissingParameterException", "Missing parameters: q", 501)
        q = request.query["q"].strip()
        if not q:
            return error("ParameterException", "empty parameter", 500)
        pg = paging(request)
        if pg is None:
            return wrong()
        index, limit, shown = pg
        order = request.query.get("order", "RANKING").upper()
        if order not in ORDERS:
            return wrong()
        kind = request.match_info.get("kind", "track")
        if kind == "artist":
            found = [a for a in cat.artists if q.strip('"').casefold() in a.name.casefold()]
            data = [shapes.artist(a.key) for a in found[index : index + limit]]
            total = len(found)
        else:
            hits = shapes.search(q, order)
            data = [shapes.item(t) for t in hits[index : index + limit]]
            total = len(hits)
        params = f"q={quote(q)}"
        for extra in ("strict", "order"):
            if extra in request.query:
                params += f"&{extra}={quote(request.query[extra])}"
        url = f"{shapes.base}{request.path}"
        out: dict[str, Any] = {"data": data, "total": total}
        return json_response(out | _page_links(url, params, index, shown, total, len(data)))

    async def genre(request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        if not raw.isdigit():
            return wrong()
        gid = int(raw)
        name = next((g for g, i in DEEZER_GENRE_IDS.items() if i == gid), None)
        if name is None:
            return no_data()
        return json_response(
            {
                "id": gid,
                "name": name.title(),
                "picture": f"{shapes.base}/genre/{gid}/image",
                "type": "genre",
            }
        )

    artists_by_deezer = {a.deezer_id: a for a in cat.artists}
    albums_per_artist: dict[int, int] = {}
    for alb in cat.albums:
        albums_per_artist[alb.artist] = albums_per_artist.get(alb.artist, 0) + 1

    async def artist(request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        if not raw.lstrip("-").isdigit():
            return wrong()
        a = artists_by_deezer.get(int(raw))
        if a is None:
            return no_data()
        out = shapes.artist(a.key, full=True)
        out.pop("radio")
        tracklist = out.pop("tracklist")
        out |= {
            "nb_album": albums_per_artist.get(a.key, 0),
            "nb_fan": a.listeners // 3,
            "radio": True,
            "tracklist": tracklist,
            "type": "artist",
        }
        return json_response(out)

    async def needs_token(request: web.Request) -> web.Response:
        return error(
            "OAuthException",
            "An active access token must be used to query information about the current user",
            200,
        )

    async def no_code(request: web.Request) -> web.Response:
        return error("Exception", "An error has occured", None)

    async def unknown(request: web.Request) -> web.Response:
        return error("InvalidQueryException", f"Unknown path components : {request.path}", 600)

    r = app.router
    r.add_get("/track/{id}", track)
    r.add_get("/playlist/{id}", playlist)
    r.add_get("/playlist/{id}/tracks", playlist_tracks)
    r.add_get("/album/{id}", album)
    r.add_get("/album/{id}/tracks", album_tracks)
    r.add_get("/search", search)
    r.add_get("/search/{kind:track|artist}", search)
    r.add_get("/genre/{id}", genre)
    r.add_get("/artist/{id}", artist)
    r.add_get("/user/me", needs_token)
    r.add_get("/user/me/{rest:.*}", needs_token)
    r.add_get("/episode/{id}", no_code)
    r.add_get("/podcast/{id}", no_code)
    r.add_get("/{tail:.*}", unknown)
