"""The window end to end on the qasync loop: drop, stream, bad links, close mid-run."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from djdesk.core.errors import UnsupportedLinkError
from djdesk.gui.fake_services import FakeEngine, fake_services
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists import links
from djdesk.gui.playlists.columns import COLUMN_INDEX
from djdesk.gui.services import Services

DEEZER = "https://www.deezer.com/en/playlist/908622995"
SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=abc"


def _drop(window: MainWindow, mime: QMimeData) -> None:
    event = QDropEvent(
        QPoint(200, 200).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # QApplication only routes Drop events that belong to a real drag session, so the test calls
    # the handler with a genuine QDropEvent, which is what Qt would deliver.
    assert links.accepts(mime)
    window.dropEvent(event)
    assert event.isAccepted()


def test_demo_mode_is_clearly_labelled(window: MainWindow) -> None:
    assert "Demo mode — offline sandbox" in window.windowTitle()
    assert window.banner.isVisible()
    assert "Demo mode" in window.banner.text()


def test_dropped_link_fills_table_and_progress_as_enrichment_streams(
    qtbot: Any, window: MainWindow
) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl(DEEZER)])
    mime.setText(DEEZER)
    streamed: list[int] = []
    window.bridge.tracks_changed.connect(streamed.extend)
    _drop(window, mime)
    table = window.playlists.track_model
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=5000)
    total = table.rowCount()
    assert window.playlists.playlist_model.rowCount() == 1
    bpm = COLUMN_INDEX["bpm"]
    qtbot.waitUntil(lambda: len(set(streamed)) >= total, timeout=10000)
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=5000)
    assert window.progress.bar.value() == total

    def filled() -> int:
        return sum(1 for r in range(total) if table.index(r, bpm).data())

    qtbot.waitUntil(lambda: filled() > total * 0.8, timeout=5000)
    stats = window.progress.stats_model
    deezer = stats.provider_at(0)
    assert deezer is not None and deezer.provider == "deezer"
    assert deezer.calls + deezer.cache_hits == total
    assert stats.index(0, 1).data() == f"{total} / {total}"
    assert window.progress.log_model.rowCount() > 0
    assert window.bridge.flush_count < len(streamed), "events were coalesced"


def test_spotify_text_drop_and_paste_are_accepted(qtbot: Any, window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText(SPOTIFY + "\n")
    _drop(window, mime)
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() == 1, timeout=5000)
    QApplication.clipboard().setText(DEEZER)
    window.playlists.table.setFocus()
    window.paste()
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() == 2, timeout=5000)


def test_bad_link_shows_an_inline_message(qtbot: Any, window: MainWindow) -> None:
    window.playlists.add_field.setText("https://example.com/not-a-playlist")
    with qtbot.waitSignal(window.playlists.import_failed, timeout=5000) as blocker:
        window.playlists.add_button.click()
    message = window.playlists.message
    assert message.isVisible()
    assert "example.com" in message.text()  # what was wrong
    assert UnsupportedLinkError.default_hint in message.text()  # what to do
    assert blocker.args[0] == message.text()
    assert window.playlists.playlist_model.rowCount() == 0


def test_dropped_exportify_csv_imports(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    csv = tmp_path / "Warmup.csv"
    csv.write_text(
        "Track URI,Track Name,Artist Name(s),Album Name,Track Duration (ms)\n"
        "spotify:track:1,Intro,Someone,First,201000\n"
        "spotify:track:2,Outro,Other,Second,180500\n",
        encoding="utf-8",
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    _drop(window, mime)
    table = window.playlists.track_model
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=5000)
    assert table.index(0, COLUMN_INDEX["title"]).data() == "Intro"
    assert table.index(0, COLUMN_INDEX["duration_s"]).data() == "3:21"


def test_ctrl_o_opens_a_csv_chooser_without_a_nested_loop(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    csv = tmp_path / "Warmup.csv"
    csv.write_text(
        "Track URI,Track Name,Artist Name(s),Album Name,Track Duration (ms)\n"
        "spotify:track:1,Intro,Someone,First,201000\n",
        encoding="utf-8",
    )
    window.open_csv_action.trigger()  # returns at once: the chooser is open()
    found: list[QFileDialog] = []
    qtbot.waitUntil(
        lambda: bool(found.extend(window.findChildren(QFileDialog)) or found), timeout=3000
    )
    found[0].findChild(QLineEdit, "fileNameEdit").setText(str(csv))
    found[0].accept()
    qtbot.waitUntil(lambda: window.playlists.track_model.rowCount() == 1, timeout=5000)


def test_closing_mid_run_cancels_cleanly_with_nothing_pending(qtbot: Any, qloop: Any) -> None:
    services = fake_services(step_s=0.05, cache_entries=50)
    window = MainWindow(services, demo=False)
    qtbot.addWidget(window)
    window.show()
    window.playlists.handle_dropped(_links(DEEZER))
    table = window.playlists.track_model
    qtbot.waitUntil(
        lambda: window.progress.running and window.progress.bar.value() > 0, timeout=5000
    )
    engine = services.control
    assert isinstance(engine, FakeEngine)
    started = qloop.time()
    with qtbot.waitSignal(window.closed, timeout=3000):
        window.close()
    assert qloop.time() - started < 3.0
    assert window.is_closed and not window.isVisible()
    assert window.tasks.pending == 0
    assert all(t.done() for t in engine._runs.values())
    pending = [t for t in asyncio.all_tasks(qloop) if not t.done()]
    assert pending == [], pending
    pid = window.playlists.current_playlist()
    assert pid is not None
    info = {p.id: p for p in engine.playlists()}[pid]
    assert info.state == "cancelled"
    done = [r for r in engine.rows(engine.track_ids(pid)).values() if r.state != "pending"]
    assert 0 < len(done) < table.rowCount(), "stopped mid-run, finished work kept"


def test_window_layout_is_remembered(qtbot: Any, qloop: Any, services: Services) -> None:
    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    first.resize(1000, 700)
    first.tabs.setCurrentIndex(1)
    first.playlists.table.horizontalHeader().resizeSection(1, 333)
    with qtbot.waitSignal(first.closed, timeout=3000):
        first.close()
    second = MainWindow(fake_services(step_s=0.0, cache_entries=10))
    qtbot.addWidget(second)
    assert second.tabs.currentIndex() == 1
    assert second.playlists.table.horizontalHeader().sectionSize(1) == 333
    assert second.ui_state.load_bytes("window/geometry") is not None
    assert second.size().height() == first.size().height() == 700
    assert second.ui_state.file.parent.name == "config"


def test_every_action_has_a_shortcut_and_a_menu(window: MainWindow) -> None:
    in_menus = [
        a
        for menu_action in window.menuBar().actions()
        for a in menu_action.menu().actions()
        if not a.isSeparator() and a.menu() is None
    ]
    assert len(in_menus) >= 20
    missing = [a.text() for a in in_menus if a.shortcut().isEmpty()]
    assert missing == []


def _links(text: str) -> links.Dropped:
    return links.from_text(text)


def test_follows_a_dark_palette(window: MainWindow, qapp: QApplication) -> None:
    from PySide6.QtGui import QColor, QPalette

    from djdesk.gui import theme

    light = qapp.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a8a8a"))
    qapp.setPalette(dark)
    try:
        assert theme.is_dark()
        window._on_color_scheme_changed(None)
        assert window.playlists.track_model._muted == QColor("#8a8a8a")
        assert theme.banner_colors("demo")[0] in window.banner.styleSheet()
    finally:
        qapp.setPalette(light)


def test_a_palette_set_at_runtime_restyles_the_banner_and_messages(
    qtbot: Any, window: MainWindow, qapp: QApplication
) -> None:
    from PySide6.QtGui import QColor, QPalette

    from djdesk.gui import theme
    from djdesk.gui.dialogs.settings_dialog import SettingsDialog

    window.playlists.show_message("That is not a playlist link.", "error")
    window.cache.message.setProperty("bannerKind", "info")
    window.cache.message.show()
    window.open_settings()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    dialog._key_message("Checking the key with Last.fm…", "info")
    light = qapp.palette()
    assert not theme.is_dark()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    try:
        qapp.setPalette(dark)  # no colorSchemeChanged: only the palette events say so
        qtbot.waitUntil(
            lambda: theme.banner_colors("demo")[0] in window.banner.styleSheet(), timeout=3000
        )
        assert theme.banner_colors("demo") == ("#4a3b00", "#ffe082")
        assert "#4a1414" in window.playlists.message.styleSheet()  # dark error
        window.tabs.setCurrentWidget(window.cache)
        qtbot.waitUntil(lambda: "#12344d" in window.cache.message.styleSheet(), timeout=3000)
        assert "#12344d" in dialog.key_message.styleSheet()  # dark info
    finally:
        qapp.setPalette(light)
        dialog.reject()
    qtbot.waitUntil(lambda: "#fff4c2" in window.banner.styleSheet(), timeout=3000)


def test_details_pane_pins_a_candidate(qtbot: Any, window: MainWindow) -> None:
    panel = window.playlists
    panel.handle_dropped(_links(DEEZER))
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=10000)
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(0)
    details = panel.details.details
    assert details is not None and details.candidates
    assert panel.details.fields.rowCount() > 0 and details.row.fields
    assert not panel.details.pin_button.isEnabled()
    target = next(i for i, c in enumerate(details.candidates) if not c.chosen)
    panel.details.select_candidate(target)
    assert panel.details.pin_button.isEnabled()
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.details.pin_button.click()
    pinned = [c for c in panel.details.details.candidates if c.pinned]  # type: ignore[union-attr]
    assert [(c.provider, c.id) for c in pinned] == [
        (details.candidates[target].provider, details.candidates[target].id)
    ]
    assert panel.details.candidates.item(panel.details.row_of(target), 3).text() == "pinned"


def test_qt_delivers_drag_events_to_the_window_s_link_input(window: MainWindow) -> None:
    """The drop handlers live in a mixin (``window_input.LinkInput``): Qt must still call them
    as the window's own virtual methods when it dispatches an event, not only when called."""
    link, junk = QMimeData(), QMimeData()
    link.setText(DEEZER)
    junk.setData("image/png", b"\x89PNG")  # neither a link nor text
    for mime, accepted in ((link, True), (junk, False)):
        event = QDragEnterEvent(
            QPoint(200, 200),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        event.ignore()
        QApplication.sendEvent(window, event)
        assert event.isAccepted() is accepted, mime.formats()


def test_on_a_short_screen_the_dock_gets_a_quarter_of_the_height(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1024, 640)
    dock = window.progress_dock
    window.resizeDocks([dock], [230], Qt.Orientation.Vertical)  # the default
    qtbot.waitUntil(lambda: dock.height() > 200, timeout=3000)
    window.fit_dock(1000)  # a tall screen: left as it is
    assert dock.height() > 200
    window.fit_dock(640)
    qtbot.waitUntil(lambda: dock.height() <= 170, timeout=3000)
    assert dock.height() >= 140
    small = dock.height()
    window.resize(1024, 780)  # still short: a quarter is 195 px, more than the dock has
    qtbot.waitUntil(lambda: window.height() == 780, timeout=3000)
    window.fit_dock(780)  # a panel already smaller is never grown
    assert dock.height() == small
