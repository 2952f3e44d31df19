"""The real CacheBrowser over core.cache: the inspector shows, expires and deletes real entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from djdesk.core.cache.store import CacheStore
from djdesk.gui.cache_inspector.deferred import DeferredCacheBrowser
from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
from djdesk.gui.cache_inspector.store_adapter import StoreCacheBrowser
from djdesk.gui.tasks import TaskRegistry


@pytest.fixture
def store(arun: Any, tmp_path: Path) -> Any:
    opened = arun(CacheStore.open(tmp_path / "cache.sqlite3"))
    arun(
        opened.set_many(
            "deezer.track", {f"track:{i}": {"id": i, "bpm": 120 + i} for i in range(30)}
        )
    )
    arun(opened.set("lastfm.track", "t:1", None, negative=True))
    yield opened
    arun(opened.aclose())


def test_adapter_pages_sorted_in_sqlite(arun: Any, store: CacheStore) -> None:
    browser = StoreCacheBrowser(store)
    stats = {n.namespace: n for n in arun(browser.namespaces())}
    assert stats["deezer.track"].entries == 30
    assert arun(browser.count(None, "")) == 31
    assert arun(browser.count("deezer.track", "track:1")) == 11  # track:1, track:10..19
    page = arun(browser.page("deezer.track", "", "key", False, 0, 5))
    assert [r.key for r in page] == sorted(r.key for r in page)
    assert len(page) == 5 and not page[0].stale and page[0].size > 0
    assert arun(browser.entry_value("deezer.track", "track:3")) == {"id": 3, "bpm": 123}
    negative = arun(browser.page("lastfm.track", "", "created_at", True, 0, 5))
    assert negative[0].negative


def test_inspector_on_the_real_store_expires_and_deletes(
    qtbot: Any, qloop: Any, store: CacheStore
) -> None:
    panel = CacheInspectorPanel(StoreCacheBrowser(store), TaskRegistry())
    panel.confirm = lambda _t, _x: True
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.entries_model.loaded, timeout=5000):
        panel.refresh()
    model = panel.entries_model
    assert model.total == 31
    row = next(r for r in range(model.rowCount()) if model.entry_at(r).key == "track:7")
    with qtbot.waitSignal(panel.entry_shown, timeout=5000) as shown:
        panel.select_entry(row)
    assert shown.args[0] == {"id": 7, "bpm": 127}
    with qtbot.waitSignal(panel.action_done, timeout=5000):
        panel.expire_selected()
    rows = {model.entry_at(r).key: model.entry_at(r) for r in range(model.rowCount())}
    assert rows["track:7"].stale
    panel.select_entry(list(rows).index("track:7"))
    with qtbot.waitSignal(panel.action_done, timeout=5000):
        panel.delete_selected()
    assert model.total == 30
    keys = {model.entry_at(r).key for r in range(model.rowCount())}
    assert "track:7" not in keys


def test_vacuum_on_the_real_store_reports_what_it_removed(
    qtbot: Any, qloop: Any, store: CacheStore, arun: Any
) -> None:
    arun(store.bump("deezer.track"))  # the 30 rows become an old version
    # as in the window: the store attached later, behind the deferred browser
    panel = CacheInspectorPanel(DeferredCacheBrowser(StoreCacheBrowser(store)), TaskRegistry())
    panel.confirm = lambda _t, _x: True
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.action_done, timeout=5000) as done:
        panel.vacuum()
    assert done.args[0].startswith("Vacuum removed 30 rows and freed "), done.args[0]
    assert panel.entries_model.total == 1
