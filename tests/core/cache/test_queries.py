"""The inspector's read side: pages sorted in SQLite on an index, counts, details, overview."""

from __future__ import annotations

import pytest

from djdesk.core.cache import queries, schema
from djdesk.core.cache.queries import CacheQueries
from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock


@pytest.fixture
async def filled(store: CacheStore, clock: FakeClock) -> CacheStore:
    for i in range(30):
        await store.set("deezer.track", f"t{i:02d}", {"i": i, "pad": "x" * i})
        clock.advance(1)
    await store.set_many("deezer.search", {"q=a": 1, "q=b_%": 2})
    await store.set("lastfm.track", "t00", None, negative=True)
    await store.get_many("deezer.track", ["t05", "t05", "t07"])
    await store.get("deezer.track", "t05")
    return store


async def test_page_sorts_and_pages_in_sqlite(filled: CacheStore) -> None:
    q = CacheQueries(filled)
    first = await q.page(namespace="deezer.track", limit=5)
    assert [r.key for r in first] == ["t00", "t01", "t02", "t03", "t04"]
    second = await q.page(namespace="deezer.track", offset=5, limit=5)
    assert [r.key for r in second] == ["t05", "t06", "t07", "t08", "t09"]
    by_size = await q.page(namespace="deezer.track", order_by="size", descending=True, limit=2)
    assert [r.key for r in by_size] == ["t29", "t28"]
    by_hits = await q.page(namespace="deezer.track", order_by="hits", descending=True, limit=2)
    assert [(r.key, r.hits) for r in by_hits] == [("t05", 2), ("t07", 1)]
    newest = await q.page(order_by="created", descending=True, limit=1)
    assert newest[0].namespace in ("deezer.search", "lastfm.track")
    assert first[0].preview == '{"i":0,"pad":""}' and first[0].value is None
    assert first[0].current and not first[0].expired


async def test_namespace_prefix_and_search(filled: CacheStore) -> None:
    q = CacheQueries(filled)
    assert await q.count(namespace="deezer") == 32
    assert await q.count() == 33
    assert await q.count(namespace="spotify") == 0
    assert await q.page(namespace="spotify") == []
    assert [r.key for r in await q.page(search="_%")] == ["q=b_%"]
    assert await q.count(search="t0") == 11


async def test_old_versions_hidden_unless_asked(filled: CacheStore) -> None:
    await filled.bump("lastfm")
    q = CacheQueries(filled)
    assert await q.count(namespace="lastfm") == 0
    rows = await q.page(namespace="lastfm", include_old=True)
    assert [(r.key, r.current) for r in rows] == [("t00", False)]


async def test_entry_detail_and_namespaces(filled: CacheStore, clock: FakeClock) -> None:
    q = CacheQueries(filled)
    detail = await q.entry("deezer.track", "t03")
    assert detail is not None and detail.value == {"i": 3, "pad": "xxx"}
    assert "value" in detail.as_dict()
    assert await q.entry("deezer.track", "nope") is None
    clock.advance(301)
    neg = await q.entry("lastfm.track", "t00")
    assert neg is not None and neg.negative and neg.expired and "value" not in neg.as_dict()
    overview = {r.namespace: r for r in await q.namespaces()}
    track = overview["deezer.track"]
    assert (track.entries, track.hits, track.ttl) == (30, 3, 90 * 86400)
    assert track.hit_rate == 1.0
    assert track.as_dict()["hit_rate"] == 1.0
    assert overview["deezer.search"].hit_rate is None


async def test_bad_order_by_is_refused(filled: CacheStore) -> None:
    with pytest.raises(ValueError, match="order_by"):
        await CacheQueries(filled).page(order_by="value")


@pytest.mark.parametrize("order_by", schema.SORTABLE)
@pytest.mark.parametrize("namespace", [None, "deezer.track", "deezer"])
async def test_pages_never_sort_in_a_temp_btree(
    filled: CacheStore, order_by: str, namespace: str | None
) -> None:
    """Over 1,000,000 rows a page must walk an index, not sort the table."""
    captured: list[str] = []

    def plan() -> None:
        conn = filled.database.conn
        original = conn.execute

        class Spy:
            def execute(self, sql: str, params: object = ()) -> object:
                if sql.startswith("SELECT n.name"):
                    rows = original("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                    captured.extend(r[3] for r in rows)
                return original(sql, params)

        queries.page(Spy(), now=0.0, namespace=namespace, order_by=order_by)  # type: ignore[arg-type]

    await filled.run(plan)
    assert captured and not any("TEMP B-TREE" in step for step in captured), captured
