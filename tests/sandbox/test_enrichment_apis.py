"""MusicBrainz, Last.fm and ReccoBeats: formats (JSON and XML), quirks and error bodies."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from djdesk.sandbox import Catalog
from djdesk.sandbox.catalog import Track

MMD = "{http://musicbrainz.org/ns/mmd-2.0#}"
EXT_SCORE = "{http://musicbrainz.org/ns/ext#-2.0}score"


def _lastfm_name(catalog: Catalog, t: Track) -> dict[str, str]:
    name = t.title + catalog.feat_suffix(t) + (f" - {t.version}" if t.version else "")
    return {"artist": catalog.artists[t.artists[0]].name, "track": name}


@pytest.fixture
def track(catalog: Catalog) -> Track:
    return next(t for t in catalog.tracks if t.mbid and t.rb_uuid and t.in_lastfm)


async def test_musicbrainz_json_by_fmt_or_accept_else_xml(
    endpoints: dict[str, str], track: Track
) -> None:
    url = f"{endpoints['musicbrainz']}/isrc/{track.isrc}"
    async with httpx.AsyncClient() as c:
        by_fmt = await c.get(url, params={"fmt": "json"}, headers={"Accept": "text/xml"})
        by_accept = await c.get(url, headers={"Accept": "application/json"})
        xml = await c.get(url)
    assert by_fmt.json()["recordings"][0]["id"] == track.mbid
    assert by_accept.json()["isrc"] == track.isrc
    root = ET.fromstring(xml.content)
    assert root.find(f"{MMD}isrc/{MMD}recording-list/{MMD}recording").get("id") == track.mbid


async def test_musicbrainz_search_scores_and_shapes(
    endpoints: dict[str, str], track: Track
) -> None:
    url = f"{endpoints['musicbrainz']}/recording"
    async with httpx.AsyncClient() as c:
        js = (await c.get(url, params={"query": f"isrc:{track.isrc}", "fmt": "json"})).json()
        xml = await c.get(url, params={"query": f"isrc:{track.isrc}"})
        bad = await c.get(
            f"{endpoints['musicbrainz']}/recording/not-an-mbid", params={"fmt": "json"}
        )
    hit = js["recordings"][0]
    assert js["count"] >= 1 and hit["score"] == 100 and hit["video"] is None
    assert hit["releases"][0]["media"][0]["track"]  # singular key in search
    rec = ET.fromstring(xml.content).find(f"{MMD}recording-list/{MMD}recording")
    assert rec.get(EXT_SCORE) == "100"
    assert bad.status_code == 400 and bad.json()["error"] == "Invalid mbid."


async def test_lastfm_get_and_post_json_and_xml(
    endpoints: dict[str, str], catalog: Catalog, track: Track
) -> None:
    params = {"method": "track.getInfo", "api_key": "k"} | _lastfm_name(catalog, track)
    async with httpx.AsyncClient() as c:
        js = (await c.get(endpoints["lastfm"] + "/", params=params | {"format": "json"})).json()
        posted = (await c.post(endpoints["lastfm"] + "/", data=params | {"format": "json"})).json()
        xml = await c.get(endpoints["lastfm"] + "/", params=params)
        missing = await c.get(endpoints["lastfm"] + "/", params=params | {"track": "Zz Nope"})
    assert js == posted
    assert isinstance(js["track"]["listeners"], str) and js["track"]["listeners"].isdigit()
    assert js["track"]["streamable"] == {"#text": "0", "fulltrack": "0"}
    assert js["track"]["album"]["@attr"]["position"].isdigit()
    root = ET.fromstring(xml.content)
    assert root.tag == "lfm" and root.get("status") == "ok"
    assert root.find("track/name").text == js["track"]["name"]
    err = ET.fromstring(missing.content)
    assert err.get("status") == "failed" and err.find("error").get("code") == "6"


async def test_lastfm_autocorrect_and_similar_numbers(
    endpoints: dict[str, str], catalog: Catalog, track: Track
) -> None:
    names = _lastfm_name(catalog, track)
    sloppy = {"artist": f"  {names['artist'].upper()} ", "track": names["track"].lower()}
    base = {"api_key": "k", "format": "json"}
    async with httpx.AsyncClient() as c:
        info = (
            await c.get(
                endpoints["lastfm"],
                params=base | sloppy | {"method": "track.getInfo", "autocorrect": "1"},
            )
        ).json()
        similar = (
            await c.get(
                endpoints["lastfm"],
                params=base | names | {"method": "track.getSimilar", "limit": "3"},
            )
        ).json()
    assert info["track"]["name"] == names["track"]
    rows = similar["similartracks"]["track"]
    assert len(rows) == 3 and isinstance(rows[0]["playcount"], int)
    assert isinstance(rows[0]["match"], float)


@pytest.mark.parametrize(
    ("key", "code", "status"), [("bad-key", 10, 403), ("", 10, 403), ("suspended-key", 26, 403)]
)
async def test_lastfm_documented_bad_keys(
    endpoints: dict[str, str], key: str, code: int, status: int
) -> None:
    async with httpx.AsyncClient() as c:
        r = await c.get(
            endpoints["lastfm"],
            params={"method": "artist.getInfo", "artist": "x", "api_key": key, "format": "json"},
        )
    assert r.status_code == status and r.json()["error"] == code


async def test_reccobeats_batches_drop_unknown_and_reorder(
    endpoints: dict[str, str], catalog: Catalog
) -> None:
    known = [t for t in catalog.tracks if t.rb_uuid][:30]
    unknown = [t.spotify_id for t in catalog.tracks if not t.rb_uuid][:5]
    asked = [t.spotify_id for t in known] + unknown
    async with httpx.AsyncClient() as c:
        feats = (
            await c.get(
                f"{endpoints['reccobeats']}/audio-features", params={"ids": ",".join(asked)}
            )
        ).json()["content"]
        repeated = (
            await c.get(f"{endpoints['reccobeats']}/track", params=[("ids", i) for i in asked[:4]])
        ).json()["content"]
        too_many = await c.get(
            f"{endpoints['reccobeats']}/audio-features",
            params={"ids": ",".join(t.spotify_id for t in catalog.tracks[:41])},
        )
    hrefs = [row["href"].rsplit("/", 1)[1] for row in feats]
    assert sorted(hrefs) == sorted(t.spotify_id for t in known)  # unknown ones dropped
    assert hrefs != [t.spotify_id for t in known]  # and not in the order asked
    assert {"time_signature", "duration_ms"}.isdisjoint(feats[0])
    assert len(repeated) == 4 and all("trackTitle" in r for r in repeated)
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["message"] == "size must be between 1 and 40"


async def test_reccobeats_search_and_recommendation_validation(
    endpoints: dict[str, str], track: Track
) -> None:
    base = endpoints["reccobeats"]
    async with httpx.AsyncClient() as c:
        found = (await c.get(f"{base}/track/search", params={"searchText": track.title})).json()
        short = await c.get(f"{base}/track/search", params={"searchText": "ab"})
        rec = await c.get(
            f"{base}/track/recommendation", params={"seeds": track.spotify_id, "size": "3"}
        )
        zero = await c.get(
            f"{base}/track/recommendation", params={"seeds": track.spotify_id, "size": "0"}
        )
    assert any(row["id"] == track.rb_uuid for row in found["content"])
    assert short.status_code == 400 and short.json()["status"] == 4004
    assert rec.status_code == 200 and len(rec.json()["content"]) <= 3
    assert zero.status_code == 400 and zero.json()["status"] == 4002
