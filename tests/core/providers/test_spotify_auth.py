"""Spotify PKCE login end to end: real loopback listener, a fake browser, a respx token endpoint."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from djdesk.core.clock import FakeClock
from djdesk.core.errors import AuthError, ConfigError, LoginRequiredError, SecretStoreError
from djdesk.core.providers.spotify_auth import (
    TOKEN_NAME,
    SpotifyAuth,
    TokenSet,
    challenge_for,
    new_state,
    new_verifier,
)
from djdesk.core.providers.spotify_loopback import LoopbackServer

ACCOUNTS = "https://accounts.spotify.com"
TOKEN_URL = f"{ACCOUNTS}/api/token"
CODE = "AQD-fake-authorization-code-123456"


class DictStore:
    """The SecretStore protocol over a dict; ``fail_set`` simulates a keyring that refuses."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.fail_set = False

    def get(self, name: str) -> str | None:
        return self.data.get(name)

    def set(self, name: str, value: str) -> None:
        if self.fail_set:
            raise SecretStoreError("keyring locked")
        self.data[name] = value

    def delete(self, name: str) -> bool:
        return self.data.pop(name, None) is not None


async def raw_request(port: int, target: str, method: str = "GET") -> str:
    """A browser stand-in speaking plain HTTP/1.1 to the loopback; returns the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data.split(b"\r\n", 1)[0].decode()


class FakeBrowser:
    """Called (in a worker thread) with the authorize URL; plays the user on the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, behave: Callable[..., Any]) -> None:
        self.loop = loop
        self.behave = behave
        self.url: str | None = None
        self.opened = asyncio.Event()
        self.statuses: list[str] = []
        self.finished = asyncio.Event()
        self.idle: asyncio.StreamWriter | None = None

    def __call__(self, url: str) -> bool:
        self.url = url
        self.loop.call_soon_threadsafe(self.opened.set)
        asyncio.run_coroutine_threadsafe(self._run(url), self.loop)
        return True

    async def _run(self, url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        port = urlsplit(query["redirect_uri"]).port
        assert port is not None
        try:
            await self.behave(self, port, query)
        finally:
            self.finished.set()

    @property
    def query(self) -> dict[str, str]:
        assert self.url is not None
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}


async def user_agrees(browser: FakeBrowser, port: int, query: dict[str, str]) -> None:
    # an idle preconnect that never sends a byte must not hold the listener open
    _, idle = await asyncio.open_connection("127.0.0.1", port)
    browser.idle = idle
    # stray requests first: none of them may end the flow
    browser.statuses.append(await raw_request(port, "/favicon.ico"))
    browser.statuses.append(await raw_request(port, "/"))
    browser.statuses.append(await raw_request(port, "/callback", "HEAD"))
    browser.statuses.append(await raw_request(port, "/callback"))
    browser.statuses.append(
        await raw_request(port, f"/callback?code={CODE}&state={query['state']}")
    )
    idle.close()
    await idle.wait_closed()


async def user_declines(browser: FakeBrowser, port: int, query: dict[str, str]) -> None:
    target = f"/callback?error=access_denied&state={query['state']}"
    browser.statuses.append(await raw_request(port, target))


async def forged_state(browser: FakeBrowser, port: int, query: dict[str, str]) -> None:
    browser.statuses.append(await raw_request(port, f"/callback?code={CODE}&state=forged"))


async def user_walks_away(browser: FakeBrowser, port: int, query: dict[str, str]) -> None:
    return None


def token_body(api_samples: Path, name: str) -> dict[str, Any]:
    return json.loads((api_samples / "spotify" / name).read_text(encoding="utf-8"))


@pytest.fixture
async def accounts():
    async with httpx.AsyncClient(base_url=ACCOUNTS) as client:
        yield client


def make_auth(accounts, store, browser=None, clock=None, **kw) -> SpotifyAuth:
    return SpotifyAuth(
        accounts, store, "my-client-id", clock=clock or FakeClock(), open_browser=browser, **kw
    )


# --- PKCE primitives -------------------------------------------------------------------------


def test_challenge_matches_rfc7636_vector() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_for(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifier_and_state_are_random_and_well_formed() -> None:
    verifiers = {new_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for v in verifiers:
        assert 43 <= len(v) <= 128
        assert set(v) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    assert len(new_state()) >= 22  # >= 128 bits


async def test_loopback_binds_loopback_only_on_an_ephemeral_port() -> None:
    async with LoopbackServer("s") as server:
        host, port = server.sockname
        assert host == "127.0.0.1" and port > 0
        assert server.redirect_uri == f"http://127.0.0.1:{port}/callback"
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)  # released after the flow


# --- login -----------------------------------------------------------------------------------


@respx.mock
async def test_login_end_to_end_tolerates_strays_and_stores_tokens(accounts, api_samples) -> None:
    route = respx.post(TOKEN_URL).respond(
        json=token_body(api_samples, "token_authorization_code.json")
    )
    store = DictStore()
    browser = FakeBrowser(asyncio.get_running_loop(), user_agrees)
    clock = FakeClock()
    tokens = await make_auth(accounts, store, browser, clock).login()
    await browser.finished.wait()

    query = browser.query
    assert browser.url.startswith(f"{ACCOUNTS}/authorize?")
    assert query["code_challenge_method"] == "S256" and query["response_type"] == "code"
    assert query["client_id"] == "my-client-id"
    assert query["redirect_uri"].startswith("http://127.0.0.1:")
    assert "localhost" not in browser.url
    assert query["scope"] == "playlist-read-private playlist-read-collaborative"
    assert browser.statuses[:4] == [
        "HTTP/1.1 404 Not Found",
        "HTTP/1.1 404 Not Found",
        "HTTP/1.1 200 OK",
        "HTTP/1.1 200 OK",
    ]
    assert browser.statuses[4] == "HTTP/1.1 200 OK"

    request = route.calls.last.request
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form["grant_type"] == "authorization_code" and form["code"] == CODE
    assert form["redirect_uri"] == query["redirect_uri"]  # the same string in both calls
    assert challenge_for(form["code_verifier"]) == query["code_challenge"]
    assert form["client_id"] == "my-client-id"
    assert "client_secret" not in form and "authorization" not in request.headers

    stored = TokenSet.from_json(store.data[TOKEN_NAME])
    assert stored == tokens
    assert stored.refresh_token == "NgAagA...Um_SHo"
    assert stored.expires_at == clock.time() + 3600


@respx.mock
async def test_only_one_login_at_a_time(accounts) -> None:
    cancel = asyncio.Event()
    browser = FakeBrowser(asyncio.get_running_loop(), user_walks_away)
    auth = make_auth(accounts, DictStore(), browser)
    first = asyncio.create_task(auth.login(cancel=cancel))
    await browser.opened.wait()
    with pytest.raises(AuthError, match="already in progress"):
        await auth.login()
    cancel.set()
    with pytest.raises(LoginRequiredError):
        await first


@respx.mock
async def test_state_mismatch_never_reaches_the_token_endpoint(accounts) -> None:
    route = respx.post(TOKEN_URL).respond(json={})
    store = DictStore()
    browser = FakeBrowser(asyncio.get_running_loop(), forged_state)
    with pytest.raises(LoginRequiredError, match="state mismatch"):
        await make_auth(accounts, store, browser).login()
    await browser.finished.wait()
    assert route.call_count == 0 and store.data == {}
    assert browser.statuses == ["HTTP/1.1 400 Bad Request"]


@respx.mock
async def test_denied_consent_ends_cleanly(accounts) -> None:
    route = respx.post(TOKEN_URL).respond(json={})
    browser = FakeBrowser(asyncio.get_running_loop(), user_declines)
    with pytest.raises(LoginRequiredError, match="declined"):
        await make_auth(accounts, DictStore(), browser).login()
    assert route.call_count == 0


class SignallingClock(FakeClock):
    """A fake clock that says when someone starts sleeping on it."""

    def __init__(self) -> None:
        super().__init__()
        self.parked = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.parked.set()
        await super().sleep(seconds)


@respx.mock
async def test_timeout_closes_the_listener(accounts) -> None:
    clock = SignallingClock()
    browser = FakeBrowser(asyncio.get_running_loop(), user_walks_away)
    login = asyncio.create_task(make_auth(accounts, DictStore(), browser, clock).login())
    await browser.opened.wait()
    await clock.parked.wait()
    port = urlsplit(browser.query["redirect_uri"]).port
    clock.advance(300)
    with pytest.raises(LoginRequiredError, match="No answer from the browser within 5 minutes"):
        await login
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)


@respx.mock
async def test_cancel_stops_the_login(accounts) -> None:
    cancel = asyncio.Event()
    browser = FakeBrowser(asyncio.get_running_loop(), user_walks_away)
    login = asyncio.create_task(make_auth(accounts, DictStore(), browser).login(cancel=cancel))
    await browser.opened.wait()
    cancel.set()
    with pytest.raises(LoginRequiredError, match="cancelled"):
        await login


@respx.mock
async def test_a_second_login_right_after_works(accounts, api_samples) -> None:
    respx.post(TOKEN_URL).respond(json=token_body(api_samples, "token_authorization_code.json"))
    store = DictStore()
    for _ in range(2):
        browser = FakeBrowser(asyncio.get_running_loop(), user_agrees)
        await make_auth(accounts, store, browser).login()
    assert TOKEN_NAME in store.data


@respx.mock
async def test_invalid_grant_on_exchange_asks_to_log_in_again(accounts, api_samples) -> None:
    respx.post(TOKEN_URL).respond(
        400, json=token_body(api_samples, "token_error.invalid_grant.code_verifier_incorrect.json")
    )
    browser = FakeBrowser(asyncio.get_running_loop(), user_agrees)
    store = DictStore()
    with pytest.raises(LoginRequiredError, match="log in again"):
        await make_auth(accounts, store, browser).login()
    assert store.data == {}


async def test_login_without_client_id_explains_how_to_get_one(accounts) -> None:
    auth = SpotifyAuth(accounts, DictStore(), "  ", open_browser=lambda url: True)
    with pytest.raises(ConfigError, match="No Spotify client id") as info:
        await auth.login()
    assert "developer.spotify.com/dashboard" in info.value.hint


# --- refresh ---------------------------------------------------------------------------------


def stored(
    store: DictStore, clock: FakeClock, *, expires_in: float, refresh: str = "R-old"
) -> None:
    tokens = TokenSet("A-old", refresh, clock.time() + expires_in, "playlist-read-private")
    store.data[TOKEN_NAME] = tokens.to_json()


@respx.mock
async def test_fresh_token_is_used_without_refresh(accounts) -> None:
    route = respx.post(TOKEN_URL).respond(json={})
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=3600)
    assert await make_auth(accounts, store, clock=clock).access_token() == "A-old"
    assert route.call_count == 0


@respx.mock
async def test_twenty_concurrent_callers_cause_one_refresh(accounts, api_samples) -> None:
    gate, entered = asyncio.Event(), asyncio.Event()

    async def slow_token(request: httpx.Request) -> httpx.Response:
        entered.set()
        await gate.wait()
        return httpx.Response(
            200, json=token_body(api_samples, "token_refresh.no_refresh_token.json")
        )

    route = respx.post(TOKEN_URL).mock(side_effect=slow_token)
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=30)  # inside the 60 s margin
    auth = make_auth(accounts, store, clock=clock)
    callers = [asyncio.create_task(auth.access_token()) for _ in range(20)]
    await entered.wait()
    for _ in range(5):  # let every caller reach the single-flight before the answer comes
        await asyncio.sleep(0)
    gate.set()
    tokens = await asyncio.gather(*callers)
    assert route.call_count == 1
    assert set(tokens) == {"BQDagdZYKPzrSC7Yul39...Epk-mfzGAg"}


@respx.mock
async def test_missing_refresh_token_keeps_the_old_one(accounts, api_samples) -> None:
    respx.post(TOKEN_URL).respond(
        json=token_body(api_samples, "token_refresh.no_refresh_token.json")
    )
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=-5)
    await make_auth(accounts, store, clock=clock).access_token()
    assert TokenSet.from_json(store.data[TOKEN_NAME]).refresh_token == "R-old"


@respx.mock
async def test_rotated_refresh_token_is_stored_before_use(accounts, api_samples) -> None:
    route = respx.post(TOKEN_URL).respond(
        json=token_body(api_samples, "token_refresh.with_refresh_token.json")
    )
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=-5)
    auth = make_auth(accounts, store, clock=clock)
    form = None

    store.fail_set = True  # the keyring refuses: the new access token must not be handed out
    with pytest.raises(SecretStoreError):
        await auth.access_token()
    assert TokenSet.from_json(store.data[TOKEN_NAME]).refresh_token == "R-old"

    store.fail_set = False
    token = await auth.access_token()
    form = parse_qs(route.calls.last.request.content.decode())
    assert form["grant_type"] == ["refresh_token"] and form["refresh_token"] == ["R-old"]
    assert form["client_id"] == ["my-client-id"]
    saved = TokenSet.from_json(store.data[TOKEN_NAME])
    assert token == saved.access_token == "BQBLuPRYBQ...BP8stIv5xr-Iwaf4l8eg"
    assert saved.refresh_token == "AQAQfyEFmJJuCvAFh...cG_m-2KTgNDaDMQqjrOa3"


@respx.mock
@pytest.mark.parametrize(
    "sample",
    [
        "token_error.invalid_grant.refresh_token_expired.json",
        "token_error.invalid_grant.refresh_token_revoked.json",
        "token_error.invalid_grant.invalid_refresh_token.json",
    ],
)
async def test_invalid_grant_on_refresh_forgets_tokens(accounts, api_samples, sample) -> None:
    route = respx.post(TOKEN_URL).respond(400, json=token_body(api_samples, sample))
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=-5)
    auth = make_auth(accounts, store, clock=clock)
    with pytest.raises(LoginRequiredError, match="log in again"):
        await auth.access_token()
    assert store.data == {}
    with pytest.raises(LoginRequiredError, match="not logged in"):
        await auth.access_token()
    assert route.call_count == 1  # no retry loop


@respx.mock
async def test_rejected_token_refreshes_once(accounts, api_samples) -> None:
    route = respx.post(TOKEN_URL).respond(
        json=token_body(api_samples, "token_refresh.no_refresh_token.json")
    )
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=3600)
    auth = make_auth(accounts, store, clock=clock)
    fresh = await auth.access_token(rejected="A-old")
    assert fresh != "A-old"
    assert await auth.access_token(rejected="A-old") == fresh  # someone already refreshed
    assert route.call_count == 1


async def test_logout_and_status_never_show_values(accounts) -> None:
    store, clock = DictStore(), FakeClock()
    stored(store, clock, expires_in=3600)
    auth = make_auth(accounts, store, clock=clock)
    status = await auth.status()
    assert status["logged_in"] is True and "A-old" not in json.dumps(status)
    await auth.logout()
    assert store.data == {} and await auth.status() == {"logged_in": False}


# --- secrets never reach a log record ----------------------------------------------------------


@respx.mock
async def test_no_secret_in_any_debug_log_record(accounts, api_samples, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "djdesk", "asyncio"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    route = respx.post(TOKEN_URL)
    route.side_effect = [
        httpx.Response(200, json=token_body(api_samples, "token_authorization_code.json")),
        httpx.Response(200, json=token_body(api_samples, "token_refresh.with_refresh_token.json")),
    ]
    store, clock = DictStore(), FakeClock()
    browser = FakeBrowser(asyncio.get_running_loop(), user_agrees)
    auth = make_auth(accounts, store, browser, clock)
    await auth.login()
    clock.advance(3600)
    await auth.access_token()
    assert route.call_count == 2

    verifier = parse_qs(route.calls[0].request.content.decode())["code_verifier"][0]
    secrets = [
        CODE,
        verifier,
        "NgCXRK...MzYjw",
        "NgAagA...Um_SHo",
        "BQBLuPRYBQ...BP8stIv5xr-Iwaf4l8eg",
        "AQAQfyEFmJJuCvAFh...cG_m-2KTgNDaDMQqjrOa3",
    ]
    assert caplog.records  # the flow did log
    for record in caplog.records:
        text = f"{record.msg} {record.args} {record.getMessage()} {record.exc_text or ''}"
        for secret in secrets:
            assert secret not in text, f"secret leaked in {record.name}: {text[:200]}"
