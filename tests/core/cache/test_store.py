"""CacheStore behaviour on a fake clock: TTLs, negatives, versions, stale-if-error, L1, stats."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from djdesk.core.cache.policy import DAY, UnknownNamespaceError
from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock


async def test_positive_entry_lives_exactly_its_namespace_ttl(
    store: CacheStore, clock: FakeClock
) -> None:
    await store.set("musicbrainz.isrc", "GBDUW0000061", {"mbid": "x"})
    clock.advance(30 * DAY - 1)
    entry = await store.get("musicbrainz.isrc", "GBDUW0000061")
    assert entry is not None and entry.value == {"mbid": "x"} and not entry.stale
    clock.advance(1)
    assert await store.get("musicbrainz.isrc", "GBDUW0000061") is None


async def test_real_deezer_body_round_trips(store: CacheStore, api_samples: Path) -> None:
    body = json.loads((api_samples / "deezer/track_detail_3135556_2025-01-21.json").read_text())
    await store.set("deezer.track", "3135556", body)
    entry = await store.get("deezer.track", "3135556")
    assert entry is not None
    assert entry.value == body
    assert entry.size == len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    assert entry.expires - entry.created == 90 * DAY


async def test_negative_entries_expire_after_five_minutes(
    store: CacheStore, clock: FakeClock
) -> None:
    await store.set("deezer.search", "q=nothing", None, negative=True)
    clock.advance(299)
    entry = await store.get("deezer.search", "q=nothing")
    assert entry is not None and entry.negative
    clock.advance(1)
    assert await store.get("deezer.search", "q=nothing") is None


async def test_idmap_negative_lives_fourteen_days(store: CacheStore, clock: FakeClock) -> None:
    await store.set("reccobeats.idmap.spotify", "4uLU6hMCjMI75M1A2tKUQC", None, negative=True)
    clock.advance(14 * DAY - 1)
    assert await store.get("reccobeats.idmap.spotify", "4uLU6hMCjMI75M1A2tKUQC") is not None
    clock.advance(1)
    assert await store.get("reccobeats.idmap.spotify", "4uLU6hMCjMI75M1A2tKUQC") is None


async def test_positive_replaces_negative_at_once(store: CacheStore) -> None:
    await store.set("deezer.track", "1", None, negative=True)
    await store.set("deezer.track", "1", {"id": 1})
    entry = await store.get("deezer.track", "1")
    assert entry is not None and not entry.negative and entry.value == {"id": 1}


async def test_user_overrides_and_explicit_ttl(db_path: Path, clock: FakeClock) -> None:
    store = await CacheStore.open(db_path, clock=clock, ttl_overrides={"deezer.track": 60})
    try:
        await store.set("deezer.track", "a", 1)
        await store.set("deezer.search", "b", 2, ttl=10)
        clock.advance(10)
        assert await store.get("deezer.search", "b") is None
        assert await store.get("deezer.track", "a") is not None
        clock.advance(50)
        assert await store.get("deezer.track", "a") is None
    finally:
        await store.aclose()


async def test_unknown_namespace_needs_an_explicit_ttl(store: CacheStore) -> None:
    with pytest.raises(UnknownNamespaceError):
        await store.set("deezer.nope", "k", 1)
    await store.set("deezer.nope", "k", 1, ttl=5)
    assert (await store.get("deezer.nope", "k")) is not None


async def test_bump_invalidates_namespace_and_children(store: CacheStore) -> None:
    await store.set("deezer.track", "1", "t")
    await store.set("deezer.search", "q", "s")
    await store.set("lastfm.track", "1", "l")
    assert await store.bump("deezer.track") == 1
    assert await store.get("deezer.track", "1") is None
    assert await store.get("deezer.search", "q") is not None
    await store.set("deezer.track", "1", "t2")
    assert await store.bump("deezer") == 1
    assert await store.get("deezer.track", "1") is None
    assert await store.get("deezer.search", "q") is None
    assert (await store.get("lastfm.track", "1")) is not None
    await store.set("deezer.track", "1", "t3")
    entry = await store.get("deezer.track", "1")
    assert entry is not None and entry.value == "t3" and entry.version == 2
    stats = await store.stats()
    assert stats["deezer.track"].entries == 1  # the superseded row was overwritten in place
    assert stats["deezer.search"].entries == 1  # still on disk until swept
    assert await store.sweep() == 1
    assert (await store.stats())["deezer.search"].entries == 0


async def test_bump_survives_reopen(db_path: Path, clock: FakeClock) -> None:
    store = await CacheStore.open(db_path, clock=clock)
    await store.set("spotify.track", "x", 1)
    await store.bump("spotify")
    await store.aclose()
    store = await CacheStore.open(db_path, clock=clock)
    try:
        assert await store.get("spotify.track", "x") is None
        assert await store.bump("spotify") == 2
    finally:
        await store.aclose()


async def test_stale_if_error_serves_expired_entry_marked_stale(
    store: CacheStore, clock: FakeClock
) -> None:
    await store.set("lastfm.track", "k", {"listeners": 5})
    clock.advance(7 * DAY)
    assert await store.get("lastfm.track", "k") is None
    stale = await store.get("lastfm.track", "k", allow_stale=True)
    assert stale is not None and stale.stale and stale.value == {"listeners": 5}
    many = await store.get_many("lastfm.track", ["k", "absent"], allow_stale=True)
    assert list(many) == ["k"] and many["k"].stale
    assert await store.expire("lastfm.track", "k")
    assert (await store.get("lastfm.track", "k", allow_stale=True)) is not None


async def test_expire_keeps_entry_for_stale_reads(store: CacheStore) -> None:
    await store.set("spotify.user", "me", {"id": "me"})
    assert await store.expire("spotify.user", "me")
    assert await store.get("spotify.user", "me") is None
    entry = await store.get("spotify.user", "me", allow_stale=True)
    assert entry is not None and entry.stale
    assert not await store.expire("spotify.user", "other")
    assert not await store.expire("spotify.playlist", "never-written")


async def test_get_many_and_set_many(store: CacheStore) -> None:
    items = {f"k{i}": {"i": i} for i in range(500)}
    assert await store.set_many("deezer.track", items) == 500
    found = await store.get_many("deezer.track", [*items, "missing"])
    assert {k: e.value for k, e in found.items()} == items
    assert await store.get_many("spotify.track", ["a"]) == {}


async def test_get_many_reads_sqlite_when_l1_is_too_small(db_path: Path, clock: FakeClock) -> None:
    store = await CacheStore.open(db_path, clock=clock, l1_items=10)
    try:
        await store.set_many("deezer.track", {str(i): i for i in range(100)})
        assert len(store.database.l1) == 10
        found = await store.get_many("deezer.track", [str(i) for i in range(100)])
        assert {k: e.value for k, e in found.items()} == {str(i): i for i in range(100)}
    finally:
        await store.aclose()


async def test_delete_and_purge(store: CacheStore) -> None:
    await store.set_many("deezer.track", {"1": 1, "2": 2})
    await store.set("deezer.search", "q", 3)
    await store.set("lastfm.track", "x", 4)
    assert await store.delete("deezer.track", "1")
    assert not await store.delete("deezer.track", "1")
    assert not await store.delete("spotify.track", "never")
    assert await store.get("deezer.track", "1") is None
    assert await store.purge("deezer") == 2
    assert await store.get("deezer.search", "q") is None
    assert (await store.get("lastfm.track", "x")) is not None
    assert await store.purge() == 1
    assert await store.get("lastfm.track", "x") is None


async def test_stats_count_hits_misses_negatives_and_survive_reopen(
    db_path: Path, clock: FakeClock
) -> None:
    store = await CacheStore.open(db_path, clock=clock)
    await store.set_many("deezer.track", {"a": 1, "b": 2})
    await store.set("deezer.track", "n", None, negative=True)
    await store.get_many("deezer.track", ["a", "b", "c"])
    await store.get("deezer.track", "n")
    clock.advance(301)
    await store.get("deezer.track", "n")
    await store.get("deezer.track", "n", allow_stale=True)
    await store.aclose()
    store = await CacheStore.open(db_path, clock=clock)
    try:
        s = (await store.stats())["deezer.track"]
        assert (s.hits, s.misses, s.negative_hits, s.stale_hits) == (2, 2, 1, 1)
        assert (s.writes, s.expirations, s.entries) == (3, 1, 3)
        assert s.bytes == 1 + 1 + 4
        assert s.hit_rate == pytest.approx(3 / 5)
        rows = await store.run(
            lambda: store.database.conn.execute(
                "SELECT key, hits FROM entries ORDER BY key"
            ).fetchall()
        )
        assert rows == [("a", 1), ("b", 1), ("n", 2)]  # the expired miss is no hit
    finally:
        await store.aclose()


async def test_l1_is_coherent_with_another_connection(db_path: Path, clock: FakeClock) -> None:
    """A CLI purge/bump in another process must not leave the app serving old L1 entries."""
    app = await CacheStore.open(db_path, clock=clock)
    cli = await CacheStore.open(db_path, clock=clock)
    try:
        await app.set("deezer.track", "1", "old")
        assert (await app.get("deezer.track", "1")) is not None  # now in app's L1
        await cli.set("deezer.track", "1", "new")
        entry = await app.get("deezer.track", "1")
        assert entry is not None and entry.value == "new"
        await cli.bump("deezer")
        assert await app.get("deezer.track", "1") is None
        await app.set("deezer.track", "2", "x")
        await cli.purge()
        assert await app.get("deezer.track", "2") is None
    finally:
        await app.aclose()
        await cli.aclose()


async def test_l1_coherent_on_local_changes(store: CacheStore, clock: FakeClock) -> None:
    await store.set("deezer.track", "1", "a")
    assert ("deezer.track", "1") in store.database.l1
    await store.set("deezer.track", "1", "b")
    assert (await store.get("deezer.track", "1")).value == "b"  # type: ignore[union-attr]
    await store.expire("deezer.track", "1")
    assert await store.get("deezer.track", "1") is None
    await store.set("deezer.track", "1", "c")
    await store.delete("deezer.track", "1")
    assert ("deezer.track", "1") not in store.database.l1
    assert await store.get("deezer.track", "1") is None
    await store.set("deezer.track", "2", "c")
    await store.bump("deezer.track")
    assert len(store.database.l1) == 0


async def test_all_sqlite_work_runs_on_one_thread(store: CacheStore) -> None:
    seen: set[int] = set()
    for _ in range(5):
        seen.add(await store.run(threading.get_ident))
    assert len(seen) == 1 and threading.get_ident() not in seen
    with pytest.raises(Exception, match="thread"):
        store.database.conn.execute("SELECT 1")


async def test_closed_store_refuses_work(db_path: Path, clock: FakeClock) -> None:
    store = await CacheStore.open(db_path, clock=clock)
    await store.aclose()
    await store.aclose()
    with pytest.raises(Exception, match="closed"):
        await store.get("deezer.track", "1")


async def test_async_context_manager(db_path: Path, clock: FakeClock) -> None:
    async with await CacheStore.open(db_path, clock=clock) as store:
        await store.set("deezer.track", "1", 1)
    async with await CacheStore.open(db_path, clock=clock) as store:
        assert (await store.get("deezer.track", "1")) is not None


async def test_namespace_totals_match_a_recount_after_mixed_writes(store: CacheStore) -> None:
    await store.set_many("deezer.track", {str(i): "x" * i for i in range(20)})
    await store.set_many("deezer.track", {str(i): "y" for i in range(10, 30)})  # half overwrite
    await store.set("deezer.search", "q", [1, 2, 3])
    await store.delete("deezer.track", "3")
    await store.delete("deezer.track", "3")
    await store.purge("deezer.search")
    await store.set("lastfm.track", "a", 1)

    def truth() -> dict[str, tuple[int, int]]:
        rows = store.database.conn.execute(
            "SELECT n.name, count(e.id), coalesce(sum(e.size), 0) FROM namespaces n "
            "LEFT JOIN entries e ON e.ns = n.id GROUP BY n.name"
        ).fetchall()
        return {name: (n, b) for name, n, b in rows}

    expected = await store.run(truth)
    stats = await store.stats()
    assert {ns: (s.entries, s.bytes) for ns, s in stats.items()} == expected
    assert expected["deezer.track"] == (29, sum(i + 2 for i in range(10) if i != 3) + 20 * 3)


async def test_changes_are_published_after_commit(db_path: Path, clock: FakeClock) -> None:
    from djdesk.core.events import CacheChanged, EventBus

    bus = EventBus()
    seen: list[CacheChanged] = []
    bus.subscribe(CacheChanged, seen.append)
    async with await CacheStore.open(db_path, clock=clock, events=bus) as store:
        await store.set("deezer.track", "1", 1)
        await store.get("deezer.track", "1")
        await store.expire("deezer.track", "1")
        await store.delete("deezer.track", "1")
        await store.bump("deezer")
        await store.purge()
        await store.vacuum()
    assert [(e.namespace, e.action) for e in seen] == [
        ("deezer.track", "set"),
        ("deezer.track", "expire"),
        ("deezer.track", "delete"),
        ("deezer", "bump"),
        (None, "purge"),
        (None, "vacuum"),
    ]


async def test_hits_are_buffered_then_flushed_on_the_clock(db_path: Path, clock: FakeClock) -> None:
    """A read never writes; counts reach the file after FLUSH_INTERVAL_S (or on close/stats)."""
    from djdesk.core.cache.database import FLUSH_INTERVAL_S

    app = await CacheStore.open(db_path, clock=clock)
    other = await CacheStore.open(db_path, clock=clock)

    def hits_on_disk() -> int:
        row = other.database.conn.execute("SELECT hits FROM entries").fetchone()
        return int(row[0])

    try:
        await app.set("deezer.track", "1", 1)
        await app.get("deezer.track", "1")
        assert await other.run(hits_on_disk) == 0
        clock.advance(FLUSH_INTERVAL_S)
        await app.get("deezer.track", "1")
        assert await other.run(hits_on_disk) == 2
    finally:
        await app.aclose()
        await other.aclose()


async def test_a_rolled_back_write_leaves_no_phantom_namespace(store: CacheStore) -> None:
    """The namespace map is memory over SQLite: a rollback must not leave an id SQLite reuses."""
    db = store.database

    def failing_write() -> None:
        def body(conn: object) -> None:
            db._ensure_ns(conn, "deezer.track")  # type: ignore[arg-type]
            raise OSError("disk full, say")

        db.write(body)

    with pytest.raises(OSError):
        await store.run(failing_write)
    await store.set("deezer.album", "1", {"album": True})
    await store.set("deezer.track", "1", {"track": True})
    store.database.l1.clear()
    album = await store.get("deezer.album", "1")
    track = await store.get("deezer.track", "1")
    assert album is not None and album.value == {"album": True}
    assert track is not None and track.value == {"track": True}
    stats = await store.stats()
    assert stats["deezer.album"].entries == 1 and stats["deezer.track"].entries == 1
