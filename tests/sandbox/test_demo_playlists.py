"""Every demo playlist reads to the end, both Spotify modes, and Deezer, by following ``next``."""

from __future__ import annotations

import httpx
import pytest

from djdesk.sandbox import Catalog
from djdesk.sandbox.catalog import LOCAL_ITEM, NULL_ITEM

SPOTIFY_SIZES = (25, 200, 1000, 10_000)


@pytest.mark.parametrize("size", SPOTIFY_SIZES)
async def test_owned_spotify_playlist_reads_every_entry(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog, size: int
) -> None:
    pl = next(p for p in catalog.spotify_playlists.values() if p.owned and len(p.entries) == size)
    entries: list[dict] = []
    async with httpx.AsyncClient(headers=auth, timeout=30) as c:
        first = (await c.get(f"{endpoints['spotify']}/playlists/{pl.id}")).json()
        entries += first["items"]["items"]
        url = first["items"]["next"]
        while url:
            page = (await c.get(url)).json()
            entries += page["items"]
            url = page["next"]
    assert len(entries) == first["items"]["total"] == size
    for code, entry in zip(pl.entries, entries, strict=True):
        if code == NULL_ITEM:
            assert entry["item"] is None
        elif code == LOCAL_ITEM:
            assert entry["is_local"] and entry["item"]["id"] is None
        else:
            assert entry["item"]["id"] == catalog.tracks[code].spotify_id


async def test_not_owned_spotify_playlists_give_metadata_only(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog
) -> None:
    others = [p for p in catalog.spotify_playlists.values() if not p.owned]
    assert others
    async with httpx.AsyncClient(headers=auth) as c:
        listed = (await c.get(f"{endpoints['spotify']}/me/playlists?limit=50")).json()
        for pl in others:
            meta = await c.get(f"{endpoints['spotify']}/playlists/{pl.id}")
            items = await c.get(f"{endpoints['spotify']}/playlists/{pl.id}/items?limit=50")
            assert meta.status_code == 200 and meta.json()["name"] == pl.name
            assert items.status_code == 403
    by_id = {p["id"]: p for p in listed["items"]}
    assert all(by_id[p.id]["items"]["total"] == len(p.entries) for p in others)
    assert all(by_id[p.id]["owner"]["id"] != "djdesk-demo" for p in others)


@pytest.mark.parametrize("size", SPOTIFY_SIZES)
async def test_deezer_playlist_reads_every_track(
    endpoints: dict[str, str], catalog: Catalog, size: int
) -> None:
    pl = next(p for p in catalog.deezer_playlists.values() if len(p.entries) == size)
    ids: list[int] = []
    url: str | None = f"{endpoints['deezer']}/playlist/{pl.id}/tracks?limit=100"
    async with httpx.AsyncClient(timeout=30) as c:
        while url:
            page = (await c.get(url)).json()
            ids += [row["id"] for row in page["data"]]
            url = page.get("next")
    assert ids == [catalog.tracks[k].deezer_id for k in pl.entries]
