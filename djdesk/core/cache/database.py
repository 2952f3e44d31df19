"""The synchronous cache engine: SQLite, the L1 and the hit buffers, owned by ONE thread.

Thread invariant: a ``CacheDatabase`` is created, used and closed on a single thread (the
store's writer thread). Its connection keeps ``check_same_thread=True`` so a slip raises at once
instead of the 3.12 ``InterfaceError`` class of bugs (reliability.md §4.2); the L1 and the
buffers are plain dicts for the same reason. Writes run in ``BEGIN IMMEDIATE`` transactions so a
second process waits on ``busy_timeout`` rather than failing mid-transaction.

Coherence across processes: before every read we compare ``PRAGMA data_version``; when another
connection committed (a CLI ``purge`` or ``bump`` while the app runs), the L1 and the namespace
map are dropped and re-read. Hits are counted in memory and flushed in batches (before any
write, every ``FLUSH_INTERVAL_S`` or ``FLUSH_MAX_PENDING`` keys, and on stats/queries/close), so
a read never writes; a crash loses at most the unflushed hit counts.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from djdesk.core.cache import connection, policy
from djdesk.core.cache.entry import CacheEntry
from djdesk.core.cache.lru import BoundedLRU
from djdesk.core.clock import Clock
from djdesk.core.errors import CacheCorruptError

log = logging.getLogger(__name__)
T = TypeVar("T")

FLUSH_INTERVAL_S = 10.0
FLUSH_MAX_PENDING = 50_000
BUSY_RETRIES = 6

_COUNTERS = ("hits", "misses", "negative_hits", "stale_hits", "expirations")
_SELECT = "SELECT key, value, negative, created, expires, hits, size, version FROM entries"
_UPSERT = (
    "INSERT INTO entries(ns, key, value, negative, created, expires, size, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ns, key) DO UPDATE SET "
    "value = excluded.value, negative = excluded.negative, created = excluded.created, "
    "expires = excluded.expires, hits = 0, last_hit = NULL, size = excluded.size, "
    "version = excluded.version"
)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(slots=True)
class NamespaceInfo:
    id: int
    version: int
    effective: int


class CacheDatabase:
    """Everything the store does, synchronously. See the module docstring for the invariants."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock,
        policy: policy.TtlPolicy,
        l1_items: int = 20_000,
        l1_bytes: int = 64 * 1024 * 1024,
        check: bool | None = None,
    ) -> None:
        self.path = path
        self.clock = clock
        self.policy = policy
        self._check = check
        self._owner = threading.get_ident()
        self.l1: BoundedLRU[tuple[str, str], CacheEntry] = BoundedLRU(
            l1_items, l1_bytes, lambda e: e.size
        )
        self._pending_hits: dict[tuple[str, str], list[float]] = {}
        self._pending_counts: dict[str, list[int]] = {}
        self._last_flush = clock.monotonic()
        self.recovered: CacheCorruptError | None = None
        self.conn, self.recovered = connection.open_cache(path, check=check)
        self._namespaces: dict[str, NamespaceInfo] = {}
        self._data_version = -1
        self.sync()

    # --- plumbing -------------------------------------------------------------------------

    def sync(self) -> None:
        """Drop memory state when another connection committed since we last looked."""
        assert threading.get_ident() == self._owner, "CacheDatabase used off its thread"
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._data_version = version
            self.l1.clear()
            self._namespaces = {
                name: NamespaceInfo(i, v, e)
                for i, name, v, e in self.conn.execute(
                    "SELECT id, name, version, effective FROM namespaces"
                )
            }

    def guarded(self, op: Callable[[], T]) -> T:
        """Run ``op`` mapping SQLite errors: busy -> bounded retry, corrupt -> recover once."""
        recovered = False
        for attempt in range(BUSY_RETRIES + 1):
            try:
                return op()
            except sqlite3.Error as exc:
                if connection.is_corruption(exc) and not recovered:
                    self._recover(str(exc))
                    recovered = True
                    continue
                if connection.is_busy(exc) and attempt < BUSY_RETRIES:
                    time.sleep(0.05 * 2**attempt)  # on the writer thread, never the loop
                    continue
                raise connection.translate(exc, self.path) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _recover(self, reason: str) -> None:
        log.warning("cache file %s reported corruption at run time: %s", self.path, reason)
        self.conn.close()
        moved = connection.move_aside(self.path)
        self.conn, _ = connection.open_cache(self.path, check=False)
        self.recovered = CacheCorruptError(
            f"The cache file {self.path} was damaged ({reason}); it was moved to {moved.name}."
        )
        self._pending_hits.clear()
        self._data_version = -1
        self.sync()

    def write(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """One ``BEGIN IMMEDIATE`` transaction (pending hit counts ride along)."""

        def run() -> T:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                self.sync()
                self._flush_into(conn)
                result = body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        log.debug("rollback failed", exc_info=True)
                # ``body`` may have changed the namespace map (a new id, a bumped version) that
                # the rollback undid; SQLite would hand a rolled-back id to the next namespace,
                # so entries of one would land in another. Re-read it on the next sync.
                self._data_version = -1
                raise
            self._pending_hits.clear()
            self._pending_counts.clear()
            self._last_flush = self.clock.monotonic()
            return result

        return self.guarded(run)

    def flush(self) -> None:
        if self._pending_hits or self._pending_counts:
            self.write(lambda conn: None)

    def _maybe_flush(self) -> None:
        if len(self._pending_hits) >= FLUSH_MAX_PENDING or (
            self.clock.monotonic() - self._last_flush >= FLUSH_INTERVAL_S
            and (self._pending_hits or self._pending_counts)
        ):
            self.flush()

    def _flush_into(self, conn: sqlite3.Connection) -> None:
        if self._pending_counts:
            for name in self._pending_counts:
                self._ensure_ns(conn, name)
            conn.executemany(
                "UPDATE namespaces SET hits = hits + ?, misses = misses + ?, "
                "negative_hits = negative_hits + ?, stale_hits = stale_hits + ?, "
                "expirations = expirations + ? WHERE name = ?",
                [(*counts, name) for name, counts in self._pending_counts.items()],
            )
        if self._pending_hits:
            conn.executemany(
                "UPDATE entries SET hits = hits + ?, last_hit = max(coalesce(last_hit, 0), ?) "
                "WHERE ns = ? AND key = ?",
                [
                    (int(n), last, self._namespaces[ns].id, key)
                    for (ns, key), (n, last) in self._pending_hits.items()
                    if ns in self._namespaces
                ],
            )

    def _count(self, ns: str, field: int, n: int = 1) -> None:
        counts = self._pending_counts.get(ns)
        if counts is None:
            counts = self._pending_counts[ns] = [0] * len(_COUNTERS)
        counts[field] += n

    def _ensure_ns(self, conn: sqlite3.Connection, name: str) -> NamespaceInfo:
        info = self._namespaces.get(name)
        if info is None:
            versions = {n: i.version for n, i in self._namespaces.items()}
            effective = policy.effective_version(name, versions)
            cur = conn.execute(
                "INSERT INTO namespaces(name, version, effective) VALUES (?, 0, ?) "
                "ON CONFLICT(name) DO UPDATE SET name = name RETURNING id, version, effective",
                (name, effective),
            )
            i, v, e = cur.fetchone()
            info = self._namespaces[name] = NamespaceInfo(i, v, e)
        return info

    # --- reads ----------------------------------------------------------------------------

    def get_many(
        self, ns: str, keys: Iterable[str], *, allow_stale: bool = False
    ) -> dict[str, CacheEntry]:
        policy.validate_namespace(ns)
        keys = list(dict.fromkeys(keys))
        self.guarded(self.sync)
        info = self._namespaces.get(ns)
        found: dict[str, CacheEntry] = {}
        if info is None:
            self._count(ns, 1, len(keys))
            self._maybe_flush()
            return found
        l1 = self.l1
        effective = info.effective
        missing: list[str] = []
        for key in keys:
            entry = l1.get((ns, key))
            if entry is None or entry.version != effective:
                missing.append(key)
            else:
                found[key] = entry
        if missing:
            rows = self.guarded(lambda: self._load(info.id, missing))
            # Rows that the LRU would evict within this same call are not worth inserting.
            keep_from = len(rows) - l1.max_items
            for index, (key, value, negative, created, expires, hits, size, version) in enumerate(
                rows
            ):
                if version != effective:
                    continue
                entry = CacheEntry(
                    ns, key, json.loads(value), bool(negative), False, created, expires, hits,
                    size, version,
                )  # fmt: skip
                if index >= keep_from:
                    l1.put((ns, key), entry)
                found[key] = entry
        self._classify(ns, found, len(keys), allow_stale)
        self._maybe_flush()
        return found

    def _load(self, ns_id: int, keys: list[str]) -> list[tuple[Any, ...]]:
        if len(keys) == 1:
            return self.conn.execute(
                _SELECT + " WHERE ns = ? AND key = ?", (ns_id, keys[0])
            ).fetchall()
        return self.conn.execute(
            _SELECT + " WHERE ns = ? AND key IN (SELECT value FROM json_each(?))",
            (ns_id, json.dumps(keys)),
        ).fetchall()

    def _classify(
        self, ns: str, found: dict[str, CacheEntry], asked: int, allow_stale: bool
    ) -> None:
        """Drop expired entries (or mark them stale), count hits and buffer per-entry hits."""
        now = self.clock.time()
        hits = negative_hits = stale_hits = expirations = 0
        pending = self._pending_hits
        for key, entry in list(found.items()):
            if entry.expires <= now:
                if allow_stale:
                    found[key] = replace(entry, stale=True)
                    stale_hits += 1
                else:
                    del found[key]
                    expirations += 1
                    continue
            elif entry.negative:
                negative_hits += 1
            else:
                hits += 1
            mark = pending.get((ns, key))
            if mark is None:
                pending[(ns, key)] = [1, now]
            else:
                mark[0] += 1
                mark[1] = now
        misses = asked - len(found)
        for field, n in enumerate((hits, misses, negative_hits, stale_hits, expirations)):
            if n:
                self._count(ns, field, n)

    # --- writes ---------------------------------------------------------------------------

    def set_many(
        self,
        ns: str,
        items: Mapping[str, Any],
        *,
        negative: bool = False,
        ttl: float | None = None,
    ) -> int:
        policy.validate_namespace(ns)
        now = self.clock.time()
        expires = self.policy.expires_at(ns, now, negative=negative, ttl=ttl)
        texts = {key: dumps(value) for key, value in items.items()}

        def body(conn: sqlite3.Connection) -> NamespaceInfo:
            info = self._ensure_ns(conn, ns)
            old_n, old_bytes = conn.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM entries "
                "WHERE ns = ? AND key IN (SELECT value FROM json_each(?))",
                (info.id, json.dumps(list(texts))),
            ).fetchone()
            rows = [
                (info.id, key, text, int(negative), now, expires, len(text.encode()),
                 info.effective)
                for key, text in texts.items()
            ]  # fmt: skip
            conn.executemany(_UPSERT, rows)
            conn.execute(
                "UPDATE namespaces SET writes = writes + ?, entries = entries + ?, "
                "bytes = bytes + ? WHERE id = ?",
                (len(rows), len(rows) - old_n, sum(r[6] for r in rows) - old_bytes, info.id),
            )
            return info

        info = self.write(body)
        for key, text in texts.items():
            value = items[key]
            size = len(text.encode())
            self.l1.put(
                (ns, key),
                CacheEntry(ns, key, value, negative, False, now, expires, 0, size, info.effective),
            )
        return len(texts)

    def delete(self, ns: str, key: str) -> bool:
        policy.validate_namespace(ns)
        self.l1.pop((ns, key))

        def body(conn: sqlite3.Connection) -> int:
            info = self._namespaces.get(ns)
            if info is None:
                return 0
            sizes = conn.execute(
                "DELETE FROM entries WHERE ns = ? AND key = ? RETURNING size", (info.id, key)
            ).fetchall()
            if sizes:
                conn.execute(
                    "UPDATE namespaces SET entries = entries - 1, bytes = bytes - ? WHERE id = ?",
                    (sizes[0][0], info.id),
                )
            return len(sizes)

        return self.write(body) > 0

    def expire(self, ns: str, key: str) -> bool:
        """Mark one entry expired now; it stays readable with ``allow_stale`` until swept."""
        policy.validate_namespace(ns)
        self.l1.pop((ns, key))
        now = self.clock.time()

        def body(conn: sqlite3.Connection) -> int:
            info = self._namespaces.get(ns)
            if info is None:
                return 0
            n = conn.execute(
                "UPDATE entries SET expires = min(expires, ?) WHERE ns = ? AND key = ? "
                "AND version = ?",
                (now, info.id, key, info.effective),
            ).rowcount
            conn.execute(
                "UPDATE namespaces SET expirations = expirations + ? WHERE id = ?", (n, info.id)
            )
            return n

        return self.write(body) > 0

    def purge(self, ns: str | None = None) -> int:
        """Delete every entry of ``ns`` and its dotted children (all entries when None)."""
        if ns is None:
            self.l1.clear()

            def everything(conn: sqlite3.Connection) -> int:
                n = conn.execute("DELETE FROM entries").rowcount
                conn.execute("UPDATE namespaces SET entries = 0, bytes = 0")
                return n

            return self.write(everything)
        policy.validate_namespace(ns)
        self.l1.remove_where(lambda k: policy.is_within(k[0], ns))

        def body(conn: sqlite3.Connection) -> int:
            n = 0
            for name, info in self._namespaces.items():
                if policy.is_within(name, ns):
                    n += conn.execute("DELETE FROM entries WHERE ns = ?", (info.id,)).rowcount
                    conn.execute(
                        "UPDATE namespaces SET entries = 0, bytes = 0 WHERE id = ?", (info.id,)
                    )
            return n

        return self.write(body)

    def bump(self, ns: str) -> int:
        """Invalidate ``ns`` and its dotted children at once; returns ``ns``'s own new version."""
        policy.validate_namespace(ns)
        self.l1.remove_where(lambda k: policy.is_within(k[0], ns))

        def body(conn: sqlite3.Connection) -> int:
            info = self._ensure_ns(conn, ns)
            info.version += 1
            conn.execute("UPDATE namespaces SET version = ? WHERE id = ?", (info.version, info.id))
            versions = {n: i.version for n, i in self._namespaces.items()}
            for name, other in self._namespaces.items():
                if policy.is_within(name, ns):
                    other.effective = policy.effective_version(name, versions)
                    conn.execute(
                        "UPDATE namespaces SET effective = ? WHERE id = ?",
                        (other.effective, other.id),
                    )
            return info.version

        return self.write(body)

    def current_version(self, ns: str) -> int:
        info = self._namespaces.get(ns)
        return 0 if info is None else info.effective

    def close(self) -> None:
        """Flush hit counts and checkpoint without waiting: PASSIVE never blocks on another
        process (TRUNCATE could wait out ``busy_timeout`` while a second window reads); the
        last connection to close checkpoints fully anyway, and ``vacuum`` truncates the WAL."""
        try:
            self.flush()
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as exc:  # closing must not fail; a cache loses at most hit counts
            log.warning("cache: hit counts not saved at close (%s)", type(exc).__name__)
            log.debug("cache close failure", exc_info=True)
        finally:
            self.conn.close()
