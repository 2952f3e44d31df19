"""The one composition root: ``async with Runtime.open() as rt`` wires the whole core.

CLI and GUI are thin front ends over a ``Runtime``; nothing below it knows a front end exists.
It builds, in order: paths, settings, secrets, the cache, the library, the orchestrator (one
policy per provider from ``settings.rates`` and the providers' classifiers), the provider
clients (base URLs from ``settings.endpoints``) and the engine; on exit it closes them in the
reverse order, each in its own ``finally`` so one failure never leaks the rest.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx

from djdesk.core import settings as settings_mod
from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import Clock, SystemClock
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.enricher import Engine
from djdesk.core.events import EventBus
from djdesk.core.library import Library
from djdesk.core.models import PROVIDERS
from djdesk.core.net.hedge import HedgePolicy
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.policy import DEFAULT_POLICIES, ProviderPolicy
from djdesk.core.paths import Paths, default_paths
from djdesk.core.providers import CLASSIFIERS
from djdesk.core.providers.deezer import DeezerClient
from djdesk.core.providers.lastfm import LastfmClient
from djdesk.core.providers.musicbrainz import MusicBrainzClient
from djdesk.core.providers.reccobeats import ReccoBeatsClient
from djdesk.core.providers.spotify import SpotifyClient
from djdesk.core.providers.spotify_auth import SpotifyAuth
from djdesk.core.secrets import SecretStore

#: The client id the sandbox's simulated Spotify accepts when no real one is configured.
DEMO_CLIENT_ID = "djdesk-demo-client"


#: Published or observed windows (apis.md "limit we plan for"): R requests per W seconds.
#: Spotify's rolling window is undisclosed: its 429s (with ``Retry-After``) are handled by the
#: orchestrator's adaptive rate. ReccoBeats' limit is unpublished too, but its answers are slow
#: and its 429s common; the adaptive rate only ever lowers a rate (a halving per 429, a tenth
#: back per quiet 10 s), so starting above the real limit costs far more than starting a little
#: under it: we plan for 30 per 10 s (the sandbox's realistic profile uses the same guess).
KNOWN_WINDOWS: dict[str, tuple[int, float]] = {
    "deezer": (50, 5.0),
    "lastfm": (5, 1.0),
    "musicbrainz": (1, 1.0),
    "reccobeats": (30, 10.0),
}


log = logging.getLogger(__name__)

#: Answers this slow are common enough (tails of seconds) to size the slots for them.
SLOW_ANSWER_S = 2.0
#: Providers whose tail is longer (ReccoBeats: "slow at times, tens of seconds"): with too few
#: slots, sends queue behind slow answers and then leave together, a burst that trips the limit.
SLOW_ANSWERS_S = {"reccobeats": 8.0}
#: Planned bucket rates stay this far under a known window: sends delayed by the loop arrive
#: bunched up, and at exactly R / W one late request is enough for an R+1st in some window.
WINDOW_MARGIN = 0.95
#: Providers limited by their window itself (``ProviderPolicy.window``, a sliding log that lets
#: a whole window go at once) rather than a bucket paced under it. ReccoBeats is the slowest
#: provider of a Deezer-sourced run (a search per track at 30 per 10 s), so the run's wall time
#: is its window's; paced at 95 % of R / W with a burst of one, 206 calls took 72 s where the
#: window allows 60. The others stay buckets: Deezer has headroom in every run (windowed, the
#: realistic bench gained nothing and its first burst saw 0.1 s arrival delays); Last.fm and
#: MusicBrainz count one second, where a burst gains under a second per run and the slack a
#: burst needs against arrival jitter would cost more than that.
WINDOWED = frozenset({"reccobeats"})
#: A window we limit by is planned this much longer than published: our send time is not the
#: server's arrival time (calls wait for connections and in the server's queue: 30-60 ms at
#: p99 on the realistic sandbox once the first call is back), so a call sent at the start of
#: one window and one sent at the start of the next must be over W apart by its clock too.
WINDOW_SLACK = 0.025
#: A free window still leaves as a quick run, not in one loop turn: at least this fraction of
#: the average interval ``W / R`` between two calls (ReccoBeats: 30 calls over 1 s, not 0 s;
#: a burst of 25 in one turn delayed the realistic sandbox's Last.fm answers by 0.4 s).
WINDOW_SPACING = 0.1
#: A bucket paced under a known window climbs back after this many quiet windows, not the net
#: default's 10 s: planned at 95 % of R / W, a lone 429 there is arrival jitter (two sends
#: 50 ms closer at the server than at us), not a lower limit, and the default's five 10 s steps
#: from half rate cost a Last.fm-bound run ~15 s for one 429 (4 of 10 realistic bench runs).
RECOVERY_WINDOWS = 3

#: Providers whose late answers get one duplicate (``net.hedge``: after the larger of 1 s and
#: their recent p95, only with a window grant free now and one to spare, at most 10 % of recent
#: calls). ReccoBeats alone: its tail is long ("tens of seconds", apis.md; the realistic
#: sandbox's 5 % up to 8 s) and a Deezer-sourced run ends on its last window's slowest answer
#: (one 8 s search held the run 7 s past its other calls). Deezer and Last.fm finish well before
#: ReccoBeats in every run (22 s and 43 s of a 71 s run), so a duplicate there buys no wall time
#: and costs calls per track; MusicBrainz's 1 per second has no grant to spare; Spotify's
#: window is undisclosed and answers 429 with long Retry-Afters.
HEDGED: dict[str, HedgePolicy] = {"reccobeats": HedgePolicy(after_s=1.0, percentile=95.0)}


def planned_window(requests: int, seconds: float) -> tuple[int, float]:
    """The sliding window we limit by for a provider's published ``requests`` per ``seconds``."""
    return requests, seconds * (1.0 + WINDOW_SLACK)


def build_policies(settings: settings_mod.Settings) -> dict[str, ProviderPolicy]:
    """One policy per provider: the net defaults, the user's rate, the provider's classifier.

    Where a provider's window is known its first call goes alone (``first_alone``). A default
    rate is a guess at the limit, so where the window is known we plan by it: the ``WINDOWED``
    providers are limited by the window itself (N calls in about ``(ceil(N / R) - 1) * W``),
    the others by a token bucket at 95 % of ``R / W``. A token bucket lets ``burst + rate * W``
    requests into any window W, so its burst is sized so that sum stays under R (one request of
    margin). A rate the user set is kept: under ``R / W`` (capped at 95 % of it) with the burst
    sized; above it as is (only a user pointing at a mirror, a raised quota or the fast sandbox
    sets one, and capping it made ``[rates]`` do nothing).
    """
    policies: dict[str, ProviderPolicy] = {}
    for name in PROVIDERS:
        base = DEFAULT_POLICIES[name]
        rate = float(settings.rates.get(name, base.rate))
        burst = max(1, min(base.burst, int(rate)))
        known = KNOWN_WINDOWS.get(name)
        default = rate == settings_mod.DEFAULT_RATES.get(name)
        window: tuple[int, float] | None = None
        spacing = 0.0
        slots = 0
        recovery_after = base.recovery_after
        if known is not None and default and name in WINDOWED:
            window = planned_window(*known)
            rate, burst = window[0] / window[1], window[0]
            spacing = WINDOW_SPACING * window[1] / window[0]
            # A whole window leaves at once: each call needs its slot then, or the ones queued
            # behind slow answers leave later, bunched with the next window's.
            slots = window[0]
        elif known is not None and (rate <= known[0] / known[1] or default):
            requests, seconds = known
            planned = WINDOW_MARGIN * requests / seconds
            rate = planned if default else min(rate, planned)
            burst = max(1, min(burst, int(requests - rate * seconds) - 1))
            recovery_after = min(recovery_after, RECOVERY_WINDOWS * seconds)
        elif known is not None:
            # Above the published window on purpose (a mirror, a raised quota, the fast
            # sandbox): the user's number wins; the adaptive rate still backs off on a 429.
            log.info("rate for %s (%.1f/s) is above its published limit", name, rate)
        # Enough slots that slow answers never hold sends back: tokens are taken before slots,
        # so requests queued behind a full set of slots would go out together, as a burst.
        slow = SLOW_ANSWERS_S.get(name, SLOW_ANSWER_S)
        concurrency = max(base.concurrency, math.ceil(rate * slow), slots)
        policies[name] = dataclasses.replace(
            base,
            rate=rate,
            burst=burst,
            concurrency=concurrency,
            classify=CLASSIFIERS.get(name),
            window=window,
            window_spacing=spacing,
            first_alone=known is not None,
            hedge=HEDGED.get(name),
            recovery_after=recovery_after,
        )
    return policies


def planned_rates(settings: settings_mod.Settings) -> dict[str, float]:
    """Requests per second the orchestrator plans per provider with ``settings``.

    For front ends that show rates (the settings dialog, ``djdesk config``): a default rate is
    planned from the provider's window (95 % of it, or the window itself), so the number a user
    sees must come from the same planning the runtime uses, not from ``Settings.rates``.
    """
    return {name: policy.rate for name, policy in build_policies(settings).items()}


@dataclass
class Runtime:
    """Narrow accessors for the front ends: take what you need, never pass the whole runtime."""

    paths: Paths
    settings: settings_mod.Settings
    events: EventBus
    secrets: SecretStore
    clock: Clock
    cache: CacheStore
    library: Library
    orchestrator: Orchestrator
    clients: Clients
    engine: Engine

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        *,
        paths: Paths | None = None,
        settings: settings_mod.Settings | None = None,
        secrets: SecretStore | None = None,
        clock: Clock | None = None,
        events: EventBus | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_timeout: float = 30.0,
    ) -> AsyncIterator[Runtime]:
        """Build everything; ``transport`` replaces the innermost HTTP transport (tests)."""
        paths = (paths or default_paths()).ensure()
        settings = settings or settings_mod.load(paths.settings_file)
        secrets = secrets or SecretStore()
        clock = clock or SystemClock()
        events = events or EventBus()
        async with AsyncExitStack() as stack:
            cache = await CacheStore.open(paths.cache_db, clock=clock, ttl_overrides=settings.ttl)
            stack.push_async_callback(cache.aclose)
            library = await Library.open(paths.library_db, clock=clock)
            stack.push_async_callback(library.aclose)
            orchestrator = Orchestrator(
                build_policies(settings), clock=clock, events=events, transport=transport
            )
            stack.push_async_callback(orchestrator.aclose)
            clients = _clients(settings, secrets, orchestrator, clock, http_timeout)
            stack.push_async_callback(clients.aclose)
            engine = Engine(
                cache=cache,
                library=library,
                orchestrator=orchestrator,
                clients=clients,
                events=events,
                clock=clock,
                settings=settings,
            )
            stack.push_async_callback(engine.aclose)
            yield cls(
                paths=paths,
                settings=settings,
                events=events,
                secrets=secrets,
                clock=clock,
                cache=cache,
                library=library,
                orchestrator=orchestrator,
                clients=clients,
                engine=engine,
            )


def _clients(
    settings: settings_mod.Settings,
    secrets: SecretStore,
    orch: Orchestrator,
    clock: Clock,
    timeout: float,
) -> Clients:
    ep = settings.endpoints
    https = {
        name: orch.client(name, ep[name], timeout=timeout)
        for name in ("spotify_accounts", "spotify", "deezer", "musicbrainz", "lastfm", "reccobeats")
    }
    client_id = settings.spotify_client_id or (DEMO_CLIENT_ID if settings.demo else "")
    auth = SpotifyAuth(https["spotify_accounts"], secrets, client_id, clock=clock)
    return Clients(
        spotify=SpotifyClient(https["spotify"], auth, clock=clock),
        spotify_auth=auth,
        deezer=DeezerClient(https["deezer"], clock=clock),
        musicbrainz=MusicBrainzClient(https["musicbrainz"], clock=clock),
        lastfm=LastfmClient(https["lastfm"], secrets, clock=clock),
        reccobeats=ReccoBeatsClient(https["reccobeats"], clock=clock),
        https=list(https.values()),
    )
