"""HeldBatcher: batches wait for producers that said they will ask, never for a clock."""

from __future__ import annotations

import asyncio

from djdesk.core.engine.batcher import HeldBatcher


def make() -> tuple[HeldBatcher[str, str], list[list[str]]]:
    calls: list[list[str]] = []

    async def load_many(keys: list[str]) -> dict[str, str]:
        calls.append(list(keys))
        return {k: k.upper() for k in keys if k != "unknown"}

    return HeldBatcher(load_many, max_batch=3, max_wait=3600), calls


async def test_a_held_batch_waits_for_every_producer_then_goes_as_one_call() -> None:
    batcher, calls = make()
    batcher.hold()
    batcher.hold()
    first = asyncio.ensure_future(batcher.load("a"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert calls == []  # someone still holds: no one-id call
    second = asyncio.ensure_future(batcher.load("b", release=True))
    third = asyncio.ensure_future(batcher.load("unknown", release=True))
    assert await asyncio.gather(first, second, third) == ["A", "B", None]
    assert calls == [["a", "b", "unknown"]]


async def test_full_batches_go_at_once_and_duplicates_share_a_slot() -> None:
    batcher, calls = make()
    batcher.hold()
    results = await asyncio.gather(*(batcher.load(k) for k in ["a", "b", "a", "c"]))
    assert results == ["A", "B", "A", "C"]
    assert calls == [["a", "b", "c"]]


async def test_without_holds_one_loop_tick_makes_one_batch() -> None:
    batcher, calls = make()
    assert await asyncio.gather(batcher.load("x"), batcher.load("y")) == ["X", "Y"]
    assert calls == [["x", "y"]]
    batcher.hold()
    batcher.release()
    await batcher.aclose()
