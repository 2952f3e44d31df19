"""PlaylistListView: the imported playlists as two-line rows that stay legible when narrow.

Each row is "name / service · owner" on the left and "state / N tracks" on the right, so the
list needs only two columns' width: on a 1024 px screen the list is ~230 px, and a separate
"Tracks" column left the names a few letters wide. The second lines are composed here (a
delegate), so the model's cells keep plain values (``Tracks`` is still a number).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from djdesk.core.i18n import _
from djdesk.gui.playlists.playlist_model import PlaylistListModel

LINE_HEIGHT = 22
_NAME, _OWNER, _TRACKS, _STATE = range(4)


class _StateAndCount(QStyledItemDelegate):
    """The state column shows the track count as its second line."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        count = index.siblingAtColumn(_TRACKS).data()
        if isinstance(count, int):
            tracks = _("{n} tracks").format(n=f"{count:,}") if count != 1 else _("1 track")
            # U+2028, as Qt itself turns a cell's "\n" into: a plain "\n" is drawn as nothing.
            option.text = f"{option.text}\u2028{tracks}"  # type: ignore[attr-defined]


class PlaylistListView(QTableView):
    def __init__(self, model: PlaylistListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        model.two_line = True
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(2 * LINE_HEIGHT + 6)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)  # two fixed lines; a long one elides, never a third
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._delegate = _StateAndCount(self)
        self.setItemDelegateForColumn(_STATE, self._delegate)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(_NAME, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(_STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnHidden(_OWNER, True)  # the name's second line
        self.setColumnHidden(_TRACKS, True)  # the state's second line
