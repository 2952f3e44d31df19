"""DbThread: own thread, a cancelled open closes what it made, calls after close fail typed."""

from __future__ import annotations

import asyncio
import threading

import pytest

from djdesk.core.dbthread import DbThread
from djdesk.core.errors import StorageError


class Resource:
    def __init__(self) -> None:
        self.thread = threading.current_thread().name
        self.closed_on: str | None = None
        self.closed = threading.Event()

    def close(self) -> None:
        self.closed_on = threading.current_thread().name
        self.closed.set()


async def test_runs_on_its_own_thread_and_closes_there() -> None:
    thread = await DbThread.start("djdesk-test", Resource, Resource.close, what="test")
    res = thread.obj
    assert res.thread.startswith("djdesk-test")
    name = await thread.run(lambda: threading.current_thread().name)
    assert name == res.thread
    assert await thread.run(lambda a, *, b: a + b, 1, b=2) == 3
    await thread.close()
    await thread.close()  # idempotent
    assert res.closed_on == res.thread


async def test_call_after_close_is_a_storage_error() -> None:
    thread = await DbThread.start("djdesk-test", Resource, Resource.close, what="library")
    await thread.close()
    with pytest.raises(StorageError, match="library is closed"):
        await thread.run(lambda: None)


async def test_cancelled_open_closes_the_object_on_its_thread() -> None:
    entered = threading.Event()
    release = threading.Event()
    closed = threading.Event()
    made: list[Resource] = []

    def factory() -> Resource:
        entered.set()
        assert release.wait(5)
        made.append(Resource())
        return made[-1]

    def closer(res: Resource) -> None:
        res.close()
        closed.set()

    task = asyncio.create_task(DbThread.start("djdesk-test", factory, closer, what="test"))
    assert await asyncio.to_thread(entered.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    # The object opened after its caller left is closed, on the thread that made it.
    assert await asyncio.to_thread(closed.wait, 5)
    assert made[0].closed_on == made[0].thread


async def test_failed_open_raises_and_closes_nothing() -> None:
    closed: list[object] = []

    def factory() -> Resource:
        raise StorageError("cannot open")

    with pytest.raises(StorageError, match="cannot open"):
        await DbThread.start("djdesk-test", factory, closed.append, what="test")
    assert closed == []
