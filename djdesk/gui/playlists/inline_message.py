"""InlineMessage: the banner under the "Add playlist" field, which never outstays its news.

Why a class: an error that stays forever reads as "still broken" after the user fixed it. An
error hides itself after ``MESSAGE_TIMEOUT_MS`` (``expired`` then lets the owner show what is
true now, e.g. imports still running) or as soon as the next step works (``clear_error``);
progress notes ("Importing…") stay until their owner replaces them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from djdesk.gui import theme

#: An error stays this long unless the user's next successful step clears it sooner.
MESSAGE_TIMEOUT_MS = 20_000


class InlineMessage(QLabel):
    expired = Signal()  # an error timed out and was hidden

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()
        self.kind = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(MESSAGE_TIMEOUT_MS)
        self.timer.timeout.connect(self._on_timeout)

    def show_text(self, text: str, kind: str = "error") -> None:
        """``kind`` is ``error`` (times out) or ``info`` (stays); an empty text hides it."""
        self.timer.stop()
        self.kind = kind if text else ""
        self.setStyleSheet(theme.banner_style(kind))
        self.setText(text)
        self.setVisible(bool(text))
        if text and kind == "error":
            self.timer.start()

    def clear_error(self) -> None:
        """The user's next step worked: an old error no longer describes the state."""
        if self.kind == "error":
            self.show_text("")

    def _on_timeout(self) -> None:
        self.show_text("")
        self.expired.emit()
