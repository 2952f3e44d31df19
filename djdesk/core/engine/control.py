"""A run's controls and counters: pause, resume and cancel for the GUI, and what it has done.

Why apart from ``run``: the engine, the one-track re-enrich and the GUI's controls all hold a
``Control``; only the run itself needs the rest of ``run``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RunStats:
    done: int = 0
    total: int = 0
    states: Counter[str] = field(default_factory=Counter)
    retry: int = 0
    paused: dict[str, str] = field(default_factory=dict)


class Control:
    """Pause/resume/cancel for the GUI: steps wait at the gate while paused."""

    def __init__(self) -> None:
        self._running = asyncio.Event()
        self._running.set()
        self.cancelled = False
        self._interruptible: set[asyncio.Future[object]] = set()

    def cancel(self) -> None:
        """Steps stop at their next gate; an import still reading pages stops at once."""
        self.cancelled = True
        self.resume()
        for task in list(self._interruptible):
            task.cancel()

    def interruptible(self, task: asyncio.Future[object]) -> None:
        """``cancel`` cancels ``task`` too while it runs (an import waiting on a page)."""
        self._interruptible.add(task)
        task.add_done_callback(self._interruptible.discard)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    async def gate(self) -> None:
        await self._running.wait()
        if self.cancelled:
            raise asyncio.CancelledError
