"""Singleflight: exact dedupe, errors to all, leader cancellation, no leaked keys."""

from __future__ import annotations

import asyncio

import pytest

from djdesk.core.net.singleflight import SingleFlight


async def test_s1_100_callers_one_fetch() -> None:
    group: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        await gate.wait()
        return "value"

    tasks = [asyncio.create_task(group.do("k", fetch)) for _ in range(100)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks)
    assert calls == 1
    assert {v for v, _ in results} == {"value"}
    assert sum(shared for _, shared in results) == 99 == group.coalesced
    assert len(group) == 0


async def test_s2_errors_reach_every_waiter_and_the_next_call_runs_again() -> None:
    group: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise ValueError("boom")

    tasks = [asyncio.create_task(group.do("k", fetch)) for _ in range(10)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, ValueError) and str(r) == "boom" for r in results)
    assert len(group) == 0
    with pytest.raises(ValueError):
        await group.do("k", fetch)
    assert calls == 2


async def test_s3_no_key_leaks_over_10k_keys_with_mixed_endings() -> None:
    group: SingleFlight[int] = SingleFlight()

    async def fetch(i: int) -> int:
        await asyncio.sleep(0)
        if i % 3 == 1:
            raise RuntimeError(i)
        return i

    tasks = [asyncio.create_task(group.do(i, lambda i=i: fetch(i))) for i in range(10_000)]
    await asyncio.sleep(0)
    for task in tasks[2::3]:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(0)
    assert len(group) == 0


async def test_s4_leader_cancel_does_not_poison_followers() -> None:
    group: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()
    runs = finished = 0

    async def fetch() -> str:
        nonlocal runs, finished
        runs += 1
        await gate.wait()
        finished += 1
        return "v"

    leader = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    followers = [asyncio.create_task(group.do("k", fetch)) for _ in range(99)]
    await asyncio.sleep(0)
    leader.cancel()
    for _ in range(3):
        await asyncio.sleep(0)
    assert runs == 2  # a follower took over before the answer came
    gate.set()
    results = await asyncio.gather(*followers)
    assert leader.cancelled()
    assert [v for v, _ in results] == ["v"] * 99  # all 99 still succeed
    # one follower took over and ran the fetch to completion; the other 98 shared it
    assert (runs, finished) == (2, 1)
    assert sum(shared for _, shared in results) == 98 == group.coalesced
    assert len(group) == 0


async def test_s4_all_cancel_cancels_the_fetch_within_one_iteration() -> None:
    group: SingleFlight[str] = SingleFlight()
    cancelled = asyncio.Event()

    async def fetch() -> str:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    tasks = [asyncio.create_task(group.do("k", fetch)) for _ in range(100)]
    await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert len(group) == 0
    await asyncio.sleep(0)
    assert cancelled.is_set()


async def test_s5_a_waiter_timing_out_leaves_the_work_running() -> None:
    group: SingleFlight[str] = SingleFlight()
    gate = asyncio.Event()

    async def fetch() -> str:
        await gate.wait()
        return "v"

    patient = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    impatient = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    impatient.cancel()
    await asyncio.gather(impatient, return_exceptions=True)
    gate.set()
    assert await patient == ("v", False)


async def test_s6_forget_starts_a_new_execution() -> None:
    group: SingleFlight[int] = SingleFlight()
    gates = [asyncio.Event(), asyncio.Event()]
    n = 0

    async def fetch() -> int:
        nonlocal n
        n += 1
        mine = n
        await gates[mine - 1].wait()
        return mine

    first = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    group.forget("k")
    second = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    third = asyncio.create_task(group.do("k", fetch))
    await asyncio.sleep(0)
    gates[1].set()
    assert await third == (2, True)
    assert await second == (2, False)
    gates[0].set()
    assert await first == (1, False)
    assert len(group) == 0
