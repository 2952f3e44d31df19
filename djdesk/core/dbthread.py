"""``DbThread``: one dedicated worker thread that owns a SQLite-backed object (cache, library).

Thread invariant: the object is created by ``start`` ON the thread, used only through ``run``
(one call at a time, in submission order) and closed there by ``close``, so the event loop
(plain asyncio or qasync) never waits on SQLite and no connection is shared between threads
(the Anki ``taskman`` pattern).

Cancellation: cancelling an ``await`` never cancels work already handed to the thread (a write
still commits or rolls back whole). If the caller of ``start`` goes away (cancelled) while the
object is still being opened, the object is closed on its thread as soon as it exists, so no
connection or file handle outlives the failed open. ``close`` marks the thread closed before it
queues the close, so a call racing it fails with a typed ``StorageError`` instead of reaching a
closed connection.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from djdesk.core.errors import StorageError

T = TypeVar("T")
R = TypeVar("R")


class DbThread(Generic[T]):
    """The thread and the object it owns. Build with ``await DbThread.start(...)``."""

    def __init__(
        self, executor: ThreadPoolExecutor, obj: T, closer: Callable[[T], object], what: str
    ) -> None:
        self._executor = executor
        self.obj = obj
        self._closer = closer
        self._what = what
        self._closed = False

    @classmethod
    async def start(
        cls, name: str, factory: Callable[[], T], closer: Callable[[T], object], *, what: str
    ) -> DbThread[T]:
        """Run ``factory`` on a fresh thread named ``name``; ``closer`` undoes it there later.

        ``what`` names the object in messages ("cache", "library").
        """
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        opening = executor.submit(factory)
        try:
            obj = await asyncio.wrap_future(opening)
        except BaseException:
            # Queued behind the factory on the same thread: closes what it made, if anything.
            executor.submit(_close_if_opened, opening, closer)
            executor.shutdown(wait=False)
            raise
        return cls(executor, obj, closer, what)

    @property
    def closed(self) -> bool:
        return self._closed

    async def run(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        """``fn(*args, **kwargs)`` on the thread; awaiting never blocks the loop."""
        if self._closed:
            raise StorageError(
                f"The {self._what} is closed.", hint="This is a bug; please report it."
            )
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def close(self) -> None:
        """Close the object on its thread (after the calls queued before), then stop the thread.

        Idempotent. The loop never joins the thread: if this ``await`` is cancelled the close
        still runs there.
        """
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._closer, self.obj)
        finally:
            self._executor.shutdown(wait=False)


def _close_if_opened(opening: Future[T], closer: Callable[[T], object]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        closer(opening.result())
