"""The menu bar built by ``window_menus``: one shortcut per action, what is greyed out, and
View > Track columns."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.columns import COLUMN_INDEX, COLUMNS


def _menu_actions(menu: QMenu, skip: QMenu | None = None) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            if sub is not skip:
                found += _menu_actions(sub, skip)
        elif not action.isSeparator():
            found.append(action)
    return found


def test_every_menu_command_has_its_own_shortcut(window: MainWindow) -> None:
    menus = [a.menu() for a in window.menuBar().actions()]
    # Commands only: View > Track columns holds a tick per column (view options, no keys).
    columns = window.track_columns_menu
    actions = [a for m in menus if isinstance(m, QMenu) for a in _menu_actions(m, columns)]
    keys = [a.shortcut().toString(QKeySequence.SequenceFormat.PortableText) for a in actions]
    assert all(keys), [a.text() for a in actions if a.shortcut().isEmpty()]
    # Two actions on one key make Qt fire neither ("ambiguous shortcut").
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert len(actions) >= 25
    # Shortcuts work from any tab or panel: each action (but the dock's toggle) is the window's.
    own = set(window.actions())
    assert {a.text() for a in actions if a not in own} == {"Enrichment panel"}


def test_what_does_not_apply_yet_is_greyed_out(qtbot: Any, window: MainWindow) -> None:
    assert window.playlists.current_playlist() is None
    for action in (
        window.reenrich_action,
        window.remove_action,
        window.export_action,
        window.pause_action,
        window.stop_action,
        window.pin_action,
        window.delete_entry_action,
        window.expire_entry_action,
        window.purge_action,
        window.bump_action,
    ):
        assert not action.isEnabled(), action.text()
    assert window.add_action.isEnabled() and window.paste_action.isEnabled()
    assert [n for n, a in window.notation_actions.items() if a.isChecked()] == ["camelot"]


def test_view_menu_hides_and_shows_track_columns_like_the_header_menu(
    qtbot: Any, window: MainWindow
) -> None:
    menus = {a.menu().title(): a.menu() for a in window.menuBar().actions()}
    columns = window.track_columns_menu
    assert columns in [a.menu() for a in menus["&View"].actions()]
    header = window.playlists.table.horizontalHeader()
    assert header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    entries = columns.actions()
    assert [a.text() for a in entries] == [c.header for c in COLUMNS]
    title, valence = entries[COLUMN_INDEX["title"]], entries[COLUMN_INDEX["valence"]]
    assert not title.isEnabled(), "the title names the row: never hidden"
    assert entries[COLUMN_INDEX["position"]].isEnabled()
    assert all(a.isChecked() for a in entries)

    width = header.sectionSize(COLUMN_INDEX["valence"])  # fitted to its header and sort arrow
    valence.setChecked(False)
    assert header.isSectionHidden(COLUMN_INDEX["valence"])
    header.hideSection(COLUMN_INDEX["listeners"])  # from the header's right-click menu
    columns.aboutToShow.emit()
    assert [not a.isChecked() for a in entries] == [
        c.field in ("valence", "listeners") for c in COLUMNS
    ]
    valence.setChecked(True)
    assert header.sectionSize(COLUMN_INDEX["valence"]) == width


def test_demo_playlists_stay_reachable_from_the_file_menu(qtbot: Any, window: MainWindow) -> None:
    assert not window.demo_menu.menuAction().isVisible()  # nothing to offer before the runtime
    assert "Pick a demo playlist on the left" in window.banner.text()
    link = "https://www.deezer.com/playlist/908622995"
    window.engine_ready([("Demo crate · 25 tracks", link)])
    assert window.demo_menu.menuAction().isVisible()
    (entry,) = window.demo_menu.actions()
    assert entry.text() == "Demo crate · 25 tracks" and entry.data() == link
    window.tabs.setCurrentWidget(window.cache)
    with qtbot.waitSignal(window.playlists.playlist_imported, timeout=5000):
        entry.trigger()
    assert window.tabs.currentWidget() is window.playlists
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() == 1, timeout=3000)
    # the empty list's demo buttons are gone: the banner points at the menu instead
    assert not window.playlists.empty_box.isVisible()
    assert "File ▸ Demo playlists" in window.banner.text()
    assert "on the left" not in window.banner.text()
    assert window.demo_menu.menuAction().isVisible()
