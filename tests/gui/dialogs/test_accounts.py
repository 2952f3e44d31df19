"""KeyringAccounts: the settings dialog's real account service, over the in-memory keyring.

The Last.fm key check is a real call through a real ``Runtime`` whose innermost transport is an
``httpx.MockTransport`` answering with Last.fm's recorded bodies (error 10, error 26, Cher).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from keyring.backends import fail

from djdesk.core.errors import InvalidKeyError, StorageError
from djdesk.core.providers.lastfm import KEY_NAME
from djdesk.core.providers.spotify_auth import TOKEN_NAME, TokenSet
from djdesk.core.runtime import Runtime
from djdesk.core.secrets import SecretStore
from djdesk.gui.dialogs.accounts import KeyringAccounts

GOOD = "0123456789abcdef0123456789ABCDEF"
BAD = "f" * 32
SUSPENDED = "e" * 32


def _lastfm(api_samples: Path, seen: list[httpx.Request]) -> Callable[[httpx.Request], Any]:
    samples = api_samples / "lastfm"

    def body(name: str) -> bytes:
        return (samples / name).read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        key = request.url.params.get("api_key")
        if key == BAD:  # Last.fm has sent error 10 with 403 and with 200 (CONTRACT.md)
            return httpx.Response(403, content=body("error_10_invalid_api_key.json"))
        if key == SUSPENDED:
            return httpx.Response(403, content=body("error_26_api_key_suspended.json"))
        return httpx.Response(200, content=body("artist_getInfo_cher.json"))

    return handler


@pytest.fixture
async def runtime(api_samples: Path) -> AsyncIterator[tuple[Runtime, list[httpx.Request]]]:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(_lastfm(api_samples, seen))
    async with Runtime.open(transport=transport) as rt:
        yield rt, seen


def _accounts(store: SecretStore, rt: Any) -> KeyringAccounts:
    async def get() -> Any:
        return rt

    return KeyringAccounts(store, runtime=get)


async def test_a_refused_key_gets_lastfms_own_words_and_is_not_stored(
    runtime: tuple[Runtime, list[httpx.Request]], memory_keyring: Any, api_samples: Path
) -> None:
    rt, seen = runtime
    accounts = _accounts(SecretStore(), rt)
    said = json.loads((api_samples / "lastfm/error_10_invalid_api_key.json").read_text())
    with pytest.raises(InvalidKeyError) as refused:
        await accounts.set_lastfm_key(f"  {BAD} ")
    assert said["message"] in refused.value.message and "error 10" in refused.value.message
    assert BAD not in f"{refused.value.message} {refused.value.hint}", "never echo the key"
    assert not accounts.lastfm_key_set()
    assert len(seen) == 1 and seen[0].url.params["api_key"] == BAD
    assert rt.orchestrator.stats("lastfm").calls == 1, "the check went through the Last.fm lane"


async def test_a_suspended_key_says_suspended(
    runtime: tuple[Runtime, list[httpx.Request]], memory_keyring: Any
) -> None:
    rt, _seen = runtime
    with pytest.raises(InvalidKeyError, match=r"Suspended.*error 26"):
        await _accounts(SecretStore(), rt).set_lastfm_key(SUSPENDED)


async def test_an_accepted_key_is_stored_and_the_engine_reads_it_afresh(
    runtime: tuple[Runtime, list[httpx.Request]], memory_keyring: Any
) -> None:
    rt, seen = runtime
    accounts = _accounts(SecretStore(), rt)
    await accounts.set_lastfm_key(GOOD)
    assert accounts.lastfm_key_set()
    assert GOOD in memory_keyring.store.values()
    assert seen[0].url.params["method"] == "artist.getInfo"
    # the engine's Last.fm client uses the new key on its next call
    await rt.clients.lastfm.artist_info("Cher")
    assert seen[-1].url.params["api_key"] == GOOD
    accounts.clear_lastfm_key()
    assert not accounts.lastfm_key_set()


async def test_a_malformed_key_is_refused_without_a_call(
    runtime: tuple[Runtime, list[httpx.Request]], memory_keyring: Any
) -> None:
    rt, seen = runtime
    with pytest.raises(InvalidKeyError) as bad:
        await _accounts(SecretStore(), rt).set_lastfm_key("not-a-key")
    assert "not-a-key" not in str(bad.value)
    assert seen == []


async def test_without_the_engine_the_check_says_so(memory_keyring: Any) -> None:
    with pytest.raises(StorageError, match="engine is not running"):
        await KeyringAccounts(SecretStore()).set_lastfm_key(GOOD)


def test_spotify_status_and_logout(memory_keyring: Any) -> None:
    store = SecretStore()
    accounts = KeyringAccounts(store)
    assert accounts.spotify_status() == "Not logged in"
    raw = {"access_token": "a", "refresh_token": "r", "expires_at": 1e10, "scope": "pl-read"}
    tokens = TokenSet.from_json(json.dumps(raw))
    store.set(TOKEN_NAME, tokens.to_json())
    assert accounts.spotify_status() == "Logged in (scope: pl-read)"
    assert "system keyring" in accounts.storage_note()
    accounts.spotify_logout()
    assert accounts.spotify_status() == "Not logged in"


def test_session_only_store_without_an_os_keyring_reads_as_logged_in() -> None:
    """Demo mode on a machine with no keyring: the secrets live in memory and count."""
    store = SecretStore(backend=fail.Keyring())
    assert not store.available
    store.use_session_only()
    accounts = KeyringAccounts(store)
    raw = {"access_token": "a", "refresh_token": "r", "expires_at": 1e10, "scope": "pl-read"}
    store.set(TOKEN_NAME, json.dumps(raw))
    store.set(KEY_NAME, GOOD)
    assert accounts.spotify_status() == "Logged in (scope: pl-read)"
    assert accounts.lastfm_key_set()
    note = accounts.storage_note()
    assert "this session only" in note and "system keyring" not in note


def test_no_keyring_and_no_session_store_says_nothing_is_kept() -> None:
    accounts = KeyringAccounts(SecretStore(backend=fail.Keyring()))
    assert accounts.spotify_status() == "Not logged in"
    assert not accounts.lastfm_key_set()
    assert "No secure keyring is available" in accounts.storage_note()


async def test_spotify_login_uses_the_windows_runtime(
    memory_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_second_runtime(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the login opened a second Runtime")

    monkeypatch.setattr(Runtime, "open", no_second_runtime)
    logins: list[Any] = []

    async def login(*, on_url: Any = None) -> None:
        logins.append(on_url)

    rt = SimpleNamespace(clients=SimpleNamespace(spotify_auth=SimpleNamespace(login=login)))
    urls: list[str] = []
    accounts = KeyringAccounts(SecretStore(), runtime=_getter(rt), on_url=urls.append)
    await accounts.spotify_login()
    assert logins == [urls.append]


def _getter(rt: Any) -> Callable[[], Any]:
    async def get() -> Any:
        return rt

    return get
