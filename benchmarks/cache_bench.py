"""Cache throughput and size: prints one JSON object in the BENCHMARKS.md format.

Measures the async ``CacheStore`` end to end (event loop -> cache thread -> L1/SQLite -> back):
- ``get_many_10k_keys_per_s``: warm ``get_many`` of 10,000 keys (the L1 holds them);
- ``get_many_100k_keys_per_s``: 100,000 keys, more than the default L1, so most come from the
  one batched SQL query;
- ``set_many_10k_keys_per_s``: 10,000 new entries in one transaction;
- ``db_bytes_per_entry``: file bytes (after checkpoint) per entry for ~300-byte JSON values.
Times are medians of several runs. ``raw_select_*`` is a plain sqlite3 batched SELECT +
``json.loads`` of the same keys on the same file in the same run: the baseline the L1 has to
beat (10k) and the floor the full store path is compared with (100k).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from djdesk.core.cache.store import CacheStore


def record(i: int) -> dict[str, Any]:
    """About 300 bytes of JSON, the size of a trimmed provider answer."""
    return {
        "id": 3135556 + i,
        "title": f"Harder, Better, Faster, Stronger {i}",
        "isrc": f"GBDUW00000{i:02d}",
        "artist": {"id": 27, "name": "Daft Punk"},
        "album": {"id": 302127, "title": "Discovery"},
        "bpm": 123.4,
        "gain": -6.2,
        "duration": 224,
        "release_date": "2001-03-07",
        "explicit_lyrics": False,
        "contributors": ["Daft Punk"],
    }


async def timed(fn: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def bench(folder: Path, runs: int) -> list[dict[str, Any]]:
    path = folder / "cache.sqlite3"
    store = await CacheStore.open(path)
    keys10 = [str(i) for i in range(10_000)]
    keys100 = [str(i) for i in range(100_000)]
    ns = "deezer.track"

    counter = iter(range(10**9))

    async def set10() -> None:
        batch = next(counter)
        await store.set_many("deezer.search", {f"{batch}-{k}": record(int(k)) for k in keys10})

    set_s = await timed(set10, runs)
    for start in range(0, 100_000, 10_000):
        await store.set_many(ns, {k: record(int(k)) for k in keys100[start : start + 10_000]})
    await store.get_many(ns, keys10)  # warm the L1 with these keys

    async def get10() -> None:
        found = await store.get_many(ns, keys10)
        assert len(found) == 10_000

    get10_s = await timed(get10, runs)

    async def get100() -> None:
        found = await store.get_many(ns, keys100)
        assert len(found) == 100_000

    get100_s = await timed(get100, max(3, runs // 2))
    await store.purge("deezer.search")
    await store.aclose()  # flushes and checkpoints the WAL

    conn = sqlite3.connect(path)
    entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    ns_id = conn.execute("SELECT id FROM namespaces WHERE name = ?", (ns,)).fetchone()[0]
    sql = "SELECT key, value FROM entries WHERE ns = ? AND key IN (SELECT value FROM json_each(?))"

    def raw_select(keys: list[str]) -> float:
        start = time.perf_counter()
        rows = conn.execute(sql, (ns_id, json.dumps(keys))).fetchall()
        assert len({k: json.loads(v) for k, v in rows}) == len(keys)
        return time.perf_counter() - start

    raw10_s = statistics.median(raw_select(keys10) for _ in range(runs))
    raw100_s = statistics.median(raw_select(keys100) for _ in range(max(3, runs // 2)))
    conn.close()
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    size = path.stat().st_size
    value_bytes = len(json.dumps(record(50_000), separators=(",", ":")))
    return [
        metric("get_many_10k_keys_per_s", 10_000 / get10_s, "keys/s", ">= 200000"),
        metric("get_many_100k_keys_per_s", 100_000 / get100_s, "keys/s", None),
        metric("set_many_10k_keys_per_s", 10_000 / set_s, "keys/s", None),
        metric("db_bytes_per_entry", size / entries, "bytes", None),
        metric("value_bytes_per_entry", value_bytes, "bytes", None),
        metric("raw_select_10k_keys_per_s", 10_000 / raw10_s, "keys/s", None),
        metric("get_many_10k_speedup_over_raw_select", raw10_s / get10_s, "ratio", "> 1"),
        metric("raw_select_100k_keys_per_s", 100_000 / raw100_s, "keys/s", None),
        metric("get_many_100k_over_raw_select_time", get100_s / raw100_s, "ratio", None),
    ]


def metric(name: str, value: float, unit: str, target: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "value": round(value, 1), "unit": unit}
    if target:
        out["target"] = target
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--full", action="store_true", help="more runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 15 if args.full else 7
    with tempfile.TemporaryDirectory() as tmp:
        metrics = asyncio.run(bench(Path(tmp), runs))
    print(
        json.dumps(
            {
                "benchmark": "cache",
                "python": platform.python_version(),
                "platform": f"{platform.system()}-{platform.machine()}",
                "cpus": os.cpu_count(),
                "when": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "sqlite": sqlite3.sqlite_version,
                "runs": runs,
                "metrics": metrics,
            },
            indent=2,
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
