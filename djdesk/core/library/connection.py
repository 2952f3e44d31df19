"""Opening the library file safely, write transactions, and SQLite errors turned into ours.

PRAGMAs (reliability.md §4): WAL so readers never block the writer and a second DJDesk process
can work on the same file; ``busy_timeout`` so a writer waits for the other process instead of
failing; ``synchronous=NORMAL``: in WAL mode a commit survives an application crash or kill -9
at any synchronous level (measured in §4.3), and only an OS crash or power loss may roll back
the last few commits. The file stays consistent either way, and for the job journal a rolled
back unit is simply done again on resume (its provider answers are in the cache), so FULL's
fsync per commit would buy nothing the user can see while slowing every unit.

Every write goes through ``write_txn`` (``BEGIN IMMEDIATE``): it takes the write lock up front,
where the busy handler applies, instead of upgrading a read transaction later, which can fail
with SQLITE_BUSY without waiting.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from djdesk.core.errors import DiskFullError, SchemaTooNewError, StorageError
from djdesk.core.library.schema import SCHEMA_VERSION, migrate, user_version

BUSY_TIMEOUT_MS = 10_000
#: Extra rounds of BEGIN IMMEDIATE after a busy timeout, before telling the user.
BUSY_RETRIES = 3


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed), refuse a newer schema untouched, set PRAGMAs, migrate.

    The version check comes before any PRAGMA that writes (``journal_mode=WAL`` changes the
    header), so a file from a newer DJDesk is left byte-for-byte as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StorageError(f"Cannot open the library file {path}: {exc}.") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        found = user_version(conn)
        if found > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"The library {path} was written by a newer DJDesk "
                f"(schema {found}; this version knows up to {SCHEMA_VERSION})."
            )
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except SchemaTooNewError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise translate(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def translate(exc: sqlite3.Error, path: Path | None = None) -> StorageError:
    """Our error for a SQLite one: never a bare "database is locked" in front of a user."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "full" in text:
        return DiskFullError(f"The disk holding the library is full{where}.")
    if "locked" in text or "busy" in text:
        return StorageError(
            f"The library is busy in another DJDesk window or process{where}.",
            hint="Wait for the other run to finish, or close the other window, and try again.",
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"The library file{where} is damaged or is not a DJDesk library.",
            hint=(
                "DJDesk did not change it. Restore a backup, or set DJDESK_HOME to another folder."
            ),
        )
    return StorageError(f"A library database operation failed{where}: {exc}.")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def begin_immediate(
    conn: sqlite3.Connection,
    retries: int = BUSY_RETRIES,
    on_retry: Callable[[], None] | None = None,
) -> None:
    """Take the write lock, waiting ``busy_timeout`` per round for up to ``retries`` more rounds.

    A bounded loop, unlike requests-cache's unbounded one: after about 40 s something is wrong
    and the caller gets a StorageError that says what to do.
    """
    for attempt in range(retries + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == retries:
                raise
            if on_retry is not None:
                on_retry()


@contextlib.contextmanager
def write_txn(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write: commit on success, roll back on any exception (even cancel)."""
    begin_immediate(conn)
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        # A failed COMMIT (disk full, I/O error) must not leave a transaction open for the
        # next call to trip over.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def read_txn(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One consistent snapshot for reads that span several statements."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
