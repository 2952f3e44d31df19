"""Opening the library: PRAGMAs, migrations by user_version, refusing newer or foreign files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from djdesk.core.errors import DiskFullError, SchemaTooNewError, StorageError
from djdesk.core.library import SCHEMA_VERSION, LibraryStore
from djdesk.core.library.connection import BUSY_TIMEOUT_MS, begin_immediate, connect
from djdesk.core.library.schema import MIGRATIONS, migrate, user_version


def test_pragmas_at_open(store: LibraryStore) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert user_version(conn) == SCHEMA_VERSION


def test_connection_refuses_other_threads(store: LibraryStore) -> None:
    errors: list[BaseException] = []

    def touch() -> None:
        try:
            store.list_playlists()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=touch)
    worker.start()
    worker.join()
    assert len(errors) == 1
    assert isinstance(errors[0], sqlite3.ProgrammingError)


def test_reopen_keeps_data_and_version(db_path: Path) -> None:
    first = LibraryStore.open(db_path)
    job = first.create_job("spotify:playlist:x", {"budget": {"spotify": 10}})
    first.close()
    second = LibraryStore.open(db_path)
    assert second.get_job(job.id) == job
    assert user_version(second._conn) == SCHEMA_VERSION
    second.close()


def test_newer_schema_refused_and_file_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError) as info:
        LibraryStore.open(db_path)
    assert "newer DJDesk" in info.value.message
    assert "not changed" in info.value.hint
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()


def test_foreign_file_is_a_storage_error_and_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not sqlite" * 100)
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as info:
        LibraryStore.open(db_path)
    assert "damaged or is not a DJDesk library" in info.value.message
    assert db_path.read_bytes() == before


def _old_file(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    return conn


def test_migrations_run_step_by_step_in_order(tmp_path: Path) -> None:
    conn = _old_file(tmp_path / "m.db")
    steps = (
        ("CREATE TABLE a (x INTEGER)",),
        ("ALTER TABLE a ADD COLUMN y TEXT", "INSERT INTO a VALUES (1, 'one')"),
    )
    assert migrate(conn, steps[:1]) == 1
    assert migrate(conn, steps) == 2
    assert conn.execute("SELECT x, y FROM a").fetchall() == [(1, "one")]
    assert migrate(conn, steps) == 2  # nothing left to do


def test_failed_migration_leaves_old_version_intact(tmp_path: Path) -> None:
    conn = _old_file(tmp_path / "m.db")
    steps = (
        ("CREATE TABLE a (x INTEGER)",),
        ("CREATE TABLE b (x INTEGER)", "INSERT INTO a VALUES (1)", "THIS IS NOT SQL"),
    )
    migrate(conn, steps[:1])
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, steps)
    assert user_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM a").fetchone()[0] == 0
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"a"}


def test_v0_file_migrates_to_current(db_path: Path) -> None:
    # An empty file some earlier run created but never migrated (user_version 0).
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).close()
    conn = connect(db_path)
    assert user_version(conn) == SCHEMA_VERSION == len(MIGRATIONS)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"playlists", "tracks", "track_ids", "playlist_entries", "pins"} <= names
    assert {"track_payloads", "jobs", "job_units"} <= names
    conn.close()


def test_two_connections_open_the_same_new_file(db_path: Path) -> None:
    # The second open re-reads user_version under the write lock and migrates nothing twice.
    a = LibraryStore.open(db_path)
    b = LibraryStore.open(db_path)
    a.create_job("in", {})
    assert len(b.list_jobs()) == 1
    a.close()
    b.close()


def test_close_checkpoints_the_wal(db_path: Path) -> None:
    s = LibraryStore.open(db_path)
    s.create_job("in", {})
    s.close()
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_busy_writer_waits_then_gets_the_lock(db_path: Path) -> None:
    holder = connect(db_path)
    waiter = connect(db_path)
    waiter.execute("PRAGMA busy_timeout = 0")  # each round fails at once instead of waiting
    holder.execute("BEGIN IMMEDIATE")
    rounds: list[int] = []

    def release() -> None:
        rounds.append(1)
        holder.execute("COMMIT")

    begin_immediate(waiter, retries=3, on_retry=release)
    assert rounds == [1] and waiter.in_transaction
    waiter.execute("COMMIT")
    holder.close()
    waiter.close()


def test_a_lock_held_too_long_is_a_clear_storage_error(db_path: Path) -> None:
    store = LibraryStore.open(db_path)
    store._conn.execute("PRAGMA busy_timeout = 0")
    holder = connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StorageError) as info:
        store.create_job("in", {})
    assert "busy in another DJDesk window" in info.value.message
    assert "database is locked" not in str(info.value)
    holder.execute("ROLLBACK")
    assert store.create_job("in", {}).state == "planned"
    holder.close()
    store.close()


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("version", [1])
def test_every_released_schema_opens_with_its_data(db_path: Path, version: int) -> None:
    """A file from each released schema (a SQL dump, so it diffs in review) still opens."""
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path)
    old.executescript((FIXTURES / f"library_v{version}.sql").read_text())
    old.close()
    store = LibraryStore.open(db_path)
    assert user_version(store._conn) == SCHEMA_VERSION
    (playlist,) = store.list_playlists()
    assert (playlist.name, playlist.entries, playlist.snapshot_id) == ("Fixture", 2, "abc")
    (tid, none) = store.playlist_track_ids(playlist.id)
    assert none is None
    (row,) = store.track_rows([tid])
    assert row.ids["reccobeats"] == "25c8ca63-5895-4572-84eb-a7040bc08c4d"  # the pin
    assert row.doc["bpm"]["value"] == 123.0 and row.state == "complete"
    assert store.query_track_ids(ranges={"bpm": (120, 125)}, keys=["8A"]) == [tid]
    job = store.get_job("fixturejob01")
    assert job is not None and job.options == {"budget": {"deezer": 50}}
    assert store.finished_units(job.id) == {(tid, "deezer"): "ok"}
    store.close()


def test_disk_full_is_reported_as_such(store: LibraryStore) -> None:
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError):
        store.create_job("x" * 100_000, {})
    assert not store._conn.in_transaction  # nothing left half-open
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.create_job("x" * 100_000, {}).state == "planned"
