"""Cache inspector: models pass the tester, paging by fetchMore, and the panel's actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from djdesk.gui.cache_inspector.entries_model import PAGE, CacheEntriesModel, format_ttl
from djdesk.gui.cache_inspector.json_model import MAX_NODES, build_json_model
from djdesk.gui.cache_inspector.namespace_model import NamespaceListModel
from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
from djdesk.gui.fake_cache import NAMESPACES, FakeCacheBrowser
from djdesk.gui.tasks import TaskRegistry


@pytest.fixture
def cache() -> FakeCacheBrowser:
    return FakeCacheBrowser(seed=3, entries=900, now=1_767_225_600.0)


def test_entries_model_pages_with_fetch_more(
    qtbot: Any, qloop: Any, qtmodeltester: Any, cache: FakeCacheBrowser
) -> None:
    model = CacheEntriesModel(cache, TaskRegistry(), clock=lambda: 1_767_225_600.0)
    with qtbot.waitSignal(model.loaded, timeout=3000):
        model.refresh()
    assert model.total == 900
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore(), "one page fetch at a time"
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=3000)
    created = [model.entry_at(r).created_at for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert created == sorted(created, reverse=True), "sorted by the service, newest first"
    qtmodeltester.check(model)


def test_entries_model_sorts_and_searches_in_the_service(
    qtbot: Any, qloop: Any, cache: FakeCacheBrowser
) -> None:
    model = CacheEntriesModel(cache, TaskRegistry())
    with qtbot.waitSignal(model.loaded, timeout=3000):
        model.set_query(NAMESPACES[0], "")
    assert {model.entry_at(r).namespace for r in range(model.rowCount())} == {NAMESPACES[0]}  # type: ignore[union-attr]
    with qtbot.waitSignal(model.loaded, timeout=3000):
        model.sort(6, Qt.SortOrder.DescendingOrder)  # hits
    hits = [model.entry_at(r).hits for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert hits == sorted(hits, reverse=True)
    key = model.entry_at(0).key  # type: ignore[union-attr]
    with qtbot.waitSignal(model.loaded, timeout=3000):
        model.set_query(None, key)
    assert model.total >= 1 and all(key in model.entry_at(r).key for r in range(model.rowCount()))  # type: ignore[union-attr]
    model.sort(1, Qt.SortOrder.AscendingOrder)  # namespace: not indexed, ignored
    assert model.order_by == "hits"


def test_namespace_model(
    qtbot: Any, arun: Any, qtmodeltester: Any, cache: FakeCacheBrowser
) -> None:
    model = NamespaceListModel(cache)
    arun(model.reload())
    assert model.rowCount() == len(NAMESPACES) + 1
    assert model.index(0, 0).data() == "All namespaces"
    assert model.index(0, 1).data() == "900"
    qtmodeltester.check(model)


def test_json_model_is_a_collapsible_tree(qtmodeltester: Any) -> None:
    value = {
        "id": 3135556,
        "artist": {"name": "Daft Punk"},
        "contributors": [{"id": 27}],
        "x": None,
    }
    model = build_json_model(value)
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    artist = model.index(1, 0)
    assert artist.data() == "artist" and model.index(1, 2).data() == "object"
    assert model.rowCount(artist) == 1
    assert model.index(0, 0, artist).data() == "name"
    huge = build_json_model(list(range(MAX_NODES * 2)))
    assert huge.rowCount() <= MAX_NODES


def test_json_tree_and_text_agree_on_order_and_empty_strings(
    qtbot: Any, panel: CacheInspectorPanel
) -> None:
    value = {"title": "One More Time", "album": "", "isrc": None, "bpm": 122.5}
    panel._set_json(value)
    tree = panel.json_tree.model()
    keys = [tree.index(r, 0).data() for r in range(tree.rowCount())]
    values = [tree.index(r, 1).data() for r in range(tree.rowCount())]
    assert keys == list(value) == list(json.loads(panel.json_text.toPlainText()))
    text_keys = [line.split('"')[1] for line in panel.json_text.toPlainText().splitlines()[1:-1]]
    assert text_keys == keys
    assert values == ["One More Time", '""', "null", "122.5"]


def test_ttl_left_reads_like_a_person_would_say_it() -> None:
    now = 1000.0
    assert format_ttl(None, now) == "never expires"
    assert format_ttl(now - 1, now) == "expired"
    assert format_ttl(now + 3 * 86400, now) == "3 days"


@pytest.fixture
def panel(qtbot: Any, qloop: Any, cache: FakeCacheBrowser) -> CacheInspectorPanel:
    p = CacheInspectorPanel(cache, TaskRegistry())
    p.confirm = lambda _title, _text: True
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    with qtbot.waitSignal(p.entries_model.loaded, timeout=3000):
        p.refresh()
    return p


def test_panel_shows_expires_and_deletes_an_entry(
    qtbot: Any, panel: CacheInspectorPanel, cache: FakeCacheBrowser
) -> None:
    model = panel.entries_model
    row = next(r for r in range(model.rowCount()) if not model.entry_at(r).stale)  # type: ignore[union-attr]
    entry = model.entry_at(row)
    assert entry is not None
    with qtbot.waitSignal(panel.entry_shown, timeout=3000) as shown:
        panel.select_entry(row)
    assert shown.args[0] == cache._entries[(entry.namespace, entry.key)].value
    assert entry.key in panel.detail_title.text()
    assert json.loads(panel.json_text.toPlainText()) == shown.args[0]
    assert panel.json_tree.model().rowCount() > 0

    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.expire_selected()
    assert "expired" in panel.message.text()
    rows = [model.entry_at(r) for r in range(model.rowCount())]
    after = next(e for e in rows if e and e.key == entry.key)
    assert after.stale
    assert model.index(rows.index(after), 5).data() == "expired"

    panel.select_entry(rows.index(after))
    asked: list[str] = []
    panel.confirm = lambda title, text: asked.append(text) or True
    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.delete_selected()
    assert asked and entry.key in asked[0]
    assert model.total == 899
    assert all(model.entry_at(r).key != entry.key for r in range(model.rowCount()))  # type: ignore[union-attr]
    assert panel.ns_model.index(0, 1).data() == "899"


def test_delete_asks_in_a_box_that_does_not_block_the_loop(
    qtbot: Any, qloop: Any, cache: FakeCacheBrowser
) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    p = CacheInspectorPanel(cache, TaskRegistry())  # the real confirm: an open() box
    qtbot.addWidget(p)
    p.show()
    with qtbot.waitSignal(p.entries_model.loaded, timeout=3000):
        p.refresh()
    p.select_entry(0)
    before = p.entries_model.total
    p.delete_selected()
    boxes: list[QMessageBox] = []
    qtbot.waitUntil(
        lambda: bool(
            boxes.extend(
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()
            )
            or boxes
        ),
        timeout=3000,
    )
    assert p.entries_model.total == before, "nothing is deleted before the answer"
    with qtbot.waitSignal(p.action_done, timeout=3000):
        boxes[0].button(QMessageBox.StandardButton.Yes).click()
    assert p.entries_model.total == before - 1


def test_destructive_actions_ask_first(qtbot: Any, panel: CacheInspectorPanel) -> None:
    with qtbot.waitSignal(panel.entries_model.loaded, timeout=3000):
        panel.namespaces.selectRow(1)
    assert panel.entries_model.namespace == sorted(NAMESPACES)[0]
    panel.confirm = lambda _t, _x: False
    before = panel.entries_model.total
    panel.purge_namespace()
    assert panel.entries_model.total == before
    panel.confirm = lambda _t, _x: True
    ns = panel.current_namespace()
    assert ns is not None
    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.purge_namespace()
    assert "Purged" in panel.message.text()
    assert panel.entries_model.total == 0


def test_export_then_import_round_trips(
    qtbot: Any, panel: CacheInspectorPanel, tmp_path: Path
) -> None:
    target = tmp_path / "cache.jsonl"
    panel.ask_path = lambda _title, _save: target
    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.export()
    assert "Exported 900 entries" in panel.message.text()
    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.import_()
    assert "Imported 900 entries" in panel.message.text()


def test_vacuum_asks_first_and_says_rows_removed_and_bytes_freed(
    qtbot: Any, panel: CacheInspectorPanel
) -> None:
    asked: list[str] = []
    panel.confirm = lambda _t, text: asked.append(text) or False
    before = panel.entries_model.total
    panel.vacuum()
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    assert "expired more than 30 days ago" in asked[0]
    assert panel.entries_model.total == before, "no answer, nothing deleted"
    with qtbot.waitSignal(panel.entries_model.loaded, timeout=3000):
        panel.namespaces.selectRow(1)
    panel.confirm = lambda _t, _x: True
    with qtbot.waitSignal(panel.action_done, timeout=3000):
        panel.bump_namespace()  # its entries become an old version: vacuum sweeps them
    stale = panel.entries_model.total
    assert stale > 0
    with qtbot.waitSignal(panel.action_done, timeout=3000) as done:
        panel.vacuum()
    text = done.args[0]
    assert text.startswith("Vacuum removed ") and " rows and freed " in text, text
    removed = int(text.split()[2].replace(",", ""))
    assert removed >= stale
    assert panel.entries_model.total == 0


def test_a_short_panel_puts_the_json_beside_the_entries(
    qtbot: Any, panel: CacheInspectorPanel
) -> None:
    assert panel.detail_splitter.orientation() == Qt.Orientation.Vertical  # 1200x700
    panel.resize(1000, 350)  # a 1024x640 window with the progress dock below
    qtbot.waitUntil(
        lambda: panel.detail_splitter.orientation() == Qt.Orientation.Horizontal, timeout=3000
    )
    qtbot.waitUntil(lambda: min(panel.detail_splitter.sizes()) > 200, timeout=3000)
    panel.resize(1200, 700)
    qtbot.waitUntil(
        lambda: panel.detail_splitter.orientation() == Qt.Orientation.Vertical, timeout=3000
    )
