"""The real ``CacheBrowser``: the inspector over ``core.cache`` (CacheStore + CacheQueries).

A thin translation layer, nothing more: every call runs on the store's own SQLite thread (the
store's rule), sorting and paging happen in SQL on an index, and the core's row types become the
GUI's plain values. The inspector lists current-version entries (as the CLI does); an entry
whose version is older than its namespace's, or whose expiry passed, shows as stale.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from djdesk.core.cache.queries import CacheQueries, EntryRow
from djdesk.core.cache.store import CacheStore
from djdesk.gui.services import CacheEntryRow, NamespaceStats

#: The GUI's column names → the store's sortable columns (``schema.SORTABLE``).
_ORDER = {
    "key": "key",
    "size": "size",
    "created_at": "created",
    "expires_at": "expires",
    "hits": "hits",
}


def _row(r: EntryRow) -> CacheEntryRow:
    expires = None if r.expires is None or math.isinf(r.expires) else r.expires
    return CacheEntryRow(
        namespace=r.namespace,
        key=r.key,
        version=r.version,
        size=r.size,
        created_at=r.created,
        expires_at=expires,
        hits=r.hits,
        negative=r.negative,
        stale=r.expired or not r.current,
    )


class StoreCacheBrowser:
    """``CacheBrowser`` over an open ``CacheStore``; the caller owns (and closes) the store."""

    def __init__(self, store: CacheStore) -> None:
        self._store = store
        self._queries = CacheQueries(store)

    async def namespaces(self) -> list[NamespaceStats]:
        return [
            NamespaceStats(
                namespace=n.namespace,
                entries=n.entries,
                bytes=n.bytes,
                hits=n.hits + n.negative_hits,
                misses=n.misses,
                version=n.version,
            )
            for n in await self._queries.namespaces()
        ]

    async def count(self, namespace: str | None, search: str) -> int:
        return await self._queries.count(namespace=namespace, search=search or None)

    async def page(
        self,
        namespace: str | None,
        search: str,
        order_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[CacheEntryRow]:
        rows = await self._queries.page(
            namespace=namespace,
            search=search or None,
            order_by=_ORDER.get(order_by, "key"),
            descending=descending,
            offset=offset,
            limit=limit,
        )
        return [_row(r) for r in rows]

    async def entry_value(self, namespace: str, key: str) -> Any:
        found = await self._queries.entry(namespace, key)
        return None if found is None else found.value

    async def delete(self, namespace: str, key: str) -> bool:
        return await self._store.delete(namespace, key)

    async def expire(self, namespace: str, key: str) -> bool:
        return await self._store.expire(namespace, key)

    async def purge(self, namespace: str) -> int:
        return await self._store.purge(namespace)

    async def bump(self, namespace: str) -> int:
        return await self._store.bump(namespace)

    async def vacuum(self) -> dict[str, int]:
        return await self._store.vacuum()

    async def export(self, path: Path) -> int:
        return await self._store.export(path)

    async def import_(self, path: Path) -> int:
        result = await self._store.import_(path)
        return int(result.get("imported", 0))
