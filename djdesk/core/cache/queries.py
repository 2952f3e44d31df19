"""The cache's read side for the GUI inspector and the CLI: pages sorted in SQLite, details.

Pages are sorted by SQLite on an index (``schema.SORTABLE``: one index per column with and
without the namespace), so a page of 100 rows out of 1,000,000 reads about 100 index entries
(plus ``offset``). Only current-version rows are listed unless ``include_old`` is set. The
namespace overview reads the counters that triggers keep in ``namespaces``: no scan of entries.

``CacheQueries(store)`` runs these on the store's thread (all SQLite work lives there); the
plain functions take that thread's connection and exist for that purpose and for tests.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from djdesk.core.cache import policy, schema

if TYPE_CHECKING:
    from djdesk.core.cache.database import CacheDatabase
    from djdesk.core.cache.store import CacheStore

PREVIEW_CHARS = 120
MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One row of the inspector; ``value`` is set by ``entry`` only, ``preview`` by ``page``."""

    namespace: str
    key: str
    negative: bool
    created: float
    expires: float
    hits: int
    last_hit: float | None
    size: int
    version: int
    current: bool
    expired: bool
    preview: str = ""
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        if self.value is None:
            out.pop("value")
        return out


@dataclass(frozen=True, slots=True)
class NamespaceRow:
    namespace: str
    version: int
    entries: int
    bytes: int
    hits: int
    misses: int
    negative_hits: int
    ttl: float | None

    @property
    def hit_rate(self) -> float | None:
        total = self.hits + self.negative_hits + self.misses
        return (self.hits + self.negative_hits) / total if total else None

    def as_dict(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["hit_rate"] = self.hit_rate
        return out


_COLUMNS = (
    "n.name, e.key, e.negative, e.created, e.expires, e.hits, e.last_hit, e.size, e.version, "
    "e.version = n.effective"
)


def _where(
    conn: sqlite3.Connection,
    namespace: str | None,
    search: str | None,
    include_old: bool,
    *,
    ordering: bool = False,
) -> tuple[str, list[Any]]:
    """SQL filter. For a page over several namespaces (a prefix such as ``deezer``) the ``+``
    keeps SQLite off the (ns, col) indexes, which would sort every matching row; walking the
    global (col) index and filtering stops after ``limit`` rows instead."""
    clauses: list[str] = []
    params: list[Any] = []
    if namespace is not None:
        policy.validate_namespace(namespace)
        ids = [
            i
            for i, name in conn.execute("SELECT id, name FROM namespaces")
            if policy.is_within(name, namespace)
        ]
        column = "+e.ns" if ordering and len(ids) > 1 else "e.ns"
        clauses.append(f"{column} IN ({','.join('?' * len(ids))})" if ids else "0")
        params.extend(ids)
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("e.key LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if not include_old:
        clauses.append("e.version = n.effective")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def page(
    conn: sqlite3.Connection,
    *,
    now: float,
    namespace: str | None = None,
    search: str | None = None,
    order_by: str = "key",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
    include_old: bool = False,
) -> list[EntryRow]:
    """One page of entries; ``namespace`` also matches dotted children (``deezer``)."""
    if order_by not in schema.SORTABLE:
        raise ValueError(f"order_by must be one of {', '.join(schema.SORTABLE)}")
    limit = max(0, min(limit, MAX_LIMIT))
    where, params = _where(conn, namespace, search, include_old, ordering=True)
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_COLUMNS}, substr(e.value, 1, {PREVIEW_CHARS}) FROM entries e "
        f"JOIN namespaces n ON n.id = e.ns{where} "
        f"ORDER BY e.{order_by} {direction}, e.id {direction} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*params, limit, max(0, offset)]).fetchall()
    return [_row(r[:10], now, preview=r[10]) for r in rows]


def count(
    conn: sqlite3.Connection,
    *,
    namespace: str | None = None,
    search: str | None = None,
    include_old: bool = False,
) -> int:
    where, params = _where(conn, namespace, search, include_old)
    sql = f"SELECT count(*) FROM entries e JOIN namespaces n ON n.id = e.ns{where}"
    return int(conn.execute(sql, params).fetchone()[0])


def entry(conn: sqlite3.Connection, namespace: str, key: str, *, now: float) -> EntryRow | None:
    """Every field of one entry, value included, whatever its version."""
    policy.validate_namespace(namespace)
    row = conn.execute(
        f"SELECT {_COLUMNS}, e.value FROM entries e JOIN namespaces n ON n.id = e.ns "
        "WHERE n.name = ? AND e.key = ?",
        (namespace, key),
    ).fetchone()
    return None if row is None else _row(row[:10], now, value=json.loads(row[10]))


def namespaces(conn: sqlite3.Connection, ttl: policy.TtlPolicy) -> list[NamespaceRow]:
    rows = conn.execute(
        "SELECT name, effective, entries, bytes, hits, misses, negative_hits FROM namespaces "
        "ORDER BY name"
    ).fetchall()
    return [NamespaceRow(*r, ttl=ttl.ttls.get(r[0])) for r in rows]


def _row(r: tuple[Any, ...], now: float, *, preview: str = "", value: Any = None) -> EntryRow:
    ns, key, negative, created, expires, hits, last_hit, size, version, current = r
    return EntryRow(
        ns, key, bool(negative), created, expires, hits, last_hit, size, version, bool(current),
        not policy.is_fresh(expires, now), preview, value,
    )  # fmt: skip


class CacheQueries:
    """The narrow read service the inspector gets (never the whole store)."""

    def __init__(self, store: CacheStore) -> None:
        self._store = store

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        db = self._store.database

        def call() -> Any:
            return _on_thread(db, lambda conn: fn(conn, *args, **kwargs))

        return await self._store.run(call)

    async def page(self, **kwargs: Any) -> list[EntryRow]:
        now = self._store.database.clock.time()
        return await self._run(page, now=now, **kwargs)  # type: ignore[no-any-return]

    async def count(self, **kwargs: Any) -> int:
        return await self._run(count, **kwargs)  # type: ignore[no-any-return]

    async def entry(self, namespace: str, key: str) -> EntryRow | None:
        now = self._store.database.clock.time()
        return await self._run(entry, namespace, key, now=now)  # type: ignore[no-any-return]

    async def namespaces(self) -> list[NamespaceRow]:
        return await self._run(namespaces, self._store.policy)  # type: ignore[no-any-return]


def _on_thread(db: CacheDatabase, fn: Any) -> Any:
    """Flush buffered hits first so sorting by hits matches what the store counted."""
    db.flush()
    return db.guarded(lambda: fn(db.conn))
