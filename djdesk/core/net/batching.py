"""Micro-batching (graphql/dataloader): single-key loads in one loop tick become one bulk call.

ReccoBeats takes up to 40 ids per request; callers still ask for one id each and get one answer.
The flush is scheduled with ``call_soon``, so everything requested before the loop next turns
joins the same batch. Duplicate keys share one slot; keys the bulk call leaves out resolve to
None (a miss, which the cache can store as negative); an exception reaches every waiter of that
batch and no other. Errors are not memoized: the next ``load`` tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BatchLoader(Generic[K, V]):
    """:param load_many: fetches up to ``max_batch`` keys at once and maps key -> value."""

    def __init__(
        self,
        load_many: Callable[[list[K]], Awaitable[Mapping[K, V]]],
        *,
        max_batch: int = 40,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._load_many = load_many
        self.max_batch = max_batch
        self._queue: dict[K, asyncio.Future[V | None]] = {}
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        #: Sizes of the bulk calls made so far, in order (for tests and the progress panel).
        self.batches: list[int] = []

    async def load(self, key: K) -> V | None:
        fut = self._queue.get(key)
        if fut is None:
            fut = asyncio.get_running_loop().create_future()
            self._queue[key] = fut
            if not self._scheduled:
                self._scheduled = True
                asyncio.get_running_loop().call_soon(self._flush)
        # shield: one caller giving up must not cancel the slot others share
        return await asyncio.shield(fut)

    async def load_all(self, keys: list[K]) -> list[V | None]:
        return list(await asyncio.gather(*(self.load(k) for k in keys)))

    def _flush(self) -> None:
        self._scheduled = False
        items = list(self._queue.items())
        self._queue.clear()
        for start in range(0, len(items), self.max_batch):
            chunk = dict(items[start : start + self.max_batch])
            self.batches.append(len(chunk))
            task = asyncio.ensure_future(self._run(chunk))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, chunk: dict[K, asyncio.Future[V | None]]) -> None:
        try:
            found = await self._load_many(list(chunk))
        except BaseException as exc:
            for fut in chunk.values():
                if fut.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    fut.cancel()
                else:
                    fut.set_exception(exc)
                    fut.exception()  # mark retrieved: a waiter may have gone away
            if not isinstance(exc, Exception):
                raise
            return
        for key, fut in chunk.items():
            if not fut.done():
                fut.set_result(found.get(key))
