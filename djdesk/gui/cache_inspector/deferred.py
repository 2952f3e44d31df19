"""``DeferredCacheBrowser``: a CacheBrowser whose store opens after the window has shown.

The inspector is built with the window, but the cache file opens with the runtime, in the
background. Every call waits for ``attach`` (or raises the start failure from ``fail``), so
the inspector's models simply fill in once the store is there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from djdesk.core.errors import DJDeskError, StorageError
from djdesk.core.i18n import _
from djdesk.gui.services import CacheBrowser, CacheEntryRow, NamespaceStats


class DeferredCacheBrowser:
    def __init__(self, inner: CacheBrowser | None = None) -> None:
        self._inner = inner
        self._failure: BaseException | None = None
        self._ready = asyncio.Event()
        if inner is not None:
            self._ready.set()

    def attach(self, inner: CacheBrowser) -> None:
        self._inner = inner
        self._ready.set()

    def fail(self, exc: BaseException) -> None:
        self._failure = exc
        self._ready.set()

    async def _get(self) -> CacheBrowser:
        await self._ready.wait()
        if self._inner is None:
            if isinstance(self._failure, DJDeskError):
                raise self._failure
            raise StorageError(_("The cache did not open."), hint=_("See the log for why."))
        return self._inner

    async def namespaces(self) -> list[NamespaceStats]:
        return await (await self._get()).namespaces()

    async def count(self, namespace: str | None, search: str) -> int:
        return await (await self._get()).count(namespace, search)

    async def page(
        self,
        namespace: str | None,
        search: str,
        order_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[CacheEntryRow]:
        inner = await self._get()
        return await inner.page(namespace, search, order_by, descending, offset, limit)

    async def entry_value(self, namespace: str, key: str) -> Any:
        return await (await self._get()).entry_value(namespace, key)

    async def delete(self, namespace: str, key: str) -> bool:
        return await (await self._get()).delete(namespace, key)

    async def expire(self, namespace: str, key: str) -> bool:
        return await (await self._get()).expire(namespace, key)

    async def purge(self, namespace: str) -> int:
        return await (await self._get()).purge(namespace)

    async def bump(self, namespace: str) -> int:
        return await (await self._get()).bump(namespace)

    async def vacuum(self) -> dict[str, int]:
        return await (await self._get()).vacuum()

    async def export(self, path: Path) -> int:
        return await (await self._get()).export(path)

    async def import_(self, path: Path) -> int:
        return await (await self._get()).import_(path)
