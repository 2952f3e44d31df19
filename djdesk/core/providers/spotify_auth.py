"""Spotify login (Authorization Code + PKCE through the system browser) and token refresh.

Tokens live only in the secret store under ``spotify.token``. Refresh is single-flighted: many
callers hitting an expired token cause one refresh request. A rotated refresh token is persisted
before the new access token is handed out, a refresh answer without ``refresh_token`` keeps the
old one, and ``invalid_grant`` forgets the tokens and asks for a new login instead of retrying.
Secrets (verifier, code, tokens) are registered with the log redactor and never logged here.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from djdesk.core import logs
from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import (
    AuthError,
    BadResponseError,
    ConfigError,
    LoginRequiredError,
    ProviderDownError,
    ProviderError,
)
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.providers.base import (
    Fields,
    rate_limited,
    read_body,
    retry_after_seconds,
    try_json,
)
from djdesk.core.providers.spotify_loopback import CallbackResult, LoopbackServer

log = logging.getLogger(__name__)

PROVIDER = "spotify_accounts"
TOKEN_NAME = "spotify.token"
SCOPES = ("playlist-read-private", "playlist-read-collaborative")
#: Refresh this long before expiry, so a token never dies mid-import.
REFRESH_MARGIN_S = 60.0
LOGIN_TIMEOUT_S = 300.0
CLIENT_ID_HINT = (
    "Create an app at https://developer.spotify.com/dashboard (Web API, redirect URI "
    "http://127.0.0.1/callback), then put its Client ID in settings.toml as spotify_client_id. "
    "See the README section 'Spotify login'."
)
RELOGIN_HINT = "Run `djdesk auth spotify login` (or log in again from Settings)."


class SecretStoreLike(Protocol):
    """The part of ``core.secrets.SecretStore`` the login needs (blocking calls)."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    scope: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "scope": self.scope,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TokenSet | None:
        """None for a damaged entry: the user simply logs in again."""
        try:
            data = json.loads(text)
            return cls(
                access_token=str(data["access_token"]),
                refresh_token=str(data["refresh_token"]),
                expires_at=float(data["expires_at"]),
                scope=str(data.get("scope", "")),
            )
        except (ValueError, KeyError, TypeError):
            return None


# --- PKCE --------------------------------------------------------------------------------------


def new_verifier() -> str:
    """86 characters from ``[A-Za-z0-9_-]`` (RFC 7636 allows 43-128): 512 bits of entropy."""
    return secrets.token_urlsafe(64)


def challenge_for(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def new_state() -> str:
    return secrets.token_urlsafe(24)


def authorize_url(
    accounts_base: str, client_id: str, redirect_uri: str, challenge: str, state: str
) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "code_challenge_method": "S256",
            "code_challenge": challenge,
            "scope": " ".join(SCOPES),
            "state": state,
        }
    )
    return f"{accounts_base.rstrip('/')}/authorize?{query}"


# --- token endpoint ----------------------------------------------------------------------------


def parse_token(data: Any, now: float, previous_refresh: str | None = None) -> TokenSet:
    """A token answer; a refresh answer without ``refresh_token`` keeps ``previous_refresh``."""
    f = Fields(PROVIDER, data)
    refresh = f.opt_text("refresh_token") or previous_refresh
    if not refresh:
        raise BadResponseError(PROVIDER, "refresh_token")
    return TokenSet(
        access_token=f.text("access_token"),
        refresh_token=refresh,
        expires_at=now + (f.opt_integer("expires_in") or 3600),
        scope=f.opt_text("scope") or "",
    )


def token_error_from(
    response: httpx.Response, now: float, *, refreshing: bool
) -> LoginRequiredError | ConfigError | ProviderError | None:
    status = response.status_code
    if status < 400:
        return None
    body = try_json(response)
    code = body.get("error") if isinstance(body, dict) else None
    if code == "invalid_grant":
        if refreshing:
            return LoginRequiredError(
                "Your Spotify login has expired or was revoked; please log in again.",
                hint=RELOGIN_HINT,
            )
        return LoginRequiredError(
            "Spotify did not accept this login answer; please log in again.", hint=RELOGIN_HINT
        )
    if code == "invalid_client":
        return ConfigError(
            "Spotify does not recognise the client id in your settings.", hint=CLIENT_ID_HINT
        )
    if code == "invalid_request":
        return LoginRequiredError(
            "Spotify rejected the login request; please log in again.", hint=RELOGIN_HINT
        )
    if status == 429:
        return rate_limited(PROVIDER, now, retry_after_seconds(response) or 5.0)
    if status >= 500:
        return ProviderDownError(PROVIDER, f"Spotify's login service answered HTTP {status}.")
    return ProviderError(PROVIDER, f"Spotify's login service answered HTTP {status}.")


def classify(response: httpx.Response) -> Outcome | None:
    if response.status_code == 429:
        return Outcome(Verdict.RATE_LIMITED, retry_after_seconds(response), "accounts 429")
    if response.status_code in (400, 401, 403):
        return Outcome(Verdict.FAIL, None, f"accounts {response.status_code}")
    return None


# --- the login and the token source ------------------------------------------------------------


class SpotifyAuth:
    """Log in, log out, and hand out fresh access tokens (``SpotifyClient``'s ``AccessTokens``)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        store: SecretStoreLike,
        client_id: str,
        *,
        clock: Clock | None = None,
        open_browser: Callable[[str], object] | None = None,
        login_timeout: float = LOGIN_TIMEOUT_S,
    ) -> None:
        self._http = http
        self._store = store
        self._client_id = client_id.strip()
        self._clock = clock or SystemClock()
        self._open_browser = open_browser
        self._login_timeout = login_timeout
        self._tokens: TokenSet | None = None
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._login_lock = asyncio.Lock()
        self._refresh_task: asyncio.Task[TokenSet] | None = None

    # -- login ---------------------------------------------------------------------------------

    async def login(
        self,
        *,
        cancel: asyncio.Event | None = None,
        on_url: Callable[[str], None] | None = None,
        browser_wait: float | None = None,
    ) -> TokenSet:
        """Run the browser login; ``on_url`` gets the URL to show if no browser opens.

        ``browser_wait`` overrides how long to wait for the redirect (default 5 minutes).
        """
        if not self._client_id:
            raise ConfigError("No Spotify client id is set.", hint=CLIENT_ID_HINT)
        if self._login_lock.locked():
            raise AuthError("A Spotify login is already in progress.", hint="Finish it first.")
        async with self._login_lock:
            verifier, state = new_verifier(), new_state()
            logs.register_secret(verifier)
            async with LoopbackServer(state) as server:
                url = authorize_url(
                    str(self._http.base_url),
                    self._client_id,
                    server.redirect_uri,
                    challenge_for(verifier),
                    state,
                )
                if on_url is not None:
                    on_url(url)
                # looked up at call time so a test (or a headless session) can replace it
                await asyncio.to_thread(self._open_browser or webbrowser.open, url)
                log.info("spotify login: waiting for the browser")
                wait = self._login_timeout if browser_wait is None else browser_wait
                result = await self._wait(server.result, cancel, wait)
                redirect_uri = server.redirect_uri
            code = self._check(result)
            logs.register_secret(code)
            tokens = await self._exchange(code, verifier, redirect_uri)
            await self._save(tokens)
            log.info("spotify login: done (scope %s)", tokens.scope)
            return tokens

    async def _wait(
        self, result: asyncio.Future[CallbackResult], cancel: asyncio.Event | None, wait: float
    ) -> CallbackResult:
        timer = asyncio.ensure_future(self._clock.sleep(wait))
        waiters: set[asyncio.Future[Any]] = {result, timer}
        cancelled = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
        if cancelled is not None:
            waiters.add(cancelled)
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (timer, cancelled):
                if waiter is not None:
                    waiter.cancel()
        if result.done() and not result.cancelled():
            return result.result()
        if cancelled is not None and cancelled.done():
            raise LoginRequiredError("The Spotify login was cancelled.", hint=RELOGIN_HINT)
        minutes = wait / 60
        raise LoginRequiredError(
            f"No answer from the browser within {minutes:g} minutes; the login was stopped.",
            hint=RELOGIN_HINT,
        )

    @staticmethod
    def _check(result: CallbackResult) -> str:
        if result.error == "access_denied":
            raise LoginRequiredError(
                "You declined the Spotify login, so DJDesk cannot read your playlists.",
                hint="Log in again and choose Agree, or import Deezer links and CSV files.",
            )
        if result.error == "state_mismatch":
            raise LoginRequiredError(
                "The browser answered for a different login attempt (state mismatch); "
                "nothing was saved.",
                hint=RELOGIN_HINT,
            )
        if result.error or not result.code:
            raise LoginRequiredError(
                f"Spotify reported a login error ({result.error}).", hint=RELOGIN_HINT
            )
        return result.code

    async def _exchange(self, code: str, verifier: str, redirect_uri: str) -> TokenSet:
        response = await self._http.post(
            "/api/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self._client_id,
                "code_verifier": verifier,
            },
        )
        error = token_error_from(response, self._clock.time(), refreshing=False)
        if error is not None:
            raise error
        return parse_token(read_body(PROVIDER, response), self._clock.time())

    # -- tokens --------------------------------------------------------------------------------

    async def _save(self, tokens: TokenSet) -> None:
        logs.register_secret(tokens.access_token)
        logs.register_secret(tokens.refresh_token)
        await asyncio.to_thread(self._store.set, TOKEN_NAME, tokens.to_json())
        self._tokens, self._loaded = tokens, True

    async def _current(self) -> TokenSet | None:
        if not self._loaded:
            async with self._load_lock:
                if not self._loaded:
                    raw = await asyncio.to_thread(self._store.get, TOKEN_NAME)
                    self._tokens = TokenSet.from_json(raw) if raw else None
                    if self._tokens is not None:
                        logs.register_secret(self._tokens.access_token)
                        logs.register_secret(self._tokens.refresh_token)
                    self._loaded = True
        return self._tokens

    async def access_token(self, *, rejected: str | None = None) -> str:
        """A valid access token, refreshed first when it expires within a minute.

        ``rejected`` is a token the API just answered 401 to: refresh unless someone already
        has (the current token differs), so a burst of 401s costs one refresh.
        """
        tokens = await self._current()
        if tokens is None:
            raise LoginRequiredError("You are not logged in to Spotify.", hint=RELOGIN_HINT)
        if rejected is None:
            if tokens.expires_at - self._clock.time() > REFRESH_MARGIN_S:
                return tokens.access_token
        elif rejected != tokens.access_token:
            return tokens.access_token
        return (await self._refresh_once()).access_token

    async def _refresh_once(self) -> TokenSet:
        if self._refresh_task is None or self._refresh_task.done():
            self._refresh_task = asyncio.ensure_future(self._refresh())
        return await asyncio.shield(self._refresh_task)

    async def _refresh(self) -> TokenSet:
        current = self._tokens
        assert current is not None
        response = await self._http.post(
            "/api/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": current.refresh_token,
                "client_id": self._client_id,
            },
        )
        now = self._clock.time()
        error = token_error_from(response, now, refreshing=True)
        if isinstance(error, LoginRequiredError):
            await self.logout()
            raise error
        if error is not None:
            raise error
        fresh = parse_token(read_body(PROVIDER, response), now, current.refresh_token)
        rotated = fresh.refresh_token != current.refresh_token
        await self._save(fresh)  # persist before anyone uses it: a rotated old one is dead
        log.debug("spotify token refreshed (refresh token rotated: %s)", rotated)
        return fresh

    async def logout(self) -> None:
        await asyncio.to_thread(self._store.delete, TOKEN_NAME)
        self._tokens, self._loaded = None, True

    async def status(self) -> dict[str, Any]:
        """Whether a login is stored and until when its access token runs; never a value."""
        tokens = await self._current()
        if tokens is None:
            return {"logged_in": False}
        return {
            "logged_in": True,
            "scope": tokens.scope,
            "access_token_expires_at": tokens.expires_at,
        }
