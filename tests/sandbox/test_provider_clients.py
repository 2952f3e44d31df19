"""The project's own provider clients read the sandbox: every demo playlist, both Spotify modes,
and each injected fault surfaces as a typed DJDesk error (never a crash or a bare exception)."""

from __future__ import annotations

import httpx
import pytest

from djdesk.core.errors import DJDeskError, ForbiddenError, RateLimitedError
from djdesk.core.providers.deezer import DeezerClient
from djdesk.core.providers.spotify import SpotifyClient
from djdesk.sandbox import DEMO_USER_TOKEN, Catalog, SandboxThread


class _DemoToken:
    async def access_token(self, *, rejected: str | None = None) -> str:
        return DEMO_USER_TOKEN


@pytest.mark.parametrize("size", [25, 200, 1000, 10_000])
async def test_spotify_client_reads_owned_demo_playlists(
    endpoints: dict[str, str], catalog: Catalog, size: int
) -> None:
    pl = next(p for p in catalog.spotify_playlists.values() if p.owned and len(p.entries) == size)
    async with httpx.AsyncClient(base_url=endpoints["spotify"], timeout=30) as http:
        entries = await SpotifyClient(http, _DemoToken()).playlist_items(pl.id)
    assert len(entries) == size


async def test_spotify_client_explains_not_owned_playlists(
    endpoints: dict[str, str], catalog: Catalog
) -> None:
    async with httpx.AsyncClient(base_url=endpoints["spotify"], timeout=30) as http:
        client = SpotifyClient(http, _DemoToken())
        mine = {p.id for p in await client.my_playlists()}
        for pl in (p for p in catalog.spotify_playlists.values() if not p.owned):
            assert pl.id in mine
            await client.playlist(pl.id)  # metadata works
            with pytest.raises(ForbiddenError):
                await client.playlist_items(pl.id)


@pytest.mark.parametrize("size", [25, 200, 1000, 10_000])
async def test_deezer_client_reads_every_demo_playlist(
    endpoints: dict[str, str], catalog: Catalog, size: int
) -> None:
    pl = next(p for p in catalog.deezer_playlists.values() if len(p.entries) == size)
    async with httpx.AsyncClient(base_url=endpoints["deezer"], timeout=30) as http:
        tracks = await DeezerClient(http).playlist_tracks(pl.id)
    assert len(tracks) == size


@pytest.mark.parametrize(
    ("provider", "fault", "expected"),
    [
        ("spotify", "rate_limit", RateLimitedError),
        ("spotify", "quota_exceeded", RateLimitedError),
        ("spotify", "premium_required", ForbiddenError),
        ("spotify", "legacy_429", RateLimitedError),
        ("spotify", "http_503", DJDeskError),
        ("spotify", "garbage", DJDeskError),
        ("spotify", "wrong_content_type", DJDeskError),
        ("deezer", "quota", RateLimitedError),
        ("deezer", "busy", DJDeskError),
        ("deezer", "http_502", DJDeskError),
        ("deezer", "garbage", DJDeskError),
        ("deezer", "wrong_content_type", DJDeskError),
    ],
)
async def test_injected_faults_become_typed_errors(
    sandbox: SandboxThread, catalog: Catalog, provider: str, fault: str, expected: type
) -> None:
    endpoints = sandbox.endpoints
    assert sandbox.sandbox is not None
    sandbox.sandbox.inject(provider, fault)
    async with httpx.AsyncClient(base_url=endpoints[provider], timeout=10) as http:
        with pytest.raises(expected):
            if provider == "spotify":
                await SpotifyClient(http, _DemoToken()).me()
            else:
                await DeezerClient(http).track(catalog.tracks[0].deezer_id)


async def test_the_projects_pkce_login_works_against_the_sandbox(
    endpoints: dict[str, str],
) -> None:
    """The real browser flow: authorize URL -> sandbox 302 -> loopback listener -> token."""
    from djdesk.core.providers.spotify_auth import SpotifyAuth
    from djdesk.core.secrets import SecretStore

    def browser(url: str) -> None:  # a browser that follows the redirect to the loopback
        httpx.get(url, follow_redirects=True, timeout=10)

    store = SecretStore()
    store.use_session_only()
    async with httpx.AsyncClient(base_url=endpoints["spotify_accounts"], timeout=10) as accounts:
        auth = SpotifyAuth(accounts, store, "djdesk-demo-client", open_browser=browser)
        tokens = await auth.login(browser_wait=20)
        token = await auth.access_token()
    assert tokens.refresh_token and token
    async with httpx.AsyncClient(base_url=endpoints["spotify"], timeout=10) as http:
        r = await http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
