"""WindowLook: how the main window adapts to where it runs: the banner, colours, screen size.

Why apart from ``main_window``: these react to the surroundings (a palette switched at runtime,
a short laptop screen, the library filling up) rather than to the DJ's commands, and each of
them grew a rule of its own in review: the demo banner says where the demo playlists are now,
banners and inline messages are restyled for a new palette, a short screen gives the progress
dock a quarter of its height. A mixin, as ``LinkInput``, because Qt calls ``changeEvent`` and
``showEvent`` on the window itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from djdesk.core.i18n import _
from djdesk.gui import theme
from djdesk.gui.cache_inspector.actions import message_kind
from djdesk.gui.ui_state import fit_to

if TYPE_CHECKING:
    from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
    from djdesk.gui.dialogs.settings_dialog import SettingsDialog
    from djdesk.gui.playlists.panel import PlaylistBrowserPanel
    from djdesk.gui.progress.panel import EnrichmentProgressPanel

#: A screen with less free height than this is short: the progress dock gets a quarter of it.
SHORT_SCREEN_PX = 800
SHORT_DOCK_SHARE = 0.25
DOCK_MIN_PX = 140


class WindowLook(QMainWindow if TYPE_CHECKING else object):
    """For the ``MainWindow``: its banner, panels and dock."""

    _built = False  # set once __init__ has made every panel ``restyle`` touches
    _shown_once: bool
    demo: bool
    banner: QLabel
    playlists: PlaylistBrowserPanel
    cache: CacheInspectorPanel
    progress: EnrichmentProgressPanel
    progress_dock: QDockWidget
    settings_dialog: SettingsDialog | None

    def _update_banner(self, *_args: object) -> None:
        """The demo banner says where the demo playlists are now: the empty list's buttons go
        once the library has a playlist, File ▸ Demo playlists stays."""
        if not self.demo:
            self.banner.hide()
            return
        if self.playlists.playlist_model.rowCount() == 0:
            text = _(
                "Demo mode — offline sandbox. Every provider is simulated on this computer; "
                "no account or network needed. Pick a demo playlist on the left, or drop a link."
            )
        else:  # one line on a 1024 px window: the table needs the height more
            text = _(
                "Demo mode — offline sandbox, no account or network needed. "
                "More demo playlists: File ▸ Demo playlists."
            )
        self.banner.setText(text)
        self.banner.show()

    def _on_color_scheme_changed(self, _scheme: object) -> None:
        """Light/dark switched while running: re-derive the few colours we compute ourselves."""
        self.restyle()

    def changeEvent(self, event: QEvent) -> None:
        """A palette set at runtime (``QApplication.setPalette``, a theme tool) is a scheme
        change too: Qt reports it here, not through ``colorSchemeChanged``."""
        super().changeEvent(event)
        if self._built and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self.restyle()

    def restyle(self) -> None:
        """Banners and inline messages carry colours picked for the palette they were shown
        under (style sheets do not follow the palette): pick them again, for their kind."""
        if self.demo:
            self.banner.setStyleSheet(theme.banner_style("demo"))
        for message in (self.playlists.message, self.cache.message):
            kind = message_kind(message)
            if kind:
                message.setStyleSheet(theme.banner_style(kind))
        if self.settings_dialog is not None:
            self.settings_dialog.restyle()
        self.playlists.track_model.refresh_palette()
        self.playlists.table.viewport().update()
        self.progress.table.viewport().update()

    def fit_to_screen(self) -> None:
        """Keep the whole window on the screen's free area (no taskbar or panel covering it)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        frame = self.frameGeometry()
        extra = QSize(frame.width() - self.width(), frame.height() - self.height())
        inner = screen.availableGeometry().adjusted(0, 0, -extra.width(), -extra.height())
        fitted = fit_to(self.geometry(), inner)
        if fitted != self.geometry():
            self.setGeometry(fitted)
        self.fit_dock(inner.height())

    def fit_dock(self, available_height: int) -> None:
        """On a short screen the docked progress panel gets ~a quarter of the height, so the
        track table keeps its rows (at 1024x640 a 230 px dock left it 7). Never grown: a panel
        the DJ made smaller stays so."""
        if available_height >= SHORT_SCREEN_PX or self.progress_dock.isFloating():
            return
        target = max(DOCK_MIN_PX, int(min(available_height, self.height()) * SHORT_DOCK_SHARE))
        if self.progress_dock.height() > target:
            self.resizeDocks([self.progress_dock], [target], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        """Fit once more after the first show: only now does the window manager's frame (the
        title bar) count, which a 768 px screen cannot spare on top of 800 px."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.fit_to_screen)
