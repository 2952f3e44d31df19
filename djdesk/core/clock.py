"""Clocks, injected everywhere a decision depends on time, so tests run on a fake one.

``Clock.monotonic()`` drives rate limits, breakers and timeouts; ``Clock.time()`` (Unix seconds)
stamps cache entries and events. ``FakeClock`` moves only when a test says so.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: ``time.monotonic``/``time.time`` and ``asyncio.sleep``."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock for tests: ``advance()`` moves time and wakes sleepers whose deadline passed.

    ``sleep`` parks the caller on a future resolved by ``advance``; nothing ever waits on real
    time. ``auto_advance=True`` makes every ``sleep`` jump the clock forward by itself, which
    suits code that only needs time to pass (retries, backoff) rather than interleave.
    """

    def __init__(
        self, start: float = 1_000.0, *, wall: float = 1_767_225_600.0, auto_advance: bool = False
    ) -> None:
        self._now = start
        self._wall_offset = wall - start
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        if self.auto_advance:
            self.advance(seconds)
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        self._sleepers.append((self._now + seconds, self._seq, fut))
        await fut

    def advance(self, seconds: float) -> None:
        """Move time forward and release every sleeper whose deadline has come."""
        self._now += seconds
        due = [s for s in self._sleepers if s[0] <= self._now]
        self._sleepers = [s for s in self._sleepers if s[0] > self._now]
        for _, _, fut in sorted(due):
            if not fut.done():
                fut.set_result(None)

    @property
    def sleepers(self) -> int:
        return sum(1 for _, _, f in self._sleepers if not f.done())
