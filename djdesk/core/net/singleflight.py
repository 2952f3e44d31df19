"""Singleflight (Go's ``x/sync/singleflight``): concurrent identical calls share one execution.

The first caller (the leader) runs the work inline, in its own task: the common, uncontended
call costs no extra task and no extra loop turn. Followers wait on a future the leader settles.
If the leader is cancelled, its followers are not poisoned (authzed/spicedb #925): they are
told to take over, and the first of them runs the work again as the new leader. Errors reach
every waiter. The key leaves the map when the leader finishes, fails or is cancelled, and only
if the map still points at that call, so nothing leaks and a later caller starts fresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")

#: What a cancelled leader hands its followers: "run it yourselves".
_TAKE_OVER = object()


class _Call:
    __slots__ = ("future", "waiters")

    def __init__(self, future: asyncio.Future[Any]) -> None:
        self.future = future
        self.waiters = 0


class SingleFlight(Generic[T]):
    """``await group.do(key, fn) -> (value, shared)``; ``shared`` is True for followers."""

    def __init__(self) -> None:
        self._calls: dict[Hashable, _Call] = {}
        #: Callers served by someone else's execution (the panel's "coalesced" counter).
        self.coalesced = 0

    def __len__(self) -> int:
        """Keys in flight; 0 when idle (tests use it to prove nothing leaks)."""
        return len(self._calls)

    async def do(self, key: Hashable, fn: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        while True:
            call = self._calls.get(key)
            if call is None:
                return await self._lead(key, fn), False
            call.waiters += 1
            try:
                # shield: a follower giving up must not cancel the future the others share
                value = await asyncio.shield(call.future)
            except asyncio.CancelledError:
                if not call.future.done():
                    call.waiters -= 1
                raise
            if value is _TAKE_OVER:
                continue
            self.coalesced += 1
            return cast(T, value), True

    async def _lead(self, key: Hashable, fn: Callable[[], Awaitable[T]]) -> T:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        call = _Call(future)
        self._calls[key] = call
        try:
            value = await fn()
        except asyncio.CancelledError:
            self._drop(key, call)
            future.set_result(_TAKE_OVER)
            raise
        except BaseException as exc:
            self._drop(key, call)
            future.set_exception(exc)
            future.exception()  # retrieved: with no followers nobody else will look
            raise
        self._drop(key, call)
        future.set_result(value)
        return value

    def forget(self, key: Hashable) -> None:
        """Later calls for ``key`` start a new execution instead of joining the running one."""
        self._calls.pop(key, None)

    def _drop(self, key: Hashable, call: _Call) -> None:
        if self._calls.get(key) is call:
            del self._calls[key]
