"""The namespace list keeps both ends of a long name and shows the whole name on hover."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
from djdesk.gui.fake_cache import FakeCacheBrowser
from djdesk.gui.tasks import TaskRegistry


def test_long_namespace_names_elide_in_the_middle_with_a_tooltip(qtbot: Any, qloop: Any) -> None:
    panel = CacheInspectorPanel(FakeCacheBrowser(seed=3, entries=50), TaskRegistry())
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    qtbot.waitUntil(lambda: panel.ns_model.rowCount() > 1, timeout=3000)
    view = panel.namespaces
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    last = panel.ns_model.rowCount() - 1
    view.entered.emit(panel.ns_model.index(last, 2))  # hovering any cell of the row
    name = panel.ns_model.index(last, 0).data()
    assert name and view.toolTip() == name
