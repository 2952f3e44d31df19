"""ReccoBeats client: the 40-id batch split, rows joined by href, search by ISRC, seeds."""

from __future__ import annotations

import json
import string
from pathlib import Path

import httpx
import pytest
import respx

from djdesk.core.errors import InputError, ProviderError
from djdesk.core.providers.reccobeats import ReccoBeatsClient

BASE = "https://api.reccobeats.com/v1"


def sample(api_samples: Path, name: str) -> dict:
    return json.loads((api_samples / "reccobeats" / name).read_text(encoding="utf-8"))


def spotify_ids(n: int) -> list[str]:
    alphabet = string.ascii_letters + string.digits
    return [(alphabet[i % 62] + alphabet[(i // 62) % 62]) * 11 for i in range(n)]


@pytest.fixture
async def http():
    async with httpx.AsyncClient(base_url=BASE) as client:
        yield client


@respx.mock
async def test_audio_features_split_in_40s_and_joined_by_href(http, api_samples) -> None:
    row = sample(api_samples, "audio_features_content_row_only_4Ub8UsjWuewQrPhuepfVpd.json")
    ids = spotify_ids(85)

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("ids")
        # known: every third id; rows come back reversed (order is not guaranteed)
        rows = [
            {**row, "href": f"https://open.spotify.com/track/{i}", "tempo": float(n)}
            for n, i in enumerate(asked)
            if ids.index(i) % 3 == 0
        ]
        return httpx.Response(200, json={"content": rows[::-1]})

    route = respx.get(f"{BASE}/audio-features").mock(side_effect=answer)
    found = await ReccoBeatsClient(http).audio_features(ids + ids[:3])  # duplicates collapse
    sizes = [len(c.request.url.params.get_list("ids")) for c in route.calls]
    assert sizes == [40, 40, 5]
    assert set(found) == {i for i in ids if ids.index(i) % 3 == 0}
    assert found[ids[3]].tempo == 3.0  # the row for ids[3], not whatever sat at position 3
    headers = route.calls.last.request.headers
    assert headers["user-agent"].startswith("DJDesk/") and headers["accept"] == "application/json"


@respx.mock
async def test_unknown_ids_give_nothing(http, api_samples) -> None:
    respx.get(f"{BASE}/audio-features").respond(
        json=sample(api_samples, "audio_features_batch_unknown_ids_empty.json")
    )
    assert await ReccoBeatsClient(http).audio_features(["0" * 22]) == {}


@respx.mock
async def test_track_batch_maps_spotify_id_to_reccobeats_id_and_isrc(http, api_samples) -> None:
    respx.get(f"{BASE}/track").respond(
        json=sample(api_samples, "track_batch_spotify_id_nothing_new_COUNTRIES_ELIDED.json")
    )
    mapping = await ReccoBeatsClient(http).tracks(["01K4zKU104LyJ8gMb7227B"])
    track = mapping["01K4zKU104LyJ8gMb7227B"]
    assert track.reccobeats_id == "70b85474-5c5e-4430-a309-f1d71ee5cb23"
    assert track.isrc == "USUG12103683"


@respx.mock
async def test_41_ids_error_is_typed(http, api_samples) -> None:
    respx.get(f"{BASE}/track").respond(
        400, json=sample(api_samples, "error_400_track_more_than_40_ids.json")
    )
    with pytest.raises(ProviderError, match=r"getTracks\.ids: size must be between 1 and 40"):
        await ReccoBeatsClient(http).tracks(["a" * 22])


@respx.mock
async def test_search_keeps_only_the_isrc_match(http, api_samples) -> None:
    rows = [
        sample(api_samples, "docs_example_track_object_all_too_well.json"),
        sample(api_samples, "docs_example_track_object_wicked_games.json"),
    ]
    route = respx.get(f"{BASE}/track/search").respond(json={"content": rows})
    hits = await ReccoBeatsClient(http).search_tracks("Wicked Games", isrc="usum72104140")
    assert [h.title for h in hits] == ["Wicked Games"]
    assert route.calls.last.request.url.params["searchText"] == "Wicked Games"
    assert await ReccoBeatsClient(http).search_tracks("ab") == []  # under 3 chars: no call
    assert route.call_count == 1


@respx.mock
async def test_recommendations_take_one_to_five_seeds(http, api_samples) -> None:
    route = respx.get(f"{BASE}/track/recommendation").respond(
        json={"content": [sample(api_samples, "docs_example_track_object_all_too_well.json")]}
    )
    client = ReccoBeatsClient(http)
    recs = await client.recommendations(["a" * 22, "b" * 22], size=10)
    params = route.calls.last.request.url.params
    assert params.get_list("seeds") == ["a" * 22, "b" * 22] and params["size"] == "10"
    assert recs[0].title == "All Too Well"
    with pytest.raises(InputError, match="1 to 5 seed"):
        await client.recommendations([c * 22 for c in "abcdef"])


@respx.mock
async def test_track_features_by_reccobeats_id(http, api_samples) -> None:
    """A pinned ReccoBeats id is read through /track/{id}/audio-features (the batch's UUID
    support is unverified); its answer is one row of the recorded shape."""
    row = sample(api_samples, "audio_features_content_row_only_4Ub8UsjWuewQrPhuepfVpd.json")
    route = respx.get(f"{BASE}/track/{row['id']}/audio-features").mock(
        return_value=httpx.Response(200, json=row)
    )
    found = await ReccoBeatsClient(http).track_features(row["id"])
    assert route.called
    assert found.reccobeats_id == row["id"] and found.spotify_id == "4Ub8UsjWuewQrPhuepfVpd"
    assert found.tempo == row["tempo"] and found.isrc == row["isrc"]
