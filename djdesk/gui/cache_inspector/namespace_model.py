"""NamespaceListModel: cache namespaces with entry counts, bytes and hit rates.

Row 0 is "All namespaces" (totals) so the entries view can show everything; it has no
namespace id, so purge and bump are disabled for it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from djdesk.core.i18n import N_, _
from djdesk.gui.cache_inspector.entries_model import format_bytes
from djdesk.gui.flat_table_model import FlatTableModel
from djdesk.gui.services import CacheBrowser, NamespaceStats

NamespaceRole = Qt.ItemDataRole.UserRole + 1
_HEADERS = (N_("Namespace"), N_("Entries"), N_("Size"), N_("Hit rate"), N_("Ver."))
_Index = QModelIndex | QPersistentModelIndex


class NamespaceListModel(FlatTableModel):
    headers = _HEADERS
    loaded = Signal()

    def __init__(self, cache: CacheBrowser, parent: Any = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._items: list[NamespaceStats] = []
        self._all = NamespaceStats("", 0, 0, 0, 0)

    async def reload(self) -> None:
        """Re-read the counters (cheap: the store keeps them per namespace)."""
        items = await self._cache.namespaces()
        self.beginResetModel()
        self._items = items
        self._all = NamespaceStats(
            "",
            sum(n.entries for n in self._items),
            sum(n.bytes for n in self._items),
            sum(n.hits for n in self._items),
            sum(n.misses for n in self._items),
        )
        self.endResetModel()
        self.loaded.emit()

    def stats_at(self, row: int) -> NamespaceStats | None:
        if row == 0:
            return self._all
        return self._items[row - 1] if 0 < row <= len(self._items) else None

    def row_of(self, namespace: str | None) -> int:
        for i, n in enumerate(self._items, start=1):
            if n.namespace == namespace:
                return i
        return 0

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self.stats_at(index.row())
        if s is None or not 0 <= index.column() < len(_HEADERS):
            return None
        col = index.column()
        if role == NamespaceRole:
            return s.namespace or None
        if role == Qt.ItemDataRole.DisplayRole:
            rate = s.hit_rate
            return (
                s.namespace or _("All namespaces"),
                f"{s.entries:,}",
                format_bytes(s.bytes),
                "—" if rate is None else f"{rate:.0%}",
                "" if index.row() == 0 else str(s.version),
            )[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == 0:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None
