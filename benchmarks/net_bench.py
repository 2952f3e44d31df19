"""Orchestrator benchmark: policy-transport overhead per call, and rate accuracy on a real loop.

Prints one JSON object (see /work/shared/BENCHMARKS.md); progress goes to stderr.

- ``overhead_us_per_call``: median over runs of (time through ``PolicyTransport`` minus time
  calling the same in-memory inner transport directly) / calls, with limits far above the load.
- ``rate_measured_over_configured``: 10 greedy callers through the transport on the real event
  loop and ``SystemClock`` for >= 5 s; grants counted against ``burst + rate * T``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time

import httpx

from djdesk.core.net.breaker import BreakerConfig
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.net.policy import ProviderPolicy


class _Canned(httpx.AsyncBaseTransport):
    """An inner transport that answers at once, so only the policy's own cost is measured."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b'{"ok":true}', request=request)


def _policy(rate: float, burst: int, concurrency: int) -> ProviderPolicy:
    return ProviderPolicy(
        "bench", rate=rate, burst=burst, concurrency=concurrency, breaker=BreakerConfig()
    )


async def _overhead(calls: int) -> tuple[float, float]:
    inner = _Canned()
    orch = Orchestrator({"bench": _policy(1e9, 10**9, 10**6)}, transport=inner)
    transport = orch.transport("bench")
    requests = [httpx.Request("GET", f"https://bench.test/{i}") for i in range(calls)]
    for r in requests[:200]:  # warm up
        await transport.handle_async_request(r)
        await inner.handle_async_request(r)
    start = time.perf_counter()
    for r in requests:
        await inner.handle_async_request(r)
    direct = time.perf_counter() - start
    start = time.perf_counter()
    for r in requests:
        response = await transport.handle_async_request(r)
        await response.aread()
    policed = time.perf_counter() - start
    await orch.aclose()
    return (policed - direct) / calls * 1e6, direct / calls * 1e6


async def _rate(rate: float, burst: int, seconds: float) -> float:
    orch = Orchestrator({"bench": _policy(rate, burst, 100)}, transport=_Canned())
    transport = orch.transport("bench")
    grants: list[float] = []
    t0 = time.monotonic()

    async def greedy(k: int) -> None:
        i = 0
        while True:
            i += 1
            await transport.handle_async_request(httpx.Request("GET", f"https://b.test/{k}/{i}"))
            grants.append(time.monotonic())

    tasks = [asyncio.create_task(greedy(k)) for k in range(10)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await orch.aclose()
    granted = sum(1 for t in grants if t - t0 <= seconds)
    return granted / (burst + rate * seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls, 5 s rate run")
    parser.add_argument("--full", action="store_true", help="more runs, 20 s rate run")
    args = parser.parse_args()
    calls = 5_000 if args.quick else 20_000
    runs = 3 if args.quick else (9 if args.full else 5)
    seconds = 5.0 if args.quick else (20.0 if args.full else 10.0)

    overheads: list[float] = []
    inner: list[float] = []
    for i in range(runs):
        extra, base = asyncio.run(_overhead(calls))
        overheads.append(extra)
        inner.append(base)
        print(f"run {i + 1}/{runs}: +{extra:.1f} us/call over {base:.1f}", file=sys.stderr)
    ratio = asyncio.run(_rate(50.0, 5, seconds))
    print(f"rate ratio over {seconds:.0f} s: {ratio:.4f}", file=sys.stderr)

    print(
        json.dumps(
            {
                "benchmark": "net",
                "python": platform.python_version(),
                "platform": f"{platform.system()}-{platform.machine()}",
                "cpus": os.cpu_count(),
                "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "metrics": [
                    {
                        "name": "overhead_us_per_call",
                        "value": round(statistics.median(overheads), 2),
                        "unit": "us",
                        "target": "< 50",
                        "runs": [round(x, 2) for x in overheads],
                        "inner_transport_us_per_call": round(statistics.median(inner), 2),
                        "load_average_1m": round(os.getloadavg()[0], 2),
                    },
                    {
                        "name": "rate_measured_over_configured",
                        "value": round(ratio, 4),
                        "unit": "ratio",
                        "target": "0.98-1.02",
                        "seconds": seconds,
                        "configured_rate": 50.0,
                    },
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
