"""``Admission``: a run's tracks in plan order, shared by its workers, as the parts arrive.

ReccoBeats' batcher is held from the first part until the last track of the LAST part has
started: tracks admitted one by one as others finish (and pages that land later) still fill
40-id batches (or wait ``max_wait``) instead of flushing one id a call.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from typing import Any

from djdesk.core.engine.batcher import HeldBatcher
from djdesk.core.engine.work import TrackWork

Item = tuple[TrackWork, frozenset[str]]  # a track and the providers its plan deferred


class Admission:
    def __init__(self, batcher: HeldBatcher[Any, Any]) -> None:
        self._batcher = batcher
        self._todo: deque[Item] = deque()
        self._more = asyncio.Event()
        self._started = False
        self._held = False
        self.closed = False

    def __len__(self) -> int:
        return len(self._todo)

    def put(self, items: Iterable[Item]) -> None:
        if self.closed:
            raise RuntimeError("tracks added to a closed run")
        if not self._started:
            self._started = True
            self._held = True
            self._batcher.hold()
        self._todo.extend(items)
        self._more.set()

    def close(self) -> None:
        """No more parts: once the last track has started, the batcher flushes freely."""
        if self.closed:
            return
        self.closed = True
        self._more.set()
        if not self._todo:
            self._last_started()

    def stop(self) -> None:
        """The run ends early: nothing more is taken, the hold goes at once."""
        self.closed = True
        self._todo.clear()
        self._more.set()
        if self._held:
            self._held = False
            self._batcher.release()

    async def take(self) -> Item | None:
        """The next track; None once closed and empty."""
        while not self._todo:
            if self.closed:
                return None
            self._more.clear()
            await self._more.wait()
        item = self._todo.popleft()
        if self.closed and not self._todo:
            self._last_started()
        return item

    def _last_started(self) -> None:
        if self._held:
            self._held = False
            # A track asks in the loop turn after it starts; the release is queued before
            # that turn's steps, so the flush it schedules comes after them.
            asyncio.get_running_loop().call_soon(self._batcher.release)
