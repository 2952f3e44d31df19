"""The window's size on small screens and what it remembers between starts (review 8 #5)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QKeySequence

from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.columns import COLUMN_INDEX, COLUMNS
from djdesk.gui.progress.stats_model import HEDGED_COLUMN
from djdesk.gui.services import Services
from djdesk.gui.ui_state import fit_to

DEEZER = "https://www.deezer.com/en/playlist/908622995"
SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"


def test_fit_to_shrinks_and_moves_a_rect_inside_the_free_area() -> None:
    laptop = QRect(0, 0, 1366, 740)  # 1366x768 less a 28 px panel
    assert fit_to(QRect(0, 0, 1280, 800), laptop) == QRect(0, 0, 1280, 740)
    assert fit_to(QRect(600, 500, 1280, 700), laptop) == QRect(86, 40, 1280, 700)
    assert fit_to(QRect(-50, -20, 300, 200), QRect(10, 30, 800, 600)) == QRect(10, 30, 300, 200)
    assert fit_to(QRect(100, 100, 300, 200), laptop) == QRect(100, 100, 300, 200)


def test_window_fits_a_1024x640_screen(qtbot: Any, qloop: Any, services: Services) -> None:
    window = MainWindow(services, demo=True)
    qtbot.addWidget(window)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 640, hint
    window.show()
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.width() == 1024 and window.height() == 640, timeout=3000)
    assert window.playlists.details.minimumWidth() <= 180


def test_window_opens_within_the_screen(qtbot: Any, qloop: Any, services: Services) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    expected = fit_to(QRect(window.pos(), window.size()), available)
    assert window.height() <= max(available.height(), window.minimumSizeHint().height())
    assert window.height() == expected.height()


def test_window_remembers_filters_log_level_playlist_and_table_layouts(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    first.engine_ready()
    panel = first.playlists
    for link in (DEEZER, SPOTIFY):
        with qtbot.waitSignal(panel.playlist_imported, timeout=5000):
            panel.import_text(link)
    qtbot.waitUntil(lambda: panel.playlist_model.rowCount() == 2, timeout=5000)
    target = panel.playlist_model.playlist_at(1)  # not the row a fresh start shows (0)
    assert target is not None
    panel.playlists.selectRow(1)
    qtbot.waitUntil(lambda: panel.current_playlist() == target.id, timeout=3000)
    panel.filter_bar.text.setText("love")
    panel.filter_bar.bpm_min.setValue(120)
    panel.filter_bar.compatible.setChecked(True)
    panel.filter_bar.key.setCurrentIndex(panel.filter_bar.key.findData("8A"))
    first.progress.level.setCurrentIndex(first.progress.level.findData(logging.WARNING))
    first.cache.detail_splitter.setSizes([100, 300])
    saved_split = first.cache.detail_splitter.sizes()
    first.cache.entries.horizontalHeader().resizeSection(0, 271)
    stats_header = first.progress.table.horizontalHeader()
    assert stats_header.isSectionHidden(HEDGED_COLUMN)  # a first start: the table is wide
    stats_header.showSection(HEDGED_COLUMN)
    with qtbot.waitSignal(first.closed, timeout=3000):
        first.close()

    second = MainWindow(services)
    qtbot.addWidget(second)
    second.show()
    bar = second.playlists.filter_bar
    assert bar.text.text() == "love"
    assert bar.bpm_min.value() == 120 and bar.bpm_max.value() == bar.bpm_max.minimum()
    assert bar.key.currentData() == "8A" and bar.compatible.isChecked()
    flt = second.playlists.track_model.track_filter
    assert flt.text == "love" and flt.bpm == (120.0, None) and "8A" in flt.keys
    assert second.progress.level.currentData() == logging.WARNING
    assert second.cache.entries.horizontalHeader().sectionSize(0) == 271
    assert not second.progress.table.horizontalHeader().isSectionHidden(HEDGED_COLUMN)
    assert second.cache.detail_splitter.sizes() == saved_split
    second.engine_ready()
    qtbot.waitUntil(lambda: second.playlists.current_playlist() == target.id, timeout=3000)
    assert second.playlists.table.horizontalHeader().sectionSize(COLUMN_INDEX["position"]) > 0
    with qtbot.waitSignal(second.closed, timeout=3000):
        second.close()


def test_hidden_track_columns_stay_hidden_after_a_restart(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    hidden = (COLUMN_INDEX["valence"], COLUMN_INDEX["listeners"], COLUMN_INDEX["position"])
    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    header = first.playlists.table.horizontalHeader()
    header.resizeSection(COLUMN_INDEX["valence"], 77)
    for col in hidden:
        header.hideSection(col)
    with qtbot.waitSignal(first.closed, timeout=3000):
        first.close()

    second = MainWindow(services)
    qtbot.addWidget(second)
    second.show()
    panel = second.playlists
    header = panel.table.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert shown == [c for c in range(len(COLUMNS)) if c not in hidden]
    menu = second.track_columns_menu
    menu.aboutToShow.emit()
    assert [a.isChecked() for a in menu.actions()] == [c not in hidden for c in range(len(COLUMNS))]
    second.engine_ready()  # a playlist shown resets the model: the header keeps its sections
    with qtbot.waitSignal(panel.playlist_imported, timeout=5000):
        panel.import_text(DEEZER)
    qtbot.waitUntil(lambda: panel.track_model.rowCount() > 0, timeout=5000)
    assert all(header.isSectionHidden(c) for c in hidden)
    header.showSection(COLUMN_INDEX["valence"])
    assert header.sectionSize(COLUMN_INDEX["valence"]) == 77, "shown again at its own width"
    header.showSection(COLUMN_INDEX["position"])
    assert header.sectionSize(COLUMN_INDEX["position"]) > 0, "sized for the playlist meanwhile"
    with qtbot.waitSignal(second.closed, timeout=3000):
        second.close()


def test_every_sort_key_comes_back_is_shown_and_can_be_cleared(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    """The header shows and saves only the primary key; the window keeps all of them."""
    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    first.engine_ready()
    panel = first.playlists
    with qtbot.waitSignal(panel.playlist_imported, timeout=5000):
        panel.import_text(DEEZER)
    qtbot.waitUntil(lambda: panel.track_model.rowCount() > 0, timeout=5000)
    table = panel.table
    table.sortByColumn(COLUMN_INDEX["key"], Qt.SortOrder.AscendingOrder)
    table.sortByColumn(COLUMN_INDEX["bpm"], Qt.SortOrder.DescendingOrder)
    count = panel.tracks.count_label
    assert count.text().endswith("· sorted by BPM ↓, then Key ↑"), count.text()
    with qtbot.waitSignal(first.closed, timeout=3000):
        first.close()

    second = MainWindow(services)
    qtbot.addWidget(second)
    second.show()
    model = second.playlists.track_model
    assert model.sort_keys == [
        (COLUMN_INDEX["bpm"], Qt.SortOrder.DescendingOrder),
        (COLUMN_INDEX["key"], Qt.SortOrder.AscendingOrder),
    ]
    header = second.playlists.table.horizontalHeader()
    assert header.sortIndicatorSection() == COLUMN_INDEX["bpm"]
    clear = next(
        a for a in second.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+Shift+O")
    )
    clear.trigger()
    assert model.sort_keys == [] and header.sortIndicatorSection() == -1
    with qtbot.waitSignal(second.closed, timeout=3000):
        second.close()
