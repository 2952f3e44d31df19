"""TrackPane: the track table with its filter bar and count, and the details pane it feeds.

Why apart from the playlist browser: this side follows the library while a run streams (rows
repainted from the bridge's batches, a re-sort at most once a second, the details pane
reloaded when its track changes) and knows nothing of playlists being added, listed or
removed; the browser only tells it which playlist to show. It is a QObject, not a widget:
the browser lays out ``centre`` and ``details`` as two columns of its splitter.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from djdesk.core.i18n import _
from djdesk.gui.playlists.details import TrackDetailsPane
from djdesk.gui.playlists.filter_bar import TrackFilterBar
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import TrackIdRole, TrackTableModel
from djdesk.gui.playlists.track_view import TrackTableView
from djdesk.gui.services import Services
from djdesk.gui.tasks import TaskRegistry

#: The details pane may shrink to this (a 1024 px screen still shows the table's key columns).
DETAILS_MIN_WIDTH = 180
#: While a filter or sort is on, rows that changed are re-filtered/re-sorted at most this often.
REFILTER_MS = 1000


class TrackPane(QObject):
    details_shown = Signal(int)  # track id now in the details pane

    def __init__(
        self,
        services: Services,
        tasks: TaskRegistry,
        track_model: TrackTableModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.track_model = track_model

        self.filter_bar = TrackFilterBar()
        self.filter_bar.filter_changed.connect(self._on_filter_changed)
        self.table = TrackTableView(track_model)
        self.table.selectionModel().currentRowChanged.connect(self._on_track_current)
        self.table.current_lost.connect(self._on_current_lost)
        self.count_label = QLabel()
        self.centre = QWidget()
        cl = QVBoxLayout(self.centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.filter_bar)
        cl.addWidget(self.table, 1)
        cl.addWidget(self.count_label)

        self.details = TrackDetailsPane()
        self.details.setMinimumWidth(DETAILS_MIN_WIDTH)
        self.details.pin_requested.connect(self._on_pin_requested)
        self.details.unpin_requested.connect(self._on_unpin_requested)

        self._wanted_track: int | None = None
        self._pending_ids: dict[int, None] = {}
        self._refresh_task: asyncio.Task[None] | None = None
        self.refilter_timer = QTimer(self)
        self.refilter_timer.setSingleShot(True)
        self.refilter_timer.setInterval(REFILTER_MS)
        self.refilter_timer.timeout.connect(self._on_refilter)
        track_model.modelReset.connect(self._update_count)
        track_model.layoutChanged.connect(self._update_count)
        # An import's later pages are appended (``TrackTableModel.grow``), not a reset.
        track_model.rowsInserted.connect(self._update_count)
        track_model.rowsInserted.connect(self.table.fit_position_column)

    def on_tracks_changed(self, ids: list[int]) -> None:
        """Batched ids from the bridge: refresh the snapshot, then repaint only those rows.

        One refresh task at a time; ids arriving meanwhile are merged into the next round, so
        a slow library read never queues up a backlog of tasks.
        """
        self._pending_ids.update(dict.fromkeys(ids))
        if self._refresh_task is None or self._refresh_task.done():
            self._refresh_task = self._tasks.start(self._refresh_rows(), name="refresh rows")

    async def _refresh_rows(self) -> None:
        library = self._services.library
        while self._pending_ids:
            ids = list(self._pending_ids)
            self._pending_ids.clear()
            await library.refresh_tracks(ids)
            self.track_model.refresh_tracks(ids)
            current = self.details.details
            if current is not None and current.row.id in set(ids):
                self.details.show_details(await library.details(current.row.id))
                self.details_shown.emit(current.row.id)
            model = self.track_model
            if (
                model.track_filter.active or model.sort_keys
            ) and not self.refilter_timer.isActive():
                self.refilter_timer.start()  # one re-sort/re-filter per second, not per batch

    def _on_refilter(self) -> None:
        self.track_model.reapply_filter()

    def _on_filter_changed(self, flt: TrackFilter) -> None:
        self.track_model.set_filter(flt)

    def selected_track_ids(self) -> list[int]:
        return self.table.selected_track_ids()

    def _on_current_lost(self, _track_id: int) -> None:
        """The filter hid the track the details pane showed: the pane follows the table."""
        self._wanted_track = None
        self.details.show_details(None)

    def _on_track_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        tid = current.data(TrackIdRole) if current.isValid() else None
        self._wanted_track = tid
        if tid is None:
            self.details.show_details(None)
            return
        self._tasks.start(self._load_details(tid), name="track details")

    async def _load_details(self, tid: int) -> None:
        details = await self._services.library.details(tid)
        if self._wanted_track == tid:
            self.details.show_details(details)
            self.details_shown.emit(tid)

    def _on_pin_requested(self, track_id: int, provider: str, cand_id: str) -> None:
        self._tasks.start(self._services.control.pin(track_id, provider, cand_id), name="pin")

    def _on_unpin_requested(self, track_id: int, provider: str) -> None:
        self._tasks.start(self._services.control.unpin(track_id, provider), name="unpin")

    def set_key_notation(self, notation: str) -> None:
        self.track_model.set_key_notation(notation)
        self.filter_bar.set_key_notation(notation)
        self.details.key_notation = notation
        if self.details.details is not None:
            self.details.show_details(self.details.details)

    def _update_count(self) -> None:
        shown = self.track_model.rowCount()
        total = self.track_model.track_count
        if total == 0:
            self.count_label.setText("")
            return
        if shown == total:
            text = _("{n} tracks").format(n=f"{total:,}")
        else:
            text = _("{shown} of {n} tracks match the filter").format(
                shown=f"{shown:,}", n=f"{total:,}"
            )
        sort = self.track_model.sort_text()
        self.count_label.setText(f"{text} · {sort}" if sort else text)

    def clear_sort(self) -> None:
        """Back to playlist order: no sort key, no arrow on the header."""
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.track_model.restore_sort([])
