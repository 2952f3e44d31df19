"""Choose the services the window runs on: the real engine when it exists, else the fake.

This is the single place that decides, so the fake stays out of the real code path: when
``djdesk.core.runtime`` grows an engine adapter, ``open_services`` returns it and the window
drops its "preview" banner. Demo mode also starts the offline sandbox (if it is built yet) and
points every provider at it through ``DJDESK_ENDPOINTS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from djdesk.core.errors import DJDeskError
from djdesk.core.paths import Paths
from djdesk.core.settings import Settings
from djdesk.gui.fake_services import fake_services
from djdesk.gui.services import Services

log = logging.getLogger(__name__)


@dataclass
class Opened:
    services: Services
    sandbox: Any = None
    store: Any = None

    async def aclose(self) -> None:
        if self.sandbox is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.sandbox.stop)
            self.sandbox = None
        if self.store is not None:
            with contextlib.suppress(Exception):
                await self.store.aclose()
            self.store = None


def start_sandbox(seed: int = 7) -> Any:
    """Start ``djdesk.sandbox.SandboxThread`` if the sandbox is built; None otherwise."""
    try:
        from djdesk.sandbox import SandboxThread
    except ImportError:
        return None
    try:
        sandbox = SandboxThread("realistic", seed)
        sandbox.start()
    except Exception:  # the sandbox is optional for the window; say so and go on
        log.exception("could not start the sandbox")
        return None
    endpoints = getattr(sandbox, "endpoints", None)
    if isinstance(endpoints, dict) and endpoints:
        os.environ["DJDESK_ENDPOINTS"] = json.dumps(endpoints)
    return sandbox


async def open_services(*, demo: bool, paths: Paths, settings: Settings) -> Opened:
    """The services for the window. The sandbox (slow to seed) starts after the window shows.

    Outside demo mode the cache inspector runs on the user's real cache file and the settings
    dialog on the real keyring; the library and the enrichment run stay on the fake until the
    engine adapter lands (the window shows a "preview" banner). In demo mode everything is
    simulated so the pieces agree.
    """
    services = fake_services()
    opened = Opened(services=services)
    if demo:
        return opened
    from djdesk.gui.dialogs.accounts import KeyringAccounts

    services.accounts = KeyringAccounts()  # real logins and keys, shared with `djdesk auth`
    try:
        from djdesk.core.cache.store import CacheStore
        from djdesk.gui.cache_inspector.store_adapter import StoreCacheBrowser

        opened.store = await CacheStore.open(paths.cache_db, ttl_overrides=settings.ttl)
        services.cache = StoreCacheBrowser(opened.store)
    except (ImportError, DJDeskError, OSError) as exc:
        log.warning("cache not opened, inspector shows sample data: %s", exc)
    return opened
