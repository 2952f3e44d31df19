"""One exception tree for the whole core, so front ends can show a message and a way out.

Every error carries ``message`` (what went wrong, for a person) and ``hint`` (what to do next).
Neither may ever contain a secret: build them from names and ids, never from tokens, keys or
raw request URLs that carry an ``api_key``.

    DJDeskError
    ├── InputError                  the user gave us something we cannot use
    │   └── UnsupportedLinkError    a pasted/dropped link or file we do not recognise
    ├── ConfigError                 a settings file or value is invalid
    ├── SecretStoreError            the OS keyring is missing, locked or refused
    ├── StorageError                a local database problem
    │   ├── CacheCorruptError       the cache file was damaged and has been moved aside
    │   ├── SchemaTooNewError       a database written by a newer DJDesk; left untouched
    │   └── DiskFullError           the disk is full; nothing was lost
    ├── AuthError                   we need to (re)authenticate with a provider
    │   ├── LoginRequiredError      no token / the refresh token is invalid or expired
    │   └── InvalidKeyError         an API key is invalid or suspended
    └── ProviderError               a provider call failed (carries ``provider``)
        ├── NotFoundError           the thing asked for does not exist there
        ├── ForbiddenError          the provider refuses (carries ``reason``)
        ├── RateLimitedError        told to slow down (carries ``until``, a wall-clock time)
        ├── ProviderDownError       5xx, timeouts, connection errors, an open circuit breaker
        ├── BadResponseError        a body that does not fit the contract (carries ``field``)
        └── BudgetExhaustedError    the run's call budget for this provider is spent
"""

from __future__ import annotations

import datetime as _dt


class DJDeskError(Exception):
    """Base of every error DJDesk raises on purpose."""

    default_hint = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message

    def to_dict(self) -> dict[str, str]:
        """A JSON-friendly form for ``--json`` output and event streams."""
        return {"error": type(self).__name__, "message": self.message, "hint": self.hint}


class InputError(DJDeskError):
    default_hint = "Check what you entered and try again."


class UnsupportedLinkError(InputError):
    default_hint = (
        "Paste a Spotify or Deezer playlist or album link, for example "
        "https://www.deezer.com/playlist/908622995, or drop an Exportify CSV file."
    )


class ConfigError(DJDeskError):
    default_hint = "Fix the value in the settings file, or delete the line to use the default."


class SecretStoreError(DJDeskError):
    default_hint = (
        "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain or Windows "
        "Credential Manager), or keep the secret for this session only."
    )


class StorageError(DJDeskError):
    default_hint = "Check that the data folder exists and is writable (see `djdesk paths`)."


class CacheCorruptError(StorageError):
    default_hint = "A fresh cache was created; cached data will be fetched again as needed."


class SchemaTooNewError(StorageError):
    default_hint = "Upgrade DJDesk, or set DJDESK_HOME to another folder. The file was not changed."


class DiskFullError(StorageError):
    default_hint = "Free some disk space and try again; nothing already saved was lost."


class AuthError(DJDeskError):
    default_hint = "Log in again from Settings or with `djdesk auth`."


class LoginRequiredError(AuthError):
    pass


class InvalidKeyError(AuthError):
    default_hint = "Set a valid key in Settings or with `djdesk auth lastfm set-key`."


class ProviderError(DJDeskError):
    """A failed provider call. ``provider`` is one of the names in ``models.PROVIDERS``."""

    default_hint = "Try again later."

    def __init__(self, provider: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.provider = provider

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "provider": self.provider}


class NotFoundError(ProviderError):
    default_hint = "Check the link or id; the item may have been removed or made private."


class ForbiddenError(ProviderError):
    def __init__(
        self, provider: str, message: str, *, reason: str = "", hint: str | None = None
    ) -> None:
        super().__init__(provider, message, hint=hint)
        self.reason = reason


class RateLimitedError(ProviderError):
    """``until`` is an aware wall-clock datetime after which calls may resume."""

    def __init__(
        self,
        provider: str,
        until: _dt.datetime,
        *,
        message: str | None = None,
        hint: str | None = None,
    ) -> None:
        local = until.astimezone().strftime("%H:%M:%S")
        super().__init__(
            provider,
            message or f"{provider} is rate limited until {local}.",
            hint=hint or "DJDesk pauses this provider and resumes by itself.",
        )
        self.until = until


class ProviderDownError(ProviderError):
    default_hint = "The service seems unavailable; DJDesk will retry later."


class BadResponseError(ProviderError):
    def __init__(self, provider: str, field: str, message: str | None = None) -> None:
        super().__init__(
            provider,
            message or f"{provider} sent a response DJDesk cannot read (field {field!r}).",
            hint="This is usually temporary; if it persists, please report it.",
        )
        self.field = field


class BudgetExhaustedError(ProviderError):
    default_hint = "Raise the budget or run again later; finished work is kept."
