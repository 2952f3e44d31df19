"""Housekeeping on the cache thread: sweeping superseded and long-expired rows, compaction, stats.

These take the thread-owned ``CacheDatabase`` and run inside ``CacheStore.run`` like everything
else that touches SQLite.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from djdesk.core.cache import policy
from djdesk.core.cache.entry import NamespaceStats

if TYPE_CHECKING:
    from djdesk.core.cache.database import CacheDatabase

#: Expired rows stay this long for stale-if-error before ``sweep`` removes them.
STALE_KEEP_S = 30 * policy.DAY


def recount(conn: sqlite3.Connection) -> None:
    """Recompute every namespace's entries/bytes (after bulk changes; uses the (ns, size) index)."""
    conn.execute(
        "UPDATE namespaces SET "
        "entries = (SELECT count(*) FROM entries e WHERE e.ns = namespaces.id), "
        "bytes = (SELECT coalesce(sum(size), 0) FROM entries e WHERE e.ns = namespaces.id)"
    )


def sweep(db: CacheDatabase) -> int:
    """Remove rows of old namespace versions and rows expired longer than ``STALE_KEEP_S``."""
    cutoff = db.clock.time() - STALE_KEEP_S

    def body(conn: sqlite3.Connection) -> int:
        n = conn.execute(
            "DELETE FROM entries WHERE id IN (SELECT e.id FROM entries e "
            "JOIN namespaces n ON n.id = e.ns WHERE e.version != n.effective)"
        ).rowcount
        n += conn.execute("DELETE FROM entries WHERE expires < ?", (cutoff,)).rowcount
        recount(conn)
        return n

    return db.write(body)


def vacuum(db: CacheDatabase) -> dict[str, int]:
    """Sweep, compact and truncate the WAL; busy (another process mid-write) is retried."""
    before = file_bytes(db)
    swept = sweep(db)

    def run() -> None:
        db.conn.execute("VACUUM")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    db.guarded(run)
    db.guarded(db.sync)
    return {"swept": swept, "bytes_before": before, "bytes_after": file_bytes(db)}


def file_bytes(db: CacheDatabase) -> int:
    names = (db.path.name, db.path.name + "-wal")
    return sum(p.stat().st_size for p in (db.path.with_name(n) for n in names) if p.exists())


def stats(db: CacheDatabase) -> dict[str, NamespaceStats]:
    db.flush()
    db.guarded(db.sync)
    rows = db.guarded(
        lambda: db.conn.execute(
            "SELECT name, effective, entries, bytes, hits, misses, negative_hits, "
            "stale_hits, writes, expirations FROM namespaces ORDER BY name"
        ).fetchall()
    )
    return {row[0]: NamespaceStats(*row) for row in rows}
