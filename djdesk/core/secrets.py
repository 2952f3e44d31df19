"""API keys and OAuth tokens in the OS keyring, or in memory for this session only, never a file.

keyring picks a backend on its own and, on a headless Linux box with keyrings.alt installed, that
backend is a plaintext file (jaraco/keyring #370). ``SecretStore`` therefore vets the backend
before every use and refuses anything that is not a recommended, non-file backend: the caller
gets a ``SecretStoreError`` saying why, and may call ``use_session_only()`` to keep secrets in
this process's memory instead. Nothing is ever silently written to disk.

Every call may block on D-Bus (a locked collection can prompt or hang), so the GUI and the async
core call ``aget`` / ``aset`` / ``adelete`` / ``ahas``, which run the call in a worker thread
(``asyncio.to_thread``) and give up after ``timeout`` seconds.

Error messages are built from secret *names* and exception *type names* only: a keyring
exception's text is never copied, in case it echoes the value.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.core
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import PasswordDeleteError

from djdesk import APP_ID
from djdesk.core import logs
from djdesk.core.errors import SecretStoreError

log = logging.getLogger(__name__)

SERVICE = APP_ID
SPOTIFY_TOKEN = "spotify.token"
LASTFM_API_KEY = "lastfm.api_key"
KNOWN_SECRETS: tuple[str, ...] = (SPOTIFY_TOKEN, LASTFM_API_KEY)
# Windows Credential Manager refuses blobs over 2,560 bytes of UTF-16 (jaraco/keyring #355).
MAX_SECRET_CHARS = 1200
DEFAULT_TIMEOUT_S = 5.0
SESSION_ONLY_BACKEND = "session-only (memory)"
HEADLESS_HINT = (
    "On a Linux machine without a desktop, start DJDesk inside `dbus-run-session` with an "
    "unlocked `gnome-keyring-daemon` (see keyring's 'Using Keyring on headless Linux systems')."
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# Backends that write secrets to a file DJDesk cannot vouch for (plaintext or weakly protected).
_REFUSED_MODULE_PREFIXES = ("keyrings.alt", "keyrings.cryptfile")

T = TypeVar("T")


def backend_label(backend: KeyringBackend) -> str:
    """``module.Class`` of a backend, for messages ("keyring.backends.SecretService.Keyring")."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def why_refused(backend: KeyringBackend) -> str | None:
    """Why DJDesk will not keep secrets in ``backend``, or ``None`` when it is fine to use."""
    label = backend_label(backend)
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is installed or reachable"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend)"
    if type(backend).__module__.startswith(_REFUSED_MODULE_PREFIXES):
        return f"the active keyring backend {label} stores secrets in a file; DJDesk refuses it"
    if isinstance(backend, chainer.ChainerBackend):
        return None if _usable_chain(backend) else "no secure keyring backend to chain"
    try:
        recommended = keyring.core.recommended(backend)
    except Exception as exc:  # a backend's priority probe fails when its service is missing
        return f"the keyring backend {label} is not usable ({type(exc).__name__})"
    if not recommended:
        return f"the keyring backend {label} is not recommended for secrets"
    return None


def _usable_chain(backend: chainer.ChainerBackend) -> list[KeyringBackend]:
    try:
        members = list(backend.backends)
    except Exception:
        return []
    return [member for member in members if why_refused(member) is None]


def _resolve(backend: KeyringBackend) -> KeyringBackend:
    """A chainer may hold a plaintext member it would fall through to: use its best safe one."""
    if isinstance(backend, chainer.ChainerBackend):
        members = _usable_chain(backend)
        if members and len(members) != len(list(backend.backends)):
            return members[0]
    return backend


class SecretStore:
    """DJDesk's secrets under the keyring service ``org.djdesk.DJDesk``, one entry per name.

    Blocking: async callers use the ``a*`` wrappers (``asyncio.to_thread`` plus a timeout).
    """

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        service: str = SERVICE,
        timeout: float = DEFAULT_TIMEOUT_S,
        register: Callable[[str], None] = logs.register_secret,
    ) -> None:
        self.service = service
        self.timeout = timeout
        self._explicit_backend = backend
        self._backend: KeyringBackend | None = None
        self._why_unavailable: str | None = None
        self._session: dict[str, str] | None = None
        self._register = register

    # -- state -------------------------------------------------------------------------------

    def _ensure_backend(self) -> KeyringBackend:
        if self._backend is None:
            chosen = self._explicit_backend or keyring.get_keyring()
            self._why_unavailable = why_refused(chosen)
            self._backend = _resolve(chosen)
        return self._backend

    @property
    def backend_name(self) -> str:
        if self._session is not None:
            return SESSION_ONLY_BACKEND
        return backend_label(self._ensure_backend())

    @property
    def available(self) -> bool:
        """Whether the OS keyring can keep secrets across restarts (probes it once)."""
        self._ensure_backend()
        return self._why_unavailable is None

    @property
    def why_unavailable(self) -> str:
        """Why the OS keyring cannot be used, for a person; ``""`` when it can."""
        self._ensure_backend()
        return self._why_unavailable or ""

    @property
    def session_only(self) -> bool:
        return self._session is not None

    def reprobe(self) -> bool:
        """Look at the keyring afresh (the user unlocked or installed one); returns `available`."""
        self._backend = None
        self._why_unavailable = None
        return self.available

    def use_session_only(self) -> None:
        """Keep secrets in this process's memory from now on; they are gone when it exits.

        Only on the user's say-so (the GUI asks; the CLI offers ``--session-only``).
        """
        if self._session is None:
            self._session = {}
            log.info("secrets are kept for this session only (not saved)")

    # -- operations --------------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        _check_name(name)
        if self._session is not None:
            return self._session.get(name)
        backend = self._usable_backend(name, "read")
        value = self._call(name, "read", lambda: backend.get_password(self.service, name))
        if value is not None:
            self._register(value)
        return value

    def set(self, name: str, value: str) -> None:
        _check_name(name)
        _check_value(name, value)
        self._register(value)
        if self._session is not None:
            self._session[name] = value
            return
        backend = self._usable_backend(name, "save")
        self._call(name, "save", lambda: backend.set_password(self.service, name, value))
        log.debug("saved secret %s in %s", name, backend_label(backend))

    def delete(self, name: str) -> bool:
        """Forget ``name``; ``False`` when nothing was stored under it."""
        _check_name(name)
        if self._session is not None:
            return self._session.pop(name, None) is not None
        backend = self._usable_backend(name, "delete")

        def _delete() -> bool:
            try:
                backend.delete_password(self.service, name)
            except PasswordDeleteError:
                return False
            return True

        deleted = self._call(name, "delete", _delete)
        log.debug("deleted secret %s (%s)", name, "found" if deleted else "nothing stored")
        return deleted

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def status(self) -> dict[str, bool]:
        """Which known secrets are set, for Settings and ``djdesk auth status`` (no values).

        Raises ``SecretStoreError`` like ``get`` when the keyring is unusable.
        """
        return {name: self.has(name) for name in KNOWN_SECRETS}

    # -- async wrappers ----------------------------------------------------------------------

    async def aget(self, name: str) -> str | None:
        return await self._off_loop(name, "read", self.get, name)

    async def aset(self, name: str, value: str) -> None:
        await self._off_loop(name, "save", self.set, name, value)

    async def adelete(self, name: str) -> bool:
        return await self._off_loop(name, "delete", self.delete, name)

    async def ahas(self, name: str) -> bool:
        return await self._off_loop(name, "read", self.has, name)

    async def astatus(self) -> dict[str, bool]:
        return await self._off_loop("known secrets", "read", self.status)

    async def _off_loop(self, name: str, verb: str, fn: Callable[..., T], *args: str) -> T:
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args), self.timeout)
        except TimeoutError:
            raise SecretStoreError(
                f"The keyring did not answer within {self.timeout:g} s "
                f"while trying to {verb} {name!r}.",
                hint="Unlock your keyring (it may be waiting for a password) and try again, "
                "or keep the secret for this session only.",
            ) from None

    # -- helpers -----------------------------------------------------------------------------

    def _usable_backend(self, name: str, verb: str) -> KeyringBackend:
        backend = self._ensure_backend()
        if self._why_unavailable is not None:
            raise SecretStoreError(
                f"Secure storage is unavailable, so DJDesk cannot {verb} {name!r}: "
                f"{self._why_unavailable}. Nothing was written to a file.",
                hint=_unavailable_hint(),
            )
        return backend

    def _call(self, name: str, verb: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except Exception as exc:
            # Never copy the keyring's message: it may echo what we passed in.
            kind = type(exc).__name__
            log.warning("keyring failed to %s secret %s (%s)", verb, name, kind)
            self._why_unavailable = f"the keyring refused the request ({kind})"
            raise SecretStoreError(
                f"The keyring could not {verb} {name!r} ({kind}); "
                "it may be locked or its service may not be running.",
                hint=_unavailable_hint(),
            ) from None


def _unavailable_hint() -> str:
    hint = SecretStoreError.default_hint
    return f"{hint} {HEADLESS_HINT}" if sys.platform.startswith("linux") else hint


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SecretStoreError(
            f"{name!r} is not a valid secret name.",
            hint="Use lowercase letters, digits, '.', '_' or '-', like 'spotify.token'.",
        )


def _check_value(name: str, value: str) -> None:
    if not isinstance(value, str) or not value:
        raise SecretStoreError(f"The secret {name!r} must be a non-empty string.", hint="")
    if len(value) > MAX_SECRET_CHARS:
        raise SecretStoreError(
            f"The secret {name!r} is {len(value)} characters long; "
            f"the limit is {MAX_SECRET_CHARS} (Windows Credential Manager).",
            hint="Store only the refresh token and its expiry, not the whole token response.",
        )
