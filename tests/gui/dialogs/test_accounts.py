"""KeyringAccounts: the settings dialog's real account service, over the in-memory keyring."""

from __future__ import annotations

import json
from typing import Any

import pytest

from djdesk.core.errors import InvalidKeyError
from djdesk.core.providers.lastfm import KEY_NAME
from djdesk.core.providers.spotify_auth import TOKEN_NAME, TokenSet
from djdesk.core.secrets import SecretStore
from djdesk.gui.dialogs.accounts import KeyringAccounts


def test_lastfm_key_shape_is_checked_and_stored(arun: Any, memory_keyring: Any) -> None:
    accounts = KeyringAccounts(SecretStore())
    assert not accounts.lastfm_key_set()
    with pytest.raises(InvalidKeyError) as bad:
        arun(accounts.set_lastfm_key("not-a-key"))
    assert "not-a-key" not in str(bad.value), "the message never echoes the secret"
    arun(accounts.set_lastfm_key("0123456789abcdef0123456789ABCDEF"))
    assert accounts.lastfm_key_set()
    assert "0123456789abcdef0123456789ABCDEF" in memory_keyring.store.values()
    accounts.clear_lastfm_key()
    assert not accounts.lastfm_key_set()
    assert KEY_NAME  # the same name the provider reads


def test_spotify_status_and_logout(memory_keyring: Any) -> None:
    store = SecretStore()
    accounts = KeyringAccounts(store)
    assert accounts.spotify_status() == "Not logged in"
    raw = {"access_token": "a", "refresh_token": "r", "expires_at": 1e10, "scope": "pl-read"}
    tokens = TokenSet.from_json(json.dumps(raw))
    store.set(TOKEN_NAME, tokens.to_json())
    assert accounts.spotify_status() == "Logged in (scope: pl-read)"
    accounts.spotify_logout()
    assert accounts.spotify_status() == "Not logged in"
