"""Micro-batching that waits for known producers: ReccoBeats' 40-id calls stay full.

``net.batching.BatchLoader`` flushes at the end of one loop tick, which fills batches when every
id is known at once (Spotify playlists). Tracks from Deezer only learn their Spotify id after a
ReccoBeats search, one by one at the provider's pace, and a tick-flush would send them one id a
call. So producers that WILL ask ``hold()`` first and ``release()`` when they have asked (or
know they will not): a batch goes out when it is full, when nobody holds any more, or after
``max_wait`` seconds, whichever is first. Duplicate keys share one slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class HeldBatcher(Generic[K, V]):
    def __init__(
        self,
        load_many: Callable[[list[K]], Awaitable[Mapping[K, V | None]]],
        *,
        max_batch: int = 40,
        max_wait: float = 3.0,
    ) -> None:
        self._load_many = load_many
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: dict[K, asyncio.Future[V | None]] = {}
        self._inflight: dict[K, asyncio.Future[V | None]] = {}
        self._holds = 0
        self._timer: asyncio.TimerHandle | None = None
        self._soon = False
        self._tasks: set[asyncio.Task[None]] = set()
        #: Sizes of the bulk calls made, in order (tests and the benchmark read it).
        self.batches: list[int] = []

    def hold(self) -> None:
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)
        if self._holds == 0 and self._queue:
            self._schedule_soon()

    async def load(self, key: K, *, release: bool = False) -> V | None:
        """Queue ``key``; with ``release`` the caller's hold ends once the key is queued."""
        if release:
            self._holds = max(0, self._holds - 1)
        fut = self._inflight.get(key) or self._queue.get(key)
        if fut is None:
            fut = asyncio.get_running_loop().create_future()
            self._queue[key] = fut
        if len(self._queue) >= self.max_batch:
            self._flush()
        elif self._queue and self._holds == 0:
            self._schedule_soon()
        elif self._queue and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.max_wait, self._flush)
        return await asyncio.shield(fut)

    def _schedule_soon(self) -> None:
        if not self._soon:
            self._soon = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._soon = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        items = list(self._queue.items())
        self._queue.clear()
        for start in range(0, len(items), self.max_batch):
            chunk = dict(items[start : start + self.max_batch])
            self._inflight.update(chunk)
            self.batches.append(len(chunk))
            task = asyncio.ensure_future(self._run(chunk))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, chunk: dict[K, asyncio.Future[V | None]]) -> None:
        try:
            found = await self._load_many(list(chunk))
        except BaseException as exc:
            for fut in chunk.values():
                if not fut.done():
                    if isinstance(exc, asyncio.CancelledError):
                        fut.cancel()
                    else:
                        fut.set_exception(exc)
                        fut.exception()  # retrieved: a waiter may have gone away
            if not isinstance(exc, Exception):
                raise
        else:
            for key, fut in chunk.items():
                if not fut.done():
                    fut.set_result(found.get(key))
        finally:
            for key in chunk:
                if self._inflight.get(key) is chunk[key]:
                    del self._inflight[key]

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
