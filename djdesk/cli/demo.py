"""``--demo`` for the CLI: the offline sandbox in the background, logged in without asking.

The sandbox runs in its own thread (``SandboxThread``); the runtime's endpoints point at it; the
demo user is logged in to the simulated Spotify (browserless PKCE) and a demo Last.fm key is
set, both in a session-only secret store that lives in this process's memory, so a demo never
reads or writes the user's real keyring. When ``DJDESK_ENDPOINTS`` already points at loopback
(a sandbox someone started, e.g. a test sharing one between processes), that one is used.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from djdesk.core.clock import SystemClock
from djdesk.core.providers.lastfm import KEY_NAME as LASTFM_KEY_NAME
from djdesk.core.providers.spotify_auth import TOKEN_NAME, parse_token
from djdesk.core.secrets import SecretStore
from djdesk.core.settings import Settings

#: Any key works on the sandbox's Last.fm except its documented bad ones.
DEMO_LASTFM_KEY = "djdesk-demo-lastfm-key"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class DemoSession:
    endpoints: dict[str, str]
    secrets: SecretStore
    #: The sandbox thread we started (None when an existing loopback sandbox is reused).
    sandbox: object | None = None

    def settings(self, base: Settings) -> Settings:
        # Process-only endpoints: a later settings save never writes the sandbox's ports.
        return dataclasses.replace(base.with_process_endpoints(self.endpoints), demo=True)

    async def login(self) -> None:
        """Log the demo user in to the simulated Spotify and set the demo Last.fm key."""
        from djdesk.sandbox import demo_login

        data = await demo_login(self.endpoints)
        tokens = parse_token(data, SystemClock().time())
        self.secrets.set(TOKEN_NAME, tokens.to_json())
        self.secrets.set(LASTFM_KEY_NAME, DEMO_LASTFM_KEY)


def _loopback_endpoints() -> dict[str, str] | None:
    raw = os.environ.get("DJDESK_ENDPOINTS")
    if not raw:
        return None
    try:
        endpoints = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(endpoints, dict) or "spotify_accounts" not in endpoints:
        return None
    hosts = {urlsplit(str(url)).hostname for url in endpoints.values()}
    return {str(k): str(v) for k, v in endpoints.items()} if hosts <= _LOOPBACK else None


@contextmanager
def demo_session(profile: str = "fast", seed: int = 1) -> Iterator[DemoSession]:
    """Start (or reuse) the sandbox; stop it on exit if we started it."""
    secrets = SecretStore()
    secrets.use_session_only()
    existing = _loopback_endpoints()
    if existing is not None:
        yield DemoSession(existing, secrets)
        return
    from djdesk.sandbox import SandboxThread

    thread = SandboxThread(profile, seed)
    endpoints = thread.start()
    try:
        yield DemoSession(endpoints, secrets, thread)
    finally:
        thread.stop()
