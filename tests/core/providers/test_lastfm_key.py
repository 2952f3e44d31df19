"""The Last.fm key check: Last.fm's own words for a refused key, from the recorded bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from djdesk.core.errors import InvalidKeyError, ProviderDownError, ProviderError
from djdesk.core.providers.lastfm_key import check_key, check_shape, refusal

KEY = "0123456789abcdef0123456789abcdef"


def _client(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url="http://lastfm.test/2.0", transport=httpx.MockTransport(answer)
    )


def _sample(api_samples: Path, name: str) -> bytes:
    return (api_samples / "lastfm" / name).read_bytes()


@pytest.mark.parametrize(
    ("sample", "code"),
    [("error_10_invalid_api_key.json", 10), ("error_26_api_key_suspended.json", 26)],
)
@pytest.mark.parametrize("status", [200, 403])  # Last.fm has sent both (CONTRACT.md)
async def test_a_refused_key_quotes_lastfm(
    api_samples: Path, sample: str, code: int, status: int
) -> None:
    said = json.loads(_sample(api_samples, sample))["message"]
    async with _client(lambda r: httpx.Response(status, content=_sample(api_samples, sample))) as h:
        with pytest.raises(InvalidKeyError) as refused:
            await check_key(h, KEY)
    assert f"“{said}” (error {code})" in refused.value.message
    assert KEY not in refused.value.message + refused.value.hint


async def test_an_accepted_key_and_an_unknown_artist_both_mean_the_key_works(
    api_samples: Path,
) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=_sample(api_samples, "artist_getInfo_cher.json"))

    async with _client(answer) as http:
        assert await check_key(http, f" {KEY}\n") == KEY
    assert seen[0].url.params["api_key"] == KEY and seen[0].url.params["format"] == "json"
    not_found = _sample(api_samples, "error_6_artist_not_found.json")
    async with _client(lambda r: httpx.Response(200, content=not_found)) as http:
        assert await check_key(http, KEY) == KEY


async def test_when_lastfm_can_not_say_the_key_is_not_saved(api_samples: Path) -> None:
    busy = _sample(api_samples, "error_29_rate_limit_exceeded.json")
    async with _client(lambda r: httpx.Response(200, content=busy)) as http:
        with pytest.raises(ProviderDownError, match="could not check"):
            await check_key(http, KEY)
    async with _client(lambda r: httpx.Response(404, text="no")) as http:
        with pytest.raises(ProviderError, match="HTTP 404"):
            await check_key(http, KEY)


def test_shape_and_plain_bodies() -> None:
    with pytest.raises(InvalidKeyError, match="does not look like"):
        check_shape("the-shared-secret")
    assert refusal({"artist": {}}) is None and refusal(None) is None
