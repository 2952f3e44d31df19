"""Last.fm API 2.0 (``/2.0/?method=...``), GET and form POST alike, JSON or ``<lfm>`` XML.

Served: track.getInfo / getSimilar / getCorrection / getTopTags / search, artist.getInfo /
getCorrection. JSON keeps the quirks: numbers as strings in getInfo, real numbers in getSimilar,
``#text`` and ``@attr``. Any ``api_key`` works except the documented bad ones (BAD_KEYS ->
error 10, SUSPENDED_KEYS -> error 26). ``autocorrect=1`` fixes spacing, case and small typos.
"""

from __future__ import annotations

import difflib
import re
from typing import Any
from urllib.parse import quote_plus
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from djdesk.sandbox.catalog import Artist, Track
from djdesk.sandbox.responses import accepts_json, json_response, xml_response
from djdesk.sandbox.server import SandboxContext

WEB = "https://www.last.fm/music"
IMG = "https://lastfm.freetls.fastly.net/i/u"
ARTIST_IMG = "2a96cbd8b46e442fc41c2b86b821562f"  # every artist image is this placeholder
BAD_KEYS = frozenset({"", "bad-key", "invalid", "0" * 32})
SUSPENDED_KEYS = frozenset({"suspended-key"})
ERRORS: dict[int, tuple[str, int]] = {
    3: ("Invalid Method - No method with that name in this package", 200),
    6: ("Track not found", 200),
    10: ("Invalid API key - You must be granted a valid key by last.fm", 403),
    26: (
        "API Key Suspended - This application is not allowed to make requests to the web services",
        403,
    ),
}


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", "", text.casefold())


def _images(md5: str, sizes: tuple[str, ...]) -> list[dict[str, str]]:
    px = {
        "small": "34s",
        "medium": "64s",
        "large": "174s",
        "extralarge": "300x300",
        "mega": "300x300",
        "": "300x300",
    }
    return [{"#text": f"{IMG}/{px[s]}/{md5}.png", "size": s} for s in sizes]


def _xml(tag: str, node: Any) -> str:
    """The reverse of Last.fm's JSON rules: ``@attr`` -> attributes, ``#text`` -> text."""
    if isinstance(node, list):
        return "".join(_xml(tag, item) for item in node)
    if isinstance(node, dict):
        attrs = dict(node.get("@attr", {}))
        attrs |= {
            k: v
            for k, v in node.items()
            if k not in ("#text", "@attr")
            and not isinstance(v, dict | list)
            and tag in ("image", "streamable", "link")
        }
        attr_s = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items())
        if "#text" in node:
            return f"<{tag}{attr_s}>{escape(str(node['#text']))}</{tag}>"
        inner = "".join(_xml(k, v) for k, v in node.items() if k != "@attr" and k not in attrs)
        return f"<{tag}{attr_s}>{inner}</{tag}>"
    return f"<{tag}>{escape(str(node))}</{tag}>"


class LastfmShapes:
    def __init__(self, ctx: SandboxContext) -> None:
        self.cat = ctx.catalog
        self.by_artist: dict[str, list[Track]] = {}
        for t in ctx.catalog.tracks:
            if t.in_lastfm:
                key = _norm(ctx.catalog.artists[t.artists[0]].name)
                self.by_artist.setdefault(key, []).append(t)
        self.artists = {_norm(a.name): a for a in ctx.catalog.artists}

    def name(self, t: Track) -> str:
        return t.title + self.cat.feat_suffix(t) + (f" - {t.version}" if t.version else "")

    def artist_of(self, t: Track) -> Artist:
        return self.cat.artists[t.artists[0]]

    def url(self, t: Track) -> str:
        return f"{WEB}/{quote_plus(self.artist_of(t).name)}/_/{quote_plus(self.name(t))}"

    def find_artist(self, name: str, autocorrect: bool) -> Artist | None:
        found = self.artists.get(_norm(name))
        if found is None and autocorrect:
            close = difflib.get_close_matches(_norm(name), list(self.artists), n=1, cutoff=0.85)
            found = self.artists[close[0]] if close else None
        return found

    def find_track(self, artist: str, track: str, autocorrect: bool) -> Track | None:
        a = self.find_artist(artist, autocorrect)
        if a is None:
            return None
        candidates = self.by_artist.get(_norm(a.name), [])
        want = _norm(track)
        for t in candidates:
            if _norm(self.name(t)) == want:
                return t
        if autocorrect:
            names = {_norm(self.name(t)): t for t in candidates}
            close = difflib.get_close_matches(want, list(names), n=1, cutoff=0.85)
            return names[close[0]] if close else None
        return None

    def tags(self, t: Track) -> list[dict[str, str]]:
        return [
            {"name": tag, "url": f"https://www.last.fm/tag/{quote_plus(tag)}"} for tag in t.tags
        ]

    def track_info(self, t: Track, username: str | None) -> dict[str, Any]:
        a = self.artist_of(t)
        alb = self.cat.albums[t.album]
        out: dict[str, Any] = {"name": self.name(t)}
        if t.mbid and t.key % 5:
            out["mbid"] = t.mbid  # sometimes missing entirely
        out |= {
            "url": self.url(t),
            "duration": str(t.duration_ms if t.key % 9 else 0),
            "streamable": {"#text": "0", "fulltrack": "0"},
            "listeners": str(t.listeners),
            "playcount": str(t.playcount),
            "artist": {"name": a.name, "mbid": a.mbid, "url": f"{WEB}/{quote_plus(a.name)}"},
            "album": {
                "artist": self.cat.artists[alb.artist].name,
                "title": alb.title,
                "mbid": alb.mbid,
                "url": f"{WEB}/{quote_plus(a.name)}/{quote_plus(alb.title)}",
                "image": _images(alb.spotify_id, ("small", "medium", "large", "extralarge")),
                "@attr": {"position": str(t.track_number)},
            },
        }
        if username:
            out |= {"userplaycount": str(t.key % 97), "userloved": str(t.key % 2)}
        out["toptags"] = {"tag": self.tags(t)}
        if t.key % 3 == 0:
            out["wiki"] = {
                "published": "27 Jul 2008, 15:44",
                "summary": f'"{t.title}" is a song. <a href="{self.url(t)}">Read more</a>',
                "content": f'"{t.title}" is a song. User-contributed text is available under the '
                "Creative Commons By-SA License; additional terms may apply.",
            }
        return out

    def similar(self, t: Track, limit: int) -> dict[str, Any]:
        rows = []
        for i, key in enumerate(self.cat.similar_tracks(t)[:limit]):
            s = self.cat.tracks[key]
            a = self.artist_of(s)
            rows.append(
                {
                    "name": self.name(s),
                    "playcount": s.playcount,
                    "mbid": s.mbid or "",
                    "match": round(1.0 - i * 0.07, 6),
                    "url": self.url(s),
                    "streamable": {"#text": "0", "fulltrack": "0"},
                    "duration": s.duration_ms // 1000 if s.key % 4 else 0,
                    "artist": {
                        "name": a.name,
                        "mbid": a.mbid,
                        "url": f"{WEB}/{quote_plus(a.name)}",
                    },
                    "image": _images(
                        ARTIST_IMG, ("small", "medium", "large", "extralarge", "mega", "")
                    ),
                }
            )
        return {"similartracks": {"track": rows, "@attr": {"artist": self.artist_of(t).name}}}

    def artist_info(self, a: Artist) -> dict[str, Any]:
        url = f"{WEB}/{quote_plus(a.name)}"
        sizes = ("small", "medium", "large", "extralarge", "mega", "")
        similar = [self.cat.artists[k] for k in self.cat.similar_artists(a)]
        return {
            "artist": {
                "name": a.name,
                "mbid": a.mbid,
                "url": url,
                "image": _images(ARTIST_IMG, sizes),
                "streamable": "0",
                "ontour": "0",
                "stats": {"listeners": str(a.listeners), "playcount": str(a.playcount)},
                "similar": {
                    "artist": [
                        {
                            "name": s.name,
                            "url": f"{WEB}/{quote_plus(s.name)}",
                            "image": _images(ARTIST_IMG, sizes),
                        }
                        for s in similar
                    ]
                },
                "tags": {
                    "tag": [
                        {"name": g, "url": f"https://www.last.fm/tag/{quote_plus(g)}"}
                        for g in (a.genre, "electronic", "seen live")
                    ]
                },
                "bio": {
                    "links": {"link": {"#text": "", "rel": "original", "href": f"{url}/+wiki"}},
                    "published": "17 Feb 2006, 22:09",
                    "summary": f'{a.name} is an artist. <a href="{url}">Read more on Last.fm</a>',
                    "content": f"{a.name} is an artist. User-contributed text is available under "
                    "the Creative Commons By-SA License; additional terms may apply.",
                },
            }
        }


def setup(app: web.Application, ctx: SandboxContext) -> None:
    shapes = LastfmShapes(ctx)
    cat = ctx.catalog

    def error(code: int, as_json: bool, message: str | None = None) -> web.Response:
        text, status = ERRORS.get(code, ("Operation failed", 200))
        text = message or text
        if as_json:
            body: dict[str, Any] = {"error": code, "message": text}
            if code == 6 and (message is None or message.startswith("The artist")):
                body["links"] = []  # the not-found bodies carry it, the limit error does not
            return json_response(body, status)
        xml = f'<lfm status="failed"><error code="{code}">{escape(text)}</error></lfm>'
        return xml_response(xml, status)

    def ok(data: dict[str, Any], as_json: bool) -> web.Response:
        if as_json:
            return json_response(data)
        ((root, body),) = data.items()
        attrs = body.get("@attr", {}) if isinstance(body, dict) else {}
        attr_s = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items())
        inner = "".join(_xml(k, v) for k, v in body.items() if k != "@attr")
        return xml_response(f'<lfm status="ok"><{root}{attr_s}>{inner}</{root}></lfm>')

    def track_of(p: Any, autocorrect: bool) -> Track | None:
        if p.get("mbid"):
            t = cat.by_mbid.get(p["mbid"])
            return t if t is not None and t.in_lastfm else None
        return shapes.find_track(p.get("artist", ""), p.get("track", ""), autocorrect)

    async def handle(request: web.Request) -> web.Response:
        p = dict(request.query)
        if request.method == "POST":
            p |= {k: str(v) for k, v in (await request.post()).items()}
        as_json = p.get("format", "").lower() == "json" or (
            "format" not in p and accepts_json(request, "format")
        )
        key = p.get("api_key", "")
        if key in SUSPENDED_KEYS:
            return error(26, as_json)
        if key in BAD_KEYS:
            return error(10, as_json)
        method = p.get("method", "").lower()
        autocorrect = p.get("autocorrect") == "1"
        limit_raw = p.get("limit", "50")
        limit = int(limit_raw) if limit_raw.isdigit() else 50
        if method in (
            "track.getinfo",
            "track.getsimilar",
            "track.gettoptags",
            "track.getcorrection",
        ):
            if not 1 <= limit <= 1000:
                return error(6, as_json, "limit param out of bounds (1-1000)")
            t = track_of(p, autocorrect or method == "track.getcorrection")
            if t is None:
                return error(6, as_json)
            if method == "track.getinfo":
                return ok({"track": shapes.track_info(t, p.get("username"))}, as_json)
            if method == "track.getsimilar":
                return ok(shapes.similar(t, limit), as_json)
            if method == "track.gettoptags":
                tags = [
                    {"count": 100 - 13 * i, "name": tag["name"], "url": tag["url"]}
                    for i, tag in enumerate(shapes.tags(t))
                ]
                attr = {"artist": shapes.artist_of(t).name, "track": shapes.name(t)}
                return ok({"toptags": {"tag": tags, "@attr": attr}}, as_json)
            a = shapes.artist_of(t)
            fixed_artist = str(int(a.name != p.get("artist", "")))
            fixed_track = str(int(shapes.name(t) != p.get("track", "")))
            corr = {
                "track": {
                    "name": shapes.name(t),
                    "mbid": t.mbid or "",
                    "url": shapes.url(t),
                    "artist": {"name": a.name, "url": f"{WEB}/{quote_plus(a.name)}"},
                },
                "@attr": {
                    "index": "0",
                    "artistcorrected": fixed_artist,
                    "trackcorrected": fixed_track,
                },
            }
            return ok({"corrections": {"correction": corr}}, as_json)
        if method in ("artist.getinfo", "artist.getcorrection"):
            a = shapes.find_artist(p.get("artist", ""), autocorrect or "correction" in method)
            if a is None:
                return error(6, as_json, "The artist you supplied could not be found")
            if method == "artist.getinfo":
                return ok(shapes.artist_info(a), as_json)
            corr = {
                "artist": {"name": a.name, "url": f"{WEB}/{quote_plus(a.name)}"},
                "@attr": {"index": "0"},
            }
            return ok({"corrections": {"correction": corr}}, as_json)
        if method == "track.search":
            words = _norm(p.get("track", "")), _norm(p.get("artist", ""))
            hits = [
                t
                for t in cat.tracks
                if t.in_lastfm
                and words[0] in _norm(shapes.name(t))
                and words[1] in _norm(shapes.artist_of(t).name)
            ]
            page = max(1, int(p["page"]) if p.get("page", "").isdigit() else 1)
            start = (page - 1) * limit
            rows = [
                {
                    "name": shapes.name(t),
                    "artist": shapes.artist_of(t).name,
                    "url": shapes.url(t),
                    "streamable": "FIXME",
                    "listeners": str(t.listeners),
                    "image": _images(ARTIST_IMG, ("small", "medium", "large", "extralarge")),
                    "mbid": t.mbid or "",
                }
                for t in hits[start : start + limit]
            ]
            return ok(
                {
                    "results": {
                        "opensearch:Query": {
                            "#text": "",
                            "role": "request",
                            "startPage": str(page),
                        },
                        "opensearch:totalResults": str(len(hits)),
                        "opensearch:startIndex": str(start),
                        "opensearch:itemsPerPage": str(limit),
                        "trackmatches": {"track": rows},
                        "@attr": {},
                    }
                },
                as_json,
            )
        return error(3, as_json)

    for path in ("/2.0", "/2.0/"):
        app.router.add_get(path, handle)
        app.router.add_post(path, handle)
