"""The real ``AccountService``: Spotify login and the Last.fm key through ``core.secrets``.

Mirrors ``djdesk auth`` (the CLI) so both front ends store the same secrets under the same
names. Keyring calls can block on D-Bus, so the slow ones (store, login) are async; the status
reads are quick lookups used when the dialog opens. Nothing here ever returns or logs a value.

Calls out (the Spotify login, the Last.fm key check) go through the window's one runtime, so
they share its orchestrator (rate limits, breaker, stats) and, in demo mode, reach the sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from djdesk.core.errors import StorageError
from djdesk.core.i18n import _
from djdesk.core.secrets import SecretStore

if TYPE_CHECKING:
    from djdesk.core.runtime import Runtime

RuntimeGetter = Callable[[], Awaitable["Runtime"]]


def _names() -> tuple[str, str]:
    """(Spotify token name, Last.fm key name), imported on use: the providers package is
    heavy and the window must show before it is needed (``start_to_window_s``)."""
    from djdesk.core.providers.lastfm import KEY_NAME
    from djdesk.core.providers.spotify_auth import TOKEN_NAME

    return TOKEN_NAME, KEY_NAME


class KeyringAccounts:
    """``runtime``: waits for the window's runtime (``EngineServices.runtime``)."""

    def __init__(
        self,
        store: SecretStore | None = None,
        *,
        runtime: RuntimeGetter | None = None,
        on_url: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store or SecretStore()
        self._runtime = runtime
        self._on_url = on_url

    def _readable(self) -> bool:
        """The session-only store is always readable; the OS keyring only when it is usable."""
        return self._store.session_only or self._store.available

    async def runtime(self) -> Runtime:
        if self._runtime is None:
            raise StorageError(
                _("The enrichment engine is not running, so DJDesk can not reach the service."),
                hint=_("Restart DJDesk; see the log if it keeps happening."),
            )
        return await self._runtime()

    def spotify_status(self) -> str:
        raw = self._store.get(_names()[0]) if self._readable() else None
        if not raw:
            return _("Not logged in")
        from djdesk.core.providers.spotify_auth import TokenSet

        tokens = TokenSet.from_json(raw)
        return _("Logged in (scope: {scope})").format(scope=tokens.scope or "-")

    async def spotify_login(self) -> None:
        """The browser (PKCE) login of the core, on the window's runtime (never a second one)."""
        rt = await self.runtime()
        await rt.clients.spotify_auth.login(on_url=self._on_url)

    def spotify_logout(self) -> None:
        self._store.delete(_names()[0])

    def lastfm_key_set(self) -> bool:
        return self._readable() and self._store.has(_names()[1])

    async def set_lastfm_key(self, key: str) -> None:
        """Check the key with one Last.fm call, then store it; the engine reads it afresh."""
        from djdesk.core.providers.lastfm_key import check_key_with, check_shape

        key = check_shape(key)  # no call (and no engine needed) for an obvious typo
        rt = await self.runtime()
        key = await check_key_with(rt.orchestrator, rt.settings.endpoints["lastfm"], key)
        await self._store.aset(_names()[1], key)
        rt.clients.lastfm.forget_key()

    def clear_lastfm_key(self) -> None:
        self._store.delete(_names()[1])

    def storage_note(self) -> str:
        """Where keys and tokens really are, for the dialog (session-only, keyring, or none)."""
        if self._store.session_only:
            return _(
                "Keys and tokens are kept in memory for this session only (demo mode or no "
                "secure keyring): they are forgotten when DJDesk quits and never written to a file."
            )
        if self._store.available:
            return _("Keys and tokens are kept in your system keyring, never in a file.")
        return _(
            "No secure keyring is available ({why}), so DJDesk can not keep keys or tokens; "
            "nothing is written to a file."
        ).format(why=self._store.why_unavailable)
