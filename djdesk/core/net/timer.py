"""One-shot timers on an injected clock, so limiters wake by timer on both real and fake time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from djdesk.core.clock import Clock, SystemClock


class Cancellable(Protocol):
    def cancel(self) -> object: ...


async def _sleep_then(clock: Clock, delay: float, callback: Callable[[], None]) -> None:
    await clock.sleep(delay)
    callback()


def call_later(clock: Clock, delay: float, callback: Callable[[], None]) -> Cancellable:
    """Run ``callback`` once ``delay`` seconds of ``clock`` time have passed.

    Why three routes: the real clock uses the loop's own ``call_later`` (no task, cheapest);
    a clock that offers ``call_later`` itself (a virtual test clock) schedules there; any other
    clock (``FakeClock``) gets a tiny task parked in ``clock.sleep`` so ``advance()`` fires it.
    """
    own = getattr(clock, "call_later", None)
    if own is not None:
        return own(delay, callback)  # type: ignore[no-any-return]
    loop = asyncio.get_running_loop()
    if isinstance(clock, SystemClock):
        return loop.call_later(max(0.0, delay), callback)
    return loop.create_task(_sleep_then(clock, delay, callback))
