"""Choose and open the window's services: the real engine on the user's settings, or on the sandbox.

This is the single place that decides. ``open_services`` returns at once with services that wait
for the engine, so the window shows before anything slow happens; ``Opened.start()`` then (on
the qasync loop) starts the offline sandbox in demo mode, opens the core ``Runtime`` and logs the
demo user in. In demo mode the sandbox's endpoints are set on the ``Settings`` for this
process only (``Settings.with_process_endpoints``: no ``os.environ`` side effects, and a save
never writes a sandbox port) and the secrets live in a session-only store, so a demo never
reads or writes the user's real keyring. ``aclose()`` stops runs (resumable), closes the
runtime and stops the sandbox, in that order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from djdesk.core.paths import Paths
from djdesk.core.secrets import SecretStore
from djdesk.core.settings import Settings
from djdesk.gui.cache_inspector.deferred import DeferredCacheBrowser
from djdesk.gui.dialogs.accounts import KeyringAccounts, RuntimeGetter
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.services import Services

log = logging.getLogger(__name__)

#: The sandbox profile for ``djdesk --demo``: "realistic" has the real services' latencies and
#: rate limits, so the progress panel shows believable rates, queues and P95s; with the
#: cache-first plan a 25-track demo crate still finishes in seconds.
DEMO_PROFILE = "realistic"
DEMO_SEED = 1
DEMO_LASTFM_KEY = "djdesk-demo-lastfm-key"


@dataclass(frozen=True, slots=True)
class DemoLink:
    """One demo playlist the empty state offers to import."""

    service: str
    name: str
    size: int
    url: str


class DemoAccounts(KeyringAccounts):
    """Accounts in demo mode: the session-only store; "log in" is the sandbox's PKCE login."""

    def __init__(
        self, store: SecretStore, endpoints: dict[str, str], *, runtime: RuntimeGetter | None = None
    ) -> None:
        super().__init__(store, runtime=runtime)
        self.endpoints = endpoints

    async def spotify_login(self) -> None:
        await demo_login(self._store, self.endpoints)


async def demo_login(store: SecretStore, endpoints: dict[str, str]) -> None:
    """Log the demo user in to the simulated Spotify and set a demo Last.fm key (no prompt)."""
    from djdesk.core.clock import SystemClock
    from djdesk.core.providers.lastfm import KEY_NAME as LASTFM_KEY_NAME
    from djdesk.core.providers.spotify_auth import TOKEN_NAME, parse_token
    from djdesk.core.runtime import DEMO_CLIENT_ID
    from djdesk.sandbox import demo_login as sandbox_login

    data = await sandbox_login(endpoints, DEMO_CLIENT_ID)
    store.set(TOKEN_NAME, parse_token(data, SystemClock().time()).to_json())
    store.set(LASTFM_KEY_NAME, DEMO_LASTFM_KEY)


def demo_links(sandbox: Any) -> list[DemoLink]:
    """The sandbox's own demo playlists, smallest first (an empty list if it has none).

    Read straight from its catalog: the playlists are built once when the sandbox starts and
    never change after, so this read does not race the sandbox thread. (The admin path
    ``/_sandbox/playlists`` gives the same list over HTTP, for a sandbox in another process.)
    """
    catalog = getattr(getattr(sandbox, "sandbox", None), "catalog", None)
    if catalog is None:
        return []
    links = [
        DemoLink(p.service, p.name, p.size, p.url) for p in catalog.demo_playlists() if p.owned
    ]
    return sorted(links, key=lambda d: (d.size, d.service))


@dataclass
class Opened:
    """What ``open_services`` built; ``start()`` opens the engine, ``aclose()`` undoes it all.

    ``settings``: after ``start()`` in demo mode, the settings this process runs with (the
    sandbox's endpoints as process-only values), for the window to show and save.
    """

    services: Services
    engine: EngineServices
    cache: DeferredCacheBrowser
    demo: bool
    paths: Paths
    settings: Settings
    secrets: SecretStore
    profile: str = DEMO_PROFILE
    sandbox: Any = None
    runtime: Any = None
    demo_links: list[DemoLink] = field(default_factory=list)
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _own_sandbox: bool = False

    async def start(self) -> None:
        """Sandbox (demo), runtime, login; on failure the services raise a clear error."""
        try:
            settings = self.settings
            if self.demo:
                if self.sandbox is None:
                    sandbox_mod = await asyncio.to_thread(importlib.import_module, "djdesk.sandbox")
                    self.sandbox = sandbox_mod.SandboxThread(self.profile, DEMO_SEED)
                    self._own_sandbox = True
                endpoints = await asyncio.to_thread(self.sandbox.start)
                # Process-only endpoints: a later save writes the values they replaced, never
                # the sandbox's ephemeral ports. ``self.settings`` (what the window shows and
                # saves) keeps the file's demo flag; only the runtime is told it is a demo.
                self.settings = settings.with_process_endpoints(endpoints)
                settings = dataclasses.replace(self.settings, demo=True).validate()
                accounts = self.services.accounts
                if isinstance(accounts, DemoAccounts):
                    accounts.endpoints = endpoints
            # The core is imported here, after the window shows, in a worker thread: its
            # ~0.4 s of imports would otherwise hold the window back or freeze it.
            runtime_mod = await asyncio.to_thread(importlib.import_module, "djdesk.core.runtime")
            Runtime = runtime_mod.Runtime

            self.runtime = await self._stack.enter_async_context(
                Runtime.open(paths=self.paths, settings=settings, secrets=self.secrets)
            )
            if self.demo:
                await demo_login(self.secrets, settings.endpoints)
                self.demo_links = demo_links(self.sandbox)
        except Exception as exc:
            log.exception("the engine did not start")
            self.engine.fail(exc)
            self.cache.fail(exc)
            raise
        from djdesk.gui.cache_inspector.store_adapter import StoreCacheBrowser

        self.cache.attach(StoreCacheBrowser(self.runtime.cache))
        self.engine.attach(self.runtime)

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.engine.aclose()
        try:
            await self._stack.aclose()
        except Exception:
            log.exception("closing the runtime failed")
        self.runtime = None
        if self.sandbox is not None and self._own_sandbox:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.sandbox.stop)
        self.sandbox = None


def open_services(
    *,
    demo: bool,
    paths: Paths,
    settings: Settings,
    profile: str = DEMO_PROFILE,
    sandbox: Any = None,
) -> Opened:
    """The window's services, not yet started (no I/O here: the window shows first).

    ``sandbox``: a ``SandboxThread`` to use instead of starting one (tests and the benchmark
    share one); it is left running on close, since its owner stops it.
    """
    secrets = SecretStore()
    if demo:
        secrets.use_session_only()
    engine = EngineServices()
    cache = DeferredCacheBrowser()
    accounts = (
        DemoAccounts(secrets, {}, runtime=engine.runtime)
        if demo
        else KeyringAccounts(secrets, runtime=engine.runtime)
    )
    services = Services(library=engine, control=engine, cache=cache, accounts=accounts)
    return Opened(
        services=services,
        engine=engine,
        cache=cache,
        demo=demo,
        paths=paths,
        settings=settings,
        secrets=secrets,
        profile=profile,
        sandbox=sandbox,
    )
