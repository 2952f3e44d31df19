"""Window and layout state (geometry, docks, splitters, headers, filters) in an INI file.

This is UI state, not user settings (Picard's ``persist`` vs ``setting``): it lives in
``config_dir/window-state.ini`` so ``DJDESK_HOME`` isolates it in tests and portable installs,
and it never touches the platform registry or ``~/.config/<org>``.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt

from djdesk.core.paths import Paths, default_paths
from djdesk.gui.playlists.columns import COLUMN_INDEX, COLUMNS

if TYPE_CHECKING:
    from djdesk.gui.main_window import MainWindow

STATE_VERSION = 1
#: A saved sort key's direction, by name (the file stays readable and Qt's enum may renumber).
_ORDERS = {"asc": Qt.SortOrder.AscendingOrder, "desc": Qt.SortOrder.DescendingOrder}
_ORDER_NAMES = {order: name for name, order in _ORDERS.items()}


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


def fit_to(rect: QRect, available: QRect) -> QRect:
    """``rect`` shrunk to ``available`` and moved inside it (a saved geometry from a bigger
    screen, or the default size on a 1366x768 laptop, must not hang off the screen)."""
    w = min(rect.width(), available.width())
    h = min(rect.height(), available.height())
    x = min(max(rect.x(), available.x()), available.x() + available.width() - w)
    y = min(max(rect.y(), available.y()), available.y() + available.height() - h)
    return QRect(x, y, w, h)


def _splitters(window: MainWindow) -> dict[str, Any]:
    return {
        "splitter/playlists": window.playlists.splitter,
        "splitter/progress": window.progress.splitter,
        "splitter/cache": window.cache.splitter,
        "splitter/cache_detail": window.cache.detail_splitter,
        # v2: State moved after Energy (review 8); a v1 layout would size the wrong columns.
        "tracks/header_v2": window.playlists.table.horizontalHeader(),
        "cache/entries_header": window.cache.entries.horizontalHeader(),
        # Which provider columns are shown (Hedged starts hidden) and their widths.
        "progress/stats_header": window.progress.table.horizontalHeader(),
    }


def restore_layout(window: MainWindow) -> None:
    """Put back what the DJ left: geometry, docks, splitters, headers, tab, track filters,
    log level. (The shown playlist comes back in ``MainWindow.engine_ready``.) A value of
    the wrong type (a hand-edited file) is skipped, never an error."""
    st = window.ui_state
    if (geometry := st.load_bytes("window/geometry")) is not None:
        window.restoreGeometry(geometry)
    if (state := st.load_bytes("window/state")) is not None:
        window.restoreState(state, STATE_VERSION)
    for key, widget in _splitters(window).items():
        if (data := st.load_bytes(key)) is not None:
            widget.restoreState(data)
    with contextlib.suppress(TypeError, ValueError):
        window.tabs.setCurrentIndex(int(st.value("window/tab", 0)))  # type: ignore[arg-type]
    filters = st.value("library/filters")
    with contextlib.suppress(TypeError, ValueError):
        saved = json.loads(filters) if isinstance(filters, str) else None
        if isinstance(saved, dict):
            window.playlists.filter_bar.restore(saved)
    with contextlib.suppress(TypeError, ValueError, KeyError):
        saved_sort = json.loads(str(st.value("tracks/sort", "[]")))
        keys = [(COLUMN_INDEX[field], _ORDERS[order]) for field, order in saved_sort]
        window.playlists.tracks.track_model.restore_sort(keys)
    with contextlib.suppress(TypeError, ValueError):
        level = window.progress.level
        found = level.findData(int(st.value("log/level")))  # type: ignore[arg-type]
        if found >= 0:
            level.setCurrentIndex(found)


def save_layout(window: MainWindow) -> None:
    st = window.ui_state
    st.save_bytes("window/geometry", window.saveGeometry())
    st.save_bytes("window/state", window.saveState(STATE_VERSION))
    for key, widget in _splitters(window).items():
        st.save_bytes(key, widget.saveState())
    st.set_value("window/tab", window.tabs.currentIndex())
    st.set_value("library/playlist", window.playlists.current_playlist() or "")
    st.set_value("library/filters", json.dumps(window.playlists.filter_bar.state()))
    # Every sort key (the header's own state keeps only the primary one).
    sort = window.playlists.tracks.track_model.sort_keys
    st.set_value(
        "tracks/sort",
        json.dumps([[COLUMNS[c].field, _ORDER_NAMES[o]] for c, o in sort]),
    )
    st.set_value("log/level", int(window.progress.level.currentData()))
    st.sync()
