"""Start coroutines from Qt slots safely: strong references, error reporting, clean cancel.

The event loop keeps only weak references to tasks, so a task started from a slot and not stored
can be garbage-collected mid-run (qasync fixed the same in ``asyncSlot``, commit 4f76389, but the
PyPI 0.28.0 release predates it). Every task the GUI starts goes through one ``TaskRegistry``,
which also lets the window cancel everything on close and prove nothing is left pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

ErrorHandler = Callable[[BaseException], None]


class TaskRegistry:
    """Holds every running GUI task; failures go to ``on_error`` (a status line or dialog)."""

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_error = on_error

    def start(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if self.on_error is not None:
            self.on_error(exc)
        else:
            log.error("background task %s failed", task.get_name(), exc_info=exc)

    @property
    def pending(self) -> int:
        return sum(1 for t in self._tasks if not t.done())

    async def cancel_all(self, grace_s: float = 2.5) -> bool:
        """Cancel and wait (bounded); True when every task has finished."""
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if not tasks:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(tasks, timeout=grace_s)
        return all(t.done() for t in tasks)
