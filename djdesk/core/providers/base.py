"""Typed reads from provider JSON, shared by every client: a misfit body is a BadResponseError.

Providers change shapes without notice (Spotify renamed ``track`` to ``item`` in 2026, Last.fm
sends numbers as strings); every read goes through ``Fields`` so a surprise becomes a typed error
naming the provider and the field, never a KeyError or TypeError deep in the engine.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from djdesk import __version__
from djdesk.core.errors import BadResponseError, RateLimitedError
from djdesk.core.net.retry import MAX_RETRY_AFTER_S

#: MusicBrainz asks for "app/version ( contact )"; ReccoBeats' Cloudflare blocks default agents.
USER_AGENT = f"DJDesk/{__version__} ( https://github.com/djdesk/djdesk )"

_MISSING = object()


class Fields:
    """A JSON object read with typed accessors; ``path`` names where it sits in the body."""

    __slots__ = ("_data", "path", "provider")

    def __init__(self, provider: str, data: Any, path: str = "") -> None:
        if not isinstance(data, dict):
            raise BadResponseError(provider, path or "<body>")
        self.provider = provider
        self._data: dict[str, Any] = data
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _bad(self, key: str) -> BadResponseError:
        return BadResponseError(self.provider, self._where(key))

    def has(self, key: str) -> bool:
        return key in self._data

    def raw(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def _get(self, key: str, required: bool) -> Any:
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise self._bad(key)
            return None
        return value

    def text(self, key: str) -> str:
        value = self._get(key, True)
        if not isinstance(value, str):
            raise self._bad(key)
        return value

    def opt_text(self, key: str) -> str | None:
        """A string, or None when absent, null or empty (providers use all three for unknown)."""
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(key)
        return value or None

    def integer(self, key: str) -> int:
        value = self.opt_integer(key)
        if value is None:
            raise self._bad(key)
        return value

    def opt_integer(self, key: str) -> int | None:
        """Accepts ints and numeric strings (Last.fm sends ``"231000"``); floats must be whole."""
        value = self._get(key, False)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self._bad(key)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        raise self._bad(key)

    def number(self, key: str) -> float:
        value = self.opt_number(key)
        if value is None:
            raise self._bad(key)
        return value

    def opt_number(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self._bad(key)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise self._bad(key)

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean; Last.fm's ``"0"``/``"1"`` strings count too. Missing → ``default``."""
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1"):
            return value in (1, "1")
        raise self._bad(key)

    def obj(self, key: str) -> Fields:
        return Fields(self.provider, self._get(key, True), self._where(key))

    def opt_obj(self, key: str) -> Fields | None:
        value = self._get(key, False)
        if value is None:
            return None
        return Fields(self.provider, value, self._where(key))

    def items(self, key: str, *, required: bool = True) -> list[Any]:
        """A list; Last.fm turns a single child into an object, so one dict becomes ``[dict]``."""
        value = self._get(key, required)
        if value is None:
            return []
        if isinstance(value, dict):
            return [value]
        if not isinstance(value, list):
            raise self._bad(key)
        return value

    def objs(self, key: str, *, required: bool = True) -> Iterator[Fields]:
        for i, item in enumerate(self.items(key, required=required)):
            yield Fields(self.provider, item, f"{self._where(key)}[{i}]")

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.items(key, required=False)
        if not all(isinstance(v, str) for v in values):
            raise self._bad(key)
        return tuple(values)


def read_body(provider: str, response: httpx.Response) -> Any:
    """The decoded JSON body, or BadResponseError when it is not JSON."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        message = f"{provider} sent a body that is not JSON."
        raise BadResponseError(provider, "<body>", message) from None


def try_json(response: httpx.Response) -> Any:
    """The JSON body or None: for classifiers and error mapping, where plain text is normal."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, httpx.ResponseNotRead):
        return None


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (the only form Spotify and ReccoBeats use), else None.

    ``nan`` is unreadable; a huge figure (``inf``, 400 digits) is capped (``MAX_RETRY_AFTER_S``).
    """
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def rate_limited(
    provider: str, now: float, seconds: float, message: str | None = None, hint: str | None = None
) -> RateLimitedError:
    until = dt.datetime.fromtimestamp(now + seconds, dt.UTC)
    return RateLimitedError(provider, until, message=message, hint=hint)


def next_request_path(next_url: str, client: httpx.AsyncClient, public_base: str) -> str:
    """Turn a provider's absolute ``next`` into a path relative to ``client.base_url``.

    ``next`` points at the public host; following it verbatim would leave the configured
    endpoint (the sandbox, or the orchestrator's base URL). The path prefix of the base
    (``/v1``, ``/ws/2``) is stripped so httpx joins the rest onto ``base_url`` again.
    """
    parts = urlsplit(next_url)
    path = parts.path
    for base in (str(client.base_url), public_base):
        prefix = urlsplit(base).path.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
            break
    return f"{path}?{parts.query}" if parts.query else path
