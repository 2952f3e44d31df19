"""Deezer client: requests pinned with respx, real recorded bodies, 200-with-error mapping."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from djdesk.core.clock import FakeClock
from djdesk.core.errors import NotFoundError, RateLimitedError
from djdesk.core.net.policy import Verdict
from djdesk.core.providers import deezer
from djdesk.core.providers.deezer import DeezerClient, search_query

BASE = "https://api.deezer.com"


def body(api_samples: Path, name: str) -> dict:
    return json.loads((api_samples / "deezer" / name).read_text(encoding="utf-8"))


@pytest.fixture
async def http():
    async with httpx.AsyncClient(base_url=BASE) as client:
        yield client


@respx.mock
async def test_playlist_tracks_pages_by_next_not_embedded(http, api_samples) -> None:
    page1 = body(api_samples, "playlist_9200461_tracks_page1_2022-01-08.json")
    last = {"data": page1["data"][:2], "total": 102}
    first = respx.get(f"{BASE}/playlist/9200461/tracks", params={"limit": "100"}).respond(
        json=page1
    )
    # ``next`` is followed as given (index=25), not recomputed
    second = respx.get(f"{BASE}/playlist/9200461/tracks?index=25").respond(json=last)
    tracks = await DeezerClient(http).playlist_tracks(9200461)
    assert first.called and second.called
    assert len(tracks) == 27
    assert tracks[0].title == "Otherwise" and tracks[0].artist == "Morcheeba"
    assert tracks[0].duration_ms == 222_000
    assert tracks[0].isrc is None  # 2022 playlist items carry no ISRC


@respx.mock
async def test_next_with_extra_params_is_followed_verbatim(http, api_samples) -> None:
    page = body(api_samples, "playlist_10517702202_tracks_limit1_index0.json")
    respx.get(f"{BASE}/playlist/10517702202/tracks").mock(
        side_effect=[
            httpx.Response(200, json=page),
            httpx.Response(200, json={"data": [], "total": 16}),
        ]
    )
    tracks = await DeezerClient(http, page_size=1).playlist_tracks(10517702202)
    calls = respx.calls
    assert str(calls[1].request.url).endswith("/tracks?limit=1&offset=0&index=1")
    assert len(tracks) == 1 and tracks[0].isrc


@respx.mock
async def test_track_detail_bpm_zero_is_unknown(http, api_samples) -> None:
    route = respx.get(f"{BASE}/track/3135556").respond(
        json=body(api_samples, "track_detail_3135556_2025-01-21.json")
    )
    track = await DeezerClient(http).track(3135556)
    assert route.called
    assert track.bpm is None and track.release_date is None  # 0 and 1900-01-01 placeholders
    assert track.gain == -12.4 and track.isrc == "GBDUW0000059"
    assert track.contributors == ("Daft Punk",)
    assert track.to_record().artists == ("Daft Punk",)


@respx.mock
async def test_isrc_lookup_and_its_miss(http, api_samples) -> None:
    respx.get(f"{BASE}/track/isrc:GBDUW0000061").respond(
        json=body(api_samples, "track_isrc_GBDUW0000061.json")
    )
    respx.get(f"{BASE}/track/isrc:XX0000000000").respond(
        json=body(api_samples, "error_no_data_800.json")
    )
    client = DeezerClient(http)
    hit = await client.track_by_isrc("gbduw0000061")
    assert hit is not None and hit.bpm == 119.8
    assert await client.track_by_isrc("XX0000000000") is None


@respx.mock
async def test_search_uses_advanced_syntax(http, api_samples) -> None:
    route = respx.get(f"{BASE}/search/track").respond(
        json=body(api_samples, "search_track_advanced_artist_lou_doillon_track_joke.json")
    )
    found = await DeezerClient(http).search_tracks(
        artist="Lou Doillon", title="Joke", duration_s=200, limit=5, strict=True
    )
    params = route.calls.last.request.url.params
    assert params["q"] == 'artist:"Lou Doillon" track:"Joke" dur_min:197 dur_max:203'
    assert params["limit"] == "5" and params["strict"] == "on"
    assert found and found[0].bpm is None


def test_search_query_strips_quotes() -> None:
    assert search_query(artist='A "B"', title="C") == 'artist:"A  B" track:"C"'


@respx.mock
async def test_quota_error_in_http_200_is_rate_limited(http, api_samples) -> None:
    respx.get(f"{BASE}/album/302127").respond(json=body(api_samples, "error_quota_exceeded_4.json"))
    clock = FakeClock()
    with pytest.raises(RateLimitedError) as info:
        await DeezerClient(http, clock=clock).album(302127)
    assert info.value.until.timestamp() == pytest.approx(clock.time() + deezer.QUOTA_PAUSE_S)


@respx.mock
async def test_unknown_album_is_not_found(http, api_samples) -> None:
    respx.get(f"{BASE}/album/-1").respond(json=body(api_samples, "error_no_data_800.json"))
    with pytest.raises(NotFoundError):
        await DeezerClient(http).album(-1)


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("error_quota_exceeded_4.json", Verdict.RATE_LIMITED),
        ("error_no_data_800.json", Verdict.FAIL),
        ("error_exception_without_code.json", Verdict.FAIL),
        ("track_detail_541999.json", None),
    ],
)
def test_classifier(api_samples, name: str, verdict: Verdict | None) -> None:
    outcome = deezer.classify(httpx.Response(200, json=body(api_samples, name)))
    assert (outcome.verdict if outcome else None) == verdict
