"""Opening the cache file: PRAGMAs, migrations, newer schemas refused, corruption recovered."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from djdesk.core.cache import connection, schema
from djdesk.core.cache.database import CacheDatabase
from djdesk.core.cache.policy import TtlPolicy
from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock
from djdesk.core.errors import CacheCorruptError, DiskFullError, SchemaTooNewError, StorageError


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("cache.sqlite3.corrupt-"))


async def test_pragmas_at_open(store: CacheStore) -> None:
    def read() -> tuple[object, ...]:
        conn = store.database.conn
        return tuple(
            conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in (
                "journal_mode",
                "busy_timeout",
                "synchronous",
                "foreign_keys",
                "user_version",
            )
        )

    assert await store.run(read) == ("wal", 5000, 1, 1, schema.SCHEMA_VERSION)


def test_migrations_are_ordered_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    conn = connection.connect(path)
    assert schema.migrate(conn, path) == schema.SCHEMA_VERSION
    assert schema.migrate(conn, path) == schema.SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"namespaces", "entries"} <= tables
    conn.close()


def test_failed_migration_leaves_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.sqlite3"

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done(x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(schema, "MIGRATIONS", (broken,))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    conn = connection.connect(path)
    with pytest.raises(RuntimeError):
        schema.migrate(conn, path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


async def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future(x)")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError) as info:
        await CacheStore.open(path, clock=FakeClock())
    assert "newer DJDesk" in info.value.message
    assert "not changed" in info.value.hint
    assert path.read_bytes() == before
    assert aside_files(tmp_path) == []


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda p: p.write_bytes(b"this is not a database at all " * 200), id="garbage"
        ),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:5000]), id="truncated"),
        pytest.param(
            lambda p: p.write_bytes(p.read_bytes()[:4096] + b"\xff" * 4096 + p.read_bytes()[8192:]),
            id="garbage-page-2",
        ),
    ],
)
async def test_corrupt_file_is_moved_aside_and_replaced(
    tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite3"
    clock = FakeClock()
    store = await CacheStore.open(path, clock=clock)
    await store.set_many("deezer.track", {str(i): {"pad": "x" * 200} for i in range(200)})
    await store.aclose()
    damage(path)  # type: ignore[operator]
    damaged = path.read_bytes()
    with caplog.at_level(logging.WARNING):
        store = await CacheStore.open(path, clock=clock)
    try:
        assert isinstance(store.recovered, CacheCorruptError)
        assert "moved to cache.sqlite3.corrupt-" in store.recovered.message
        assert "fresh cache" in store.recovered.hint
        assert any("damaged" in r.getMessage() for r in caplog.records)
        main_aside = [p for p in aside_files(tmp_path) if not p.name.endswith(("-wal", "-shm"))]
        assert len(main_aside) == 1 and main_aside[0].read_bytes() == damaged
        assert await store.get("deezer.track", "1") is None
        await store.set("deezer.track", "1", "fresh")
        assert (await store.get("deezer.track", "1")).value == "fresh"  # type: ignore[union-attr]
    finally:
        await store.aclose()


async def test_foreign_sqlite_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE someone_elses(x)")
    conn.commit()
    conn.close()
    store = await CacheStore.open(path, clock=FakeClock())
    try:
        assert store.recovered is not None and "not a DJDesk cache" in store.recovered.message
    finally:
        await store.aclose()


def test_corruption_found_at_run_time_recovers(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    db = CacheDatabase(path, clock=FakeClock(), policy=TtlPolicy())
    calls = 0

    def op() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return "ok"

    assert db.guarded(op) == "ok"
    assert db.recovered is not None and "moved to" in db.recovered.message
    assert aside_files(tmp_path)
    db.set_many("deezer.track", {"1": 1})
    assert "1" in db.get_many("deezer.track", ["1"])
    db.close()


def test_busy_is_retried_then_reported_without_sqlite_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("djdesk.core.cache.database.time.sleep", lambda s: None)
    db = CacheDatabase(tmp_path / "c.sqlite3", clock=FakeClock(), policy=TtlPolicy())
    attempts = 0

    def busy() -> None:
        nonlocal attempts
        attempts += 1
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(StorageError) as info:
        db.guarded(busy)
    assert attempts == 7
    assert "locked" not in str(info.value) and "busy" in info.value.message
    db.close()


async def test_disk_full_maps_to_disk_full_error(store: CacheStore) -> None:
    def cap() -> None:
        conn = store.database.conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    await store.run(cap)
    with pytest.raises(DiskFullError) as info:
        await store.set_many("deezer.track", {str(i): "x" * 2000 for i in range(100)})
    assert "full" in info.value.message
    assert "nothing already saved was lost" in info.value.hint
    assert await store.get("deezer.track", "1") is None  # L1 never saw the failed write


def test_translate_other_errors() -> None:
    err = connection.translate(sqlite3.OperationalError("no such table: x"), Path("/x/c.db"))
    assert type(err) is StorageError and "could not be used" in err.message


async def test_file_with_our_version_but_no_tables_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other(x)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = await CacheStore.open(path, clock=FakeClock(), check=True)
    try:
        assert store.recovered is not None and "tables are missing" in store.recovered.message
    finally:
        await store.aclose()


def test_quick_check_failures_mean_corrupt() -> None:
    class Conn:
        def __init__(self, result: object) -> None:
            self.result = result

        def execute(self, sql: str) -> Conn:
            if isinstance(self.result, Exception):
                raise self.result
            return self

        def fetchone(self) -> tuple[object]:
            return (self.result,)

    connection.quick_check(Conn("ok"))  # type: ignore[arg-type]
    with pytest.raises(connection.Corrupt, match="missing from index"):
        connection.quick_check(Conn("row 5 missing from index entries_key"))  # type: ignore[arg-type]
    with pytest.raises(connection.Corrupt, match="malformed"):
        connection.quick_check(Conn(sqlite3.DatabaseError("database disk image is malformed")))  # type: ignore[arg-type]


async def test_healthy_file_passes_a_forced_check(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    async with await CacheStore.open(path, clock=FakeClock()) as store:
        await store.set("deezer.track", "1", 1)
    async with await CacheStore.open(path, clock=FakeClock(), check=True) as store:
        assert store.recovered is None
        assert (await store.get("deezer.track", "1")) is not None


def test_error_classification() -> None:
    assert not connection.is_corruption(ValueError("malformed"))
    assert connection.primary_code(ValueError()) is None
    full = sqlite3.OperationalError("database or disk is full")
    assert isinstance(connection.translate(full, Path("/x/c.db")), DiskFullError)


def test_open_retries_busy_then_reports_it_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("djdesk.core.cache.connection.time.sleep", lambda s: None)
    real = connection._open_checked
    calls = 0

    def flaky(path: Path, check: bool | None) -> sqlite3.Connection:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise sqlite3.OperationalError("database is locked")
        return real(path, check)

    monkeypatch.setattr(connection, "_open_checked", flaky)
    conn, warning = connection.open_cache(tmp_path / "c.sqlite3")
    assert calls == 3 and warning is None
    conn.close()

    def always(path: Path, check: bool | None) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(connection, "_open_checked", always)
    with pytest.raises(StorageError) as info:
        connection.open_cache(tmp_path / "c.sqlite3")
    assert "locked" not in str(info.value)

    def other(path: Path, check: bool | None) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(connection, "_open_checked", other)
    with pytest.raises(StorageError, match="could not be used"):
        connection.open_cache(tmp_path / "c.sqlite3")
