"""The real ``AccountService``: Spotify login and the Last.fm key through ``core.secrets``.

Mirrors ``djdesk auth`` (the CLI) so both front ends store the same secrets under the same
names. Keyring calls can block on D-Bus, so the slow ones (store, login) are async; the status
reads are quick lookups used when the dialog opens. Nothing here ever returns or logs a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from djdesk.core.errors import InvalidKeyError
from djdesk.core.i18n import _
from djdesk.core.secrets import SecretStore

_LASTFM_KEY_SHAPE = re.compile(r"^[0-9a-fA-F]{32}$")


def _names() -> tuple[str, str]:
    """(Spotify token name, Last.fm key name), imported on use: the providers package is
    heavy and the window must show before it is needed (``start_to_window_s``)."""
    from djdesk.core.providers.lastfm import KEY_NAME
    from djdesk.core.providers.spotify_auth import TOKEN_NAME

    return TOKEN_NAME, KEY_NAME


class KeyringAccounts:
    def __init__(
        self, store: SecretStore | None = None, *, on_url: Callable[[str], None] | None = None
    ) -> None:
        self._store = store or SecretStore()
        self._on_url = on_url

    def spotify_status(self) -> str:
        raw = self._store.get(_names()[0]) if self._store.available else None
        if not raw:
            return _("Not logged in")
        from djdesk.core.providers.spotify_auth import TokenSet

        tokens = TokenSet.from_json(raw)
        return _("Logged in (scope: {scope})").format(scope=tokens.scope or "-")

    async def spotify_login(self) -> None:
        """The browser (PKCE) login of the core; the runtime is opened just for it, as the CLI."""
        from djdesk.core.runtime import Runtime

        async with Runtime.open() as rt:
            await rt.clients.spotify_auth.login(on_url=self._on_url)

    def spotify_logout(self) -> None:
        self._store.delete(_names()[0])

    def lastfm_key_set(self) -> bool:
        return self._store.available and self._store.has(_names()[1])

    async def set_lastfm_key(self, key: str) -> None:
        key = key.strip()
        if not _LASTFM_KEY_SHAPE.match(key):
            raise InvalidKeyError(
                _("That does not look like a Last.fm API key (32 letters a-f and digits)."),
                hint=_(
                    "Copy the 'API key' (not the shared secret) from "
                    "https://www.last.fm/api/accounts."
                ),
            )
        await self._store.aset(_names()[1], key)

    def clear_lastfm_key(self) -> None:
        self._store.delete(_names()[1])
