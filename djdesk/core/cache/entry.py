"""The cache's value objects: one entry as read, and one namespace's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached answer.

    ``stale`` is True only when the caller asked for ``allow_stale`` and the entry has expired
    (stale-if-error). ``hits`` is the count when the entry was loaded into memory; the live
    figure is in the inspector queries. Times are Unix seconds from the store's clock.
    """

    namespace: str
    key: str
    value: Any
    negative: bool
    stale: bool
    created: float
    expires: float
    hits: int
    size: int
    version: int


@dataclass(frozen=True, slots=True)
class NamespaceStats:
    """Counters for one namespace, persisted in the cache file and summed over processes.

    ``entries``/``bytes`` count rows on disk, including expired rows and rows of an old
    namespace version until ``vacuum`` sweeps them.
    """

    namespace: str
    version: int
    entries: int = 0
    bytes: int = 0
    hits: int = 0
    misses: int = 0
    negative_hits: int = 0
    stale_hits: int = 0
    writes: int = 0
    expirations: int = 0

    @property
    def hit_rate(self) -> float | None:
        """Share of lookups answered from the cache (a negative hit saves a call too)."""
        answered = self.hits + self.negative_hits
        total = answered + self.misses
        return answered / total if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "version": self.version,
            "entries": self.entries,
            "bytes": self.bytes,
            "hits": self.hits,
            "misses": self.misses,
            "negative_hits": self.negative_hits,
            "stale_hits": self.stale_hits,
            "writes": self.writes,
            "expirations": self.expirations,
            "hit_rate": self.hit_rate,
        }
