"""A semaphore that hands free slots to the most urgent waiter first (FIFO within a priority)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from types import TracebackType


class PrioritySemaphore:
    """At most ``limit`` holders; ``None`` means unlimited (counts are still kept for metrics).

    A released slot passes straight to the next waiter, so a newcomer cannot barge in ahead of
    someone already queued. A waiter cancelled after the hand-off passes the slot on again, so
    no permit leaks (reliability.md R10).
    """

    __slots__ = ("_live", "_seq", "_waiters", "in_use", "limit", "name")

    def __init__(self, limit: int | None, *, name: str = "") -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self.name = name
        self.in_use = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._live = 0

    @property
    def waiting(self) -> int:
        return self._live

    def locked(self) -> bool:
        return self.limit is not None and self.in_use >= self.limit

    async def acquire(self, priority: int = 1) -> None:
        if not self._live and not self.locked():
            self.in_use += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), fut))
        self._live += 1
        try:
            await fut
        except BaseException:
            if fut.cancelled():
                self._live -= 1
            else:  # the slot was handed to us, but we are leaving: pass it on
                self.release()
            raise

    def try_acquire(self) -> bool:
        """Take a slot if one is free and nobody is queued; never waits (a hedge's slot)."""
        if self._live or self.locked():
            return False
        self.in_use += 1
        return True

    def release(self) -> None:
        while self._waiters:
            _, _, fut = heapq.heappop(self._waiters)
            if not fut.done():
                self._live -= 1
                fut.set_result(None)  # the slot moves to this waiter; in_use is unchanged
                return
        self.in_use -= 1

    def slot(self, priority: int = 1) -> _Slot:
        """``async with sem.slot(priority):`` holds one slot for the block."""
        return _Slot(self, priority)

    def __repr__(self) -> str:
        return (
            f"<PrioritySemaphore {self.name} in_use={self.in_use}/{self.limit} "
            f"waiting={self._live}>"
        )


class _Slot:
    __slots__ = ("_priority", "_sem")

    def __init__(self, sem: PrioritySemaphore, priority: int) -> None:
        self._sem = sem
        self._priority = priority

    async def __aenter__(self) -> None:
        await self._sem.acquire(self._priority)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._sem.release()
