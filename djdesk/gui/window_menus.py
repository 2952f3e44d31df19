"""The menu bar and the views' right-click menus: every action, its shortcut, what applies now.

Why apart from ``main_window``: the window lays out its panels, wires the bridge and manages
its own life (state, closing); the menus are a long declarative list of commands that grows
for other reasons (a new command, a new shortcut), and ``update_actions`` is the one place
deciding what is greyed out. The actions stay attributes of the window (``window.pin_action``)
so panels' signals and tests reach them where they always did. The right-click menus
(``install_row_menu``) reuse those same actions, plus a Delete key scoped to the playlist list
and the cache entries, so a key never deletes from a view the user is not looking at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu, QWidget

from djdesk.core.i18n import _
from djdesk.gui.playlists.track_view import ALWAYS_SHOWN
from djdesk.gui.widgets.column_menu import column_submenu

if TYPE_CHECKING:
    from djdesk.gui.main_window import MainWindow


def _action(
    window: MainWindow,
    menu: Any,
    text: str,
    shortcut: str | QKeySequence.StandardKey,
    slot: Callable[..., object],
) -> QAction:
    """An action in ``menu`` whose shortcut works anywhere in the window (added to it too)."""
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """File, Playlist, View, Cache and Help, with their shortcuts, onto ``window``."""
    bar = window.menuBar()
    f = bar.addMenu(_("&File"))
    window.add_action = _action(
        window, f, _("Add playlist link…"), "Ctrl+L", window.focus_add_field
    )
    window.paste_action = _action(
        window, f, _("Paste playlist link"), QKeySequence.StandardKey.Paste, window.paste
    )
    window.open_csv_action = _action(
        window, f, _("Import Exportify CSV…"), "Ctrl+O", window.open_csv
    )
    # Filled by ``set_demo_playlists`` once the runtime is open (demo mode only): the empty
    # list's buttons vanish with the first import, this menu keeps every demo playlist near.
    window.demo_menu = f.addMenu(_("Demo playlists"))
    window.demo_menu.setObjectName("demoPlaylistsMenu")
    window.demo_menu.menuAction().setVisible(False)
    f.addSeparator()
    window.settings_action = _action(window, f, _("Settings…"), "Ctrl+,", window.open_settings)
    f.addSeparator()
    window.quit_action = _action(window, f, _("Quit"), "Ctrl+Q", window.close)

    p = bar.addMenu(_("&Playlist"))
    window.reenrich_action = _action(
        window, p, _("Re-enrich playlist"), "Ctrl+R", window.playlists.reenrich_current
    )
    window.remove_action = _action(
        window, p, _("Remove playlist…"), "Ctrl+Shift+Backspace", window.playlists.remove_current
    )
    window.export_action = _action(
        window, p, _("Export playlist…"), "Ctrl+E", window.export_playlist
    )
    p.addSeparator()
    window.pause_action = _action(
        window, p, _("Pause / resume enrichment"), "Ctrl+P", window.progress.toggle_pause
    )
    window.stop_action = _action(window, p, _("Stop enrichment"), "Ctrl+.", window.progress.cancel)
    p.addSeparator()
    _action(window, p, _("Filter tracks / search keys"), "Ctrl+F", window.focus_filter)
    window.copy_tracks_action = _action(
        window, p, _("Copy Artist – Title"), QKeySequence.StandardKey.Copy, window.copy_tracks
    )
    details = window.playlists.details
    window.pin_action = _action(
        window, p, _("Pin selected match"), "Ctrl+Shift+P", lambda: details.pin_selected()
    )
    window.pin_action.setEnabled(False)  # until a pinnable candidate is selected
    details.candidate_selected.connect(window.pin_action.setEnabled)
    window.unpin_action = _action(
        window, p, _("Unpin selected match"), "Ctrl+Shift+U", lambda: details.unpin_selected()
    )
    window.unpin_action.setEnabled(False)  # until a pinned candidate is selected
    details.pinned_selected.connect(window.unpin_action.setEnabled)

    v = bar.addMenu(_("&View"))
    _action(
        window, v, _("Library"), "Ctrl+1", lambda: window.tabs.setCurrentWidget(window.playlists)
    )
    _action(
        window,
        v,
        _("Cache inspector"),
        "Ctrl+2",
        lambda: window.tabs.setCurrentWidget(window.cache),
    )
    toggle = window.progress_dock.toggleViewAction()
    toggle.setText(_("Enrichment panel"))
    toggle.setShortcut(QKeySequence("Ctrl+3"))
    v.addAction(toggle)
    v.addSeparator()
    keys = v.addMenu(_("Key notation"))
    group = QActionGroup(window)
    window.notation_actions = {}
    for i, (name, label) in enumerate(
        (
            ("camelot", _("Camelot (8A)")),
            ("open_key", _("Open Key (1m)")),
            ("classic", _("Classic (Am)")),
        )
    ):
        act = _action(
            window,
            keys,
            label,
            f"Ctrl+Shift+{i + 1}",
            lambda _c=False, n=name: window.set_key_notation(n),
        )
        act.setCheckable(True)
        act.setChecked(name == window.settings.key_notation)
        group.addAction(act)
        window.notation_actions[name] = act
    _action(
        window,
        v,
        _("Playlist order (clear the sort)"),
        "Ctrl+Shift+O",
        lambda _c=False: window.playlists.tracks.clear_sort(),
    )
    # The track header's right-click menu, reachable from the menu bar too (and by keyboard).
    window.track_columns_menu = column_submenu(
        v,
        _("Track columns"),
        window.playlists.table.horizontalHeader(),
        always_shown=ALWAYS_SHOWN,
    )

    c = bar.addMenu(_("&Cache"))
    _action(window, c, _("Refresh"), "F5", window.cache.refresh)
    window.delete_entry_action = _action(
        window, c, _("Delete entry"), "Ctrl+Delete", window.cache.delete_selected
    )
    window.expire_entry_action = _action(
        window, c, _("Expire entry now"), "Ctrl+Shift+X", window.cache.expire_selected
    )
    window.purge_action = _action(
        window, c, _("Purge namespace…"), "Ctrl+Shift+Delete", window.cache.purge_namespace
    )
    window.bump_action = _action(
        window, c, _("Bump namespace version…"), "Ctrl+Shift+B", window.cache.bump_namespace
    )
    c.addSeparator()
    _action(window, c, _("Vacuum"), "Ctrl+Shift+V", window.cache.vacuum)
    _action(window, c, _("Export…"), "Ctrl+Shift+E", window.cache.export)
    _action(window, c, _("Import…"), "Ctrl+Shift+I", window.cache.import_)

    h = bar.addMenu(_("&Help"))
    _action(window, h, _("About DJDesk"), "F1", window.about)
    build_context_menus(window)


def _local(
    widget: QWidget, text: str, key: QKeySequence.StandardKey, slot: Callable[..., object]
) -> QAction:
    """An action whose key works only while ``widget`` has the focus (Delete on a list)."""
    action = QAction(text, widget)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def install_row_menu(view: QAbstractItemView, actions: Sequence[QAction | None]) -> None:
    """Right-click on a row of ``view`` (the click selects it) pops up ``actions``.

    ``popup()``, never ``exec()``: no nested event loop inside the qasync loop (review 2 #13).
    ``None`` is a separator. The last menu shown is ``view.row_menu`` (tests read it).
    """

    def show(pos: QPoint) -> None:
        if not view.indexAt(pos).isValid():
            return
        menu = QMenu(view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        view.row_menu = menu  # type: ignore[attr-defined]
        menu.popup(view.viewport().mapToGlobal(pos))

    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(show)


def build_context_menus(window: MainWindow) -> None:
    """Playlists, tracks, cache entries and namespaces: the menu bar's actions on a right-click;
    Delete removes the selected playlist or deletes the selected entry (after the same question).
    """
    playlists = window.playlists
    window.remove_key_action = _local(
        playlists.playlists,
        _("Remove playlist…"),
        QKeySequence.StandardKey.Delete,
        playlists.remove_current,
    )
    install_row_menu(
        playlists.playlists,
        [window.reenrich_action, window.export_action, None, window.remove_key_action],
    )
    install_row_menu(
        playlists.table,
        [window.copy_tracks_action, None, window.reenrich_action, window.export_action],
    )
    cache = window.cache
    window.delete_key_action = _local(
        cache.entries, _("Delete entry"), QKeySequence.StandardKey.Delete, cache.delete_selected
    )
    install_row_menu(cache.entries, [window.expire_entry_action, window.delete_key_action])
    install_row_menu(cache.namespaces, [window.purge_action, window.bump_action])


def set_demo_playlists(window: MainWindow, suggestions: list[tuple[str, str]]) -> None:
    """File ▸ Demo playlists: one entry per ``(label, link)``; hidden when there are none."""
    menu = window.demo_menu
    menu.clear()
    for label, link in suggestions:
        action = menu.addAction(label)
        action.setToolTip(link)
        action.setData(link)
        action.triggered.connect(lambda _c=False, url=link: window.import_link(url))
    menu.setToolTipsVisible(True)
    menu.menuAction().setVisible(bool(suggestions))


def update_actions(window: MainWindow) -> None:
    """Grey out what does not apply now (no playlist shown, no cache entry chosen, no run)."""
    has_playlist = window.playlists.current_playlist() is not None
    for action in (window.reenrich_action, window.remove_action, window.export_action):
        action.setEnabled(has_playlist)
    running = window.progress.running
    window.pause_action.setEnabled(running)
    window.stop_action.setEnabled(running)
    has_entry = window.cache.current_entry() is not None
    window.delete_entry_action.setEnabled(has_entry)
    window.expire_entry_action.setEnabled(has_entry)
    has_ns = window.cache.current_namespace() is not None
    window.purge_action.setEnabled(has_ns)
    window.bump_action.setEnabled(has_ns)
