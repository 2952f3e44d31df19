"""The sandbox's ``/_sandbox/playlists`` admin path lists the demo playlists as JSON.

It answered 500 while it serialised the slotted ``DemoPlaylist`` records with ``__dict__``.
"""

from __future__ import annotations

import httpx
import pytest

from djdesk.sandbox import Catalog


@pytest.mark.parametrize("service", ["spotify", "deezer"])
async def test_admin_playlists_lists_every_demo_playlist(
    endpoints: dict[str, str], catalog: Catalog, service: str
) -> None:
    async with httpx.AsyncClient(timeout=10) as c:
        response = await c.get(f"{endpoints[service]}/_sandbox/playlists")
    assert response.status_code == 200, response.text
    listed = response.json()
    expected = catalog.demo_playlists()
    assert len(listed) == len(expected) > 0
    assert set(listed[0]) == {"service", "id", "name", "size", "owned", "url"}
    assert [(p["service"], p["id"], p["url"]) for p in listed] == [
        (p.service, p.id, p.url) for p in expected
    ]
