"""Opening the cache file safely: refuse newer schemas, move corrupt files aside, map errors.

A cache is disposable, so a damaged file is renamed to ``<name>.corrupt-<UTC stamp>`` (with its
``-wal``/``-shm`` companions; never deleted, so it can be inspected or reported) and a fresh file
takes its place. A file from a newer DJDesk is different: it is refused before any write, and
stays byte for byte as it was (``SchemaTooNewError``).
"""

from __future__ import annotations

import datetime as _dt
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from djdesk.core.cache import schema
from djdesk.core.errors import CacheCorruptError, DiskFullError, StorageError

log = logging.getLogger(__name__)

#: Files up to this size get a full ``PRAGMA quick_check`` at open; bigger ones only get the
#: cheap header/schema/size checks (and are still recovered when SQLite reports corruption).
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024

#: Bounded retries (about 10 s in all) when opening meets SQLITE_BUSY, on top of busy_timeout.
OPEN_BUSY_RETRIES = 10

SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
SQLITE_BUSY = 5
SQLITE_LOCKED = 6

_OUR_TABLES = {"namespaces", "entries"}


class Corrupt(Exception):
    """Internal signal: the file cannot be used as a cache (reason in ``args[0]``)."""


def primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_corruption(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    if primary_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in str(exc).lower()
    )


def translate(exc: sqlite3.Error, path: Path) -> StorageError:
    """Turn a raw sqlite3 error into a message a person can act on (never 'database is locked')."""
    if primary_code(exc) == SQLITE_FULL or "disk is full" in str(exc).lower():
        return DiskFullError(f"The disk holding the cache ({path.parent}) is full.")
    if is_busy(exc):
        return StorageError(
            "The cache stayed busy in another DJDesk process for too long.",
            hint="Close other DJDesk windows or commands using the cache, then try again.",
        )
    return StorageError(f"The cache file {path} could not be used ({type(exc).__name__}).")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we issue BEGIN IMMEDIATE ourselves) with our PRAGMAs."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=schema.BUSY_TIMEOUT_MS / 1000)
    try:
        schema.apply_pragmas(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def probe(path: Path) -> None:
    """Read-only look at an existing file: raises ``Corrupt`` or ``SchemaTooNewError``.

    Runs before any read-write connection so a newer or foreign file is never modified (even
    switching to WAL would rewrite header bytes).
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:  # pragma: no cover - permissions; surfaced as StorageError
        raise translate(exc, path) from exc
    try:
        # One read transaction for every look, so another process's VACUUM + checkpoint cannot
        # shrink the file between reading page_count and measuring it (a false "truncated").
        conn.execute("BEGIN")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        wal = path.with_name(path.name + "-wal")
        in_wal = wal.exists() and wal.stat().st_size > 0
        on_disk = path.stat().st_size
    except sqlite3.DatabaseError as exc:
        _raise_classified(exc, path)
    finally:
        conn.close()
    schema.check_not_newer(version, path)
    if version == 0 and tables:
        raise Corrupt(f"not a DJDesk cache (tables {sorted(tables)})")
    if version > 0 and not tables >= _OUR_TABLES:
        raise Corrupt("cache tables are missing")
    if page_count * page_size > on_disk and not in_wal:
        raise Corrupt(f"file truncated ({on_disk} of {page_count * page_size} bytes)")


def quick_check(conn: sqlite3.Connection) -> None:
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise Corrupt(str(exc)) from exc
    if result != "ok":
        raise Corrupt(result)


def move_aside(path: Path, when: _dt.datetime | None = None) -> Path:
    """Rename the file and its WAL companions with a UTC timestamp; never delete anything."""
    stamp = (when or _dt.datetime.now(_dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        src = path.with_name(path.name + suffix)
        if src.exists():
            src.rename(target.with_name(target.name + suffix))
    return target


def open_cache(
    path: Path, *, check: bool | None = None
) -> tuple[sqlite3.Connection, CacheCorruptError | None]:
    """Open (creating or recovering) the cache at ``path``.

    Returns the connection and, when a damaged file was moved aside, the ``CacheCorruptError``
    to show the user (it is also logged); the caller keeps working on the fresh file.
    ``check`` forces (True) or skips (False) ``quick_check``; None decides by file size.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _retry_busy(path, lambda: _open_checked(path, check)), None
    except Corrupt as bad:
        moved = move_aside(path)
        warning = CacheCorruptError(
            f"The cache file {path} was damaged ({bad.args[0]}); it was moved to {moved.name}."
        )
        log.warning("%s %s", warning.message, warning.hint)
        return _retry_busy(path, lambda: _open_checked(path, False)), warning


def _retry_busy(path: Path, op: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    """Several processes opening a new file at once contend for the WAL switch and the
    migration; SQLite does not always run the busy handler there, so retry (bounded)."""
    for attempt in range(OPEN_BUSY_RETRIES + 1):
        try:
            return op()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise translate(exc, path) from exc
            if attempt == OPEN_BUSY_RETRIES:
                raise translate(exc, path) from exc
            time.sleep(0.02 * 2 ** min(attempt, 5))
    raise AssertionError("unreachable")  # pragma: no cover


def _raise_classified(exc: sqlite3.DatabaseError, path: Path) -> NoReturn:
    """Corruption -> ``Corrupt`` (recover), busy -> as is (the caller retries), else typed."""
    if is_corruption(exc):
        raise Corrupt(str(exc)) from exc
    if is_busy(exc):
        raise exc
    raise translate(exc, path) from exc


def _open_checked(path: Path, check: bool | None) -> sqlite3.Connection:
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        probe(path)
    try:
        conn = connect(path)
    except sqlite3.DatabaseError as exc:
        _raise_classified(exc, path)
    try:
        schema.migrate(conn, path)
        if exists and (check or (check is None and path.stat().st_size <= QUICK_CHECK_MAX_BYTES)):
            quick_check(conn)
    except Corrupt:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        _raise_classified(exc, path)
    except BaseException:
        conn.close()
        raise
    return conn
