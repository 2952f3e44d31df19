"""A table header's show/hide-columns menu, as a right-click popup and as a menu-bar submenu.

Why a widget module: any table whose columns do not all fit (the provider table's Hedged column
starts hidden, the track table's 16 columns) needs the same menu, and the header's own state
(``saveState``, kept by ``ui_state``) already remembers which sections are hidden, so nothing
else has to. Qt has no such menu built in.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu


def add_column_actions(
    menu: QMenu, header: QHeaderView, *, always_shown: Iterable[int] = (0,)
) -> list[QAction]:
    """One checkable entry per column (by logical index, so a moved column keeps its entry),
    with the column's header tooltip; the columns in ``always_shown`` (what names a row) cannot
    be unticked, so a row never goes anonymous. Returns the entries in column order."""
    model = header.model()
    orientation = header.orientation()
    keep = frozenset(always_shown)
    menu.setToolTipsVisible(True)
    actions: list[QAction] = []
    for col in range(header.count()):
        title = model.headerData(col, orientation, Qt.ItemDataRole.DisplayRole)
        action = menu.addAction(str(title))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(col))
        tip = model.headerData(col, orientation, Qt.ItemDataRole.ToolTipRole)
        if tip:
            action.setToolTip(str(tip))
        action.setEnabled(col not in keep)
        action.toggled.connect(lambda on, c=col: header.setSectionHidden(c, not on))
        actions.append(action)
    return actions


def column_menu(header: QHeaderView, *, always_shown: Iterable[int] = (0,)) -> QMenu:
    """A popup of ``add_column_actions`` for ``header``, built for one showing."""
    menu = QMenu(header)
    add_column_actions(menu, header, always_shown=always_shown)
    return menu


def install_column_menu(header: QHeaderView, *, always_shown: Iterable[int] = (0,)) -> None:
    """Right-click on ``header`` opens ``column_menu`` for it.

    ``popup()``, never ``exec()``: a nested event loop inside the qasync loop is the crash
    class of review 2 #13. The last menu shown is ``header.column_menu`` (tests read it).
    """
    keep = tuple(always_shown)

    def show(pos: QPoint) -> None:
        menu = column_menu(header, always_shown=keep)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        header.column_menu = menu  # type: ignore[attr-defined]
        menu.popup(header.mapToGlobal(pos))

    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(show)


def column_submenu(
    parent: QMenu, title: str, header: QHeaderView, *, always_shown: Iterable[int] = (0,)
) -> QMenu:
    """``add_column_actions`` as a lasting submenu of ``parent`` (the menu bar's View).

    Its ticks are read from the header again each time it opens: the header's right-click
    menu and a restored window layout hide and show columns without telling it.
    """
    menu = parent.addMenu(title)
    actions = add_column_actions(menu, header, always_shown=always_shown)

    def sync() -> None:
        for col, action in enumerate(actions):
            action.setChecked(not header.isSectionHidden(col))

    menu.aboutToShow.connect(sync)
    return menu
