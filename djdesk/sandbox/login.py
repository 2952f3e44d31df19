"""Log the demo user in to the simulated Spotify without a browser, over real HTTP.

It drives the same Authorization Code + PKCE (S256) flow a desktop client runs: authorize
(which the sandbox auto-approves), read ``code`` from the loopback redirect, exchange it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from djdesk.core.errors import ProviderDownError

DEMO_REDIRECT_URI = "http://127.0.0.1:8765/callback"
DEMO_SCOPES = "playlist-read-private playlist-read-collaborative"


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), as RFC 7636 and Spotify's docs define them."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def demo_login(
    endpoints: dict[str, str],
    client_id: str = "djdesk-demo-client",
    *,
    redirect_uri: str = DEMO_REDIRECT_URI,
    scope: str = DEMO_SCOPES,
) -> dict[str, Any]:
    """Return the token response (access_token, refresh_token, expires_in, scope, token_type).

    The redirect is never followed: nothing listens on ``redirect_uri``; the code is read from
    the ``Location`` header, exactly what a loopback listener would receive.
    """
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    accounts = endpoints["spotify_accounts"]
    async with httpx.AsyncClient(timeout=10.0) as client:
        resp = await client.get(
            f"{accounts}/authorize",
            params={
                "client_id": client_id,
                "response_type": "code",
                "redirect_uri": redirect_uri,
                "code_challenge_method": "S256",
                "code_challenge": challenge,
                "scope": scope,
                "state": state,
            },
        )
        if resp.status_code != 302:
            raise ProviderDownError(
                "spotify_accounts", f"The sandbox refused the demo login ({resp.status_code})."
            )
        query = parse_qs(urlsplit(resp.headers["Location"]).query)
        if query.get("state") != [state] or "code" not in query:
            raise ProviderDownError(
                "spotify_accounts", "The sandbox login redirect lacked a code or state."
            )
        token = await client.post(
            f"{accounts}/api/token",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "code_verifier": verifier,
            },
        )
        token.raise_for_status()
        return dict(token.json())
