"""The run log: an append-only list model with a level filter proxy (Picard ``logviewmodel``).

Lines arrive in batches from the bridge; each batch is one ``beginInsertRows``. The model keeps
the last ``capacity`` lines and drops the oldest in one ``beginRemoveRows`` so memory stays flat
over a long run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from djdesk.core.events import LogMessage
from djdesk.core.i18n import N_, _
from djdesk.gui import theme
from djdesk.gui.flat_table_model import READ_ONLY_ROW

LevelRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex

#: The words a log line's level reads as, highest first; marked here, translated when shown.
_LEVEL_LABELS: tuple[tuple[int, str], ...] = (
    (logging.CRITICAL, N_("critical")),
    (logging.ERROR, N_("error")),
    (logging.WARNING, N_("warning")),
    (logging.INFO, N_("info")),
    (logging.DEBUG, N_("debug")),
)


def level_label(level: int) -> str:
    """The translated word for ``level``; a custom level (a library's TRACE at 5, a 25) reads as
    the standard one at or below it, so every line gets a word a person knows, never "Level 25"."""
    for at_least, label in _LEVEL_LABELS:
        if level >= at_least:
            return _(label)
    return _(_LEVEL_LABELS[-1][1])


class LogListModel(QAbstractListModel):
    def __init__(
        self, capacity: int = 5000, *, clock: Callable[[], float] = time.time, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self._clock = clock
        self._lines: list[tuple[float, LogMessage]] = []

    def append(self, messages: Sequence[LogMessage]) -> None:
        if not messages:
            return
        now = self._clock()
        messages = list(messages)[-self.capacity :]
        overflow = len(self._lines) + len(messages) - self.capacity
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._lines[:overflow]
            self.endRemoveRows()
        start = len(self._lines)
        self.beginInsertRows(QModelIndex(), start, start + len(messages) - 1)
        self._lines.extend((now, m) for m in messages)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._lines.clear()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return READ_ONLY_ROW if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        at, msg = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            stamp = time.strftime("%H:%M:%S", time.localtime(at))
            level = level_label(msg.level)
            source = f"[{msg.source}] " if msg.source else ""
            return f"{stamp}  {level:<7} {source}{msg.message}"
        if role == Qt.ItemDataRole.ToolTipRole:
            # The view is narrower than most lines: the whole line, wrapped, on hover.
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == LevelRole:
            return msg.level
        if role == Qt.ItemDataRole.ForegroundRole:
            if msg.level >= logging.ERROR:
                return theme.state_color("failed")
            if msg.level >= logging.WARNING:
                return theme.state_color("partial")
            if msg.level < logging.INFO:
                return theme.muted_color()
        return None


class LogFilterProxy(QSortFilterProxyModel):
    """Shows lines at or above ``min_level``; the filter re-runs only when the level changes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._min_level = logging.INFO

    @property
    def min_level(self) -> int:
        return self._min_level

    def set_min_level(self, level: int) -> None:
        if level == self._min_level:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self._min_level = level
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._min_level = level
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        level = self.sourceModel().index(source_row, 0, source_parent).data(LevelRole)
        return level is not None and level >= self._min_level
