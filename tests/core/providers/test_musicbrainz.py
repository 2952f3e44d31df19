"""MusicBrainz client: User-Agent, fmt=json, Lucene query, ISRC misses and 503 rate limits."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from djdesk.core.clock import FakeClock
from djdesk.core.errors import RateLimitedError
from djdesk.core.providers.musicbrainz import MusicBrainzClient, lucene_phrase

BASE = "https://musicbrainz.org/ws/2"


def sample(api_samples: Path, name: str) -> dict:
    return json.loads((api_samples / "musicbrainz" / name).read_text(encoding="utf-8"))


@pytest.fixture
async def http():
    async with httpx.AsyncClient(base_url=BASE) as client:
        yield client


@respx.mock
async def test_isrc_lookup_request_and_result(http, api_samples) -> None:
    route = respx.get(f"{BASE}/isrc/GBAAA9900303").respond(
        json=sample(api_samples, "isrc_GBAAA9900303_server-test-expectation.json")
    )
    found = await MusicBrainzClient(http).by_isrc("gbaaa9900303")
    request = route.calls.last.request
    assert request.url.params["fmt"] == "json"
    assert request.url.params["inc"] == "artist-credits+isrcs"
    agent = request.headers["user-agent"]
    assert agent.startswith("DJDesk/") and "(" in agent and "https://" in agent
    assert found[0].title == "Hey Boy Hey Girl" and found[0].length_ms == 289946


@respx.mock
async def test_unknown_isrc_is_an_empty_list(http, api_samples) -> None:
    respx.get(f"{BASE}/isrc/XX0000000000").respond(
        404, json=sample(api_samples, "error_404_not_found.json")
    )
    assert await MusicBrainzClient(http).by_isrc("XX0000000000") == []


@respx.mock
async def test_search_builds_a_quoted_lucene_query(http, api_samples) -> None:
    route = respx.get(f"{BASE}/recording").respond(
        json=sample(api_samples, "search_recording_we_will_rock_you_AND_arid_queen.json")
    )
    result = await MusicBrainzClient(http).search_recordings(
        artist="Queen", title="We Will Rock You", duration_ms=126_826, limit=5
    )
    params = route.calls.last.request.url.params
    assert params["query"] == (
        'recording:"We Will Rock You" AND artist:"Queen" AND dur:[116826 TO 136826]'
    )
    assert params["limit"] == "5" and params["fmt"] == "json"
    assert result.count == 392 and result.recordings[0].score == 100
    assert result.recordings[0].artist_credit == "Queen"


def test_lucene_escaping() -> None:
    assert lucene_phrase('AC/DC: "Live"') == '"AC\\/DC\\: \\"Live\\""'


@respx.mock
async def test_503_is_a_rate_limit(http, api_samples) -> None:
    respx.get(f"{BASE}/isrc/GBAHT1600302").respond(
        503, json=sample(api_samples, "error_503_rate_limit.json")
    )
    clock = FakeClock()
    with pytest.raises(RateLimitedError) as info:
        await MusicBrainzClient(http, clock=clock).by_isrc("GBAHT1600302")
    assert info.value.until.timestamp() > clock.time()
