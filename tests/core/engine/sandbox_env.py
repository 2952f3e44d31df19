"""Helpers for the engine's end-to-end tests: a runtime wired to a sandbox, and the truth.

The sandbox's catalog knows, for every demo playlist entry, the real track behind it (its ids
on every provider, its tempo and key), so tests compare what the engine attached with the truth
instead of with itself.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from djdesk.core.models import DEFAULT_ENDPOINTS, PROVIDERS
from djdesk.core.providers.lastfm import KEY_NAME
from djdesk.core.providers.spotify_auth import TOKEN_NAME, parse_token
from djdesk.core.runtime import Runtime
from djdesk.core.secrets import SecretStore
from djdesk.core.settings import Settings
from djdesk.sandbox import SandboxThread, demo_login
from djdesk.sandbox.catalog import Catalog, Track

#: The fast profile has no limits: let the orchestrator go as fast as the loop can.
FAST_RATES = dict.fromkeys(PROVIDERS, 200.0)


def settings_for(endpoints: dict[str, str], rates: dict[str, float] | None = None) -> Settings:
    return Settings(
        endpoints={**DEFAULT_ENDPOINTS, **endpoints}, rates=dict(rates or FAST_RATES), demo=True
    ).validate()


@asynccontextmanager
async def sandbox_runtime(
    endpoints: dict[str, str],
    *,
    rates: dict[str, float] | None = None,
    http_timeout: float = 10.0,
) -> AsyncIterator[Runtime]:
    secrets = SecretStore()
    secrets.use_session_only()
    async with Runtime.open(
        settings=settings_for(endpoints, rates), secrets=secrets, http_timeout=http_timeout
    ) as rt:
        tokens = parse_token(await demo_login(endpoints), time.time())
        secrets.set(TOKEN_NAME, tokens.to_json())
        secrets.set(KEY_NAME, "djdesk-test-key")
        yield rt


def catalog_of(thread: SandboxThread) -> Catalog:
    assert thread.sandbox is not None
    return thread.sandbox.catalog


def demo_url(catalog: Catalog, service: str, size: int, *, owned: bool = True) -> str:
    for demo in catalog.demo_playlists():
        if demo.service == service and demo.size == size and demo.owned == owned:
            return demo.url
    raise LookupError(f"no {service} demo playlist of {size}")


def truth_entries(catalog: Catalog, url: str) -> list[Track | None]:
    """The catalog track behind each entry, in order (None for local/removed entries)."""
    pid = url.rstrip("/").rsplit("/", 1)[-1]
    if "deezer" in url:
        keys = catalog.deezer_playlists[int(pid)].entries
    else:
        keys = catalog.spotify_playlists[pid].entries
    return [catalog.tracks[k] if k >= 0 else None for k in keys]


def provider_calls(thread: SandboxThread) -> int:
    counters: dict[str, Any] = thread.counters()
    return sum(
        p["total"] for name, p in counters["providers"].items() if name != "spotify_accounts"
    )
