"""ReccoBeats (``/v1``): audio-features and track batches, track lookup, search, recommendations.

Batches take Spotify ids or ReccoBeats UUIDs (CSV or repeated ``ids``), at most 40 (41+ -> the
real 400 body), silently drop unknown ids and answer rows in a different order than asked:
clients must join rows back by ``href``. Only ~60 % of the catalog is known, and the values
carry the catalog's double-time tempos and relative-key swaps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from aiohttp import web

from djdesk.sandbox.catalog import Track
from djdesk.sandbox.names import COUNTRIES
from djdesk.sandbox.responses import int_param, json_response
from djdesk.sandbox.server import SandboxContext

OPEN = "https://open.spotify.com"
AUDIO_EXTENSIONS = (".mp3", ".ogg", ".wav", ".aiff", ".aif")


def validation(path: str, message: str) -> web.Response:
    return json_response({"status": 4004, "errors": [{"path": path, "message": message}]}, 400)


def common(request: web.Request, message: str, code: int, status: int) -> web.Response:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    return json_response(
        {"timestamp": now, "error": message, "path": f"uri={request.path}", "status": code}, status
    )


def _ids(request: web.Request) -> list[str]:
    out: list[str] = []
    for value in request.query.getall("ids", []):
        out += [v.strip() for v in value.split(",") if v.strip()]
    return out


class RBShapes:
    def __init__(self, ctx: SandboxContext) -> None:
        self.cat = ctx.catalog
        self.seed = ctx.seed

    def resolve(self, ident: str) -> Track | None:
        t = self.cat.by_rb.get(ident) or self.cat.by_spotify.get(ident)
        return t if t is not None and t.rb_uuid else None

    def features(self, t: Track) -> dict[str, Any]:
        unknown_key = int(t.rb_uuid[-2:], 16) < 4 if t.rb_uuid else False  # ~1.5 %: key -1
        return {
            "id": t.rb_uuid,
            "href": f"{OPEN}/track/{t.spotify_id}",
            "isrc": t.isrc,
            "acousticness": t.acousticness,
            "danceability": t.danceability,
            "energy": t.energy,
            "instrumentalness": t.instrumentalness,
            "key": -1 if unknown_key else t.rb_key,
            "liveness": t.liveness,
            "loudness": t.loudness,
            "mode": t.rb_mode,
            "speechiness": t.speechiness,
            "tempo": t.rb_tempo,
            "valence": t.valence,
        }

    def artist(self, key: int) -> dict[str, Any]:
        a = self.cat.artists[key]
        return {"id": a.rb_uuid, "name": a.name, "href": f"{OPEN}/artist/{a.spotify_id}"}

    def track(self, t: Track) -> dict[str, Any]:
        title = t.title + self.cat.feat_suffix(t) + (f" - {t.version}" if t.version else "")
        return {
            "id": t.rb_uuid,
            "trackTitle": title,
            "artists": [self.artist(a) for a in t.artists],
            "durationMs": t.duration_ms,
            "isrc": t.isrc,
            "ean": None,
            "upc": None,
            "href": f"{OPEN}/track/{t.spotify_id}",
            "availableCountries": ",".join(COUNTRIES),
            "popularity": min(100, t.rank // 10_000),
        }

    def shuffled(self, rows: list[Track], ids: list[str]) -> list[Track]:
        """Unique rows in a reproducible order that is not the order asked for."""
        seen: dict[int, Track] = {}
        for t in rows:
            seen.setdefault(t.key, t)
        out = list(seen.values())
        digest = hashlib.md5("".join(ids).encode(), usedforsecurity=False).hexdigest()
        random.Random(f"{self.seed}:{digest}").shuffle(out)
        return out


def setup(app: web.Application, ctx: SandboxContext) -> None:
    shapes = RBShapes(ctx)
    cat = ctx.catalog
    covered = [t for t in cat.tracks if t.rb_uuid]

    def batch(op: str) -> Any:
        async def handler(request: web.Request) -> web.Response:
            ids = _ids(request)
            if not 1 <= len(ids) <= 40:
                return validation(f"{op}.ids", "size must be between 1 and 40")
            found = [t for t in (shapes.resolve(i) for i in ids) if t is not None]
            build = shapes.features if op == "getAudioFeatures" else shapes.track
            return json_response({"content": [build(t) for t in shapes.shuffled(found, ids)]})

        return handler

    async def track(request: web.Request) -> web.Response:
        t = cat.by_rb.get(request.match_info["id"])  # ReccoBeats UUID only, as documented
        if t is None:
            return common(request, "Resource not found", 4041, 404)
        return json_response(shapes.track(t))

    async def track_features(request: web.Request) -> web.Response:
        t = cat.by_rb.get(request.match_info["id"])
        if t is None:
            return common(request, "Resource not found", 4041, 404)
        return json_response(shapes.features(t))

    async def search(request: web.Request) -> web.Response:
        text = request.query.get("searchText", "")
        if not 3 <= len(text) <= 1000:
            return validation("searchTracks.searchText", "size must be between 3 and 1000")
        size, page = int_param(request, "size", 25), int_param(request, "page", 0)
        if size is None or page is None or size < 1 or page < 0:
            return common(request, "Size must be a greater than zero", 4002, 400)
        words = text.casefold().split()
        hits = [
            t
            for t in covered
            if all(w in f"{cat.artist_credit(t)} {t.title} {t.version}".casefold() for w in words)
        ]
        rows = [shapes.track(t) for t in hits[page * size : (page + 1) * size]]
        return json_response(
            {
                "content": rows,
                "page": page,
                "size": size,
                "totalElements": len(hits),
                "totalPages": (len(hits) + size - 1) // size,
            }
        )

    async def recommendation(request: web.Request) -> web.Response:
        size = int_param(request, "size", 0)
        if size is None or size <= 0:
            return common(request, "Size must be a greater than zero", 4002, 400)
        if size > 100:
            return validation("getRecommendation.size", "must be less than or equal to 100")
        seeds = [s for s in (request.query.get("seeds", "") or "").split(",") if s]
        if not 1 <= len(seeds) <= 5:
            return validation("getRecommendation.seeds", "size must be between 1 and 5")
        pool: list[Track] = []
        for seed in seeds:
            t = shapes.resolve(seed)
            if t is not None:
                pool += [cat.tracks[k] for k in cat.similar_tracks(t) if cat.tracks[k].rb_uuid]
        picked = shapes.shuffled(pool, seeds)[:size]
        return json_response({"content": [shapes.track(t) for t in picked]})

    async def album(request: web.Request) -> web.Response:
        alb = cat.albums_by_rb.get(request.match_info["id"])
        if alb is None:
            return common(request, "Resource not found", 4041, 404)
        return json_response(
            {
                "id": alb.mbid,
                "albumType": alb.album_type,
                "artists": [shapes.artist(alb.artist)],
                "totalTracks": len(alb.tracks),
                "href": f"{OPEN}/album/{alb.spotify_id}",
                "name": alb.title,
                "availableCountries": ",".join(COUNTRIES),
                "releaseDate": alb.release_date,
                "releaseDateFormat": "day",
                "isrc": None,
                "ean": None,
                "upc": alb.upc,
                "label": alb.label,
                "popularity": len(alb.tracks) * 5,
            }
        )

    async def artist(request: web.Request) -> web.Response:
        a = cat.artists_by_rb.get(request.match_info["id"])
        if a is None:
            return common(request, "Resource not found", 4041, 404)
        return json_response(shapes.artist(a.key))

    async def analysis(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        filename = getattr(part, "filename", None) or ""
        if part is None or not filename.lower().endswith(AUDIO_EXTENSIONS):
            return common(request, "Unsupported file type", 4002, 400)
        data = await part.read()  # type: ignore[union-attr]
        rng = random.Random(hashlib.md5(data, usedforsecurity=False).hexdigest())
        keys = ("acousticness", "danceability", "energy", "instrumentalness", "liveness")
        out: dict[str, Any] = {k: round(rng.random(), 4) for k in keys}
        out |= {
            "loudness": round(-14 + rng.random() * 10, 4),
            "speechiness": round(rng.random() * 0.2, 4),
            "tempo": round(rng.uniform(70, 180), 4),
            "valence": round(rng.random(), 4),
        }
        return json_response(out)

    r = app.router
    r.add_get("/v1/audio-features", batch("getAudioFeatures"))
    r.add_get("/v1/track", batch("getTracks"))
    r.add_get("/v1/track/search", search)
    r.add_get("/v1/track/recommendation", recommendation)
    r.add_get("/v1/track/{id}", track)
    r.add_get("/v1/track/{id}/audio-features", track_features)
    r.add_get("/v1/album/{id}", album)
    r.add_get("/v1/artist/{id}", artist)
    r.add_post("/v1/analysis/audio-features", analysis)
