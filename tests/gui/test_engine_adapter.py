"""``EngineServices`` expands short links through the runtime's orchestrator, never around it.

The runtime is real (``Runtime.open``) with an ``httpx.MockTransport`` as its innermost
transport, so a request only reaches the handler if it went through a provider lane.
"""

from __future__ import annotations

import httpx
import pytest

from djdesk.core.runtime import Runtime
from djdesk.gui.engine_adapter import EngineServices

FULL_SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"
FULL_DEEZER = "https://www.deezer.com/playlist/1313621735"
REDIRECTS = {
    "spotify.link": f"{FULL_SPOTIFY}?si=abc",
    "deezer.page.link": f"{FULL_DEEZER}?utm_source=share",
}


@pytest.mark.parametrize(
    ("short", "provider", "full"),
    [
        ("https://spotify.link/AbCdEf", "spotify", FULL_SPOTIFY),
        ("deezer.page.link/xyz", "deezer", FULL_DEEZER),
    ],
)
async def test_short_link_is_expanded_through_its_services_lane(
    short: str, provider: str, full: str
) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        location = REDIRECTS.get(request.url.host)
        if location is None:
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": location})

    async with Runtime.open(transport=httpx.MockTransport(handler)) as rt:
        engine = EngineServices()
        engine.attach(rt)
        try:
            before = rt.orchestrator.stats(provider).calls
            assert await engine.expand_short_link(short) == full
            assert len(seen) == 1
            assert rt.orchestrator.stats(provider).calls == before + 1  # counted by its lane
            # a full link needs no hop at all
            assert await engine.expand_short_link(full) == full
            assert len(seen) == 1
        finally:
            await engine.aclose()
