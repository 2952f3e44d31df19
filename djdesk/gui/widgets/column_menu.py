"""A table header's right-click menu that shows or hides its columns (Qt has none built in).

Why a widget module: any table whose columns do not all fit (the provider table's Hedged column
starts hidden) needs the same menu, and the header's own state (``saveState``, kept by
``ui_state``) already remembers which sections are hidden, so nothing else has to.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu


def column_menu(header: QHeaderView, *, always_shown: Iterable[int] = (0,)) -> QMenu:
    """One checkable entry per column, with the column's header tooltip; the columns in
    ``always_shown`` (what names a row) cannot be unticked, so a row never goes anonymous."""
    model = header.model()
    orientation = header.orientation()
    keep = frozenset(always_shown)
    menu = QMenu(header)
    menu.setToolTipsVisible(True)
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
    return menu


def install_column_menu(header: QHeaderView, *, always_shown: Iterable[int] = (0,)) -> None:
    """Right-click on ``header`` opens ``column_menu`` for it."""
    keep = tuple(always_shown)

    def show(pos: QPoint) -> None:
        menu = column_menu(header, always_shown=keep)
        menu.exec(header.mapToGlobal(pos))
        menu.deleteLater()

    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(show)
