"""The show/hide-columns menu: the right-click popup and the lasting menu-bar submenu."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QMenu, QTableView

from djdesk.gui.widgets.column_menu import column_menu, column_submenu

HEADERS = ("Name", "BPM", "Key", "Energy")


def _table(qtbot: Any) -> QTableView:
    model = QStandardItemModel(3, len(HEADERS))
    model.setHorizontalHeaderLabels(list(HEADERS))
    model.setHeaderData(2, Qt.Orientation.Horizontal, "Camelot key", Qt.ItemDataRole.ToolTipRole)
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    return view


def test_submenu_ticks_follow_the_header_each_time_it_opens(qtbot: Any) -> None:
    view = _table(qtbot)
    header = view.horizontalHeader()
    parent = QMenu()
    sub = column_submenu(parent, "Columns", header, always_shown=(0,))
    actions = sub.actions()
    assert parent.actions()[0].menu() is sub
    assert [a.text() for a in actions] == list(HEADERS)
    assert all(a.isChecked() for a in actions)
    assert not actions[0].isEnabled() and all(a.isEnabled() for a in actions[1:])
    assert actions[2].toolTip() == "Camelot key" and sub.toolTipsVisible()

    actions[3].setChecked(False)  # the submenu hides a column...
    assert header.isSectionHidden(3)
    header.hideSection(1)  # ...and the header's own popup (or a restored layout) hides another
    header.showSection(3)
    sub.aboutToShow.emit()
    assert [a.isChecked() for a in actions] == [True, False, True, True]
    assert header.isSectionHidden(1) and not header.isSectionHidden(3), "syncing changes nothing"


def test_entries_name_columns_not_positions_after_a_move(qtbot: Any) -> None:
    view = _table(qtbot)
    header = view.horizontalHeader()
    header.setSectionsMovable(True)
    header.moveSection(header.visualIndex(3), 1)  # Energy dragged next to Name
    menu = column_menu(header)
    energy = next(a for a in menu.actions() if a.text() == "Energy")
    energy.trigger()
    assert header.isSectionHidden(3) and not header.isSectionHidden(1)
    assert not column_menu(header).actions()[3].isChecked()


def test_right_click_pops_the_menu_up_without_a_nested_loop(qtbot: Any) -> None:
    """``exec()`` would block this test until the menu closed; ``popup()`` returns at once."""
    from djdesk.gui.widgets.column_menu import install_column_menu

    view = _table(qtbot)
    view.show()
    header = view.horizontalHeader()
    install_column_menu(header)
    header.customContextMenuRequested.emit(QPoint(header.sectionViewportPosition(2) + 5, 5))
    menu = header.column_menu
    qtbot.waitUntil(menu.isVisible)
    menu.actions()[2].trigger()
    assert header.isSectionHidden(2)
    menu.close()
    qtbot.waitUntil(lambda: not menu.isVisible())
