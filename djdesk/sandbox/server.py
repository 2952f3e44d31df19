"""The sandbox server: one aiohttp app per provider on 127.0.0.1, each with the real path layout.

``Sandbox.start()`` returns the ``DJDESK_ENDPOINTS`` mapping. Every app shares one middleware
that counts the request, then applies the profile (latency, rate limit, injected or drawn fault)
before the provider's handler runs. ``/_sandbox/*`` admin paths skip all of that.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from djdesk.core.clock import Clock, SystemClock
from djdesk.sandbox import faults
from djdesk.sandbox.catalog import Catalog
from djdesk.sandbox.profiles import Profile, ProviderGate, get_profile
from djdesk.sandbox.responses import json_response

#: Provider name -> path prefix of its base URL (the real API's layout).
BASES: dict[str, str] = {
    "spotify": "/v1",
    "spotify_accounts": "",
    "deezer": "",
    "musicbrainz": "/ws/2",
    "lastfm": "/2.0",
    "reccobeats": "/v1",
}
DEMO_USER_TOKEN = "sandbox-demo-user-token"
#: Keys ``missing_fields`` may drop: optional in the contracts, so clients must cope.
OPTIONAL_KEYS = frozenset(
    {
        "isrc",
        "bpm",
        "gain",
        "release_date",
        "external_ids",
        "first-release-date",
        "disambiguation",
        "mbid",
        "toptags",
        "wiki",
        "tags",
        "isrcs",
        "contributors",
        "preview",
        "album",
        "images",
    }
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class SandboxContext:
    """What every route module reads: the catalog, the endpoints, auth state and settings."""

    catalog: Catalog
    profile: Profile
    seed: int
    clock: Clock
    demo_user_token: str
    rotate_refresh_tokens: bool
    endpoints: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # per-provider mutable state


class Sandbox:
    """The five provider APIs (six hosts) simulated on loopback from a seeded catalog."""

    def __init__(
        self,
        profile: str = "fast",
        seed: int = 1,
        *,
        demo_user_token: str = DEMO_USER_TOKEN,
        port_base: int | None = None,
        rotate_refresh_tokens: bool = False,
        clock: Clock | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.profile = get_profile(profile)
        self.seed = seed
        self.port_base = port_base
        self.ctx = SandboxContext(
            catalog=catalog or Catalog(seed),
            profile=self.profile,
            seed=seed,
            clock=clock or SystemClock(),
            demo_user_token=demo_user_token,
            rotate_refresh_tokens=rotate_refresh_tokens,
        )
        self.gates = {
            p: ProviderGate(
                p, self.profile, seed, self.ctx.clock, faults_known=faults.known_faults(p)
            )
            for p in BASES
        }
        self._counts: dict[str, Counter[str]] = {p: Counter() for p in BASES}
        self._runners: list[web.AppRunner] = []
        self._drop_rng = random.Random(f"{seed}:missing_fields")

    @property
    def catalog(self) -> Catalog:
        return self.ctx.catalog

    @property
    def endpoints(self) -> dict[str, str]:
        return dict(self.ctx.endpoints)

    def counters(self) -> dict[str, Any]:
        """Requests per provider and endpoint since start or the last reset."""
        per = {p: dict(sorted(c.items())) for p, c in self._counts.items()}
        return {
            "total": sum(sum(c.values()) for c in self._counts.values()),
            "providers": {
                p: {"total": sum(c.values()), "endpoints": per[p]} for p, c in self._counts.items()
            },
        }

    def reset(self) -> None:
        for c in self._counts.values():
            c.clear()
        for g in self.gates.values():
            g.reset()

    def inject(self, provider: str, fault: str, count: int = 1) -> None:
        if fault not in faults.known_faults(provider):
            raise ValueError(f"unknown fault {fault!r} for {provider}")
        self.gates[provider].inject(fault, count)

    async def start(self) -> dict[str, str]:
        if self._runners:
            return self.endpoints
        from djdesk.sandbox import (
            routes_accounts,
            routes_deezer,
            routes_lastfm,
            routes_musicbrainz,
            routes_reccobeats,
            routes_spotify,
        )

        setups = {
            "spotify": routes_spotify.setup,
            "spotify_accounts": routes_accounts.setup,
            "deezer": routes_deezer.setup,
            "musicbrainz": routes_musicbrainz.setup,
            "lastfm": routes_lastfm.setup,
            "reccobeats": routes_reccobeats.setup,
        }
        try:
            for i, (provider, setup) in enumerate(setups.items()):
                app = web.Application(middlewares=[self._middleware(provider)])
                self._add_admin(app, BASES[provider])
                setup(app, self.ctx)
                runner = web.AppRunner(
                    app, access_log=None, handle_signals=False, shutdown_timeout=0.5
                )
                await runner.setup()
                self._runners.append(runner)  # before binding: a failed bind is cleaned up too
                port = 0 if self.port_base is None else self.port_base + i
                site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True, backlog=1024)
                await site.start()
                bound = runner.addresses[0][1]
                self.ctx.endpoints[provider] = f"http://127.0.0.1:{bound}{BASES[provider]}"
        except BaseException:
            await self.stop()
            raise
        return self.endpoints

    async def stop(self) -> None:
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()
        self.ctx.endpoints.clear()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ plumbing
    def _add_admin(self, app: web.Application, prefix: str) -> None:
        async def get_counters(request: web.Request) -> web.Response:
            return json_response(self.counters())

        async def post_reset(request: web.Request) -> web.Response:
            self.reset()
            return json_response({"ok": True})

        async def post_inject(request: web.Request) -> web.Response:
            data = await request.json()
            try:
                self.inject(data["provider"], data["fault"], int(data.get("count", 1)))
            except (KeyError, ValueError) as exc:
                return json_response({"error": str(exc)}, 400)
            return json_response({"ok": True})

        async def get_playlists(request: web.Request) -> web.Response:
            # asdict: the records are slotted dataclasses (no ``__dict__``).
            return json_response([asdict(p) for p in self.catalog.demo_playlists()])

        for root in {"", prefix}:  # at the host root and under the API base path
            app.router.add_get(f"{root}/_sandbox/counters", get_counters)
            app.router.add_post(f"{root}/_sandbox/reset", post_reset)
            app.router.add_post(f"{root}/_sandbox/inject", post_inject)
            app.router.add_get(f"{root}/_sandbox/playlists", get_playlists)

    def _middleware(self, provider: str) -> Callable[..., Awaitable[web.StreamResponse]]:
        gate = self.gates[provider]
        counts = self._counts[provider]
        clock = self.ctx.clock
        timeout_s = self.profile.timeout_s

        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            if "/_sandbox/" in request.path:
                return await handler(request)
            counts[await _endpoint_label(provider, request)] += 1
            delay, fault = gate.decide()
            if delay:
                await clock.sleep(delay)
            if fault is not None and fault not in ("missing_fields", "slow_drip"):
                return await faults.respond_with_fault(
                    provider, fault, request, gate.retry_after(), timeout_s, clock.sleep
                )
            response = await handler(request)
            if fault == "missing_fields":
                response = self._drop_optional(response)
            elif fault == "slow_drip" and isinstance(response, web.Response):
                return await faults.drip(request, response, clock.sleep, timeout_s / 40)
            return response

        return middleware

    def _drop_optional(self, response: web.StreamResponse) -> web.StreamResponse:
        if not isinstance(response, web.Response) or response.content_type != "application/json":
            return response
        try:
            data = json.loads(response.body)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return response
        _drop_keys(data, self._drop_rng)
        return json_response(
            data,
            response.status,
            headers={k: v for k, v in response.headers.items() if k.lower() == "retry-after"},
        )


def _drop_keys(node: Any, rng: random.Random) -> None:
    if isinstance(node, dict):
        for key in [k for k in node if k in OPTIONAL_KEYS]:
            if rng.random() < 0.5:
                del node[key]
        for value in node.values():
            _drop_keys(value, rng)
    elif isinstance(node, list):
        for value in node:
            _drop_keys(value, rng)


async def _endpoint_label(provider: str, request: web.Request) -> str:
    if provider == "lastfm":
        method = request.query.get("method", "")
        if not method and request.method == "POST":
            method = str((await request.post()).get("method", ""))  # cached by aiohttp
        return f"{request.method} {method.lower() or request.path}"
    route = request.match_info.route
    resource = route.resource
    path = resource.canonical if resource is not None else request.path
    return f"{request.method} {path}"


async def serve_forever(sandbox: Sandbox, stop: asyncio.Event) -> None:
    """Start, wait for ``stop``, stop: the body of ``djdesk sandbox``."""
    await sandbox.start()
    try:
        await stop.wait()
    finally:
        await sandbox.stop()
