"""The menu bar built by ``window_menus``: one shortcut per action, what is greyed out, and
View > Track columns."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QWidget

from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.columns import COLUMN_INDEX, COLUMNS

DEEZER = "https://www.deezer.com/playlist/908622995"
SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"


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
        window.unpin_action,
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
    link = DEEZER
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


def _imported(qtbot: Any, window: MainWindow, link: str = DEEZER) -> str:
    panel = window.playlists
    with qtbot.waitSignal(panel.playlist_imported, timeout=5000) as blocker:
        panel.import_text(link)
    pid = str(blocker.args[0])
    qtbot.waitUntil(lambda: panel.current_playlist() == pid, timeout=5000)
    qtbot.waitUntil(lambda: panel.track_model.rowCount() > 3, timeout=5000)
    return pid


def _focus(qtbot: Any, window: MainWindow, widget: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def _right_click(qtbot: Any, view: QAbstractItemView, row: int) -> QMenu:
    pos = view.visualRect(view.model().index(row, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=pos)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: getattr(view, "row_menu", None) is not None, timeout=3000)
    menu = view.row_menu  # type: ignore[attr-defined]
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    return menu


def test_ctrl_f_searches_the_tab_in_front(qtbot: Any, window: MainWindow) -> None:
    _focus(qtbot, window, window.playlists.add_field)
    window.tabs.setCurrentWidget(window.cache)
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.cache.search.hasFocus, timeout=3000)
    assert window.tabs.currentWidget() is window.cache
    window.tabs.setCurrentWidget(window.playlists)
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.playlists.filter_bar.text.hasFocus, timeout=3000)


def test_delete_and_the_right_click_menu_remove_the_clicked_playlist(
    qtbot: Any, window: MainWindow
) -> None:
    first = _imported(qtbot, window)
    second = _imported(qtbot, window, SPOTIFY)
    panel = window.playlists
    asked: list[str] = []
    panel.confirm = lambda _t, text: asked.append(text) or True
    view = panel.playlists
    menu = _right_click(qtbot, view, panel.playlist_model.row_of(first))  # type: ignore[arg-type]
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Re-enrich playlist",
        "Export playlist…",
        "Remove playlist…",
    ]
    assert view.currentIndex().row() == panel.playlist_model.row_of(first), "the click selects"
    menu.close()
    # Delete on the list (its own key: the tracks and the cache never see it)
    _focus(qtbot, window, view)
    with qtbot.waitSignal(panel.playlist_removed, timeout=5000) as removed:
        QTest.keyClick(view, Qt.Key.Key_Delete)
    assert removed.args == [first] and len(asked) == 1
    assert panel.playlist_model.row_of(second) is not None
    _focus(qtbot, window, panel.table)
    QTest.keyClick(panel.table, Qt.Key.Key_Delete)
    assert len(asked) == 1, "Delete in the track table removes nothing"


def test_tracks_copy_as_artist_title_and_have_a_row_menu(
    qtbot: Any, window: MainWindow, qapp: QApplication
) -> None:
    _imported(qtbot, window)
    table = window.playlists.table
    model = window.playlists.track_model
    menu = _right_click(qtbot, table, 1)
    assert menu.actions()[0] is window.copy_tracks_action
    menu.close()
    table.selectRow(0)
    table.selectionModel().select(
        model.index(2, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    _focus(qtbot, window, table)
    QTest.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    rows = [model.row_at(r) for r in (0, 2)]
    assert qapp.clipboard().text() == "\n".join(f"{t.artists} – {t.title}" for t in rows if t)
    assert "Copied 2 tracks" in window.statusBar().currentMessage()
    # a text field keeps its own Ctrl+C
    field = window.playlists.add_field
    field.setText("typed")
    field.selectAll()
    _focus(qtbot, window, field)
    QTest.keyClick(field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == "typed"


def test_delete_and_the_right_click_menu_on_a_cache_entry(qtbot: Any, window: MainWindow) -> None:
    cache = window.cache
    with qtbot.waitSignal(cache.entries_model.loaded, timeout=3000):
        window.tabs.setCurrentWidget(cache)
    before = cache.entries_model.total
    menu = _right_click(qtbot, cache.entries, 0)
    assert [a.text() for a in menu.actions()] == ["Expire entry now", "Delete entry"]
    menu.close()
    asked: list[str] = []
    cache.confirm = lambda _t, text: asked.append(text) or True
    _focus(qtbot, window, cache.entries)
    with qtbot.waitSignal(cache.action_done, timeout=3000):
        QTest.keyClick(cache.entries, Qt.Key.Key_Delete)
    assert len(asked) == 1 and cache.entries_model.total == before - 1
    menu = _right_click(qtbot, cache.namespaces, 0)
    assert [a.text() for a in menu.actions()] == ["Purge namespace…", "Bump namespace version…"]
    menu.close()
