"""Spotify Web API and accounts host: 2026 dev-mode shapes, ownership modes, PKCE login."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from djdesk.core.clock import FakeClock
from djdesk.sandbox import Catalog, Sandbox, SandboxThread, demo_login
from djdesk.sandbox.login import DEMO_REDIRECT_URI, pkce_pair


def _demo(catalog: Catalog, *, owned: bool, size: int | None = None) -> str:
    return next(
        p.id
        for p in catalog.demo_playlists()
        if p.service == "spotify" and p.owned == owned and (size is None or p.size == size)
    )


async def test_calls_need_a_sandbox_token(endpoints: dict[str, str]) -> None:
    async with httpx.AsyncClient() as c:
        missing = await c.get(f"{endpoints['spotify']}/me")
        bad = await c.get(f"{endpoints['spotify']}/me", headers={"Authorization": "Bearer nope"})
    assert missing.status_code == bad.status_code == 401
    assert bad.json() == {
        "error": {"status": 401, "message": "Missing/invalid/expired access token"}
    }


async def test_owned_playlist_items_are_in_the_2026_shape(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog
) -> None:
    pid = _demo(catalog, owned=True, size=200)
    async with httpx.AsyncClient(headers=auth) as c:
        meta = (await c.get(f"{endpoints['spotify']}/playlists/{pid}")).json()
        page = (await c.get(f"{endpoints['spotify']}/playlists/{pid}/items?limit=50")).json()
    assert "tracks" not in meta and meta["items"]["total"] == 200
    assert len(meta["items"]["items"]) == 100
    assert meta["items"]["next"].startswith(endpoints["spotify"] + "/playlists/")
    entry = page["items"][0]
    assert set(entry) == {
        "added_at",
        "added_by",
        "is_local",
        "item",
        "primary_color",
        "video_thumbnail",
    }
    assert "track" not in entry
    item = entry["item"] or page["items"][1]["item"]
    assert item["track"] is True and item["episode"] is False
    assert "popularity" not in item and "available_markets" not in item
    assert page["next"] == f"{endpoints['spotify']}/playlists/{pid}/items?offset=50&limit=50"


async def test_not_owned_playlist_gives_metadata_and_the_2026_403(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog
) -> None:
    pid = _demo(catalog, owned=False)
    async with httpx.AsyncClient(headers=auth) as c:
        meta = await c.get(f"{endpoints['spotify']}/playlists/{pid}")
        items = await c.get(f"{endpoints['spotify']}/playlists/{pid}/items")
        old = await c.get(f"{endpoints['spotify']}/playlists/{pid}/tracks")
    assert meta.status_code == 200 and meta.json()["owner"]["id"] != Catalog.USER_ID
    assert "items" not in meta.json()
    assert items.status_code == old.status_code == 403
    assert items.json() == {"error": {"status": 403, "message": "Forbidden"}}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/playlists/short/items", 400),
        ("/playlists/37i9dQZF1DX53n2vsU9kOm", 404),
        ("/tracks/0000000000000000000000", 404),
        ("/audio-features?ids=x", 403),
        ("/recommendations", 404),
    ],
)
async def test_errors_have_spotify_bodies(
    endpoints: dict[str, str], auth: dict[str, str], path: str, status: int
) -> None:
    async with httpx.AsyncClient(headers=auth) as c:
        r = await c.get(endpoints["spotify"] + path)
    assert r.status_code == status
    assert r.json()["error"]["status"] == status


async def test_limit_over_50_on_items_is_invalid(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog
) -> None:
    pid = _demo(catalog, owned=True, size=25)
    async with httpx.AsyncClient(headers=auth) as c:
        r = await c.get(f"{endpoints['spotify']}/playlists/{pid}/items?limit=51")
    assert r.status_code == 400 and r.json()["error"]["message"] == "Invalid limit"


async def test_demo_login_gets_a_working_token(endpoints: dict[str, str]) -> None:
    token = await demo_login(endpoints, "my-client")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["refresh_token"]
    async with httpx.AsyncClient() as c:
        r = await c.get(
            f"{endpoints['spotify']}/me",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
    assert r.status_code == 200


async def _authorize(c: httpx.AsyncClient, accounts: str, challenge: str, **extra: str) -> str:
    params = {
        "client_id": "cid",
        "response_type": "code",
        "redirect_uri": DEMO_REDIRECT_URI,
        "code_challenge_method": "S256",
        "code_challenge": challenge,
        "state": "xyz",
    }
    r = await c.get(f"{accounts}/authorize", params=params | extra)
    assert r.status_code == 302, r.text
    location = httpx.URL(r.headers["Location"])
    assert location.params["state"] == "xyz"
    return location.params["code"]


async def test_token_endpoint_checks_pkce_and_answers_real_errors(
    endpoints: dict[str, str],
) -> None:
    accounts = endpoints["spotify_accounts"]
    verifier, challenge = pkce_pair()
    async with httpx.AsyncClient() as c:
        code = await _authorize(c, accounts, challenge)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO_REDIRECT_URI,
            "client_id": "cid",
        }
        no_verifier = await c.post(f"{accounts}/api/token", data=form)
        wrong = await c.post(f"{accounts}/api/token", data=form | {"code_verifier": "x" * 50})
        bad_uri = await c.post(
            f"{accounts}/api/token", data=form | {"redirect_uri": "http://127.0.0.1:1/other"}
        )
        no_client = await c.post(f"{accounts}/api/token", data=form | {"client_id": ""})
        ok = await c.post(f"{accounts}/api/token", data=form | {"code_verifier": verifier})
        reused = await c.post(f"{accounts}/api/token", data=form | {"code_verifier": verifier})
        localhost = await c.get(
            f"{accounts}/authorize",
            params={
                "client_id": "cid",
                "response_type": "code",
                "redirect_uri": "http://localhost:1/cb",
                "code_challenge_method": "S256",
                "code_challenge": challenge,
            },
        )
    assert no_verifier.json() == {
        "error": "invalid_request",
        "error_description": "code_verifier required",
    }
    assert wrong.json()["error_description"] == "code_verifier was incorrect"
    assert bad_uri.json()["error_description"] == "Invalid redirect URI"
    assert no_client.json() == {"error": "invalid_client"}
    assert ok.status_code == 200
    assert reused.json()["error_description"] == "Invalid authorization code"
    assert localhost.status_code == 400


@pytest.mark.parametrize("rotate", [False, True])
async def test_refresh_rotating_or_not(catalog: Catalog, rotate: bool) -> None:
    clock = FakeClock()
    async with Sandbox(catalog=catalog, clock=clock, rotate_refresh_tokens=rotate) as sb:
        token = await demo_login(sb.endpoints, "cid")
        url = f"{sb.endpoints['spotify_accounts']}/api/token"
        form = {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": "cid",
        }
        async with httpx.AsyncClient() as c:
            first = (await c.post(url, data=form)).json()
            second = (await c.post(url, data=form)).json()
            clock.advance(3601)
            expired = await c.get(
                f"{sb.endpoints['spotify']}/me",
                headers={"Authorization": f"Bearer {first['access_token']}"},
            )
            clock.advance(200 * 24 * 3600)
            late = (await c.post(url, data=form)).json()
    assert expired.status_code == 401
    if rotate:
        assert first["refresh_token"] != token["refresh_token"]
        assert second == {"error": "invalid_grant", "error_description": "Refresh token revoked"}
        assert late["error_description"] == "Refresh token revoked"
    else:
        assert "refresh_token" not in first and "access_token" in second
        assert late == {"error": "invalid_grant", "error_description": "Refresh token expired"}


async def test_injected_faults_use_the_real_bodies(
    endpoints: dict[str, str], auth: dict[str, str]
) -> None:
    async with httpx.AsyncClient(headers=auth) as c:
        for fault, status in (("quota_exceeded", 429), ("premium_required", 403)):
            await c.post(
                f"{endpoints['deezer']}/_sandbox/inject",
                json={"provider": "spotify", "fault": fault},
            )
            r = await c.get(f"{endpoints['spotify']}/me")
            assert r.status_code == status
        assert r.headers["content-type"].startswith("text/plain")


def test_thread_stops_cleanly(catalog: Catalog) -> None:
    thread = SandboxThread(catalog=catalog)
    endpoints = thread.start()
    assert set(endpoints) == {
        "spotify",
        "spotify_accounts",
        "deezer",
        "musicbrainz",
        "lastfm",
        "reccobeats",
    }
    thread.stop(timeout=3)
    assert thread._thread is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(endpoints["deezer"] + "/track/1", timeout=2)


class _SignallingClock(FakeClock):
    """A fake clock that says when someone starts sleeping on it (a stalled request)."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.sleeping.set()
        await super().sleep(seconds)


async def test_stop_is_quick_even_with_a_stalled_request(catalog: Catalog) -> None:
    """A "timeout" fault stalls until the clock moves; stop() must not wait for it."""
    clock = _SignallingClock()
    sb = Sandbox(catalog=catalog, clock=clock)
    endpoints = await sb.start()
    sb.inject("deezer", "timeout")
    async with httpx.AsyncClient(timeout=30) as c:
        stalled = asyncio.create_task(c.get(endpoints["deezer"] + "/track/1"))
        await clock.sleeping.wait()
        await sb.stop()  # shutdown_timeout 0.5 s, then the handler is cancelled
        with pytest.raises(httpx.HTTPError):
            await stalled


def test_fields_filter_parses_nested_selections() -> None:
    from djdesk.sandbox.spotify_fields import apply_fields, parse_fields

    sel = parse_fields("items(added_at,item(id,artists(name))),next,total")
    assert sel == {
        "items": {"added_at": None, "item": {"id": None, "artists": {"name": None}}},
        "next": None,
        "total": None,
    }
    data = {
        "items": [
            {
                "added_at": "x",
                "is_local": False,
                "item": {"id": "1", "name": "n", "artists": [{"name": "a", "id": "b"}]},
            }
        ],
        "next": None,
        "total": 1,
        "limit": 50,
    }
    assert apply_fields(data, sel) == {
        "items": [{"added_at": "x", "item": {"id": "1", "artists": [{"name": "a"}]}}],
        "next": None,
        "total": 1,
    }


async def test_fields_naming_track_yields_empty_entries(
    endpoints: dict[str, str], auth: dict[str, str], catalog: Catalog
) -> None:
    pid = _demo(catalog, owned=True, size=25)
    url = f"{endpoints['spotify']}/playlists/{pid}/items"
    async with httpx.AsyncClient(headers=auth) as c:
        new = (await c.get(url, params={"fields": "items(item(id)),total"})).json()
        old = (await c.get(url, params={"fields": "items(track(id)),total"})).json()
        bad = await c.get(url, params={"fields": "items(item(id)"})
    assert new["total"] == 25 and set(new) == {"items", "total"}
    assert (
        new["items"][0]["item"]["id"]
        == catalog.tracks[catalog.spotify_playlists[pid].entries[0]].spotify_id
    )
    assert old["items"][0] == {}
    assert bad.status_code == 400
