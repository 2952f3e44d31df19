"""Spotify accounts host: ``/authorize`` that auto-approves, ``/api/token`` with PKCE (S256).

The demo user approves at once: ``/authorize`` 302-redirects to the loopback ``redirect_uri``
with ``code`` and ``state``. ``/api/token`` checks client id, redirect URI and the S256
``code_verifier`` in the real order and answers with the real error bodies. Refresh tokens
rotate (old one then "revoked") only when the sandbox is built with ``rotate_refresh_tokens``;
otherwise, like Spotify's PKCE refreshes since 2026-07-20, the response carries none.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from djdesk.sandbox.responses import json_response, text_response
from djdesk.sandbox.server import SandboxContext

ACCESS_TTL_S = 3600
REFRESH_TTL_S = 183 * 24 * 3600  # six months from login; refreshing does not extend it
#: Client ids the sandbox refuses with ``invalid_client`` (documented in docs/SANDBOX.md).
BAD_CLIENT_IDS = frozenset({"invalid-client", "revoked-client"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1"})


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    used: bool = False


@dataclass
class _Refresh:
    client_id: str
    scope: str
    login_at: float
    revoked: bool = False


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _token_error(error: str, description: str | None = None, status: int = 400) -> web.Response:
    body = (
        {"error": error}
        if description is None
        else {"error": error, "error_description": description}
    )
    return json_response(body, status)


def _loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def setup(app: web.Application, ctx: SandboxContext) -> None:
    grants: dict[str, _Grant] = ctx.state.setdefault("spotify_grants", {})
    refreshes: dict[str, _Refresh] = ctx.state.setdefault("spotify_refresh", {})
    access: dict[str, float] = ctx.state.setdefault("spotify_access", {})

    async def authorize(request: web.Request) -> web.StreamResponse:
        q = request.query
        client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
        if not client_id or client_id in BAD_CLIENT_IDS:
            return text_response("INVALID_CLIENT: Invalid client", 400)
        if not _loopback(redirect_uri):  # localhost and non-loopback http are refused
            return text_response("INVALID_CLIENT: Invalid redirect URI", 400)
        sep = "&" if urlsplit(redirect_uri).query else "?"
        state = {"state": q["state"]} if "state" in q else {}

        def back(params: dict[str, str]) -> web.StreamResponse:
            raise web.HTTPFound(redirect_uri + sep + urlencode(params | state))

        if q.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return back({"error": "invalid_request"})
        if q.get("sandbox_deny"):
            return back({"error": "access_denied"})
        code = "sbx-code-" + secrets.token_urlsafe(24)
        grants[code] = _Grant(client_id, redirect_uri, q["code_challenge"], q.get("scope", ""))
        return back({"code": code})

    def issue(client_id: str, scope: str, refresh: str | None) -> dict[str, object]:
        token = "sbx-at-" + secrets.token_urlsafe(32)
        access[token] = ctx.clock.monotonic() + ACCESS_TTL_S
        out: dict[str, object] = {
            "access_token": token,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": ACCESS_TTL_S,
        }
        if refresh is not None:
            out["refresh_token"] = refresh
        return out

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        client_id = str(form.get("client_id", ""))
        if not client_id:
            auth = request.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                try:
                    client_id = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
                except ValueError:
                    client_id = ""
        if not client_id:
            return _token_error("invalid_client")
        if client_id in BAD_CLIENT_IDS:
            return _token_error("invalid_client", "Invalid client")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            grant = grants.get(str(form.get("code", "")))
            if grant is None or grant.used or grant.client_id != client_id:
                return _token_error("invalid_grant", "Invalid authorization code")
            if form.get("redirect_uri") != grant.redirect_uri:
                return _token_error("invalid_grant", "Invalid redirect URI")
            verifier = str(form.get("code_verifier", ""))
            if not verifier:
                return _token_error("invalid_request", "code_verifier required")
            if s256(verifier) != grant.challenge:
                return _token_error("invalid_grant", "code_verifier was incorrect")
            grant.used = True
            refresh = "sbx-rt-" + secrets.token_urlsafe(32)
            refreshes[refresh] = _Refresh(client_id, grant.scope, ctx.clock.monotonic())
            return json_response(issue(client_id, grant.scope, refresh))
        if grant_type == "refresh_token":
            old = refreshes.get(str(form.get("refresh_token", "")))
            if old is None or old.client_id != client_id:
                return _token_error("invalid_grant", "Invalid refresh token")
            if old.revoked:
                return _token_error("invalid_grant", "Refresh token revoked")
            if ctx.clock.monotonic() - old.login_at >= REFRESH_TTL_S:
                return _token_error("invalid_grant", "Refresh token expired")
            new_refresh = None
            if ctx.rotate_refresh_tokens:
                old.revoked = True
                new_refresh = "sbx-rt-" + secrets.token_urlsafe(32)
                refreshes[new_refresh] = _Refresh(client_id, old.scope, old.login_at)
            return json_response(issue(client_id, old.scope, new_refresh))
        return _token_error("unsupported_grant_type", "grant_type parameter is missing")

    app.router.add_get("/authorize", authorize)
    app.router.add_post("/api/token", token)
