"""A run works a bounded number of tracks at once, and ReccoBeats' batches stay full.

A run that started every track at once kept ~20 coroutines alive per track: a 1,000-track run
held ~250,000 objects that every full garbage collection walked, stalling the GUI's loop.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator

import pytest

from djdesk.core.engine import run as run_mod
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime


@pytest.fixture
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


def reccobeats_calls(sandbox: SandboxThread) -> dict[str, int]:
    return dict(sandbox.counters()["providers"].get("reccobeats", {}).get("endpoints", {}))


async def test_a_run_works_at_most_in_flight_tracks_and_keeps_batches_full(
    sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = 50
    monkeypatch.setattr(run_mod, "IN_FLIGHT", window)
    working = [0, 0]  # now, most
    track = run_mod.Run._track

    async def counted(self: run_mod.Run, *args: object) -> None:
        working[0] += 1
        working[1] = max(working[1], working[0])
        try:
            await track(self, *args)  # type: ignore[arg-type]
        finally:
            working[0] -= 1

    monkeypatch.setattr(run_mod.Run, "_track", counted)
    url = demo_url(catalog_of(sandbox), "spotify", 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        await rt.engine.import_only(url)
        before = reccobeats_calls(sandbox)
        result = await rt.engine.enrich(url)
        after = reccobeats_calls(sandbox)
    assert result.state == "done" and result.stats.done == result.stats.total > window
    assert working == [0, window]
    calls = {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}
    assert sum(calls.values()) <= math.ceil(result.stats.total / 40) + 1, calls


async def test_a_second_cancel_while_saving_leaves_no_task_behind(
    sandbox: SandboxThread,
) -> None:
    url = demo_url(catalog_of(sandbox), "spotify", 25)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        saving = asyncio.Event()
        record = rt.library.record_units

        async def stuck(*args: object, **kwargs: object) -> None:
            saving.set()
            await asyncio.Event().wait()  # a save that never ends
            await record(*args, **kwargs)  # type: ignore[arg-type]

        rt.library.record_units = stuck  # type: ignore[method-assign]
        task = asyncio.ensure_future(rt.engine.enrich(url))
        await saving.wait()
        task.cancel()  # the run stops its tracks, then waits for the save
        for _ in range(50):
            await asyncio.sleep(0)
        task.cancel()  # and is told again
        with pytest.raises(asyncio.CancelledError):
            await task
        writers = [t for t in asyncio.all_tasks() if "Run._writer" in repr(t.get_coro())]
        assert writers == []
