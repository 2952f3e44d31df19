"""MusicBrainz WS/2 (``/ws/2``): ISRC lookup, recording lookup with ``inc``, recording search.

JSON when asked (``fmt=json`` or ``Accept: application/json``, ``fmt`` wins), otherwise MMD XML
with ``ext:score`` on search hits. Search items differ from lookups as on the real server:
``video`` null, ``disambiguation``/``length`` absent when empty, ``isrcs``/``tags`` always there,
media ``track`` (singular). Only ~85 % of the catalog is in MusicBrainz; one ISRC may map to
several recordings.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from djdesk.sandbox.catalog import Track
from djdesk.sandbox.responses import accepts_json, int_param, json_response, xml_response
from djdesk.sandbox.server import SandboxContext

HELP = "For usage, please see: https://musicbrainz.org/development/mmd"
TYPE_IDS = {
    "Person": "b6e035f4-3ce9-331c-97df-83397230b0df",
    "Group": "e431f5f6-b5d2-343d-8b36-72607fffb74b",
}
OFFICIAL = "4e304316-386d-3409-af2e-78857eec5cfe"
ALBUM_RG = "f529b476-6e62-324f-b0aa-1f3e33d313fc"
SINGLE_RG = "d6038452-8ee0-3f68-affc-2de9a1ede0b9"
VALID_INC = {
    "artists",
    "artist-credits",
    "releases",
    "isrcs",
    "tags",
    "genres",
    "aliases",
    "ratings",
    "url-rels",
    "work-rels",
    "media",
    "discids",
    "user-tags",
}
ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
MBID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FIELD_RE = re.compile(r'(\w+):("([^"]*)"|\S+)')
JOIN = {
    "feat.": " feat. ",
    "ft.": " ft. ",
    "featuring": " featuring ",
    "&": " & ",
    "with": " with ",
}
MMD = 'xmlns="http://musicbrainz.org/ns/mmd-2.0#" xmlns:ext="http://musicbrainz.org/ns/ext#-2.0"'


class MBShapes:
    def __init__(self, ctx: SandboxContext) -> None:
        self.cat = ctx.catalog

    def title(self, t: Track) -> str:
        return t.title + (f" ({t.version.lower()})" if t.version else "")

    def credit(self, t: Track, *, search: bool = False) -> list[dict[str, Any]]:
        out = []
        for i, key in enumerate(t.artists):
            a = self.cat.artists[key]
            artist: dict[str, Any] = {"id": a.mbid, "name": a.name, "sort-name": a.sort_name}
            if not search:
                artist |= {
                    "type": a.kind,
                    "type-id": TYPE_IDS[a.kind],
                    "disambiguation": "",
                    "country": a.country,
                }
            elif not a.name.isascii():
                artist["aliases"] = [
                    {
                        "sort-name": a.sort_name,
                        "name": a.sort_name,
                        "locale": "en",
                        "type": "Artist name",
                        "primary": True,
                        "begin-date": None,
                        "end-date": None,
                    }
                ]
            last = i == len(t.artists) - 1
            join = "" if last else JOIN[t.feat_style] if i == 0 else ", "
            entry: dict[str, Any] = {"name": a.name, "artist": artist}
            if not (search and last):
                entry["joinphrase"] = join
            out.append(entry)
        return out

    def release(self, t: Track, *, search: bool = False) -> dict[str, Any]:
        alb = self.cat.albums[t.album]
        date = alb.release_date if t.key % 11 else alb.release_date[:4]  # partial dates happen
        country = self.cat.artists[alb.artist].country
        area = {
            "id": "2db42837-c832-3c27-b4a3-08198f75693c",
            "name": country,
            "sort-name": country,
            "iso-3166-1-codes": [country],
        }
        rel: dict[str, Any] = {
            "id": alb.mbid,
            "title": alb.title,
            "status": "Official",
            "status-id": OFFICIAL,
        }
        credit = [
            {
                "name": self.cat.artists[alb.artist].name,
                "artist": {
                    "id": self.cat.artists[alb.artist].mbid,
                    "name": self.cat.artists[alb.artist].name,
                    "sort-name": self.cat.artists[alb.artist].sort_name,
                },
            }
        ]
        if search:
            single = alb.album_type == "single"
            rel |= {
                "count": 1,
                "artist-credit": credit,
                "release-group": {
                    "id": alb.rg_mbid,
                    "type-id": SINGLE_RG if single else ALBUM_RG,
                    "primary-type-id": SINGLE_RG if single else ALBUM_RG,
                    "title": alb.title,
                    "primary-type": "Single" if single else "Album",
                },
                "date": date,
                "country": country,
                "release-events": [{"date": date, "area": area}],
                "track-count": len(alb.tracks),
                "media": [
                    {
                        "position": 1,
                        "format": "Digital Media",
                        "track": [
                            {
                                "id": t.mbid,
                                "number": str(t.track_number),
                                "title": self.title(t),
                                "length": t.duration_ms,
                            }
                        ],
                        "track-count": len(alb.tracks),
                        "track-offset": t.track_number - 1,
                    }
                ],
            }
            return rel
        credit[0]["artist"] |= {
            "type": "Person",
            "type-id": TYPE_IDS["Person"],
            "disambiguation": "",
            "country": country,
        }
        credit[0]["joinphrase"] = ""
        area |= {"type": None, "type-id": None, "disambiguation": ""}
        return rel | {
            "artist-credit": credit,
            "barcode": alb.upc,
            "country": country,
            "date": date,
            "disambiguation": "",
            "packaging": None,
            "packaging-id": None,
            "quality": "normal",
            "release-events": [{"area": area, "date": date}],
            "text-representation": {"language": "eng", "script": "Latn"},
        }

    def lookup(self, t: Track, inc: set[str]) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": t.mbid,
            "title": self.title(t),
            "length": t.duration_ms,
            "video": False,
            "disambiguation": self._disambiguation(t),
            "first-release-date": self.cat.albums[t.album].release_date,
        }
        if "artist-credits" in inc or "artists" in inc:
            rec["artist-credit"] = self.credit(t)
        if "isrcs" in inc:
            rec["isrcs"] = [t.isrc]
        if "releases" in inc:
            rec["releases"] = [self.release(t)]
        if "tags" in inc:
            rec["tags"] = [
                {"count": 1 + (t.key + i) % 7, "name": tag} for i, tag in enumerate(sorted(t.tags))
            ]
        if "genres" in inc:
            rec["genres"] = [{"count": 3, "disambiguation": "", "id": t.mbid, "name": t.genre}]
        return rec

    def _disambiguation(self, t: Track) -> str:
        return {"live": "live", "remix": "remix", "karaoke": "karaoke"}.get(t.kind, "")

    def search_item(self, t: Track, score: int) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": t.mbid, "score": score, "title": self.title(t)}
        if t.key % 17:  # unknown length: absent in search, null in lookups
            rec["length"] = t.duration_ms
        if self._disambiguation(t):
            rec["disambiguation"] = self._disambiguation(t)
        rec |= {
            "video": None,
            "artist-credit": self.credit(t, search=True),
            "first-release-date": self.cat.albums[t.album].release_date,
            "releases": [self.release(t, search=True)],
            "isrcs": [t.isrc],
            "tags": [{"count": 1 + (t.key + i) % 7, "name": tag} for i, tag in enumerate(t.tags)],
        }
        return rec


def _error(message: str, status: int, as_json: bool) -> web.Response:
    if as_json:
        return json_response({"error": message, "help": HELP}, status)
    xml = f"<error><text>{escape(message)}</text><text>{escape(HELP)}</text></error>"
    return xml_response(xml, status)


def _xml(node: Any, tag: str) -> str:
    """MMD XML from the JSON dict: scalars become child elements, lists ``<x-list>``."""
    if isinstance(node, dict):
        attrs = "".join(f" {k}={quoteattr(str(node[k]))}" for k in ("id",) if k in node)
        if "score" in node:
            attrs += f' ext:score="{node["score"]}"'
        inner = []
        for key, value in node.items():
            if key in ("id", "score") or value is None:
                continue
            if isinstance(value, list):
                child = key[:-1] if key.endswith("s") else key
                if key in ("artist-credit",):
                    items = "".join(_xml_credit(v) for v in value)
                    inner.append(f"<artist-credit>{items}</artist-credit>")
                elif key == "isrcs":
                    items = "".join(f"<isrc id={quoteattr(v)}/>" for v in value)
                    inner.append(f'<isrc-list count="{len(value)}">{items}</isrc-list>')
                else:
                    items = "".join(_xml(v, child) for v in value)
                    inner.append(f'<{child}-list count="{len(value)}">{items}</{child}-list>')
            elif isinstance(value, dict):
                inner.append(_xml(value, key))
            else:
                text = str(value).lower() if isinstance(value, bool) else str(value)
                inner.append(f"<{key}>{escape(text)}</{key}>")
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"
    return f"<{tag}>{escape(str(node))}</{tag}>"


def _xml_credit(entry: dict[str, Any]) -> str:
    join = f" joinphrase={quoteattr(entry['joinphrase'])}" if entry.get("joinphrase") else ""
    return f"<name-credit{join}>{_xml(entry['artist'], 'artist')}</name-credit>"


def _parse_lucene(query: str) -> tuple[dict[str, str], list[str]]:
    fields: dict[str, str] = {}
    for m in FIELD_RE.finditer(query):
        fields[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    rest = FIELD_RE.sub(" ", query)
    phrases = [p.casefold() for p in re.findall(r'"([^"]+)"', rest)]
    rest = re.sub(r'"[^"]+"', " ", rest)
    words = [w.casefold() for w in rest.split() if w not in ("AND", "OR", "NOT", "(", ")")]
    return fields, phrases + words


def setup(app: web.Application, ctx: SandboxContext) -> None:
    shapes = MBShapes(ctx)
    cat = ctx.catalog
    in_mb = [t for t in cat.tracks if t.mbid]

    def incs(request: web.Request, as_json: bool) -> set[str] | web.Response:
        inc = {i for i in request.query.get("inc", "").replace(",", "+").split("+") if i}
        bad = inc - VALID_INC
        if bad:
            name = sorted(bad)[0]
            return _error(
                f"{name} is not a valid inc parameter for the recording resource.", 400, as_json
            )
        return inc

    async def isrc(request: web.Request) -> web.Response:
        as_json = accepts_json(request, "fmt")
        code = request.match_info["isrc"].upper()
        inc = incs(request, as_json)
        if isinstance(inc, web.Response):
            return inc
        if not ISRC_RE.match(code):
            return _error("Invalid isrc.", 400, as_json)
        recs = [shapes.lookup(t, inc) for t in cat.by_isrc.get(code, []) if t.mbid]
        if not recs:
            return _error("Not Found", 404, as_json)
        if as_json:
            return json_response({"isrc": code, "recordings": recs})
        items = "".join(_xml(r, "recording") for r in recs)
        return xml_response(
            f'<metadata {MMD}><isrc id="{code}"><recording-list count='
            f'"{len(recs)}">{items}</recording-list></isrc></metadata>'
        )

    async def recording(request: web.Request) -> web.Response:
        as_json = accepts_json(request, "fmt")
        mbid = request.match_info["mbid"].lower()
        inc = incs(request, as_json)
        if isinstance(inc, web.Response):
            return inc
        if not MBID_RE.match(mbid):
            return _error("Invalid mbid.", 400, as_json)
        t = cat.by_mbid.get(mbid)
        if t is None:
            return _error("Not Found", 404, as_json)
        rec = shapes.lookup(t, inc)
        if as_json:
            return json_response(rec)
        return xml_response(f"<metadata {MMD}>{_xml(rec, 'recording')}</metadata>")

    async def search(request: web.Request) -> web.Response:
        as_json = accepts_json(request, "fmt")
        query = request.query.get("query", "")
        limit, offset = int_param(request, "limit", 25), int_param(request, "offset", 0)
        if limit is None or offset is None or limit < 1 or offset < 0:
            return _error(
                "The 'limit' and 'offset' parameters must be positive integers", 400, as_json
            )
        limit = min(limit, 100)
        fields, words = _parse_lucene(query)
        hits: list[tuple[int, Track]] = []
        for t in in_mb:
            credit = cat.artist_credit(t).casefold()
            title = shapes.title(t).casefold()
            if "isrc" in fields and t.isrc != fields["isrc"].upper():
                continue
            if "arid" in fields and fields["arid"] not in {cat.artists[a].mbid for a in t.artists}:
                continue
            if "artist" in fields and fields["artist"].casefold() not in credit:
                continue
            want = fields.get("recording", "").casefold()
            if want and want not in title:
                continue
            if words and not all(w in f"{title} {credit}" for w in words):
                continue
            exact = (want or " ".join(words)) in (title, t.title.casefold())
            score = 100 if exact or not (want or words) else max(40, 95 - 3 * len(title.split()))
            hits.append((score, t))
        hits.sort(key=lambda h: (-h[0], -h[1].rank))
        page = [shapes.search_item(t, s) for s, t in hits[offset : offset + limit]]
        created = dt.datetime.fromtimestamp(ctx.clock.time(), dt.UTC)
        stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if as_json:
            return json_response(
                {"created": stamp, "count": len(hits), "offset": offset, "recordings": page}
            )
        items = "".join(_xml(r, "recording") for r in page)
        return xml_response(
            f'<metadata {MMD} created="{stamp}"><recording-list count='
            f'"{len(hits)}" offset="{offset}">{items}</recording-list></metadata>'
        )

    app.router.add_get("/ws/2/isrc/{isrc}", isrc)
    app.router.add_get("/ws/2/recording/{mbid}", recording)
    app.router.add_get("/ws/2/recording", search)
    app.router.add_get("/ws/2/recording/", search)
