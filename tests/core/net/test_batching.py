"""Micro-batching: one tick's loads become bulk calls of at most N keys, fanned back out."""

from __future__ import annotations

import asyncio

import pytest

from djdesk.core.net.batching import BatchLoader


async def test_m1_120_loads_become_three_batches_of_40() -> None:
    calls: list[list[int]] = []

    async def load_many(keys: list[int]) -> dict[int, str]:
        calls.append(keys)
        return {k: f"v{k}" for k in keys}

    loader = BatchLoader(load_many, max_batch=40)
    results = await asyncio.gather(*(loader.load(i) for i in range(120)))
    assert [len(c) for c in calls] == [40, 40, 40] == loader.batches
    assert results == [f"v{i}" for i in range(120)]


async def test_duplicates_share_a_slot_and_missing_keys_are_none() -> None:
    calls: list[list[str]] = []

    async def load_many(keys: list[str]) -> dict[str, int]:
        calls.append(keys)
        return {"a": 1, "c": 3}

    loader: BatchLoader[str, int] = BatchLoader(load_many, max_batch=2)
    results = await loader.load_all(["a", "b", "a", "a", "a", "b", "c"])
    assert calls == [["a", "b"], ["c"]]
    assert results == [1, None, 1, 1, 1, None, 3]


async def test_separate_ticks_make_separate_batches() -> None:
    calls: list[list[int]] = []

    async def load_many(keys: list[int]) -> dict[int, int]:
        calls.append(keys)
        return {k: k for k in keys}

    loader = BatchLoader(load_many)
    assert await loader.load(1) == 1
    assert await loader.load(2) == 2
    assert calls == [[1], [2]]


async def test_m4_an_error_reaches_every_waiter_of_that_batch_only() -> None:
    async def load_many(keys: list[int]) -> dict[int, int]:
        await asyncio.sleep(0)
        if 0 in keys:
            raise RuntimeError("503 after retries")
        return {k: k for k in keys}

    loader = BatchLoader(load_many, max_batch=2)
    results = await asyncio.gather(*(loader.load(i) for i in range(4)), return_exceptions=True)
    assert [type(r) for r in results[:2]] == [RuntimeError, RuntimeError]
    assert results[2:] == [2, 3]
    assert await loader.load(5) == 5  # errors are not memoized


async def test_m5_cancelling_one_caller_keeps_the_batch_for_others() -> None:
    gate = asyncio.Event()

    async def load_many(keys: list[int]) -> dict[int, int]:
        await gate.wait()
        return {k: k * 10 for k in keys}

    loader = BatchLoader(load_many)
    a = asyncio.create_task(loader.load(1))
    b = asyncio.create_task(loader.load(1))
    c = asyncio.create_task(loader.load(2))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    a.cancel()
    gate.set()
    assert await b == 10 and await c == 20
    assert a.cancelled()
    assert loader.batches == [2]


def test_max_batch_must_be_positive() -> None:
    async def load_many(keys: list[int]) -> dict[int, int]:
        return {}

    with pytest.raises(ValueError):
        BatchLoader(load_many, max_batch=0)
