"""LazyProgressBar: a progress bar that schedules its repaint instead of painting at once.

WORKAROUND: ``QProgressBar.setValue`` calls ``repaint()`` (a synchronous paint) whenever the
filled width changes; fed at the bridge's frame rate that cost ~25 ms per call offscreen and
showed up as loop lag in ``benchmarks/gui_bench.py``. This widget draws the same native control
(``QStyle.CE_ProgressBar``) but only calls ``update()``, so Qt folds it into the next frame.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionProgressBar, QWidget


class LazyProgressBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._minimum = 0
        self._maximum = 1
        self._value = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def setRange(self, minimum: int, maximum: int) -> None:
        self._minimum, self._maximum = minimum, max(minimum, maximum)
        self._value = min(max(self._value, self._minimum), self._maximum)
        self.update()

    def setValue(self, value: int) -> None:
        value = min(max(value, self._minimum), self._maximum)
        if value != self._value:
            self._value = value
            self.update()

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._maximum

    def minimum(self) -> int:
        return self._minimum

    def sizeHint(self) -> QSize:
        return QSize(200, max(16, self.fontMetrics().height() + 4))

    def paintEvent(self, _event: QPaintEvent) -> None:
        option = QStyleOptionProgressBar()
        option.initFrom(self)
        option.minimum, option.maximum, option.progress = self._minimum, self._maximum, self._value
        option.textVisible = False
        option.state |= QStyle.StateFlag.State_Horizontal
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        painter = QPainter(self)
        self.style().drawControl(QStyle.ControlElement.CE_ProgressBar, option, painter, self)
        painter.end()
