"""A bounded LRU (entries and bytes) for the cache's in-memory L1.

Not thread-safe on purpose: only the cache's writer thread touches it (see ``store``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedLRU(Generic[K, V]):
    """Evicts least recently used items past ``max_items`` or ``max_bytes`` (by ``sizeof``)."""

    def __init__(self, max_items: int, max_bytes: int, sizeof: Callable[[V], int]) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._sizeof = sizeof
        self._items: OrderedDict[K, V] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        size = self._sizeof(value)
        if self.max_items <= 0 or size > self.max_bytes:
            self.pop(key)
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= self._sizeof(old)
        self._items[key] = value
        self.bytes += size
        while len(self._items) > self.max_items or self.bytes > self.max_bytes:
            _, evicted = self._items.popitem(last=False)
            self.bytes -= self._sizeof(evicted)

    def pop(self, key: K) -> V | None:
        value = self._items.pop(key, None)
        if value is not None:
            self.bytes -= self._sizeof(value)
        return value

    def remove_where(self, predicate: Callable[[K], bool]) -> int:
        doomed = [k for k in self._items if predicate(k)]
        for k in doomed:
            self.pop(k)
        return len(doomed)

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0
