"""Window and layout state (geometry, docks, splitters, headers) in an INI file via QSettings.

This is UI state, not user settings (Picard's ``persist`` vs ``setting``): it lives in
``config_dir/window-state.ini`` so ``DJDESK_HOME`` isolates it in tests and portable installs,
and it never touches the platform registry or ``~/.config/<org>``.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from djdesk.core.paths import Paths, default_paths

STATE_VERSION = 1


class UiState:
    def __init__(self, paths: Paths | None = None) -> None:
        paths = paths or default_paths()
        paths.config_dir.mkdir(parents=True, exist_ok=True)
        self.file = paths.config_dir / "window-state.ini"
        self._settings = QSettings(str(self.file), QSettings.Format.IniFormat)

    def load_bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)

    def value(self, key: str, default: object = None) -> object:
        return self._settings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)

    def sync(self) -> None:
        self._settings.sync()
