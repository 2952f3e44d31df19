"""Last.fm client: request parameters, in-body errors, a bad key failing fast once."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from djdesk.core.errors import InvalidKeyError
from djdesk.core.providers.lastfm import KEY_NAME, LastfmClient

BASE = "https://ws.audioscrobbler.com/2.0"


class Keys:
    def __init__(self, key: str | None = "0123456789abcdef0123456789abcdef") -> None:
        self.key = key

    def get(self, name: str) -> str | None:
        assert name == KEY_NAME
        return self.key


def sample(api_samples: Path, name: str) -> dict:
    return json.loads((api_samples / "lastfm" / name).read_text(encoding="utf-8"))


@pytest.fixture
async def http():
    async with httpx.AsyncClient(base_url=BASE) as client:
        yield client


@respx.mock
async def test_track_info_request_and_canonical_names(http, api_samples) -> None:
    route = respx.get(f"{BASE}/").respond(
        json=sample(api_samples, "track_getInfo_acdc_hells_bells_autocorrect_REDACTED.json")
    )
    info = await LastfmClient(http, Keys()).track_info("AC / DC", "Hells Bell")
    params = route.calls.last.request.url.params
    assert params["method"] == "track.getInfo" and params["autocorrect"] == "1"
    assert params["format"] == "json" and params["api_key"] == Keys().key
    assert params["artist"] == "AC / DC" and params["track"] == "Hells Bell"
    assert "DJDesk/" in route.calls.last.request.headers["user-agent"]
    assert (info.artist, info.name) == ("AC/DC", "Hells Bells")
    assert info.listeners == 625894 and info.duration_ms == 361000 and "hard rock" in info.tags


@respx.mock
async def test_not_found_is_none_even_with_http_200(http, api_samples) -> None:
    respx.get(f"{BASE}/").respond(json=sample(api_samples, "error_6_track_not_found.json"))
    assert await LastfmClient(http, Keys()).track_info("nobody", "nothing") is None


@respx.mock
@pytest.mark.parametrize(
    ("name", "status"),
    [("error_10_invalid_api_key.json", 403), ("error_26_api_key_suspended.json", 403)],
)
async def test_bad_key_fails_once_then_fast(http, api_samples, name, status) -> None:
    route = respx.get(f"{BASE}/").respond(status, json=sample(api_samples, name))
    client = LastfmClient(http, Keys())
    with pytest.raises(InvalidKeyError) as first:
        await client.track_info("Cher", "Believe")
    with pytest.raises(InvalidKeyError) as second:
        await client.artist_info("Cher")
    assert route.call_count == 1  # later calls do not even reach Last.fm
    assert second.value is first.value
    assert "Last.fm API key is" in first.value.message and Keys().key not in str(first.value)


async def test_missing_key_says_how_to_set_one(http) -> None:
    with pytest.raises(InvalidKeyError, match=r"No Last\.fm API key") as info:
        await LastfmClient(http, Keys(None)).track_info("a", "b")
    assert "djdesk auth lastfm set-key" in info.value.hint


@respx.mock
async def test_similar_and_artist_info(http, api_samples) -> None:
    respx.get(f"{BASE}/", params={"method": "track.getSimilar"}).respond(
        json=sample(api_samples, "track_getSimilar_acdc_hells_bells_REDACTED_trimmed.json")
    )
    respx.get(f"{BASE}/", params={"method": "artist.getInfo"}).respond(
        json=sample(api_samples, "artist_getInfo_cher.json")
    )
    client = LastfmClient(http, Keys())
    similar = await client.similar_tracks("AC/DC", "Hells Bells", limit=50)
    assert similar[0].name == "Shoot to Thrill" and similar[0].playcount == 3465004
    artist = await client.artist_info("Cher")
    assert artist.listeners == 1362440 and artist.similar


@respx.mock
async def test_correction(http, api_samples) -> None:
    respx.get(f"{BASE}/").respond(
        json=sample(api_samples, "track_getCorrection_guns_n_roses_mrbrownstone.json")
    )
    fixed = await LastfmClient(http, Keys()).track_correction("guns and roses", "mrbrownstone")
    assert fixed.track == "Mr. Brownstone" and fixed.artist == "Guns N' Roses"


@respx.mock
async def test_forget_key_reads_the_new_key(http, api_samples) -> None:
    route = respx.get(f"{BASE}/").mock(
        side_effect=[
            httpx.Response(200, json=sample(api_samples, "error_10_invalid_api_key.json")),
            httpx.Response(200, json=sample(api_samples, "track_getInfo_cher_believe.json")),
        ]
    )
    keys = Keys()
    client = LastfmClient(http, keys)
    with pytest.raises(InvalidKeyError):
        await client.track_info("Cher", "Believe")
    keys.key = "fedcba9876543210fedcba9876543210"
    client.forget_key()
    info = await client.track_info("Cher", "Believe")
    assert info.name == "Believe"
    assert route.calls.last.request.url.params["api_key"] == keys.key
