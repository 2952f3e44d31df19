"""Cache-first access to provider answers: plan memory, then the cache file, then one call.

Every answer the engine needs goes through ``Fetcher.get``: the plan's batched ``get_many``
fills an in-memory view first (so a warm run never waits on the cache thread per track), a
miss is fetched once even when many tracks ask at the same moment (singleflight on the cache
key; the transport coalesces identical requests too), and the answer is written to the cache at
once, "not found" as a negative entry. When a provider fails and an expired entry exists, the
stale value is served (stale-if-error). A long ``Retry-After`` pauses only this provider's work:
the caller waits (up to ``max_pause_s``) or gets the ``RateLimitedError`` to record as reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import Clock
from djdesk.core.engine.cachekeys import provider_of
from djdesk.core.errors import DJDeskError, RateLimitedError
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.singleflight import SingleFlight

log = logging.getLogger(__name__)

#: Wait through a provider pause up to this long; longer pauses end the provider's work for the
#: run (the job says until when, and ``--resume`` picks the work up).
DEFAULT_MAX_PAUSE_S = 90.0


@dataclass(frozen=True, slots=True)
class Known:
    """What the fetcher knows about one key without calling: a value, or a negative."""

    value: Any
    negative: bool


PauseListener = Callable[[str, dt.datetime], None]


class Fetcher:
    """One per run. ``refresh`` ignores cached answers (but still writes the new ones)."""

    def __init__(
        self,
        cache: CacheStore,
        orchestrator: Orchestrator,
        clock: Clock,
        *,
        refresh: bool = False,
        max_pause_s: float = DEFAULT_MAX_PAUSE_S,
        on_pause: PauseListener | None = None,
    ) -> None:
        self._cache = cache
        self._orch = orchestrator
        self._clock = clock
        self._refresh = refresh
        self._max_pause_s = max_pause_s
        self.on_pause = on_pause
        self._memory: dict[tuple[str, str], Known | None] = {}
        self._flights: SingleFlight[Any] = SingleFlight()
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.stale: Counter[str] = Counter()

    # -- the plan's view ---------------------------------------------------------------------

    async def prefetch(self, namespace: str, keys: Iterable[str]) -> dict[str, Known]:
        """Look ``keys`` up in one batch; remembers hits and misses for the rest of the run."""
        wanted = [k for k in dict.fromkeys(keys) if (namespace, k) not in self._memory]
        if wanted and not self._refresh:
            found = await self._cache.get_many(namespace, wanted)
        else:
            found = {}
        for key in wanted:
            entry = found.get(key)
            self._memory[(namespace, key)] = (
                None if entry is None else Known(entry.value, entry.negative)
            )
        return {k: known for k in keys if (known := self._memory.get((namespace, k))) is not None}

    def known(self, namespace: str, key: str) -> Known | None:
        """What memory holds for the key (after ``prefetch``); None when unknown or a miss."""
        return self._memory.get((namespace, key))

    def remember(self, namespace: str, key: str, value: Any, *, negative: bool = False) -> None:
        self._memory[(namespace, key)] = Known(value, negative)

    # -- reads -------------------------------------------------------------------------------

    async def get(
        self,
        namespace: str,
        key: str,
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl: float | None = None,
        negative_ttl: float | None = None,
    ) -> Any:
        """The cached or fetched value; None for a (cached) "not found".

        ``fetch`` returns a JSON-able value, or None for "not found".
        """
        provider = provider_of(namespace)
        mem_key = (namespace, key)
        if mem_key in self._memory:
            known = self._memory[mem_key]
        elif self._refresh:
            known = None
        else:
            entry = await self._cache.get(namespace, key)
            known = None if entry is None else Known(entry.value, entry.negative)
            self._memory[mem_key] = known
        if known is not None:
            self.hits[provider] += 1
            self._orch.record_cache_hits(provider)
            return None if known.negative else known.value
        value, _shared = await self._flights.do(
            mem_key, lambda: self._fetch(namespace, key, fetch, ttl, negative_ttl)
        )
        return value

    async def _fetch(
        self,
        namespace: str,
        key: str,
        fetch: Callable[[], Awaitable[Any]],
        ttl: float | None,
        negative_ttl: float | None,
    ) -> Any:
        provider = provider_of(namespace)
        self.misses[provider] += 1
        try:
            value = await self.call(provider, fetch)
        except DJDeskError:
            entry = await self._cache.get(namespace, key, allow_stale=True)
            if entry is None:
                raise
            self.stale[provider] += 1
            log.info("serving stale %s:%s after a %s failure", namespace, key, provider)
            return None if entry.negative else entry.value
        await self.store(namespace, {key: value}, ttl=ttl, negative_ttl=negative_ttl)
        return value

    async def call(self, provider: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``fetch``; through a provider pause it waits (short) or re-raises (long)."""
        while True:
            try:
                self.calls[provider] += 1
                return await fetch()
            except RateLimitedError as exc:
                wait = exc.until.timestamp() - self._clock.time()
                if self.on_pause is not None:
                    self.on_pause(provider, exc.until)
                if wait > self._max_pause_s:
                    raise
                await self._clock.sleep(max(wait, 0.05))

    # -- writes ------------------------------------------------------------------------------

    async def store(
        self,
        namespace: str,
        items: Mapping[str, Any],
        *,
        ttl: float | None = None,
        negative_ttl: float | None = None,
    ) -> None:
        """Write answers at once: values under their TTL, None as negative entries."""
        positive = {k: v for k, v in items.items() if v is not None}
        negative = [k for k, v in items.items() if v is None]
        for key, value in positive.items():
            self._memory[(namespace, key)] = Known(value, False)
        for key in negative:
            self._memory[(namespace, key)] = Known(None, True)
        try:
            if positive:
                await self._cache.set_many(namespace, positive, ttl=ttl)
            if negative:
                await self._cache.set_many(
                    namespace, dict.fromkeys(negative), negative=True, ttl=negative_ttl
                )
        except asyncio.CancelledError:
            raise
        except DJDeskError as exc:  # a cache write failing must not lose the answer in hand
            log.warning("could not cache %s answers: %s", namespace, exc.message)
