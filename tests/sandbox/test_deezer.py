"""Deezer: HTTP-200 errors, paging with absolute links, ISRC lookup, advanced search."""

from __future__ import annotations

import httpx
import pytest

from djdesk.sandbox import Catalog
from djdesk.sandbox.deezer_shapes import parse_query


def test_parse_query_reads_the_advanced_syntax() -> None:
    words, fields = parse_query('artist:"Lou Doillon" track:"Joke" dur_min:120 live')
    assert fields == {"artist": "Lou Doillon", "track": "Joke", "dur_min": "120"}
    assert words == ["live"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/track/-1", 800),
        ("/track/isrc:XX0000000000", 800),
        ("/genre/-1", 500),
        ("/search?q=", 500),
        ("/user/me", 200),
        ("/nowhere", 600),
        ("/episode/-1", None),
    ],
)
async def test_errors_come_with_http_200(
    endpoints: dict[str, str], path: str, code: int | None
) -> None:
    async with httpx.AsyncClient() as c:
        r = await c.get(endpoints["deezer"] + path)
    assert r.status_code == 200
    assert r.json()["error"].get("code") == code


async def test_playlist_pages_follow_absolute_next_to_the_end(
    endpoints: dict[str, str], catalog: Catalog
) -> None:
    pl = next(p for p in catalog.deezer_playlists.values() if len(p.entries) == 1000)
    url: str | None = f"{endpoints['deezer']}/playlist/{pl.id}/tracks?limit=100"
    ids: list[int] = []
    async with httpx.AsyncClient() as c:
        meta = (await c.get(f"{endpoints['deezer']}/playlist/{pl.id}")).json()
        while url:
            page = (await c.get(url)).json()
            ids += [row["id"] for row in page["data"]]
            url = page.get("next")
    assert ids == [catalog.tracks[k].deezer_id for k in pl.entries]
    assert meta["nb_tracks"] == 1000 and len(meta["tracks"]["data"]) < 400  # incomplete embed
    assert "total" not in meta["tracks"] and "next" not in meta["tracks"]


async def test_past_the_end_gives_empty_data_and_prev(
    endpoints: dict[str, str], catalog: Catalog
) -> None:
    pl = next(p for p in catalog.deezer_playlists.values() if len(p.entries) == 25)
    async with httpx.AsyncClient() as c:
        page = (await c.get(f"{endpoints['deezer']}/playlist/{pl.id}/tracks?index=25")).json()
    assert page["data"] == [] and page["total"] == 25 and "prev" in page and "next" not in page


async def test_isrc_lookup_and_detail_fields(endpoints: dict[str, str], catalog: Catalog) -> None:
    t = next(t for t in catalog.tracks if t.deezer_bpm == 0)
    async with httpx.AsyncClient() as c:
        by_isrc = (await c.get(f"{endpoints['deezer']}/track/isrc:{t.isrc.lower()}")).json()
        detail = (await c.get(f"{endpoints['deezer']}/track/{t.deezer_id}")).json()
    assert by_isrc["isrc"] == t.isrc
    assert detail["bpm"] == 0 and isinstance(detail["gain"], float)
    assert detail["contributors"][0]["role"] == "Main"


async def test_advanced_search_filters_and_karaoke_ranks_high(
    endpoints: dict[str, str], catalog: Catalog
) -> None:
    karaoke = next(t for t in catalog.tracks if t.kind == "karaoke")
    original = catalog.tracks[karaoke.version_of]  # type: ignore[index]
    artist = catalog.artists[original.artists[0]].name
    async with httpx.AsyncClient() as c:
        strict = (
            await c.get(
                f"{endpoints['deezer']}/search",
                params={"q": f'artist:"{artist}" track:"{original.title}"'},
            )
        ).json()
        loose = (
            await c.get(
                f"{endpoints['deezer']}/search/track", params={"q": original.title, "limit": 5}
            )
        ).json()
        short = (
            await c.get(
                f"{endpoints['deezer']}/search", params={"q": f'track:"{original.title}" dur_max:1'}
            )
        ).json()
    assert original.deezer_id in [row["id"] for row in strict["data"]]
    credits = [catalog.artist_credit(catalog.by_deezer[row["id"]]) for row in strict["data"]]
    assert all(artist in credit for credit in credits)  # main or featured artist
    assert loose["data"][0]["id"] != original.deezer_id  # the karaoke version outranks it
    assert short == {"data": [], "total": 0}
    assert loose["next"].startswith(endpoints["deezer"] + "/search/track?q=")
