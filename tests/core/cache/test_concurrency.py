"""Two processes (and two stores in one process) share one cache file without 'database is locked'.

Each writer process announces ``ready``, waits for ``go`` on stdin (no sleeps: the parent starts
them together through their pipes), then writes and reads its own keys while the other does
the same, and exits non-zero on any error.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
N = 400

WRITER = """
import asyncio, json, sys
from pathlib import Path
from djdesk.core.cache.store import CacheStore

async def main(path, name, n):
    store = await CacheStore.open(Path(path))
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    for i in range(n):
        await store.set("deezer.track", f"{name}-{i}", {"by": name, "i": i})
        if i % 50 == 0:
            await store.set_many(
                "deezer.search", {f"{name}-{i}-{j}": j for j in range(50)}
            )
            await store.get_many("deezer.track", [f"{name}-{k}" for k in range(i + 1)])
    await store.bump("lastfm")
    stats = await store.stats()
    await store.aclose()
    print(json.dumps({"ok": True, "entries": stats["deezer.track"].entries}), flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def test_two_processes_write_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(N)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("a", "b")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
        assert json.loads(out.strip().splitlines()[-1])["ok"]

    async def check() -> None:
        store = await CacheStore.open(path)  # the writers stamped real time
        try:
            for name in ("a", "b"):
                keys = [f"{name}-{i}" for i in range(N)]
                found = await store.get_many("deezer.track", keys)
                assert {k: e.value for k, e in found.items()} == {
                    f"{name}-{i}": {"by": name, "i": i} for i in range(N)
                }
            stats = await store.stats()
            assert stats["deezer.track"].entries == 2 * N
            assert stats["deezer.track"].writes == 2 * N
            assert stats["deezer.search"].entries == 2 * (N // 50) * 50
            assert stats["lastfm"].version == 2
        finally:
            await store.aclose()

    asyncio.run(check())


async def test_two_stores_in_one_process_interleave(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    clock = FakeClock()
    a = await CacheStore.open(path, clock=clock)
    b = await CacheStore.open(path, clock=clock)
    try:

        async def writer(store: CacheStore, name: str) -> None:
            for i in range(200):
                await store.set_many("spotify.track", {f"{name}{i}-{j}": j for j in range(5)})

        await asyncio.gather(writer(a, "a"), writer(b, "b"))
        assert (await a.stats())["spotify.track"].entries == 2000
        found = await b.get_many("spotify.track", [f"a{i}-0" for i in range(200)])
        assert len(found) == 200
    finally:
        await a.aclose()
        await b.aclose()


OPENER = """
import asyncio, sys
from pathlib import Path
from djdesk.core.cache.store import CacheStore

async def main(path, name):
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    store = await CacheStore.open(Path(path))
    assert store.recovered is None, store.recovered
    await store.set("spotify.user", name, {"name": name})
    await store.aclose()
    print("ok", flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_four_processes_create_the_same_new_file(tmp_path: Path) -> None:
    """Racing first opens (create, WAL switch, migration) must neither fail nor 'recover'."""
    path = tmp_path / "cache.sqlite3"
    names = ["p0", "p1", "p2", "p3"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(path), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in names
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err
    assert not [f for f in tmp_path.iterdir() if "corrupt" in f.name]

    async def check() -> None:
        async with await CacheStore.open(path) as store:
            found = await store.get_many("spotify.user", names)
            assert sorted(found) == names

    asyncio.run(check())
