"""WindowDialogs: the main window's own dialogs (Settings, About), shown without ``exec()``.

Why apart from ``main_window``: each dialog opens with ``open()`` and answers through
``finished`` (``WA_DeleteOnClose``), never a nested Qt loop inside the qasync loop: that ran a
Last.fm key check's callbacks re-entrantly and a later window in the same process crashed
(review 2, #13). Keeping them together keeps that rule in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox

from djdesk import __version__
from djdesk.core import settings as settings_mod
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import _

if TYPE_CHECKING:
    from djdesk.core.paths import Paths
    from djdesk.gui.dialogs.settings_dialog import SettingsDialog
    from djdesk.gui.services import Services
    from djdesk.gui.tasks import TaskRegistry


class WindowDialogs(QMainWindow if TYPE_CHECKING else object):
    """For the ``MainWindow``: its settings, services and the way it reports errors."""

    settings: settings_mod.Settings
    settings_dialog: SettingsDialog | None  # while it is open
    services: Services
    tasks: TaskRegistry
    paths: Paths
    demo: bool

    # The window's own: apply a notation everywhere; errors to the status bar.
    set_key_notation: Callable[[str], None]
    report_error: Callable[[BaseException], None]

    def open_settings(self) -> None:
        """Show the settings window-modal with ``open()``; its answer arrives in ``finished``.

        Never ``exec()``: a nested Qt loop inside the qasync loop ran the key check's callbacks
        re-entrantly and a later window in the same process crashed (review 2, #13).
        """
        from djdesk.gui.dialogs.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        dialog = SettingsDialog(
            self.settings, self.services.accounts, self.tasks, self, running_demo=self.demo
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: self._on_settings_finished(dialog, code))
        self.settings_dialog = dialog
        dialog.open()

    def _on_settings_finished(self, dialog: SettingsDialog, code: int) -> None:
        self.settings_dialog = None
        new = dialog.result_settings() if code == QDialog.DialogCode.Accepted.value else None
        if new is None:
            return
        try:
            settings_mod.save(new, self.paths.settings_file)
        except (DJDeskError, OSError) as exc:
            self.report_error(exc)
            return
        self.settings = new
        self.set_key_notation(new.key_notation)
        self.statusBar().showMessage(_("Settings saved."), 5000)

    def about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("About DJDesk"),
            _("DJDesk {v}\nImport playlists and enrich every track for DJs.").format(v=__version__),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop (see open_settings)
