"""LinkInput: every way a playlist link or CSV reaches the window (drop, paste, file dialog).

Why a mixin of its own: a drop anywhere on the window, Ctrl+V outside a text field and File →
Import CSV all end the same way, in the library panel's import with the Library tab shown;
keeping them together keeps that one route in one place. It is a mixin, not a helper object,
because Qt delivers drag and drop as the window's own event methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QTabWidget

from djdesk.core.i18n import _
from djdesk.gui.dialogs.ask import ask_file
from djdesk.gui.playlists import links

if TYPE_CHECKING:
    from djdesk.gui.cache_inspector.panel import CacheInspectorPanel
    from djdesk.gui.playlists.panel import PlaylistBrowserPanel
    from djdesk.gui.tasks import TaskRegistry


class LinkInput:
    """For a ``QMainWindow`` with a ``tabs`` widget holding the ``playlists`` and ``cache``
    panels."""

    tabs: QTabWidget
    playlists: PlaylistBrowserPanel
    cache: CacheInspectorPanel
    tasks: TaskRegistry

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if links.accepts(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QEvent) -> None:
        event.acceptProposedAction()  # type: ignore[attr-defined]

    def dropEvent(self, event: QDropEvent) -> None:
        if self.handle_mime(event.mimeData()):
            event.acceptProposedAction()

    def handle_mime(self, mime: QMimeData) -> bool:
        self.tabs.setCurrentWidget(self.playlists)
        return self.playlists.handle_mime(mime)

    def paste(self) -> None:
        """Ctrl+V anywhere: text fields paste as usual, elsewhere the clipboard is imported."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.paste()
            return
        mime = QApplication.clipboard().mimeData()
        if mime is not None:
            self.handle_mime(mime)

    def focus_add_field(self) -> None:
        self.tabs.setCurrentWidget(self.playlists)
        self.playlists.add_field.setFocus()
        self.playlists.add_field.selectAll()

    def focus_filter(self) -> None:
        """Ctrl+F: the search of the tab in front (the cache's key search on the Cache tab)."""
        if self.tabs.currentWidget() is self.cache:
            self.cache.search.setFocus()
            self.cache.search.selectAll()
            return
        self.tabs.setCurrentWidget(self.playlists)
        self.playlists.filter_bar.text.setFocus()
        self.playlists.filter_bar.text.selectAll()

    def open_csv(self) -> None:
        """Ctrl+O: a file chooser opened with ``open()`` (no nested loop, see ``dialogs.ask``)."""
        self.tasks.start(self._open_csv(), name="open csv")

    async def _open_csv(self) -> None:
        path = await ask_file(
            self,  # type: ignore[arg-type]
            _("Import Exportify CSV"),
            _("CSV files (*.csv)"),
            save=False,
        )
        if path is not None:
            self.playlists.handle_dropped(links.Dropped(files=(path,)))
