"""TrackTableModel: one playlist's tracks as a table model over track ids (Anki ``DataModel``).

Why this shape: a playlist may hold 10,000 tracks and results stream in. The model keeps only
ids in row order plus a dict of fetched rows; ``data()`` fetches rows in blocks on first paint, no
per-row widgets exist, and ``refresh_tracks`` repaints only the rows whose ids changed. Sorting
(several columns, stable) and filtering run on plain Python lists of values, never through a
``QSortFilterProxyModel`` that would call ``data()`` for every row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import source_label
from djdesk.gui import theme
from djdesk.gui.playlists.columns import (
    COLUMN_INDEX,
    COLUMNS,
    Column,
    format_key,
    raw_value,
    sort_value,
)
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.services import FieldValue, LibraryView, TrackRow

SortRole = Qt.ItemDataRole.UserRole
TrackIdRole = Qt.ItemDataRole.UserRole + 1
EstimatedRole = Qt.ItemDataRole.UserRole + 2

BLOCK = 200
MAX_SORT_KEYS = 3
#: Marked only; translated where shown (``_display``), so a language chosen after import counts.
_STATE_LABELS = {
    "pending": N_("pending"),
    "enriching": N_("enriching"),
    "done": N_("done"),
    "partial": N_("partial"),
    "not_found": N_("not found"),
    "failed": N_("failed"),
    "deferred": N_("deferred"),
}
_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_HANDLED = frozenset(
    {_DISPLAY, _ALIGN, _FOREGROUND, _FONT, _TOOLTIP, int(SortRole.value)}
    | {int(TrackIdRole), int(EstimatedRole)}
)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_ALIGNMENTS = tuple(
    int(
        (Qt.AlignmentFlag.AlignRight if c.numeric else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignVCenter
    )
    for c in COLUMNS
)


def format_age(seconds: float) -> str:
    if seconds < 90:
        return _("just now")
    if seconds < 3600:
        return _("{n} min ago").format(n=int(seconds // 60))
    if seconds < 48 * 3600:
        return _("{n} h ago").format(n=int(seconds // 3600))
    return _("{n} days ago").format(n=int(seconds // 86400))


def provenance_text(fv: FieldValue, now: float) -> str:
    parts = [
        _("Source: {source}").format(source=source_label(fv.source) if fv.source else _("unknown"))
    ]
    parts.append(_("Confidence: {pct:.0%}").format(pct=fv.confidence))
    if fv.fetched_at is not None:
        parts.append(_("Fetched {age}").format(age=format_age(max(0.0, now - fv.fetched_at))))
    if fv.estimated:
        parts.append(_("Estimated or default value, not measured"))
    return "\n".join(parts)


class TrackTableModel(QAbstractTableModel):
    def __init__(
        self, library: LibraryView, *, clock: Callable[[], float] = time.time, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._clock = clock
        self._playlist: str | None = None
        self._all: list[int] = []
        self._visible: list[int] = []
        self._pos: dict[int, int] = {}
        self._rows: dict[int, TrackRow] = {}
        self._filter = TrackFilter()
        self._sort: list[tuple[int, Qt.SortOrder]] = []
        self.key_notation = "camelot"
        self._texts: dict[int, tuple[str, ...]] = {}  # formatted cells per track id
        #: Sort keys per column per track id, so the once-a-second re-sort while results
        #: stream only recomputes the changed rows' keys (10,000 rows: ~50 -> ~15 ms).
        self._keys: dict[int, dict[int, tuple[int, Any]]] = {}
        self._matches: dict[int, bool] = {}  # the current filter's verdict per track id
        self._italic = QFont()
        self._italic.setItalic(True)
        self._muted = theme.muted_color()
        self.fetches = 0  # number of block fetches; tests assert laziness with it

    # --- loading ---------------------------------------------------------------------------------

    @property
    def playlist_id(self) -> str | None:
        return self._playlist

    @property
    def track_count(self) -> int:
        """All of the playlist's tracks, shown or filtered out."""
        return len(self._all)

    def set_playlist(self, playlist_id: str | None) -> None:
        self.beginResetModel()
        self._playlist = playlist_id
        self._all = self._library.track_ids(playlist_id) if playlist_id else []
        self._rows.clear()
        self._texts.clear()
        self._keys.clear()
        self._matches.clear()
        self._visible = self._compute_visible()
        self._reindex()
        self.endResetModel()

    def reload(self) -> None:
        """The playlist's ids changed (re-import): keep sort and filter, refetch everything."""
        self.set_playlist(self._playlist)

    def grow(self) -> int:
        """The shown playlist got pages (an import reads on): append its new rows, keep the rest.

        Why not ``reload``: a reset per page re-read, re-keyed and re-sorted every row (100
        pages of a 10,000-track list: O(n²) over the import) and the view lost its place. The
        new ids are appended (``beginInsertRows``) and only their rows fetched; a filtered
        table judges only them, a sorted one re-sorts its arrays with the kept keys and moves
        the rows as a layout change (selection and scroll stay on their tracks). Ids that are
        not the old ones plus a tail (the list was rewritten) fall back to ``reload``.
        Returns how many rows the view got.
        """
        if self._playlist is None:
            return 0
        ids = self._library.track_ids(self._playlist)
        n = len(self._all)
        if len(ids) < n or ids[:n] != self._all:
            self.reload()
            return len(self._visible)
        new = ids[n:]
        if not new:
            return 0
        self._all.extend(new)
        shown = new
        if self._filter.active:
            self._fetch(new)
            shown = [i for i in new if self._match(i)]
        if shown:
            first = len(self._visible)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._visible.extend(shown)
            self._pos.update((tid, first + k) for k, tid in enumerate(shown))
            self.endInsertRows()
            if self._sort:
                self._relayout(self._compute_visible())
        return len(shown)

    def set_filter(self, flt: TrackFilter) -> None:
        if flt == self._filter:
            return
        self._filter = flt
        self._matches.clear()
        self.beginResetModel()
        self._visible = self._compute_visible()
        self._reindex()
        self.endResetModel()

    def reapply_filter(self) -> None:
        """Re-run the filter and the sort after streamed updates (values moved, rows may match).

        A pure reorder is a layout change that moves persistent indexes, so the selection and
        the scroll position stay on the same tracks; a changed set of rows is a reset (the
        panel re-selects the tracks that are still shown).
        """
        if not self._filter.active and not self._sort:
            return
        visible = self._compute_visible()
        if visible == self._visible:
            return
        if len(visible) == len(self._visible) and set(visible) == set(self._visible):
            self._relayout(visible)
            return
        self.beginResetModel()
        self._visible = visible
        self._reindex()
        self.endResetModel()

    def _relayout(self, visible: list[int]) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self._visible[i.row()], i.column()) for i in old]
        self._visible = visible
        self._reindex()
        self.changePersistentIndexList(
            old,
            [
                self.index(self._pos[tid], c) if tid in self._pos else QModelIndex()
                for tid, c in old_ids
            ],
        )
        self.layoutChanged.emit()

    @property
    def track_filter(self) -> TrackFilter:
        return self._filter

    def set_key_notation(self, notation: str) -> None:
        self.key_notation = notation
        self._texts.clear()
        col = COLUMN_INDEX["key"]
        if self._visible:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._visible) - 1, col))

    def refresh_palette(self) -> None:
        """The system switched light/dark: the muted colour for estimates is derived anew."""
        self._muted = theme.muted_color()
        if self._visible:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._visible) - 1, last))

    def _reindex(self) -> None:
        self._pos = {tid: i for i, tid in enumerate(self._visible)}

    def _fetch(self, ids: Sequence[int]) -> None:
        missing = [i for i in ids if i not in self._rows]
        if missing:
            self.fetches += 1
            self._rows.update(self._library.rows(missing))

    def _ensure_all(self) -> None:
        for start in range(0, len(self._all), 2000):
            self._fetch(self._all[start : start + 2000])

    def _compute_visible(self) -> list[int]:
        ids = list(self._all)
        if self._filter.active:
            self._ensure_all()
            ids = [i for i in ids if self._match(i)]
        if self._sort:
            self._ensure_all()
            for col, order in reversed(self._sort):
                ids = _sorted_ids(ids, self._sort_keys(col, ids), order)
        return ids

    def _match(self, track_id: int) -> bool:
        found = self._matches.get(track_id)
        if found is None:
            row = self._rows.get(track_id)
            found = self._matches[track_id] = row is not None and self._filter.matches(row)
        return found

    def _sort_keys(self, column: int, ids: Sequence[int]) -> dict[int, tuple[int, Any]]:
        keys = self._keys.setdefault(column, {})
        col = COLUMNS[column]
        rows = self._rows
        for i in ids:
            if i not in keys:
                row = rows.get(i)
                keys[i] = sort_value(row, col) if row is not None else (1, 0)
        return keys

    def row_at(self, row: int) -> TrackRow | None:
        if not 0 <= row < len(self._visible):
            return None
        tid = self._visible[row]
        if tid not in self._rows:
            start = row - row % BLOCK
            self._fetch(self._visible[start : start + BLOCK])
        return self._rows.get(tid)

    def row_of(self, track_id: int) -> int | None:
        return self._pos.get(track_id)

    # --- streamed updates ------------------------------------------------------------------------

    def refresh_tracks(self, ids: Iterable[int]) -> int:
        """Refetch changed rows and repaint only them; returns how many visible rows changed.

        Rows the filter hides now are refetched too (not repainted): the next ``reapply_filter``
        judges them on their new values, not on the ones they had when they were hidden.
        """
        wanted = [i for i in ids if i in self._pos or i in self._rows]
        if not wanted:
            return 0
        self._rows.update(self._library.rows(wanted))
        for tid in wanted:
            self._texts.pop(tid, None)
        for cache in (*self._keys.values(), self._matches):
            for tid in wanted:
                cache.pop(tid, None)
        present = [i for i in wanted if i in self._pos]
        if not present:
            return 0
        last = len(COLUMNS) - 1
        rows = sorted(self._pos[i] for i in present)
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
            if r is not None:
                start = prev = r
        return len(rows)

    # --- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(col.header)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(col.tip) if col.tip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Hot path (called ~10x per visible cell per paint): int roles, cached row texts."""
        role = int(role)
        if role not in _HANDLED or not index.isValid():
            return None
        row = self.row_at(index.row())
        c = index.column()
        if row is None or not 0 <= c < len(COLUMNS):
            return None
        if role == _DISPLAY:
            texts = self._texts.get(row.id)
            if texts is None:
                texts = self._texts[row.id] = tuple(self._display(row, col) for col in COLUMNS)
            return texts[c]
        if role == _ALIGN:
            return _ALIGNMENTS[c]
        col = COLUMNS[c]
        fv = row.fields.get(col.field) if col.enriched else None
        if role == _FOREGROUND:
            if fv is not None and fv.estimated:
                return self._muted
            if col.field == "state":
                return theme.state_color(row.state)
            return None
        if role == _FONT:
            return self._italic if fv is not None and fv.estimated else None
        if role == TrackIdRole:
            return row.id
        if role == SortRole:
            return raw_value(row, col)
        if role == EstimatedRole:
            return bool(fv and fv.estimated)
        if role == _TOOLTIP:
            if fv is not None:
                return provenance_text(fv, self._clock())
            if col.field in ("title", "artists", "album", "genres"):
                return raw_value(row, col) or None
        return None

    def _display(self, row: TrackRow, col: Column) -> str:
        value = raw_value(row, col)
        if value is None or value == "":
            return ""
        if col.field == "key":
            return format_key(str(value), self.key_notation)
        if col.field == "state":
            label = _STATE_LABELS.get(str(value))
            return _(label) if label is not None else str(value)
        try:
            return col.fmt(value)
        except (TypeError, ValueError):
            return str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Multi-column: the clicked column becomes primary, earlier ones break ties."""
        if not 0 <= column < len(COLUMNS):
            self._sort = []
        else:
            self._sort = [(column, order)] + [(c, o) for c, o in self._sort if c != column]
            del self._sort[MAX_SORT_KEYS:]
        self._relayout(self._compute_visible())

    @property
    def sort_keys(self) -> list[tuple[int, Qt.SortOrder]]:
        return list(self._sort)

    def restore_sort(self, keys: Sequence[tuple[int, Qt.SortOrder]]) -> None:
        """Put back a saved multi-column sort, primary first (the header keeps only the
        primary one); unknown or repeated columns are dropped."""
        kept: list[tuple[int, Qt.SortOrder]] = []
        for column, order in keys:
            if 0 <= column < len(COLUMNS) and all(column != c for c, _o in kept):
                kept.append((column, order))
        self._sort = kept[:MAX_SORT_KEYS]
        self._relayout(self._compute_visible())

    def sort_text(self) -> str:
        """The sort in words for the count line, e.g. "sorted by BPM ↓, then Key ↑" (the header
        shows only the primary key's arrow); "" in playlist order."""
        if not self._sort:
            return ""
        parts = [
            f"{_(COLUMNS[c].header)} {'↓' if o == Qt.SortOrder.DescendingOrder else '↑'}"
            for c, o in self._sort
        ]
        return _("sorted by {keys}").format(keys=_(", then ").join(parts))


def _sorted_ids(ids: list[int], keys: dict[int, tuple[int, Any]], order: Qt.SortOrder) -> list[int]:
    """Stable sort on one column's ``keys`` with unknown values last in either direction."""
    known: list[tuple[Any, int]] = []
    unknown: list[int] = []
    for i in ids:
        flag, value = keys[i]
        if flag == 0:
            known.append((value, i))
        else:
            unknown.append(i)
    known.sort(key=itemgetter(0), reverse=order == Qt.SortOrder.DescendingOrder)
    return [i for _, i in known] + unknown
