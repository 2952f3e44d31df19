"""Enrichment end to end on the sandbox: prints one JSON object in the BENCHMARKS.md format.

- ``cold_200_*``: a fresh library and cache enrich a 200-track demo playlist on the
  ``realistic`` profile (latency, the providers' published rate windows). Calls are the
  sandbox's OWN request counts (login excluded). ``cold_200_bound_s`` is the least time the
  providers' windows allow for those calls: for a limit of R requests per W seconds, N calls
  cannot finish before ``(ceil(N / R) - 1) * W``; the bound is the slowest provider's.
  ``cold_200_wall_*`` / ``*_bound_*`` are for the Spotify playlist (the Deezer one is reported as
  ``cold_200_deezer_*``); ``calls_per_track_{spotify,deezer}`` are per playlist service.
- ``warm_1000_*``: the 1000-track playlist enriched again with everything cached (filled on
  the ``fast`` profile, same seed, same catalog): provider calls, wall time, cache hit rate.
- ``cold_1000_wall_over_bound`` (``--full`` only: several minutes at the real limits).

Rates are DJDesk's default settings: the benchmark measures the product as shipped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from djdesk.core.engine.enricher import JobResult
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


async def enrich_once(
    thread: SandboxThread, url: str, home: Path, rates: dict[str, float] | None = None
) -> tuple[JobResult, float, dict[str, int]]:
    paths = default_paths({"DJDESK_HOME": str(home)})
    settings = Settings(endpoints={**DEFAULT_ENDPOINTS, **thread.endpoints}, demo=True)
    if rates:
        settings = Settings(endpoints=settings.endpoints, demo=True, rates=rates)
    secrets = SecretStore()
    secrets.use_session_only()
    async with Runtime.open(paths=paths, settings=settings.validate(), secrets=secrets) as rt:
        tokens = parse_token(await demo_login(thread.endpoints), time.time())
        secrets.set(TOKEN_NAME, tokens.to_json())
        secrets.set(KEY_NAME, "benchmark-key")
        before = provider_counts(thread)
        start = time.perf_counter()
        result = await rt.engine.enrich(url)
        wall = time.perf_counter() - start
        after = provider_counts(thread)
        for name, st in rt.orchestrator.snapshot().items():
            if st.calls:
                log(
                    f"  {name}: calls {st.calls} retries {st.retries} rate_limited "
                    f"{st.rate_limited} failures {st.failures} p50 {st.latency_p50_ms:.0f} ms"
                )
    calls = {p: after[p] - before.get(p, 0) for p in after}
    return result, wall, calls


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
        for _ in range(args.repeat):
            result, wall, calls = await enrich_once(real, url, warm_home)
            walls.append(wall)
            warm_calls = sum(calls.values())
        # The plan's view: every lookup a track's work starts with, answered by the cache or not.
        hits = sum(result.plan.cache_hits.values())
        misses = sum(result.plan.cache_misses.values())
        log(f"warm 1000: {walls}, calls {warm_calls}, hits {hits}, misses {misses}")
        metrics.append(metric("warm_1000_provider_calls", warm_calls, "calls", "== 0"))
        metrics.append(metric("warm_1000_wall_s", statistics.median(walls), "s", "<= 0.3"))
        metrics.append(
            metric("warm_1000_cache_hit_rate", hits / (hits + misses) if hits else 0.0, "ratio")
        )
    return {"metrics": metrics, "details": extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also the cold 1000-track run")
    parser.add_argument("--quick", action="store_true", help="one warm repetition")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.repeat = 1 if args.quick else 3
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
