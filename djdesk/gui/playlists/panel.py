"""PlaylistBrowserPanel: add/drop/paste links, the playlist list, the track table and details.

Imports and enrichment runs are started through the ``EnrichmentControl`` service as tasks in
the window's ``TaskRegistry``; a bad link never raises out of a slot, it becomes an inline
message saying what was wrong and what to do.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.i18n import _
from djdesk.gui.playlists import links
from djdesk.gui.playlists.details import TrackDetailsPane
from djdesk.gui.playlists.filter_bar import TrackFilterBar
from djdesk.gui.playlists.import_queue import ImportQueue
from djdesk.gui.playlists.inline_message import InlineMessage
from djdesk.gui.playlists.playlist_model import PlaylistIdRole, PlaylistListModel
from djdesk.gui.playlists.playlist_view import PlaylistListView
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import TrackIdRole, TrackTableModel
from djdesk.gui.playlists.track_view import TrackTableView
from djdesk.gui.services import Services
from djdesk.gui.tasks import TaskRegistry

log = logging.getLogger(__name__)

DEMO_LINKS = (
    "https://www.deezer.com/playlist/908622995",
    "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M",
)
#: The details pane may shrink to this (a 1024 px screen still shows the table's key columns).
DETAILS_MIN_WIDTH = 180
#: The playlist list never gets so narrow that its names vanish behind the count and state.
LIST_MIN_WIDTH = 230

Confirm = Callable[[str, str], bool]


def _confirm_dialog(parent: QWidget) -> Confirm:
    def confirm(title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    return confirm


class PlaylistBrowserPanel(QWidget):
    playlist_imported = Signal(str)
    import_failed = Signal(str)  # the message shown
    details_shown = Signal(int)  # track id now in the details pane
    playlist_shown = Signal(object)  # the playlist id the table now shows (None: none)
    playlist_removed = Signal(str)  # after the library deleted it and the list was redrawn
    imports_changed = Signal(int)  # how many imports are in flight

    def __init__(self, services: Services, tasks: TaskRegistry, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        #: Asks before a destructive step; tests replace it (or patch ``QMessageBox``).
        self.confirm: Confirm = _confirm_dialog(self)
        self.playlist_model = PlaylistListModel(services.library, self)
        self.track_model = TrackTableModel(services.library, parent=self)

        # left: add field, message, playlists, buttons
        self.add_field = QLineEdit()
        self.add_field.setPlaceholderText(_("Paste a Spotify or Deezer playlist link…"))
        self.add_field.setClearButtonEnabled(True)
        self.add_field.returnPressed.connect(self._on_add_clicked)
        self.add_button = QPushButton(_("Add playlist"))
        self.add_button.clicked.connect(self._on_add_clicked)
        self.message = InlineMessage()
        self.importer = ImportQueue(services.control, tasks, self.message, self._imported, self)
        self.importer.failed.connect(self.import_failed)
        self.importer.in_flight_changed.connect(self.imports_changed)
        self.importer.in_flight_changed.connect(self._update_suggestions)
        self.playlists = PlaylistListView(self.playlist_model)
        self.playlists.selectionModel().currentRowChanged.connect(self._on_playlist_current)
        self.empty = QLabel(
            _(
                "No playlists yet.\n\nDrop a Spotify or Deezer playlist link on the window, "
                "paste one with Ctrl+V, or type it above."
            )
        )
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The empty state: the hint, plus one button per suggested (demo) playlist.
        self.empty_box = QWidget()
        self.empty_layout = QVBoxLayout(self.empty_box)
        self.empty_layout.setContentsMargins(8, 8, 8, 8)
        self.empty_layout.addStretch(1)
        self.empty_layout.addWidget(self.empty)
        self.empty_layout.addStretch(1)
        self.suggestion_buttons: list[QPushButton] = []
        self.remove_button = QPushButton(_("Remove"))
        self.reenrich_button = QPushButton(_("Re-enrich"))
        self.remove_button.clicked.connect(self.remove_current)
        self.reenrich_button.clicked.connect(self.reenrich_current)
        left = QWidget()
        left.setMinimumWidth(LIST_MIN_WIDTH)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_field, 1)
        add_row.addWidget(self.add_button)
        ll.addLayout(add_row)
        ll.addWidget(self.message)
        ll.addWidget(self.empty_box, 1)
        ll.addWidget(self.playlists, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.reenrich_button)
        buttons.addStretch(1)
        ll.addLayout(buttons)

        # centre: filters + table + count
        self.filter_bar = TrackFilterBar()
        self.filter_bar.filter_changed.connect(self._on_filter_changed)
        self.table = TrackTableView(self.track_model)
        self.table.selectionModel().currentRowChanged.connect(self._on_track_current)
        self.table.current_lost.connect(self._on_current_lost)
        self.count_label = QLabel()
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.filter_bar)
        cl.addWidget(self.table, 1)
        cl.addWidget(self.count_label)

        self.details = TrackDetailsPane()
        self.details.setMinimumWidth(DETAILS_MIN_WIDTH)
        self.details.pin_requested.connect(self._on_pin_requested)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("playlistSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([280, 660, 340])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.splitter)

        self._wanted_playlist: str | None = None
        self._wanted_track: int | None = None
        self._pending_ids: dict[int, None] = {}
        self._refresh_task: asyncio.Task[None] | None = None
        self._refilter = QTimer(self)
        self._refilter.setSingleShot(True)
        self._refilter.setInterval(1000)
        self._refilter.timeout.connect(self._on_refilter)
        self.track_model.modelReset.connect(self._update_count)
        self.track_model.layoutChanged.connect(self._update_count)
        self.reload_playlists()

    # --- adding playlists ------------------------------------------------------------------------

    def show_message(self, text: str, kind: str = "error") -> None:
        self.message.show_text(text, kind)

    def clear_error(self) -> None:
        self.message.clear_error()

    def _on_add_clicked(self) -> None:
        text = self.add_field.text().strip()
        if not text:
            self.show_message(
                _("Paste a playlist link first, e.g. {example}").format(example=DEMO_LINKS[0])
            )
            return
        self.handle_dropped(links.from_text(text))

    def handle_mime(self, mime: object) -> bool:
        """Entry point for drops and pastes; True when something importable was found."""
        from PySide6.QtCore import QMimeData

        if not isinstance(mime, QMimeData):
            return False
        return self.handle_dropped(links.from_mime(mime))

    def handle_dropped(self, dropped: links.Dropped) -> bool:
        """Import each link or file (ones already being imported are skipped)."""
        return self.importer.handle_dropped(dropped)

    @property
    def importing(self) -> frozenset[str]:
        return self.importer.importing

    async def _imported(self, pid: str) -> None:
        self.add_field.clear()
        await self.refresh_playlists(select=pid)
        self.playlist_imported.emit(pid)
        await self._services.control.enrich(pid)

    def set_suggestions(self, suggestions: list[tuple[str, str]]) -> None:
        """Offer playlists to import with one click (demo mode: the sandbox's demo crates).

        ``suggestions`` are ``(label, link)`` pairs; the empty state lists them as buttons.
        """
        for button in self.suggestion_buttons:
            button.deleteLater()
        self.suggestion_buttons = []
        if suggestions:
            self.empty.setText(
                _(
                    "No playlists yet. Import a demo playlist with one click, or drop a "
                    "Spotify or Deezer link on the window."
                )
            )
        for i, (label, link) in enumerate(suggestions):
            button = QPushButton(label)
            button.setToolTip(link)
            button.setObjectName("suggestion")
            button.clicked.connect(lambda _c=False, url=link: self.import_text(url))
            self.empty_layout.insertWidget(2 + i, button)
            self.suggestion_buttons.append(button)

    def _update_suggestions(self, _n: int = 0) -> None:
        """A suggestion being imported is greyed out: clicking it again would do nothing."""
        busy = self.importer.importing
        for button in self.suggestion_buttons:
            button.setEnabled(button.toolTip() not in busy)

    def import_text(self, text: str) -> None:
        self.handle_dropped(links.from_text(text))

    # --- playlists -------------------------------------------------------------------------------

    async def refresh_playlists(self, select: str | None = None) -> None:
        """Re-read the playlist list from the library, then show ``select`` (or the current)."""
        await self._services.library.refresh_playlists()
        self.reload_playlists(select)

    def reload_playlists(self, select: str | None = None) -> None:
        """Redraw the list from the library's snapshot (no I/O)."""
        current = select or self.track_model.playlist_id
        self.playlist_model.reload()
        has = self.playlist_model.rowCount() > 0
        self.empty_box.setVisible(not has)
        self.playlists.setVisible(has)
        self.remove_button.setEnabled(has)
        self.reenrich_button.setEnabled(has)
        row = self.playlist_model.row_of(current) if current else None
        if row is None and has:
            row = 0
        if row is not None:
            self.playlists.selectRow(row)
            self._show_playlist(self.playlist_model.playlist_at(row).id)  # type: ignore[union-attr]
        else:
            self._show_playlist(None)

    def current_playlist(self) -> str | None:
        return self.track_model.playlist_id

    def _on_playlist_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        pid = current.data(PlaylistIdRole) if current.isValid() else None
        if pid != self.track_model.playlist_id:
            self._show_playlist(pid)

    def _show_playlist(self, pid: str | None) -> None:
        """Load the playlist into the library snapshot (async), then point the table at it."""
        if pid == self.track_model.playlist_id and pid is not None:
            return
        self._wanted_playlist = pid
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop (a headless script): the snapshot is all we have
            self._set_table_playlist(pid)
            return
        self._tasks.start(self._load_playlist(pid), name="load playlist")

    async def _load_playlist(self, pid: str | None) -> None:
        if pid is not None:
            await self._services.library.load_playlist(pid)
        if self._wanted_playlist == pid:  # the user may have clicked another one meanwhile
            self._set_table_playlist(pid)

    def _set_table_playlist(self, pid: str | None) -> None:
        self.track_model.set_playlist(pid)
        self.details.show_details(None)
        self.playlist_shown.emit(pid)

    def remove_current(self) -> None:
        """Ask, then remove the shown playlist; the list redraws once the library deleted it."""
        pid = self.current_playlist()
        if pid is None:
            return
        row = self.playlist_model.row_of(pid)
        info = self.playlist_model.playlist_at(row) if row is not None else None
        name = info.name if info is not None else pid
        if not self.confirm(
            _("Remove playlist"),
            _(
                "Remove “{name}” from the library? Its enrichment results stay in the cache, "
                "so importing it again is quick."
            ).format(name=name),
        ):
            return
        self._tasks.start(self._remove(pid), name=f"remove {pid}")

    async def _remove(self, pid: str) -> None:
        # ``remove`` may return an awaitable that finishes once the library deleted the row;
        # an older, synchronous one only drops it from the snapshot (the delete runs on), so
        # then re-reading the library now would bring the playlist back: redraw the snapshot.
        done = self._services.control.remove(pid)  # type: ignore[func-returns-value]
        if self._wanted_playlist == pid:
            self._wanted_playlist = None
        if self.track_model.playlist_id == pid:
            self._set_table_playlist(None)
        if not inspect.isawaitable(done):
            self.reload_playlists()
        else:
            try:
                await done
            except Exception:
                # Not deleted: re-read the library so the list shows it again (the truth),
                # and let the task registry report the error in the status bar.
                await self.refresh_playlists()
                raise
            await self.refresh_playlists()
        self.clear_error()
        self.playlist_removed.emit(pid)

    def reenrich_current(self) -> None:
        pid = self.current_playlist()
        if pid is not None:
            self.clear_error()
            self._tasks.start(self._services.control.enrich(pid), name=f"enrich {pid}")

    # --- tracks ----------------------------------------------------------------------------------

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
            if (model.track_filter.active or model.sort_keys) and not self._refilter.isActive():
                self._refilter.start()  # one re-sort/re-filter per second, not per batch

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

    def set_key_notation(self, notation: str) -> None:
        self.track_model.set_key_notation(notation)
        self.filter_bar.set_key_notation(notation)
        self.details.key_notation = notation
        if self.details.details is not None:
            self.details.show_details(self.details.details)

    def _update_count(self) -> None:
        shown = self.track_model.rowCount()
        total = (
            len(self._services.library.track_ids(self.track_model.playlist_id))
            if self.track_model.playlist_id
            else 0
        )
        if total == 0:
            self.count_label.setText("")
        elif shown == total:
            self.count_label.setText(_("{n} tracks").format(n=total))
        else:
            self.count_label.setText(
                _("{shown} of {n} tracks match the filter").format(shown=shown, n=total)
            )
