"""FlatTableModel: the header, column count and flags every flat table model here shares."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from djdesk.core.i18n import _

_Index = QModelIndex | QPersistentModelIndex

#: Rows a view shows and selects but never edits or expands (every list and table here).
READ_ONLY_ROW = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class FlatTableModel(QAbstractTableModel):
    """A table without children: subclasses set ``headers`` (marked with ``N_``) and provide
    ``rowCount`` and ``data``; header texts are translated when shown."""

    headers: ClassVar[tuple[str, ...]] = ()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return _(self.headers[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return READ_ONLY_ROW if index.isValid() else Qt.ItemFlag.NoItemFlags
