"""TrackTableView: the track table widget, which keeps its selection when the model resets.

Why its own class: a filter change resets ``TrackTableModel`` (rows come and go), and a plain
``QTableView`` then forgets which tracks the DJ had selected. This view remembers the selected
track ids before a reset and selects those still shown after it; ``current_lost`` tells the
panel when the track its details pane shows was filtered out. It also sizes "#" for the
playlist's longest number and every column for its label, the sort arrow's room and its widest
value (labels stop short of the arrow Fusion draws at the right edge). Its header's right-click
menu hides and shows columns (a DJ who never reads Valence or Listeners drops them;
``ui_state`` keeps the header, hidden ones too).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from djdesk.gui.playlists.columns import CELL_PADDING, COLUMN_INDEX, COLUMNS, fitted_width
from djdesk.gui.playlists.track_model import TrackIdRole, TrackTableModel
from djdesk.gui.widgets.column_menu import install_column_menu

ROW_HEIGHT = 22
#: A header label's left padding (the app's stylesheet has 6 px on both sides).
_LABEL_LEFT = 6
#: Columns the DJ cannot hide: the title names a row ("#" may go, the rows keep their order).
ALWAYS_SHOWN: tuple[int, ...] = (COLUMN_INDEX["title"],)


class TrackTableView(QTableView):
    current_lost = Signal(int)  # the current track's id, no longer shown after a reset

    def __init__(self, model: TrackTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)
        self.setObjectName("trackTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        th = self.horizontalHeader()
        th.setSectionsMovable(True)
        th.setHighlightSections(False)
        th.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self._arrow_room = 0
        self.fit_column_widths()
        install_column_menu(th, always_shown=ALWAYS_SHOWN)
        self._kept: tuple[str | None, list[int], int | None] | None = None
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.modelReset.connect(self._restore_selection)
        model.modelReset.connect(self.fit_position_column)
        model.modelReset.connect(self.widen_cut_numbers)

    def selected_track_ids(self) -> list[int]:
        rows = self.selectionModel().selectedRows()
        return [i for i in (r.data(TrackIdRole) for r in rows) if i is not None]

    def _keep_selection(self) -> None:
        current = self.currentIndex()
        tid = current.data(TrackIdRole) if current.isValid() else None
        self._kept = (self._model.playlist_id, self.selected_track_ids(), tid)

    def _restore_selection(self) -> None:
        """After a reset of the same playlist: select the kept tracks that are still shown."""
        kept, self._kept = self._kept, None
        if kept is None or kept[0] is None or kept[0] != self._model.playlist_id:
            return
        _pid, ids, current = kept
        model = self._model
        selection = self.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        for row in (model.row_of(i) for i in ids):
            if row is not None:
                selection.select(model.index(row, 0), flags.Select | flags.Rows)
        row = model.row_of(current) if current is not None else None
        if row is not None:
            selection.setCurrentIndex(model.index(row, 0), flags.NoUpdate)
        elif current is not None:
            self.current_lost.emit(current)

    def _leave_room_for_the_sort_arrow(self) -> None:
        """Fusion draws the sort arrow at a section's right edge over a right-aligned label
        ("Energy" and every number column), however wide the section: the labels end an
        arrow's width (about half the header's height) before the edge instead, sorted or not,
        so a click does not shift them. The app's stylesheet gives the other sides."""
        header = self.horizontalHeader()
        self._arrow_room = _LABEL_LEFT + header.fontMetrics().height() // 2 + 2
        header.setStyleSheet(
            f"QHeaderView::section {{ padding: 3px {self._arrow_room}px 3px {_LABEL_LEFT}px; }}"
        )

    def header_width(self, section: int) -> int:
        """What section ``section`` needs for its label and the arrow's room. Not the header's
        ``sectionSizeFromContents``: under a stylesheet that adds an arrow's width again."""
        text = self.model().headerData(section, Qt.Orientation.Horizontal)
        label = self.horizontalHeader().fontMetrics().horizontalAdvance(str(text or ""))
        return label + _LABEL_LEFT + self._arrow_room + 2  # + the section's divider lines

    def fit_column_widths(self) -> None:
        """Every column as wide as its label with the room for the sort arrow and as its
        widest value (``Column.widest``): "Energy" at 56 px had the arrow over its label."""
        self._leave_room_for_the_sort_arrow()  # the room follows the header's font
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        for i, col in enumerate(COLUMNS):
            header.resizeSection(
                i, fitted_width(col, self.header_width(i), metrics.horizontalAdvance)
            )

    def fit_position_column(self) -> None:
        """Size "#" for the playlist's longest number (a 10,000-track crate needs 5 digits)."""
        digits = max(len(str(self._model.track_count)), 2)
        width = self.fontMetrics().horizontalAdvance("9" * digits) + CELL_PADDING
        header = self.horizontalHeader()
        position = COLUMN_INDEX["position"]
        header.resizeSection(position, max(width, self.header_width(position)))

    def widen_cut_numbers(self) -> None:
        """A shown count column narrower than its widest value (a width saved before the rank
        got its separators: "95…" at 48 px) is widened: an elided number reads as another
        number. Labels may still elide: the DJ narrowed them, the header tooltip has them."""
        header = self.horizontalHeader()
        advance = self.fontMetrics().horizontalAdvance
        for i, col in enumerate(COLUMNS):
            if col.widest and not header.isSectionHidden(i):
                need = advance(col.widest) + CELL_PADDING
                if header.sectionSize(i) < need:
                    header.resizeSection(i, need)
