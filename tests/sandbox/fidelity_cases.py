"""For each real sample file, the sandbox request that asks for "the same kind of thing".

``case_for(provider, filename, catalog)`` returns a ``Case`` or raises ``LookupError``: a new
sample file without a rule makes the fidelity test fail until someone maps it here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from djdesk.sandbox.catalog import LOCAL_ITEM, NULL_ITEM, Catalog, Track
from djdesk.sandbox.login import DEMO_REDIRECT_URI, pkce_pair
from djdesk.sandbox.server import DEMO_USER_TOKEN

AUTH = {"Authorization": f"Bearer {DEMO_USER_TOKEN}"}
#: (client, endpoints, advance_clock) -> response; used for multi-step token flows.
Runner = Callable[
    [httpx.AsyncClient, dict[str, str], Callable[[float], None]], Awaitable[httpx.Response]
]


@dataclass
class Case:
    provider: str
    path: str = ""
    params: dict[str, str] | list[tuple[str, str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    inject: str | None = None
    status: int | None = None
    extract: Callable[[Any], Any] | None = None
    run: Runner | None = None
    sandbox: dict[str, Any] | None = None  # kwargs for a private sandbox (token lifecycles)


class Picks:
    """Catalog items chosen once so every case asks for something that exists."""

    def __init__(self, cat: Catalog) -> None:
        self.cat = cat
        sp = list(cat.spotify_playlists.values())
        self.owned = next(p for p in sp if p.owned and len(p.entries) == 200)
        self.big = next(p for p in sp if p.owned and len(p.entries) == 10_000)
        self.not_owned = next(p for p in sp if not p.owned)
        self.deezer = {len(p.entries): p for p in cat.deezer_playlists.values()}
        full = [t for t in cat.tracks if t.mbid and t.rb_uuid and t.in_lastfm]
        self.track = next(t for t in full if t.key % 15 not in (0, 5, 10) and t.key % 3 == 0)
        self.no_wiki = next(t for t in full if t.key % 3 and t.key % 5)
        self.feat = next(t for t in full if len(t.artists) > 1)
        self.album = max(
            (a for a in cat.albums if len(a.tracks) <= 14), key=lambda a: len(a.tracks)
        )
        self.single = next(a for a in cat.albums if len(a.tracks) == 1)
        self.word = Counter(t.title.split()[0] for t in cat.tracks).most_common(1)[0][0]

    def lastfm(self, t: Track) -> dict[str, str]:
        name = t.title + self.cat.feat_suffix(t) + (f" - {t.version}" if t.version else "")
        return {"artist": self.cat.artists[t.artists[0]].name, "track": name}


def _entry_at(code: int) -> Callable[[Picks], tuple[str, dict[str, str]]]:
    def pick(p: Picks) -> tuple[str, dict[str, str]]:
        pos = p.big.entries.index(code)
        return f"/playlists/{p.big.id}/items", {"offset": str(pos), "limit": "1"}

    return pick


async def _login(c: httpx.AsyncClient, ep: dict[str, str], client_id: str = "cid") -> Any:
    verifier, challenge = pkce_pair()
    r = await c.get(
        f"{ep['spotify_accounts']}/authorize",
        params={
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": DEMO_REDIRECT_URI,
            "code_challenge_method": "S256",
            "code_challenge": challenge,
            "state": "s",
        },
    )
    code = httpx.URL(r.headers["Location"]).params["code"]
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": DEMO_REDIRECT_URI,
        "client_id": client_id,
        "code_verifier": verifier,
    }


def _token(kind: str) -> Runner:
    async def run(
        c: httpx.AsyncClient, ep: dict[str, str], advance: Callable[[float], None]
    ) -> httpx.Response:
        url = f"{ep['spotify_accounts']}/api/token"
        form = await _login(c, ep)
        changes = {
            "invalid_client": {"client_id": "invalid-client"},
            "invalid_client.no_description": {"client_id": ""},
            "code_verifier_incorrect": {"code_verifier": "w" * 60},
            "code_verifier_required": {"code_verifier": ""},
            "invalid_redirect_uri": {"redirect_uri": "http://127.0.0.1:9/elsewhere"},
            "invalid_authorization_code": {"code": "no-such-code"},
        }
        if kind in changes:
            return await c.post(url, data=form | changes[kind])
        first = await c.post(url, data=form)
        if kind == "authorization_code":
            return first
        refresh = {
            "grant_type": "refresh_token",
            "client_id": "cid",
            "refresh_token": first.json()["refresh_token"],
        }
        if kind == "invalid_refresh_token":
            return await c.post(url, data=refresh | {"refresh_token": "nope"})
        if kind == "refresh_token_expired":
            advance(200 * 24 * 3600)
        second = await c.post(url, data=refresh)
        if kind == "refresh_token_revoked":
            return await c.post(url, data=refresh)
        return second

    return run


def _spotify(name: str, p: Picks) -> Case:
    sp = lambda path, **kw: Case("spotify", path, headers=AUTH, **kw)  # noqa: E731
    if name.endswith(".txt"):
        fault = {
            "premium_required": "premium_required",
            "user_not_registered": "user_not_registered",
            "too_many_requests": "legacy_429",
        }
        key = next(k for k in fault if k in name)
        return sp("/me", inject=fault[key])
    if name.startswith("token_"):
        m = re.match(r"token_(?:error\.(?:invalid_grant\.|invalid_request\.)?)?(.+)\.json", name)
        kind = m.group(1) if m else ""
        kind = {"refresh.no_refresh_token": "refresh", "refresh.with_refresh_token": "refresh"}.get(
            kind, kind
        )
        rotate = "with_refresh_token" in name or "revoked" in name
        return Case("spotify_accounts", run=_token(kind), sandbox={"rotate_refresh_tokens": rotate})
    rules: dict[str, Callable[[], Case]] = {
        "error_400_invalid_limit": lambda: sp(
            f"/playlists/{p.owned.id}/items", params={"limit": "0"}, status=400
        ),
        "error_401": lambda: Case("spotify", "/me", status=401),
        "error_403_forbidden": lambda: sp(f"/playlists/{p.not_owned.id}/items", status=403),
        "error_404": lambda: sp("/playlists/37i9dQZF1DX53n2vsU9kOm", status=404),
        "error_429_quota": lambda: sp("/me", inject="quota_exceeded", status=429),
        "error_429_rate": lambda: sp("/me", inject="rate_limit", status=429),
        "get_me_playlists": lambda: sp("/me/playlists", params={"limit": "48"}),
        "get_me": lambda: sp("/me"),
        "get_playlist_items": lambda: sp(f"/playlists/{p.owned.id}/items", params={"limit": "48"}),
        "get_playlist_tracks": lambda: sp(f"/playlists/{p.owned.id}/items", params={"limit": "50"}),
        "get_playlist": lambda: sp(f"/playlists/{p.owned.id}"),
        "playlist_item.local": lambda: sp(
            *_entry_at(LOCAL_ITEM)(p)[:1],
            params=_entry_at(LOCAL_ITEM)(p)[1],
            extract=lambda d: d["items"][0],
        ),
        "playlist_item.null": lambda: sp(
            *_entry_at(NULL_ITEM)(p)[:1],
            params=_entry_at(NULL_ITEM)(p)[1],
            extract=lambda d: d["items"][0],
        ),
        "playlist_item.unavailable": lambda: sp(
            f"/playlists/{p.owned.id}/items", params={"limit": "1"}, extract=lambda d: d["items"][0]
        ),
        "track_object": lambda: sp(f"/tracks/{p.track.spotify_id}"),
    }
    for prefix, build in rules.items():
        if name.startswith(prefix):
            return build()
    raise LookupError(name)


def _deezer(name: str, p: Picks) -> Case:
    t, alb = p.track, p.album
    artist = p.cat.artists[t.artists[0]].name
    if name.startswith("error_"):
        paths = {
            "empty_parameter": ("/search", {"q": ""}),
            "exception_without": ("/episode/-1", {}),
            "invalid_query": ("/nowhere", {}),
            "no_data": ("/track/-1", {}),
            "oauth": ("/user/me", {}),
            "quota": ("/track/-1", {}),
            "wrong_parameter": ("/genre/-1", {}),
        }
        key = next(k for k in paths if k in name)
        path, params = paths[key]
        return Case(
            "deezer", path, params=params, status=200, inject="quota" if key == "quota" else None
        )
    if name.startswith("album_") and "past_end" in name:
        return Case(
            "deezer", f"/album/{alb.deezer_id}/tracks", params={"index": str(len(alb.tracks))}
        )
    if name.startswith("album_") and "_tracks" in name:
        return Case("deezer", f"/album/{alb.deezer_id}/tracks")
    if name.startswith("album_629506181"):
        return Case("deezer", f"/album/{p.single.deezer_id}")
    if name.startswith("album_"):
        return Case("deezer", f"/album/{alb.deezer_id}")
    if name.startswith("playlist_") and "_tracks" in name:
        params = {"limit": "1", "index": "0"} if "limit1" in name else {}
        return Case("deezer", f"/playlist/{p.deezer[200].id}/tracks", params=params)
    if name.startswith("playlist_"):
        return Case("deezer", f"/playlist/{p.deezer[200].id}")
    if name.startswith("search_artist_no_results"):
        return Case("deezer", "/search/artist", params={"q": "something very complicated"})
    if name.startswith("search_track_advanced"):
        return Case("deezer", "/search/track", params={"q": f'artist:"{artist}" track:"{t.title}"'})
    if name.startswith("search_"):
        path = "/search/track" if name.startswith("search_track") else "/search"
        params = {"q": p.word}
        for key in ("limit", "index"):
            m = re.search(rf"{key}(\d+)", name)
            if m:
                params[key] = m.group(1)
        if "strict" in name:
            params |= {"strict": "on", "order": "DURATION_DESC"}
        return Case("deezer", path, params=params)
    if name.startswith("track_isrc"):
        return Case("deezer", f"/track/isrc:{t.isrc}")
    if name.startswith("track_detail"):
        return Case("deezer", f"/track/{t.deezer_id}")
    raise LookupError(name)


def _musicbrainz(name: str, p: Picks) -> Case:
    t = p.feat
    js = {"fmt": "json"}
    artist_mbid = p.cat.artists[t.artists[0]].mbid
    rules: dict[str, Case] = {
        "error_400_invalid_isrc": Case("musicbrainz", "/isrc/BAD", params=js, status=400),
        "error_404_not_found": Case("musicbrainz", "/isrc/ZZZZZ0000000", params=js, status=404),
        "error_503": Case("musicbrainz", "/isrc/BAD", params=js, inject="rate_limit", status=503),
        "isrc_": Case("musicbrainz", f"/isrc/{t.isrc}", params=js),
        "recording_8f3471b5": Case("musicbrainz", f"/recording/{t.mbid}", params=js),
        "recording_b9ad642e": Case(
            "musicbrainz",
            f"/recording/{t.mbid}",
            params=js | {"inc": "artist-credits+releases+isrcs"},
        ),
        "search_recording_isrc": Case(
            "musicbrainz", "/recording", params=js | {"query": f"isrc:{t.isrc}"}
        ),
        "search_recording_we_will": Case(
            "musicbrainz",
            "/recording",
            params=js | {"query": f'"{t.title}" AND arid:{artist_mbid}'},
        ),
    }
    for prefix, case in rules.items():
        if name.startswith(prefix):
            return case
    raise LookupError(name)


def _lastfm(name: str, p: Picks) -> Case:
    base = {"api_key": "sandbox-key", "format": "json"}
    lf = lambda method, **kw: base | {"method": method} | kw  # noqa: E731
    a_name = p.cat.artists[p.track.artists[0]].name
    rules: dict[str, Case] = {
        "artist_getCorrection": Case(
            "lastfm", "", lf("artist.getCorrection", artist=a_name.lower())
        ),
        "artist_getInfo": Case("lastfm", "", lf("artist.getInfo", artist=a_name)),
        "error_10": Case("lastfm", "", lf("track.getInfo", api_key="bad-key")),
        "error_26": Case("lastfm", "", lf("track.getInfo", api_key="suspended-key")),
        "error_29": Case("lastfm", "", lf("track.getInfo"), inject="rate_limit"),
        "error_3_": Case("lastfm", "", lf("track.getNothing"), status=200),
        "error_6_artist": Case("lastfm", "", lf("artist.getInfo", artist="No Such Artist Zz")),
        "error_6_limit": Case(
            "lastfm", "", lf("track.getSimilar", limit="5000", **p.lastfm(p.track))
        ),
        "error_6_track": Case("lastfm", "", lf("track.getInfo", artist=a_name, track="Zz Nope")),
        "error_8": Case("lastfm", "", lf("track.getInfo"), inject="operation_failed"),
        "track_getCorrection": Case("lastfm", "", lf("track.getCorrection", **p.lastfm(p.track))),
        "track_getInfo_the_cure": Case(
            "lastfm", "", lf("track.getInfo", username="dj", **p.lastfm(p.no_wiki))
        ),
        "track_getInfo": Case(
            "lastfm", "", lf("track.getInfo", autocorrect="1", **p.lastfm(p.track))
        ),
        "track_getSimilar": Case(
            "lastfm", "", lf("track.getSimilar", limit="5", **p.lastfm(p.track))
        ),
        "track_getTopTags": Case("lastfm", "", lf("track.getTopTags", **p.lastfm(p.track))),
        "track_search": Case("lastfm", "", lf("track.search", track=p.word, page="4", limit="5")),
    }
    for prefix, case in rules.items():
        if name.startswith(prefix):
            return case
    raise LookupError(name)


def _reccobeats(name: str, p: Picks) -> Case:
    t = p.track
    many = [("ids", x.spotify_id) for x in p.cat.tracks[:41]]
    rules: dict[str, Case] = {
        "audio_features_batch_unknown": Case(
            "reccobeats", "/audio-features", params={"ids": "0000000000000000000000"}
        ),
        "audio_features_batch": Case("reccobeats", "/audio-features", params={"ids": t.spotify_id}),
        "audio_features_content_row": Case(
            "reccobeats",
            "/audio-features",
            params={"ids": t.spotify_id},
            extract=lambda d: d["content"][0],
        ),
        "docs_example_album": Case("reccobeats", f"/album/{p.cat.albums[t.album].mbid}"),
        "docs_example_analysis": Case(
            "reccobeats", "/analysis/audio-features", params={"_upload": "song.mp3"}
        ),
        "docs_example_artist": Case("reccobeats", f"/artist/{p.cat.artists[t.artists[0]].rb_uuid}"),
        "docs_example_error_analysis": Case(
            "reccobeats", "/analysis/audio-features", params={"_upload": "notes.txt"}, status=400
        ),
        "docs_example_error_common": Case(
            "reccobeats",
            "/track/recommendation",
            params={"seeds": t.spotify_id, "size": "0"},
            status=400,
        ),
        "docs_example_error_validation": Case(
            "reccobeats",
            "/track/recommendation",
            params={"seeds": t.spotify_id, "size": "101"},
            status=400,
        ),
        "docs_example_track": Case("reccobeats", f"/track/{t.rb_uuid}"),
        "error_400_audio_features": Case("reccobeats", "/audio-features", params=many, status=400),
        "error_400_track_more": Case("reccobeats", "/track", params=many, status=400),
        "error_400_track_search": Case(
            "reccobeats", "/track/search", params={"searchText": "ab"}, status=400
        ),
        "track_batch": Case("reccobeats", "/track", params={"ids": t.spotify_id}),
    }
    for prefix, case in rules.items():
        if name.startswith(prefix):
            return case
    raise LookupError(name)


RULES = {
    "spotify": _spotify,
    "deezer": _deezer,
    "musicbrainz": _musicbrainz,
    "lastfm": _lastfm,
    "reccobeats": _reccobeats,
}


def case_for(provider: str, name: str, catalog: Catalog) -> Case:
    return RULES[provider](name, Picks(catalog))
