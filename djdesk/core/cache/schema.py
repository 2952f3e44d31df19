"""The cache file's DDL, its ordered migrations and the PRAGMAs every connection gets.

The schema version lives in ``PRAGMA user_version``. ``MIGRATIONS[i]`` takes a file from
version ``i`` to ``i + 1`` and runs in one ``BEGIN IMMEDIATE`` transaction together with the
``user_version`` bump, so a crash mid-migration leaves the old version intact. A file with a
*newer* version is refused before anything writes to it (reliability.md §4.4 C7).

Layout: ``namespaces`` holds one row per namespace with its own bump count (``version``), the
resulting ``effective`` version (see ``policy.effective_version``), persisted counters and the
``entries``/``bytes`` totals, kept by ``database`` in the same transaction as each write (not by
triggers: those made ``set_many`` four times slower in ``benchmarks/cache_bench.py``), so the
inspector's overview never scans ``entries``. Entries refer to their namespace by integer id,
which keeps the secondary indexes (one per sortable column, with and without the namespace)
small.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from djdesk.core.errors import SchemaTooNewError

BUSY_TIMEOUT_MS = 5000

#: Columns the inspector may sort by; each has an index on (ns, col) and on (col).
SORTABLE = ("key", "created", "expires", "hits", "size")

_V1 = """
CREATE TABLE namespaces (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    version       INTEGER NOT NULL DEFAULT 0,
    effective     INTEGER NOT NULL DEFAULT 0,
    entries       INTEGER NOT NULL DEFAULT 0,
    bytes         INTEGER NOT NULL DEFAULT 0,
    hits          INTEGER NOT NULL DEFAULT 0,
    misses        INTEGER NOT NULL DEFAULT 0,
    negative_hits INTEGER NOT NULL DEFAULT 0,
    stale_hits    INTEGER NOT NULL DEFAULT 0,
    writes        INTEGER NOT NULL DEFAULT 0,
    expirations   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE entries (
    id        INTEGER PRIMARY KEY,
    ns        INTEGER NOT NULL REFERENCES namespaces(id),
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    negative  INTEGER NOT NULL DEFAULT 0,
    created   REAL NOT NULL,
    expires   REAL NOT NULL,
    hits      INTEGER NOT NULL DEFAULT 0,
    last_hit  REAL,
    size      INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    UNIQUE (ns, key)
);
CREATE INDEX entries_key ON entries(key);
CREATE INDEX entries_ns_version ON entries(ns, version);
CREATE INDEX entries_ns_created ON entries(ns, created);
CREATE INDEX entries_created ON entries(created);
CREATE INDEX entries_ns_expires ON entries(ns, expires);
CREATE INDEX entries_expires ON entries(expires);
CREATE INDEX entries_ns_hits ON entries(ns, hits);
CREATE INDEX entries_hits ON entries(hits);
CREATE INDEX entries_ns_size ON entries(ns, size);
CREATE INDEX entries_size ON entries(size);
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        # executescript() would COMMIT our transaction first; run statement by statement.
        for statement in _split(sql):
            conn.execute(statement)

    return run


def _split(sql: str) -> list[str]:
    """Split DDL on ``;`` at statement ends, keeping trigger bodies whole."""
    out: list[str] = []
    buf = ""
    for line in sql.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


#: ``MIGRATIONS[i]`` upgrades version ``i`` to ``i + 1``; append, never edit a released one.
MIGRATIONS: Sequence[Callable[[sqlite3.Connection], None]] = (_script(_V1),)
SCHEMA_VERSION = len(MIGRATIONS)


def apply_pragmas(conn: sqlite3.Connection) -> None:
    """WAL + NORMAL is the durability a disposable cache needs (hishel's choice)."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")


def check_not_newer(version: int, path: object) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"The cache file {path} was written by a newer DJDesk (schema {version}, "
            f"this one knows {SCHEMA_VERSION})."
        )


def migrate(conn: sqlite3.Connection, path: object) -> int:
    """Bring the file to ``SCHEMA_VERSION``; safe when two processes race (re-read under lock)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    check_not_newer(version, path)
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check_not_newer(version, path)
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version
