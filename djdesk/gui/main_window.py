"""MainWindow: layout, wiring, the commands its menus call, saved state and clean close.

Layout: a tab per big view (Library, Cache) and the enrichment progress panel as a bottom dock,
so a DJ can watch a run from either tab. The window holds no logic of its own beyond wiring:
panels get the narrow services they need, the bridge feeds them coalesced core events. The
menu bar, right-click menus and what they grey out are ``window_menus``'; drops, pastes and
the CSV dialog are ``window_input.LinkInput``'s; the banner, colours and fitting a short screen
are ``window_look.WindowLook``'s; settings and About are ``window_dialogs.WindowDialogs``';
the layout's save and restore are ``ui_state``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from djdesk.core import settings as settings_mod
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import _
from djdesk.core.paths import Paths, default_paths
from djdesk.gui import theme, ui_state, window_menus
from djdesk.gui.bridge import EngineBridge
from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
from djdesk.gui.export_action import PlaylistExporter
from djdesk.gui.export_action import summary as export_summary
from djdesk.gui.playlists.panel import PlaylistBrowserPanel
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.services import Services
from djdesk.gui.tasks import TaskRegistry
from djdesk.gui.ui_state import UiState
from djdesk.gui.window_dialogs import WindowDialogs
from djdesk.gui.window_input import LinkInput
from djdesk.gui.window_look import WindowLook

if TYPE_CHECKING:
    from djdesk.gui.dialogs.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)
SHUTDOWN_BUDGET_S = 2.5
#: The size a first start opens at, shrunk to the screen's free area when that is smaller.
DEFAULT_SIZE = QSize(1280, 800)


class MainWindow(LinkInput, WindowLook, WindowDialogs, QMainWindow):
    closed = Signal()  # emitted once, after the engine stopped and the window really closed
    _import_status = ""  # the import line the status bar shows, to clear only that one
    # Set by window_menus.build_menus; panels' signals and tests reach them here.
    add_action: QAction
    paste_action: QAction
    open_csv_action: QAction
    settings_action: QAction
    quit_action: QAction
    reenrich_action: QAction
    remove_action: QAction
    export_action: QAction
    pause_action: QAction
    stop_action: QAction
    pin_action: QAction
    unpin_action: QAction
    delete_entry_action: QAction
    expire_entry_action: QAction
    purge_action: QAction
    bump_action: QAction
    notation_actions: dict[str, QAction]
    track_columns_menu: QMenu  # View > Track columns: one tick per track table column
    demo_menu: QMenu  # File > Demo playlists (demo mode, once the runtime is open)
    copy_tracks_action: QAction
    remove_key_action: QAction  # Delete on the playlist list (and its right-click menu)
    delete_key_action: QAction  # Delete on the cache entries (and their right-click menu)

    def __init__(
        self,
        services: Services,
        *,
        settings: settings_mod.Settings | None = None,
        paths: Paths | None = None,
        demo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.paths = paths or default_paths()
        self.settings = settings or settings_mod.Settings()
        self.demo = demo
        self.tasks = TaskRegistry(on_error=self.report_error)
        self.bridge = EngineBridge(services.control.events, self)
        self.ui_state = UiState(self.paths)
        self._closing = False
        self._shown_once = False
        self._closed = False
        self._shutdown_task: asyncio.Task[None] | None = None
        self.settings_dialog: SettingsDialog | None = None  # while it is open

        # Qt appends the application display name ("… — DJDesk") on every platform.
        self.setWindowTitle(_("Demo mode — offline sandbox") if demo else "")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)

        self.playlists = PlaylistBrowserPanel(services, self.tasks)
        self.cache = CacheInspectorPanel(services.cache, self.tasks)
        self.progress = EnrichmentProgressPanel(services.control)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.playlists, _("Library"))
        self.tabs.addTab(self.cache, _("Cache"))
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        if demo:
            self.banner.setStyleSheet(theme.banner_style("demo"))
            self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._update_banner()
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(6, 6, 6, 0)
        cl.setSpacing(4)
        cl.addWidget(self.banner)
        cl.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.progress_dock = QDockWidget(_("Enrichment"), self)
        self.progress_dock.setObjectName("progressDock")
        self.progress_dock.setWidget(self.progress)
        self.progress_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.progress_dock)
        self.resizeDocks([self.progress_dock], [230], Qt.Orientation.Vertical)

        self.exporter = PlaylistExporter(
            services.control, services.library, self.tasks, self.ui_state, self
        )
        self.exporter.finished.connect(self._on_exported)
        self.exporter.failed.connect(self.report_error)
        self._connect_bridge()
        window_menus.build_menus(self)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)
        self.playlists.set_key_notation(self.settings.key_notation)
        self.statusBar().showMessage(_("Starting the enrichment engine…"), 8000)
        self.resize(DEFAULT_SIZE)
        self.restore_state()
        self.fit_to_screen()
        self._update_actions()
        self._built = True  # from here on a palette change restyles (changeEvent)

    def engine_ready(self, suggestions: list[tuple[str, str]] | None = None) -> None:
        """The runtime is open: load the library, offer ``suggestions`` (label, link) if empty.

        The playlist shown when the window last closed is shown again (if it still exists).
        """
        self.playlists.set_suggestions(list(suggestions or ()))
        window_menus.set_demo_playlists(self, list(suggestions or ()))
        last = self.ui_state.value("library/playlist")
        self.tasks.start(
            self.playlists.refresh_playlists(select=last if isinstance(last, str) else None),
            name="load playlists",
        )
        if self.tabs.currentWidget() is self.cache:
            self.cache.refresh()
        self.statusBar().showMessage(
            _("Ready. Drop a playlist link anywhere on this window."), 8000
        )

    # --- wiring ----------------------------------------------------------------------------------

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.tracks_changed.connect(self.playlists.on_tracks_changed)
        b.job_state_changed.connect(self.playlists.playlist_model.on_job_state)
        b.job_state_changed.connect(self.progress.on_job_state)
        b.provider_stats_changed.connect(self.progress.stats_model.on_stats)
        b.plan_ready.connect(self.progress.stats_model.on_plan)
        b.breaker_changed.connect(self.progress.stats_model.on_breaker)
        b.log_messages.connect(self.progress.on_log)
        b.import_progress.connect(self.playlists.importer.on_progress)
        self.playlists.importer.status_changed.connect(self.progress.show_import)
        self.playlists.importer.status_changed.connect(self._show_import_status)
        b.tracks_imported.connect(self.playlists.on_tracks_imported)
        b.job_state_changed.connect(self._on_job_state)
        p = self.playlists
        p.playlist_shown.connect(self._update_actions)
        p.playlist_removed.connect(self._on_playlist_removed)
        p.playlist_imported.connect(lambda _pid: self._update_actions())
        for signal in (
            p.playlist_model.modelReset,
            p.playlist_model.rowsInserted,
            p.playlist_model.rowsRemoved,
        ):
            signal.connect(self._update_banner)
        c = self.cache
        c.namespaces.selectionModel().currentRowChanged.connect(self._update_actions)
        c.entries.selectionModel().currentRowChanged.connect(self._update_actions)
        c.entries_model.modelReset.connect(self._update_actions)

    def _update_actions(self, *_args: object) -> None:
        window_menus.update_actions(self)

    def import_link(self, link: str) -> None:
        """A suggested (demo) playlist chosen from the menu: imported like a pasted link."""
        self.tabs.setCurrentWidget(self.playlists)
        self.playlists.import_text(link)

    def _show_import_status(self, text: str) -> None:
        """An import's progress in the status bar too (it read "Ready." through a 100 s
        import); cleared when the imports end, unless another message replaced it."""
        bar = self.statusBar()
        if text:
            bar.showMessage(text)
        elif bar.currentMessage() == self._import_status:
            bar.clearMessage()
        self._import_status = text

    def _on_playlist_removed(self, _pid: str) -> None:
        self._update_actions()
        self.statusBar().showMessage(_("Playlist removed."), 8000)

    def _on_job_state(self, event: object) -> None:
        self._update_actions()
        if (
            getattr(event, "state", "") in ("done", "cancelled")
            and self.tabs.currentWidget() is self.cache
        ):
            self.cache.refresh()

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.cache:
            self.cache.refresh()

    # --- commands (drop, paste and the CSV dialog are LinkInput's) ------------------------------

    def export_playlist(self) -> None:
        """Ctrl+E: export the shown playlist; the result or the error goes to the status bar."""
        self.exporter.ask_and_export(self.playlists.current_playlist(), self.settings.key_notation)

    def copy_tracks(self) -> None:
        """Ctrl+C: "Artist – Title" of every selected track, one a line, in table order.

        Text fields keep their own Ctrl+C (Qt gives a focused editor the key first)."""
        if self.tabs.currentWidget() is not self.playlists:
            return
        table = self.playlists.table
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        if not rows and table.currentIndex().isValid():
            rows = [table.currentIndex().row()]
        model = self.playlists.track_model
        lines = [
            f"{t.artists} – {t.title}" for t in (model.row_at(r) for r in rows) if t is not None
        ]
        if not lines:
            self.statusBar().showMessage(_("Select the tracks to copy first."), 5000)
            return
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.statusBar().showMessage(
            _("Copied {n} tracks.").format(n=f"{len(lines):,}")
            if len(lines) != 1
            else _("Copied {line}.").format(line=lines[0]),
            5000,
        )

    def _on_exported(self, report: object) -> None:
        self.statusBar().showMessage(export_summary(report), 20000)  # type: ignore[arg-type]

    def set_key_notation(self, notation: str) -> None:
        self.settings = replace(self.settings, key_notation=notation)
        self.playlists.set_key_notation(notation)
        self.notation_actions[notation].setChecked(True)
        with contextlib.suppress(DJDeskError, OSError):
            settings_mod.save(self.settings, self.paths.settings_file)

    def report_error(self, exc: BaseException) -> None:
        """Errors from tasks and slots: a status line, never a crash."""
        if isinstance(exc, DJDeskError):
            text = f"{exc.message} {exc.hint}".strip()
        else:
            log.error("unexpected error", exc_info=exc)
            text = _("Something went wrong: {err}").format(err=exc)
        self.statusBar().showMessage(text, 15000)

    # --- state -----------------------------------------------------------------------------------

    def restore_state(self) -> None:
        ui_state.restore_layout(self)

    def save_state(self) -> None:
        ui_state.save_layout(self)

    # --- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the run (resumable), cancel every task, then really close; bounded to < 3 s."""
        if self._closed:
            event.accept()
            return
        event.ignore()
        if self._closing:
            return
        self._closing = True
        self.save_state()
        self.statusBar().showMessage(_("Stopping… finished work is kept."))
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop (a plain Qt test): nothing async can be pending
            self._finish_close()
            return
        self._shutdown_task = asyncio.ensure_future(self.shutdown())

    async def shutdown(self) -> None:
        try:
            self.services.control.cancel()
            await self.tasks.cancel_all(grace_s=SHUTDOWN_BUDGET_S * 0.6)
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self.services.control.aclose(), SHUTDOWN_BUDGET_S * 0.4)
        finally:
            self._finish_close()

    def _finish_close(self) -> None:
        self.bridge.detach()
        self._closed = True
        self.close()
        self.closed.emit()

    @property
    def is_closed(self) -> bool:
        return self._closed
