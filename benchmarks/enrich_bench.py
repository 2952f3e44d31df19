"""Enrichment end to end on the sandbox: prints one JSON object in the BENCHMARKS.md format.

- ``cold_200_*``: a fresh library and cache enrich a 200-track demo playlist on the
  ``realistic`` profile (latency, the providers' published rate windows). Calls are the
  sandbox's OWN request counts (login excluded). ``cold_200_bound_s`` is the least time the
  providers' windows allow for those calls: for a limit of R requests per W seconds, N calls
  cannot finish before ``(ceil(N / R) - 1) * W``; the bound is the slowest provider's.
  ``cold_200_wall_*`` / ``*_bound_*`` are for the Spotify playlist (the Deezer one is reported as
  ``cold_200_deezer_*``); ``calls_per_track_{spotify,deezer}`` are per playlist service.
- ``warm_1000_*``: the 1000-track playlist enriched again with everything cached (filled on
  the ``fast`` profile, same seed, same catalog): provider calls, wall time (median of
  ``--repeat`` runs), cache hit rate. ``warm_1000_floor_s`` is what any warm run must do, timed
  in the same process after each run on a fresh runtime: read the playlist's library rows,
  read every cached answer in one ``get_many`` per namespace, publish one event per track;
  ``warm_1000_wall_over_floor`` is the median run over the median floor. Every run is wrapped
  in ``deferred_full_passes()`` like ``djdesk enrich`` (the process holds the sandboxes and
  several runs' heaps); the full collections inside each timed run go to ``details``.
- ``cold_1000_wall_over_bound`` (``--full`` only: several minutes at the real limits).

Rates are DJDesk's default settings: the benchmark measures the product as shipped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import gc
import json
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from djdesk.core.engine.enricher import JobResult
from djdesk.core.events import TrackEnriched
from djdesk.core.gc_deferral import deferred_full_passes
from djdesk.core.models import DEFAULT_ENDPOINTS
from djdesk.core.paths import default_paths
from djdesk.core.providers.lastfm import KEY_NAME
from djdesk.core.providers.spotify_auth import TOKEN_NAME, parse_token
from djdesk.core.runtime import Runtime
from djdesk.core.secrets import SecretStore
from djdesk.core.settings import Settings
from djdesk.sandbox import SandboxThread, demo_login
from djdesk.sandbox.profiles import REALISTIC_LIMITS


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def provider_counts(thread: SandboxThread) -> dict[str, int]:
    return {
        name: data["total"]
        for name, data in thread.counters()["providers"].items()
        if name != "spotify_accounts"
    }


def bound_s(calls: dict[str, int]) -> float:
    out = 0.0
    for provider, n in calls.items():
        limit = REALISTIC_LIMITS.get(provider)
        if limit is None or n <= 0:
            continue
        out = max(out, (math.ceil(n / limit.requests) - 1) * limit.window_s)
    return out


def demo_url(thread: SandboxThread, service: str, size: int) -> str:
    assert thread.sandbox is not None
    for demo in thread.sandbox.catalog.demo_playlists():
        if demo.service == service and demo.size == size and demo.owned:
            return demo.url
    raise LookupError((service, size))


class FullCollections:
    """Generation-2 garbage-collection passes (count, ms) while the block runs: the evidence
    of whether a time is the run's work or the collector walking the process's heap."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.ms.append(round((time.perf_counter() - self._start) * 1000, 1))

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


async def enrich_once(
    thread: SandboxThread,
    url: str,
    home: Path,
    rates: dict[str, float] | None = None,
    collections: FullCollections | None = None,
) -> tuple[JobResult, float, dict[str, int]]:
    paths = default_paths({"DJDESK_HOME": str(home)})
    settings = Settings(endpoints={**DEFAULT_ENDPOINTS, **thread.endpoints}, demo=True)
    if rates:
        settings = Settings(endpoints=settings.endpoints, demo=True, rates=rates)
    secrets = SecretStore()
    secrets.use_session_only()
    with deferred_full_passes() as policy:  # as `djdesk enrich` runs
        async with Runtime.open(paths=paths, settings=settings.validate(), secrets=secrets) as rt:
            tokens = parse_token(await demo_login(thread.endpoints), time.time())
            secrets.set(TOKEN_NAME, tokens.to_json())
            secrets.set(KEY_NAME, "benchmark-key")
            before = provider_counts(thread)
            with collections or FullCollections():
                start = time.perf_counter()
                result = await rt.engine.enrich(url)
                wall = time.perf_counter() - start
            after = provider_counts(thread)
            log(f"  young gc passes pending a full one: {policy.pending()}")
            for name, st in rt.orchestrator.snapshot().items():
                if st.calls:
                    log(
                        f"  {name}: calls {st.calls} retries {st.retries} rate_limited "
                        f"{st.rate_limited} failures {st.failures} p50 {st.latency_p50_ms:.0f} ms"
                    )
    calls = {p: after[p] - before.get(p, 0) for p in after}
    return result, wall, calls


async def floor_once(home: Path) -> float:
    """The least a warm run can do, timed on a fresh runtime (empty in-memory cache layer,
    like a run's): the library rows of every track, every cached answer read in one
    ``get_many`` per namespace, one ``TrackEnriched`` per track published. The keys are
    listed from the files before the clock starts."""
    paths = default_paths({"DJDESK_HOME": str(home)})
    with sqlite3.connect(paths.library_db) as db:
        track_ids = [int(r[0]) for r in db.execute("SELECT id FROM tracks")]
    keys: dict[str, list[str]] = {}
    with sqlite3.connect(paths.cache_db) as db:
        for ns, key in db.execute(
            "SELECT n.name, e.key FROM entries e JOIN namespaces n ON n.id = e.ns"
        ):
            keys.setdefault(ns, []).append(key)
    secrets = SecretStore()
    secrets.use_session_only()
    with deferred_full_passes():
        async with Runtime.open(paths=paths, settings=Settings(demo=True), secrets=secrets) as rt:
            seen: list[object] = []
            rt.events.subscribe(TrackEnriched, seen.append)
            start = time.perf_counter()
            rows = await rt.library.track_rows(track_ids)
            for ns, wanted in keys.items():
                await rt.cache.get_many(ns, wanted)
            for row in rows:
                rt.events.publish(TrackEnriched("floor", row.id, (), row.state))
            return time.perf_counter() - start


def metric(name: str, value: float, unit: str, target: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "value": round(value, 4), "unit": unit}
    if target:
        out["target"] = target
    return out


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    metrics: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, SandboxThread("realistic", args.seed) as real:
        root = Path(tmp)
        for service in ("spotify", "deezer"):
            url = demo_url(real, service, 200)
            result, wall, calls = await enrich_once(real, url, root / f"cold-{service}")
            bound = bound_s(calls)
            states = dict(result.stats.states)
            log(f"cold 200 {service}: {wall:.1f} s, bound {bound:.1f} s, calls {calls}, {states}")
            per_track = sum(calls.values()) / 200
            metrics.append(
                metric(
                    f"cold_200_calls_per_track_{service}",
                    per_track,
                    "calls",
                    "<= 2.2" if service == "spotify" else "<= 3.2",
                )
            )
            prefix = "cold_200" if service == "spotify" else "cold_200_deezer"
            metrics.append(metric(f"{prefix}_wall_s", wall, "s"))
            metrics.append(metric(f"{prefix}_bound_s", bound, "s"))
            metrics.append(
                metric(
                    f"{prefix}_wall_over_bound", wall / bound if bound else 0.0, "ratio", "<= 1.15"
                )
            )
            extra[f"cold_200_{service}"] = {"calls": calls, "states": states}

        if args.full:
            url = demo_url(real, "spotify", 1000)
            _, wall, calls = await enrich_once(real, url, root / "cold-1000")
            bound = bound_s(calls)
            log(f"cold 1000: {wall:.1f} s, bound {bound:.1f} s, calls {calls}")
            metrics.append(metric("cold_1000_wall_over_bound", wall / bound, "ratio", "<= 1.15"))

        warm_home = root / "warm-1000"
        with SandboxThread("fast", args.seed) as fast:
            fast_rates = dict.fromkeys(DEFAULT_ENDPOINTS, 200.0)
            await enrich_once(fast, demo_url(fast, "spotify", 1000), warm_home, fast_rates)
        url = demo_url(real, "spotify", 1000)
        walls: list[float] = []
        floors: list[float] = []
        full_gc_ms: list[list[float]] = []
        for _ in range(args.repeat):
            collections = FullCollections()
            result, wall, calls = await enrich_once(real, url, warm_home, None, collections)
            walls.append(wall)
            full_gc_ms.append(collections.ms)
            warm_calls = sum(calls.values())
            floors.append(await floor_once(warm_home))
        # The plan's view: every lookup a track's work starts with, answered by the cache or not.
        hits = sum(result.plan.cache_hits.values())
        misses = sum(result.plan.cache_misses.values())
        log(
            f"warm 1000: {[round(w, 3) for w in walls]}, floor {[round(f, 3) for f in floors]}, "
            f"full gc passes (ms) {full_gc_ms}, calls {warm_calls}, hits {hits}, misses {misses}"
        )
        wall, floor = statistics.median(walls), statistics.median(floors)
        metrics.append(metric("warm_1000_provider_calls", warm_calls, "calls", "== 0"))
        metrics.append(metric("warm_1000_wall_s", wall, "s", "<= 0.3"))
        metrics.append(metric("warm_1000_floor_s", floor, "s"))
        metrics.append(metric("warm_1000_wall_over_floor", wall / floor, "ratio"))
        metrics.append(
            metric("warm_1000_cache_hit_rate", hits / (hits + misses) if hits else 0.0, "ratio")
        )
        extra["warm_1000"] = {
            "walls_s": [round(w, 4) for w in walls],
            "floors_s": [round(f, 4) for f in floors],
            "full_gc_passes_ms": full_gc_ms,
        }
    return {"metrics": metrics, "details": extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also the cold 1000-track run")
    parser.add_argument("--quick", action="store_true", help="one warm repetition")
    parser.add_argument("--repeat", type=int, default=5, help="warm repetitions (median)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
    os.environ.pop("DJDESK_ENDPOINTS", None)
    body = asyncio.run(main_async(args))
    print(
        json.dumps(
            {
                "benchmark": "enrich",
                "python": platform.python_version(),
                "platform": f"{platform.system()}-{platform.machine()}",
                "cpus": os.cpu_count(),
                "when": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                **body,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
