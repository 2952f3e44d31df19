"""CacheEntriesModel: a paged view of cache entries, sorted and searched in the store.

Why paged: the cache may hold a million entries. Like Anki's browser and FeelUOwn's readers,
the model loads ``PAGE`` rows at a time through ``canFetchMore``/``fetchMore`` (the view asks
as the user scrolls) and never sorts in Qt: ``sort`` re-runs the query with ``order_by``.

Queries are async (the store owns its SQLite thread): ``refresh`` and ``fetchMore`` start a
task and the rows appear when it returns. A generation counter drops answers to an older query
(the user typed more of the search meanwhile), and only one page fetch runs at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from djdesk.core.i18n import N_, _
from djdesk.gui import theme
from djdesk.gui.flat_table_model import FlatTableModel
from djdesk.gui.services import CACHE_ORDER_COLUMNS, CacheBrowser, CacheEntryRow
from djdesk.gui.tasks import TaskRegistry

PAGE = 200
_COLUMNS = (
    ("key", N_("Key")),
    ("namespace", N_("Namespace")),
    ("version", N_("Ver.")),
    ("size", N_("Size")),
    ("created_at", N_("Created")),
    ("expires_at", N_("TTL left")),
    ("hits", N_("Hits")),
    ("negative", N_("Negative")),
    ("stale", N_("Stale")),
)
_Index = QModelIndex | QPersistentModelIndex


def format_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def format_ttl(expires_at: float | None, now: float) -> str:
    if expires_at is None:
        return _("never expires")
    left = expires_at - now
    if left <= 0:
        return _("expired")
    if left < 3600:
        return _("{n} min").format(n=int(left // 60))
    if left < 2 * 86400:
        return _("{n} h").format(n=int(left // 3600))
    return _("{n} days").format(n=int(left // 86400))


class CacheEntriesModel(FlatTableModel):
    headers = tuple(label for _name, label in _COLUMNS)
    loaded = Signal()  # a query (first page) has landed

    def __init__(
        self,
        cache: CacheBrowser,
        tasks: TaskRegistry,
        *,
        clock: Callable[[], float] = time.time,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._cache = cache
        self._tasks = tasks
        self._clock = clock
        self._rows: list[CacheEntryRow] = []
        self._total = 0
        self._generation = 0
        self._fetching = False
        self.namespace: str | None = None
        self.search = ""
        self.order_by = "created_at"
        self.descending = True

    def set_query(self, namespace: str | None, search: str) -> None:
        self.namespace, self.search = namespace, search
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query from the first page (after a sort, a search or an action)."""
        self._tasks.start(self.load(), name="cache page")

    async def load(self) -> None:
        """The first page of the current query; an answer to a superseded query is dropped."""
        self._generation += 1
        self._fetching = False
        generation = self._generation
        args = (self.namespace, self.search)
        total = await self._cache.count(*args)
        rows = await self._cache.page(*args, self.order_by, self.descending, 0, PAGE)
        if generation != self._generation:
            return
        self.beginResetModel()
        self._total, self._rows = total, rows
        self.endResetModel()
        self.loaded.emit()

    @property
    def total(self) -> int:
        return self._total

    @property
    def busy(self) -> bool:
        return self._fetching

    def entry_at(self, row: int) -> CacheEntryRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        self._tasks.start(self._load_more(self._generation), name="cache page")

    async def _load_more(self, generation: int) -> None:
        try:
            more = await self._cache.page(
                self.namespace, self.search, self.order_by, self.descending, len(self._rows), PAGE
            )
        finally:
            if generation == self._generation:
                self._fetching = False
        if generation != self._generation:
            return
        if not more:
            self._total = len(self._rows)
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Only indexed columns sort (the store refuses the others on 1M rows)."""
        if not 0 <= column < len(_COLUMNS) or _COLUMNS[column][0] not in CACHE_ORDER_COLUMNS:
            return
        wanted = (_COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
        if wanted == (self.order_by, self.descending):
            return
        self.order_by, self.descending = wanted
        self.refresh()

    def sort_column(self) -> int:
        return next(i for i, (name, _h) in enumerate(_COLUMNS) if name == self.order_by)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entry_at(index.row())
        if e is None or not 0 <= index.column() < len(_COLUMNS):
            return None
        name = _COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "size":
                return format_bytes(e.size)
            if name == "created_at":
                return time.strftime("%Y-%m-%d %H:%M", time.localtime(e.created_at))
            if name == "expires_at":
                return format_ttl(e.expires_at, self._clock())
            if name in ("negative", "stale"):
                return _("yes") if getattr(e, name) else ""
            return str(getattr(e, name))
        if role == Qt.ItemDataRole.ToolTipRole and name == "key":
            return f"{e.namespace} / {e.key}"
        if role == Qt.ItemDataRole.ForegroundRole and (
            e.stale or (name == "negative" and e.negative)
        ):
            return theme.muted_color()
        if role == Qt.ItemDataRole.TextAlignmentRole and name in ("version", "size", "hits"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
