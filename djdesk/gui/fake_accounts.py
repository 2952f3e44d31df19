"""``FakeAccounts``: the settings dialog's AccountService without a keyring or a browser."""

from __future__ import annotations

import asyncio

from djdesk.core.errors import InvalidKeyError


class FakeAccounts:
    """AccountService without a keyring or browser; ``bad-key`` is the key that fails."""

    def __init__(self) -> None:
        self._spotify = False
        self._lastfm = False

    def spotify_status(self) -> str:
        return "Logged in as demo-user" if self._spotify else "Not logged in"

    async def spotify_login(self) -> None:
        await asyncio.sleep(0)
        self._spotify = True

    def spotify_logout(self) -> None:
        self._spotify = False

    def lastfm_key_set(self) -> bool:
        return self._lastfm

    async def set_lastfm_key(self, key: str) -> None:
        await asyncio.sleep(0)
        if len(key.strip()) != 32 or not key.strip().isalnum():
            raise InvalidKeyError(
                "Last.fm did not accept that API key (it should be 32 letters and digits)."
            )
        self._lastfm = True

    def clear_lastfm_key(self) -> None:
        self._lastfm = False

    def storage_note(self) -> str:
        return "Keys and tokens are kept in memory (fake accounts)."
