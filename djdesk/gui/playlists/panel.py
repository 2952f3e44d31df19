"""PlaylistBrowserPanel: add/drop/paste links, the playlist list, the track table and details.

The panel owns the playlist side (adding, listing, showing, removing, re-enriching); the track
table, its filter bar and the details pane are ``TrackPane``'s, which it lays out and tells
which playlist to show. Imports and enrichment runs are started through the
``EnrichmentControl`` service as tasks in the window's ``TaskRegistry``; a bad link never
raises out of a slot, it becomes an inline message saying what was wrong and what to do.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.i18n import _
from djdesk.gui.dialogs.ask import Confirm, confirm_dialog, confirmed
from djdesk.gui.playlists import links
from djdesk.gui.playlists.import_queue import ImportQueue
from djdesk.gui.playlists.inline_message import InlineMessage
from djdesk.gui.playlists.playlist_model import PlaylistIdRole, PlaylistListModel
from djdesk.gui.playlists.playlist_view import PlaylistListView
from djdesk.gui.playlists.track_model import TrackTableModel
from djdesk.gui.playlists.track_pane import TrackPane
from djdesk.gui.services import Services
from djdesk.gui.tasks import TaskRegistry

log = logging.getLogger(__name__)

DEMO_LINKS = (
    "https://www.deezer.com/playlist/908622995",
    "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M",
)
#: The playlist list never gets so narrow that its names vanish behind the count and state.
LIST_MIN_WIDTH = 230


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
        #: Asks before a destructive step (an awaited box, never ``exec()``); tests replace it.
        self.confirm: Confirm = confirm_dialog(self)
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

        # centre: filters + table + count; right: the details pane (both fed by TrackPane)
        self.tracks = TrackPane(services, tasks, self.track_model, self)
        self.tracks.details_shown.connect(self.details_shown)
        self.filter_bar = self.tracks.filter_bar
        self.table = self.tracks.table
        self.count_label = self.tracks.count_label
        self.details = self.tracks.details

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("playlistSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tracks.centre)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([280, 660, 340])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.splitter)

        self._wanted_playlist: str | None = None
        #: Playlists whose new pages the table has not read yet -> their lowest page offset.
        self._grow: dict[str, int] = {}
        self._grow_task: asyncio.Task[None] | None = None
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
        """Ask, then remove the selected playlist; the list redraws once the library deleted it.

        The list's selected row, not the table's: right-click or Delete act on the row just
        clicked, while the table may still be loading it (the playlist it shows is the old one).
        """
        row = self.playlists.currentIndex()
        pid = row.data(PlaylistIdRole) if row.isValid() else self.current_playlist()
        if pid is None:
            return
        row = self.playlist_model.row_of(pid)
        info = self.playlist_model.playlist_at(row) if row is not None else None
        name = info.name if info is not None else pid
        question = _(
            "Remove “{name}” from the library? Its enrichment results stay in the cache, "
            "so importing it again is quick."
        ).format(name=name)
        self._tasks.start(self._ask_and_remove(pid, question), name=f"remove {pid}")

    async def _ask_and_remove(self, pid: str, question: str) -> None:
        if await confirmed(self.confirm, _("Remove playlist"), question):
            await self._remove(pid)

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

    # --- tracks (the table side lives in TrackPane) ---------------------------------------------

    def on_tracks_changed(self, ids: list[int]) -> None:
        self.tracks.on_tracks_changed(ids)

    def on_tracks_imported(self, pages: Mapping[str, int]) -> None:
        """Pages landed while an import reads on (playlist id -> the frame's lowest page offset):
        a new playlist is listed and shown from its first page, the shown one's table grows.

        One library read at a time; pages landing meanwhile join the next one (at most one read
        per frame, often fewer). A later page reads only the entries past the loaded ones and
        the table appends them (``TrackTableModel.grow``); a first page (offset 0: the list may
        have been rewritten by a re-import) re-reads the playlist."""
        for pid, offset in pages.items():
            self._grow[pid] = min(offset, self._grow.get(pid, offset))
        if self._grow_task is None or self._grow_task.done():
            self._grow_task = self._tasks.start(self._grow_rows(), name="grow table")

    async def _grow_rows(self) -> None:
        library = self._services.library
        while self._grow:
            pages, self._grow = self._grow, {}
            new = [p for p in pages if self.playlist_model.row_of(p) is None]
            if new:
                await self.refresh_playlists(select=new[-1])
                continue
            pid = self.track_model.playlist_id
            if pid is None or pid not in pages:
                continue
            # Not in LibraryView: the real snapshot has it; a snapshot that is its memory
            # (the fake engine's) has nothing to read and takes the whole-list call.
            load_more = getattr(library, "load_more", None)
            if pages[pid] > 0 and load_more is not None:
                await load_more(pid)
            else:
                await library.load_playlist(pid)
            if self.track_model.playlist_id == pid:
                self.track_model.grow()  # the view keeps the DJ's selection and scroll

    def selected_track_ids(self) -> list[int]:
        return self.tracks.selected_track_ids()

    def set_key_notation(self, notation: str) -> None:
        self.tracks.set_key_notation(notation)
