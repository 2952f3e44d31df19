"""A virtual clock for asyncio tests: timers on fake time, optionally quantized."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable


class _Handle:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """Implements ``djdesk.core.clock.Clock`` plus ``call_later``; time moves only in ``run_until``.

    ``quantum`` rounds every deadline to a grid (1e-6 mimics a 1 µs loop clock), which is what
    exposes float-dust livelocks (reliability.md §0.3). ``fires`` counts timer callbacks run.
    """

    def __init__(
        self, start: float = 1_000.0, *, quantum: float | None = None, wall: float = 1_767_225_600.0
    ) -> None:
        self._now = start
        self._wall_offset = wall - start
        self.quantum = quantum
        self._timers: list[tuple[float, int, _Handle]] = []
        self._seq = itertools.count()
        self.fires = 0

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._wall_offset

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Handle:
        at = self._now + max(0.0, delay)
        if self.quantum:
            at = round(at / self.quantum) * self.quantum
        handle = _Handle(callback)
        heapq.heappush(self._timers, (at, next(self._seq), handle))
        return handle

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def done() -> None:
            if not fut.done():
                fut.set_result(None)

        handle = self.call_later(seconds, done)
        try:
            await fut
        finally:
            handle.cancel()

    async def settle(self) -> None:
        """Yield until no task is ready to run (everything is parked on a timer or future)."""
        loop = asyncio.get_running_loop()
        for _ in range(100_000):
            await asyncio.sleep(0)
            if not loop._ready:  # type: ignore[attr-defined]
                return
        raise AssertionError("the loop never went idle")

    async def run_until(self, t: float, *, max_fires: int | None = None) -> None:
        """Fire timers in deadline order up to ``t``, letting tasks run after each one."""
        await self.settle()
        while self._timers and self._timers[0][0] <= t:
            at, _, handle = heapq.heappop(self._timers)
            if handle.cancelled:
                continue
            self._now = max(self._now, at)
            self.fires += 1
            if max_fires is not None and self.fires > max_fires:
                raise AssertionError(f"livelock: {self.fires} timer fires by t={self._now}")
            handle.callback()
            await self.settle()
        self._now = max(self._now, t)
        await self.settle()

    async def advance(self, seconds: float) -> None:
        await self.run_until(self._now + seconds)

    @property
    def pending_timers(self) -> int:
        return sum(1 for *_, h in self._timers if not h.cancelled)
