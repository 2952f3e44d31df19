"""Checking a Last.fm API key before it is stored: one cheap call made with that key.

Why a call and not only a pattern: a well-formed key may be unknown, revoked or suspended, and
only Last.fm can tell. The answer's own words (error 10 "Invalid API key - ...", error 26 "API
Key Suspended - ...") go into the message, so the user reads what Last.fm said.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from djdesk.core import logs
from djdesk.core.errors import InvalidKeyError, ProviderDownError, ProviderError
from djdesk.core.i18n import _
from djdesk.core.models import Priority
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.providers.base import USER_AGENT, try_json
from djdesk.core.providers.lastfm import error_code

#: Last.fm API keys are 32 hexadecimal characters.
KEY_SHAPE = re.compile(r"^[0-9a-fA-F]{32}$")
#: A read every key may make; the artist need not exist (the key is checked first: an unknown
#: artist is error 6, which still means the key was accepted).
CHECK_PARAMS: dict[str, str] = {"method": "artist.getInfo", "artist": "Cher", "autocorrect": "0"}
_REFUSED = frozenset({10, 26})
_BUSY = frozenset({8, 11, 16, 29})


def check_shape(key: str) -> str:
    """The key without surrounding blanks; ``InvalidKeyError`` when it can not be a key.

    The message never repeats the key (it is a secret, even a wrong one).
    """
    key = key.strip()
    if not KEY_SHAPE.match(key):
        raise InvalidKeyError(
            _("That does not look like a Last.fm API key (32 letters a-f and digits)."),
            hint=_(
                "Copy the 'API key' (not the shared secret) from https://www.last.fm/api/accounts."
            ),
        )
    return key


def refusal(body: Any) -> InvalidKeyError | None:
    """The error for a body in which Last.fm refused the key (error 10 or 26), else ``None``."""
    code = error_code(body)
    if code not in _REFUSED:
        return None
    said = body.get("message") if isinstance(body, dict) else None
    said = said.strip() if isinstance(said, str) and said.strip() else _("no reason given")
    return InvalidKeyError(
        _("Last.fm did not accept that API key: “{said}” (error {code}).").format(
            said=said, code=code
        ),
        hint=_(
            "Check the key at https://www.last.fm/api/accounts (the 'API key', not the "
            "shared secret), or create one at https://www.last.fm/api/account/create."
        ),
    )


async def check_key(http: httpx.AsyncClient, key: str) -> str:
    """Ask Last.fm whether ``key`` works; returns the cleaned key, raises when it does not.

    ``http`` is the orchestrator's Last.fm client (its base URL, rate limit and breaker), so
    the check counts like any other Last.fm call. Raises ``InvalidKeyError`` for a refused or
    malformed key, ``ProviderDownError`` / ``ProviderError`` when Last.fm could not say.
    """
    key = check_shape(key)
    logs.register_secret(key)  # it travels in the query string, which httpx logs
    params = {**CHECK_PARAMS, "format": "json", "api_key": key}
    response = await http.get("/", params=params, headers={"User-Agent": USER_AGENT})
    body = try_json(response)
    refused = refusal(body)
    if refused is not None:
        raise refused
    code = error_code(body)
    if code in _BUSY or response.status_code >= 500:
        raise ProviderDownError(
            "lastfm",
            _("Last.fm could not check the key just now; it was not saved."),
            hint=_("Try again in a minute."),
        )
    if code is None and response.status_code >= 400:
        raise ProviderError(
            "lastfm",
            _("Last.fm answered HTTP {status} to the key check; the key was not saved.").format(
                status=response.status_code
            ),
        )
    return key


async def check_key_with(orchestrator: Orchestrator, base_url: str, key: str) -> str:
    """``check_key`` on the orchestrator's Last.fm lane, ahead of background work (a person is
    waiting on it): the window's settings dialog and ``djdesk auth lastfm set-key`` both."""
    key = check_shape(key)  # no call for an obvious typo
    with orchestrator.priority(Priority.INTERACTIVE):
        async with orchestrator.client("lastfm", base_url, timeout=15.0) as http:
            return await check_key(http, key)
