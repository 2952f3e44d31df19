"""``CacheStore``: the async face of the SQLite KV cache, for code running on the event loop.

Thread invariant: ALL database work (the connection, the L1, the hit buffers) lives on ONE
dedicated thread named ``djdesk-cache`` (a ``core.dbthread.DbThread``). Every async method submits
one closure to it and awaits the result, so the loop never blocks on SQLite and nothing needs a
lock: calls are serialized in submission order. ``aclose`` flushes, checkpoints and stops the
thread. Other processes may use the same file at the same time (WAL + ``BEGIN IMMEDIATE`` +
``busy_timeout`` + bounded retry; see ``database``).

Counters (hits, misses, negative hits, stale hits, writes, expirations) are persisted per
namespace in the cache file and add up across processes; hits are buffered in memory and
flushed in batches, so a crash may lose a few seconds of hit counts but never an entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from djdesk.core.cache import maintenance
from djdesk.core.cache.database import CacheDatabase
from djdesk.core.cache.entry import CacheEntry, NamespaceStats
from djdesk.core.cache.policy import TtlPolicy
from djdesk.core.clock import Clock, SystemClock
from djdesk.core.dbthread import DbThread
from djdesk.core.errors import CacheCorruptError
from djdesk.core.events import CacheChanged, EventBus

T = TypeVar("T")


class CacheStore:
    """The namespaced KV cache. Open with ``await CacheStore.open(path)``; close with ``aclose``.

    ``recovered`` holds a ``CacheCorruptError`` when the file was found damaged and replaced
    (at open or later); show it to the user once, the store keeps working.
    """

    def __init__(self, thread: DbThread[CacheDatabase], events: EventBus | None = None) -> None:
        self._thread = thread
        self._db = thread.obj
        self._events = events

    def _changed(self, ns: str | None, action: str) -> None:
        """Published on the loop thread after the change committed (the inspector refreshes)."""
        if self._events is not None:
            self._events.publish(CacheChanged(ns, action))

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Clock | None = None,
        ttl_overrides: Mapping[str, float] | None = None,
        l1_items: int = 20_000,
        l1_bytes: int = 64 * 1024 * 1024,
        check: bool | None = None,
        events: EventBus | None = None,
    ) -> CacheStore:
        """Open or create the file; a corrupt one is replaced (see ``recovered``).

        Raises ``SchemaTooNewError`` (file untouched) or ``StorageError``. ``ttl_overrides`` is
        ``Settings.ttl``; ``events`` receives a ``CacheChanged`` after each committed change.
        """
        policy = TtlPolicy.from_overrides(ttl_overrides)
        factory = functools.partial(
            CacheDatabase,
            Path(path),
            clock=clock or SystemClock(),
            policy=policy,
            l1_items=l1_items,
            l1_bytes=l1_bytes,
            check=check,
        )
        thread = await DbThread.start("djdesk-cache", factory, CacheDatabase.close, what="cache")
        return cls(thread, events)

    async def __aenter__(self) -> CacheStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the cache thread (for ``queries`` and ``transfer``)."""
        return await self._thread.run(fn, *args)

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def policy(self) -> TtlPolicy:
        return self._db.policy

    @property
    def recovered(self) -> CacheCorruptError | None:
        return self._db.recovered

    @property
    def database(self) -> CacheDatabase:
        """The thread-owned engine; only touch it inside ``run``."""
        return self._db

    # --- reads ----------------------------------------------------------------------------

    async def get(self, ns: str, key: str, *, allow_stale: bool = False) -> CacheEntry | None:
        """A fresh entry, or with ``allow_stale`` an expired one marked ``stale=True``."""
        found = await self.run(
            functools.partial(self._db.get_many, ns, (key,), allow_stale=allow_stale)
        )
        return found.get(key)

    async def get_many(
        self, ns: str, keys: Iterable[str], *, allow_stale: bool = False
    ) -> dict[str, CacheEntry]:
        """Entries found (L1 first, then one SQL query for the rest); absent keys are misses."""
        return await self.run(
            functools.partial(self._db.get_many, ns, list(keys), allow_stale=allow_stale)
        )

    async def stats(self) -> dict[str, NamespaceStats]:
        return await self.run(maintenance.stats, self._db)

    # --- writes ---------------------------------------------------------------------------

    async def set(
        self, ns: str, key: str, value: Any, *, negative: bool = False, ttl: float | None = None
    ) -> None:
        """Store a JSON-able value; TTL from the policy table unless ``ttl`` is given."""
        await self.set_many(ns, {key: value}, negative=negative, ttl=ttl)

    async def set_many(
        self,
        ns: str,
        items: Mapping[str, Any],
        *,
        negative: bool = False,
        ttl: float | None = None,
    ) -> int:
        """Store many entries in one transaction; returns how many were written."""
        n = await self.run(
            functools.partial(self._db.set_many, ns, dict(items), negative=negative, ttl=ttl)
        )
        self._changed(ns, "set")
        return n

    async def delete(self, ns: str, key: str) -> bool:
        result = await self.run(self._db.delete, ns, key)
        self._changed(ns, "delete")
        return result

    async def expire(self, ns: str, key: str) -> bool:
        """Expire now but keep for stale-if-error; False when there was no live entry."""
        result = await self.run(self._db.expire, ns, key)
        self._changed(ns, "expire")
        return result

    async def purge(self, ns: str | None = None) -> int:
        """Delete ``ns`` and its dotted children (``"deezer"`` = every ``deezer.*``), or all."""
        result = await self.run(self._db.purge, ns)
        self._changed(ns, "purge")
        return result

    async def bump(self, ns: str) -> int:
        """Invalidate ``ns`` and its dotted children at once; returns ``ns``'s new version."""
        result = await self.run(self._db.bump, ns)
        self._changed(ns, "bump")
        return result

    async def sweep(self) -> int:
        n = await self.run(maintenance.sweep, self._db)
        self._changed(None, "sweep")
        return n

    async def vacuum(self) -> dict[str, int]:
        """Sweep old versions and long-expired rows, compact the file, truncate the WAL."""
        result = await self.run(maintenance.vacuum, self._db)
        self._changed(None, "vacuum")
        return result

    async def export(self, path: Path) -> int:
        """Write current entries to a portable JSON Lines file (see ``transfer``)."""
        from djdesk.core.cache import transfer

        return await self.run(transfer.export_entries, self._db, Path(path))

    async def import_(self, path: Path) -> dict[str, int]:
        """Merge a file written by ``export``; the newer of two entries wins."""
        from djdesk.core.cache import transfer

        result = await self.run(transfer.import_entries, self._db, Path(path))
        self._changed(None, "import")
        return result

    async def aclose(self) -> None:
        """Flush, checkpoint and close on the cache thread; the loop never joins the thread."""
        await self._thread.close()
