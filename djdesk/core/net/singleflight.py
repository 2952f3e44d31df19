"""Singleflight (Go's ``x/sync/singleflight``): concurrent identical calls share one execution.

The shared work runs in a task the group owns, never in the first caller's task, so cancelling
the caller that started it does not poison the others (authzed/spicedb #925); the work is
cancelled only when every waiter has left (hyper-util #299's "baton passing"). The key leaves
the map when the work ends or is abandoned, only if the map still points at that call, so a
later caller always starts fresh and nothing leaks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Call(Generic[T]):
    __slots__ = ("task", "waiters")

    def __init__(self, task: asyncio.Task[T]) -> None:
        self.task = task
        self.waiters = 0


class SingleFlight(Generic[T]):
    """``await group.do(key, fn) -> (value, shared)``; ``shared`` is True for followers."""

    def __init__(self) -> None:
        self._calls: dict[Hashable, _Call[T]] = {}
        #: Callers that joined a call already in flight (the panel's "coalesced" counter).
        self.coalesced = 0

    def __len__(self) -> int:
        """Keys in flight; 0 when idle (tests use it to prove nothing leaks)."""
        return len(self._calls)

    async def do(self, key: Hashable, fn: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        call = self._calls.get(key)
        shared = call is not None
        if call is None:
            task: asyncio.Task[T] = asyncio.ensure_future(fn())  # type: ignore[assignment]
            call = _Call(task)
            self._calls[key] = call
            task.add_done_callback(lambda _t, k=key, c=call: self._drop(k, c))
        else:
            self.coalesced += 1
        call.waiters += 1
        try:
            value = await asyncio.shield(call.task)
        except asyncio.CancelledError:
            if not call.task.done():  # this caller was cancelled, not the work
                call.waiters -= 1
                if call.waiters == 0:  # the last waiter left: stop the work, forget the key
                    self._drop(key, call)
                    call.task.cancel()
            raise
        return value, shared

    def forget(self, key: Hashable) -> None:
        """Later calls for ``key`` start a new execution instead of joining the running one."""
        self._calls.pop(key, None)

    def _drop(self, key: Hashable, call: _Call[T]) -> None:
        if self._calls.get(key) is call:
            del self._calls[key]
