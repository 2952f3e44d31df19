"""The row of filter controls above the track table; emits one ``TrackFilter`` value.

Text changes are debounced (150 ms) so typing in a 10,000-row playlist stays fluid. A spin box
at its minimum shows "any" and means "no bound".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.i18n import _
from djdesk.gui.playlists.columns import format_key
from djdesk.gui.playlists.track_filter import TrackFilter

_ALL_KEYS = [f"{n}{letter}" for n in range(1, 13) for letter in "AB"]


def compatible_keys(camelot: str) -> frozenset[str]:
    """Same key, ±1 on the wheel, and the relative major/minor (harmonic mixing)."""
    n, letter = int(camelot[:-1]), camelot[-1]
    other = "B" if letter == "A" else "A"
    return frozenset(
        {camelot, f"{(n % 12) + 1}{letter}", f"{((n - 2) % 12) + 1}{letter}", f"{n}{other}"}
    )


def _range_spin(low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low - step, high)
    spin.setSingleStep(step)
    spin.setDecimals(decimals)
    spin.setSpecialValueText(_("any"))
    spin.setValue(low - step)
    spin.setKeyboardTracking(False)
    spin.setMinimumWidth(58)
    return spin


def _bound(spin: QDoubleSpinBox | QSpinBox) -> float | None:
    return None if spin.value() == spin.minimum() else float(spin.value())


class TrackFilterBar(QWidget):
    filter_changed = Signal(object)  # TrackFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        top = QHBoxLayout()
        lay = QHBoxLayout()
        outer.addLayout(top)
        outer.addLayout(lay)
        self.text = QLineEdit()
        self.text.setPlaceholderText(_("Filter title, artist, album, tags…"))
        self.text.setClearButtonEnabled(True)
        self.bpm_min = _range_spin(60, 200, 1, 0)
        self.bpm_max = _range_spin(60, 200, 1, 0)
        self.energy_min = _range_spin(0, 1, 0.05, 2)
        self.energy_max = _range_spin(0, 1, 0.05, 2)
        self.year_min = _range_spin(1950, 2030, 1, 0)
        self.year_max = _range_spin(1950, 2030, 1, 0)
        self.key = QComboBox()
        self.compatible = QCheckBox(_("compatible"))
        self.compatible.setToolTip(_("Also show keys that mix harmonically with the chosen key"))
        self.set_key_notation("camelot")
        top.addWidget(self.text, 1)
        top.addWidget(QLabel(_("Key")))
        top.addWidget(self.key)
        top.addWidget(self.compatible)
        for label, low, high in (
            (_("BPM"), self.bpm_min, self.bpm_max),
            (_("Energy"), self.energy_min, self.energy_max),
            (_("Year"), self.year_min, self.year_max),
        ):
            lay.addWidget(QLabel(label))
            lay.addWidget(low)
            lay.addWidget(QLabel("–"))
            lay.addWidget(high)
            lay.addSpacing(8)
        lay.addStretch(1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._emit)
        self.text.textChanged.connect(self._debounce.start)
        for spin in (
            self.bpm_min,
            self.bpm_max,
            self.energy_min,
            self.energy_max,
            self.year_min,
            self.year_max,
        ):
            spin.valueChanged.connect(self._emit)
        self.key.currentIndexChanged.connect(self._emit)
        self.compatible.toggled.connect(self._emit)

    def set_key_notation(self, notation: str) -> None:
        current = self.key.currentData()
        self.key.blockSignals(True)
        self.key.clear()
        self.key.addItem(_("all"), None)
        for code in _ALL_KEYS:
            self.key.addItem(format_key(code, notation), code)
        self.key.setCurrentIndex(max(0, self.key.findData(current)))
        self.key.blockSignals(False)

    def current(self) -> TrackFilter:
        code = self.key.currentData()
        keys: frozenset[str] = frozenset()
        if code:
            keys = compatible_keys(code) if self.compatible.isChecked() else frozenset({code})
        return TrackFilter(
            text=self.text.text(),
            bpm=(_bound(self.bpm_min), _bound(self.bpm_max)),
            energy=(_bound(self.energy_min), _bound(self.energy_max)),
            year=(_bound(self.year_min), _bound(self.year_max)),
            keys=keys,
        )

    def _spins(self) -> dict[str, QDoubleSpinBox]:
        return {
            "bpm_min": self.bpm_min,
            "bpm_max": self.bpm_max,
            "energy_min": self.energy_min,
            "energy_max": self.energy_max,
            "year_min": self.year_min,
            "year_max": self.year_max,
        }

    def state(self) -> dict[str, Any]:
        """The controls as plain values (JSON-able), for the window state to remember."""
        out: dict[str, Any] = {name: _bound(spin) for name, spin in self._spins().items()}
        out.update(
            text=self.text.text(),
            key=self.key.currentData(),
            compatible=self.compatible.isChecked(),
        )
        return out

    def restore(self, state: dict[str, Any]) -> None:
        """Set the controls from ``state()``'s values, then emit one filter (unknown keys skip)."""
        widgets: list[QWidget] = [self.text, self.key, self.compatible, *self._spins().values()]
        for w in widgets:
            w.blockSignals(True)
        try:
            if isinstance(state.get("text"), str):
                self.text.setText(state["text"])
            self.key.setCurrentIndex(max(0, self.key.findData(state.get("key"))))
            self.compatible.setChecked(bool(state.get("compatible")))
            for name, spin in self._spins().items():
                value = state.get(name)
                spin.setValue(float(value) if isinstance(value, int | float) else spin.minimum())
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current())
