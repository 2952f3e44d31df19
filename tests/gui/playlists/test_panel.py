"""PlaylistBrowserPanel in the window (fake engine): remove, imports in flight, messages,
the source line, actions that do not apply, re-sorting on streamed values, filter + selection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from djdesk.core.events import ImportProgress
from djdesk.gui import fake_catalog
from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists import links, track_model
from djdesk.gui.playlists.columns import COLUMN_INDEX
from djdesk.gui.playlists.playlist_model import PlaylistListModel, service_label
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import TrackIdRole, TrackTableModel
from djdesk.gui.services import FieldValue, PlaylistInfo, Services

DEEZER = "https://www.deezer.com/en/playlist/908622995"
SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"


def _engine(services: Services) -> FakeEngine:
    assert isinstance(services.control, FakeEngine)
    return services.control


def _import(qtbot: Any, window: MainWindow, link: str = DEEZER) -> str:
    panel = window.playlists
    before = panel.playlist_model.rowCount()
    with qtbot.waitSignal(panel.playlist_imported, timeout=5000) as blocker:
        panel.import_text(link)
    qtbot.waitUntil(lambda: panel.playlist_model.rowCount() == before + 1, timeout=5000)
    qtbot.waitUntil(lambda: panel.current_playlist() == blocker.args[0], timeout=5000)
    return str(blocker.args[0])


def _finish(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=10000)


def _answer(qtbot: Any, button: QMessageBox.StandardButton) -> str:
    """Click ``button`` in the open confirmation box (shown with open(), no nested loop)."""
    box: list[QMessageBox] = []

    def find() -> bool:
        box[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "confirmBox" and w.isVisible()
        ]
        return bool(box)

    qtbot.waitUntil(find, timeout=3000)
    text = box[0].text()
    box[0].button(button).click()
    return text


# --- remove --------------------------------------------------------------------------------------


def test_remove_asks_first_and_a_no_keeps_the_playlist(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _import(qtbot, window)
    window.remove_action.trigger()  # returns at once: the box is open(), not exec()
    asked = _answer(qtbot, QMessageBox.StandardButton.No)
    assert "Remove “" in asked
    qtbot.waitUntil(
        lambda: (
            not any(t.get_name() == f"remove {pid}" and not t.done() for t in asyncio.all_tasks())
        ),
        timeout=3000,
    )
    assert window.playlists.playlist_model.row_of(pid) is not None
    assert pid in {p.id for p in window.services.library.playlists()}  # type: ignore[attr-defined]


def test_remove_confirmed_updates_the_list_after_the_delete(
    qtbot: Any,
    window: MainWindow,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    arun: Any,
) -> None:
    first = _import(qtbot, window)
    second = _import(qtbot, window, SPOTIFY)
    _finish(qtbot, window)
    panel = window.playlists
    assert panel.current_playlist() == second
    with qtbot.waitSignal(panel.playlist_removed, timeout=3000) as blocker:
        window.remove_action.trigger()
        _answer(qtbot, QMessageBox.StandardButton.Yes)
    assert blocker.args == [second]
    model = panel.playlist_model
    assert model.rowCount() == 1 and model.row_of(second) is None
    qtbot.waitUntil(lambda: panel.current_playlist() == first, timeout=3000)
    # The fake, like the engine, lists a playlist until its delete ran: a re-read agrees now.
    arun(services.library.refresh_playlists())
    assert [p.id for p in _engine(services).playlists()] == [first]
    assert "removed" in window.statusBar().currentMessage()


def test_remove_waits_for_an_awaitable_remove_before_redrawing(
    qtbot: Any, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _import(qtbot, window)
    _finish(qtbot, window)
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    engine = _engine(services)

    async def slow_delete() -> None:
        await gate
        engine._playlists.pop(pid, None)

    def remove(playlist_id: str) -> Awaitable[None]:
        assert playlist_id == pid
        return slow_delete()

    monkeypatch.setattr(engine, "remove", remove)
    window.playlists.confirm = lambda _t, _x: True
    removed: list[str] = []
    window.playlists.playlist_removed.connect(removed.append)
    window.playlists.remove_current()
    qtbot.waitUntil(lambda: window.playlists.current_playlist() is None, timeout=3000)
    assert removed == []
    gate.set_result(None)
    qtbot.waitUntil(lambda: removed == [pid], timeout=3000)
    assert window.playlists.playlist_model.rowCount() == 0
    assert window.playlists.empty_box.isVisible()


# --- imports in flight ---------------------------------------------------------------------------


def test_import_in_progress_is_shown_and_a_repeat_is_ignored(
    qtbot: Any, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(services)
    real = engine.import_link
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    calls: list[str] = []

    async def slow_import(text: str) -> str:
        calls.append(text)
        await gate
        return await real(text)

    monkeypatch.setattr(engine, "import_link", slow_import)
    panel = window.playlists
    panel.import_text(DEEZER)
    qtbot.waitUntil(lambda: calls == [DEEZER], timeout=3000)
    assert panel.message.isVisible() and "Importing" in panel.message.text()
    assert panel.importing == {DEEZER}
    panel.import_text(DEEZER)  # the suggestion clicked again
    panel.handle_dropped(links.from_text(DEEZER))  # or dropped again
    assert "Already importing" in panel.message.text()
    with qtbot.waitSignal(panel.playlist_imported, timeout=3000):
        gate.set_result(None)
    assert calls == [DEEZER]
    assert panel.playlist_model.rowCount() == 1
    assert not panel.message.isVisible() and panel.importing == frozenset()


def test_a_long_import_counts_the_tracks_read_as_pages_arrive(
    qtbot: Any, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(services)
    real = engine.import_link
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    started = asyncio.Event()

    async def paged_import(text: str) -> str:
        started.set()
        await gate
        return await real(text)

    monkeypatch.setattr(engine, "import_link", paged_import)
    panel = window.playlists
    panel.import_text(SPOTIFY)
    qtbot.waitUntil(started.is_set, timeout=3000)
    engine.events.publish(ImportProgress(SPOTIFY, 3400, 10000))  # as the core does, per page
    qtbot.waitUntil(lambda: "3,400 of 10,000 tracks read" in panel.message.text(), timeout=3000)
    engine.events.publish(ImportProgress(SPOTIFY, 10000, 10000))  # the last page
    qtbot.waitUntil(lambda: "tracks read" not in panel.message.text(), timeout=3000)
    assert "Importing" in panel.message.text()
    with qtbot.waitSignal(panel.playlist_imported, timeout=3000):
        gate.set_result(None)


def test_an_error_clears_on_the_next_success_or_after_a_while(
    qtbot: Any, window: MainWindow
) -> None:
    panel = window.playlists
    with qtbot.waitSignal(panel.import_failed, timeout=3000):
        panel.import_text("https://example.com/nope")
    assert panel.message.isVisible()
    _import(qtbot, window)
    assert not panel.message.isVisible()

    panel.message.timer.setInterval(30)
    with qtbot.waitSignal(panel.import_failed, timeout=3000):
        panel.import_text("https://example.com/nope")
    assert panel.message.isVisible()
    qtbot.waitUntil(lambda: not panel.message.isVisible(), timeout=3000)


# --- what the list and the menus show ------------------------------------------------------------


def test_service_label_names_the_source() -> None:
    assert service_label("https://open.spotify.com/playlist/x") == "Spotify"
    assert service_label("deezer:playlist:1") == "Deezer"
    assert service_label("/home/dj/Warmup.csv") == "CSV file"
    assert service_label("") == ""


def test_same_crate_from_two_services_reads_apart(services: Services) -> None:
    engine = _engine(services)
    rows = fake_catalog.make_tracks(1, "x", 3, 0)
    engine.add_playlist("deezer:playlist:1", "Crate", "DJ", rows, DEEZER)
    engine.add_playlist("spotify:playlist:1", "Crate", "DJ", rows, SPOTIFY)
    engine._playlists["spotify:playlist:2"] = PlaylistInfo(
        "spotify:playlist:2", "Mine", "Spotify", 0, source=SPOTIFY
    )
    model = PlaylistListModel(engine)
    model.two_line = True
    model.reload()
    assert [model.index(r, 0).data() for r in range(3)] == [
        "Crate\nDeezer · DJ",
        "Crate\nSpotify · DJ",
        "Mine\nSpotify",
    ]


def test_playlist_actions_are_disabled_without_a_playlist(qtbot: Any, window: MainWindow) -> None:
    acts = (window.remove_action, window.reenrich_action, window.export_action)
    qtbot.waitUntil(lambda: not any(a.isEnabled() for a in acts), timeout=3000)
    assert not window.pause_action.isEnabled() and not window.stop_action.isEnabled()
    assert not window.delete_entry_action.isEnabled()
    _import(qtbot, window)
    assert all(a.isEnabled() for a in acts)


def test_state_labels_are_translated_when_shown(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(services)
    engine.add_playlist("deezer:playlist:1", "X", "me", fake_catalog.make_tracks(1, "x", 2, 0), "")
    model = TrackTableModel(engine)
    model.set_playlist("deezer:playlist:1")
    monkeypatch.setattr(track_model, "_", lambda s: f"<{s}>")
    assert model.index(0, COLUMN_INDEX["state"]).data() == "<pending>"


# --- streamed values, sorting, filtering ---------------------------------------------------------


def _set_bpm(engine: FakeEngine, tid: int, bpm: float) -> None:
    row = engine._rows[tid]
    engine._rows[tid] = replace(
        row, state="done", fields={**row.fields, "bpm": FieldValue(bpm, "test")}
    )


def test_streamed_values_resort_a_sorted_table_and_keep_the_selection(
    qtbot: Any, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(services)
    monkeypatch.setattr(engine, "enrich", lambda _pid: asyncio.sleep(0))
    pid = _import(qtbot, window)
    ids = engine.track_ids(pid)
    for i, tid in enumerate(ids):
        _set_bpm(engine, tid, 100.0 + i)
    panel = window.playlists
    panel.on_tracks_changed(ids)
    model = panel.track_model
    bpm = COLUMN_INDEX["bpm"]
    qtbot.waitUntil(lambda: model.index(0, bpm).data() == "100.0", timeout=3000)
    panel.tracks.refilter_timer.setInterval(20)
    panel.table.sortByColumn(bpm, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data(TrackIdRole) == ids[-1]
    panel.table.selectRow(3)
    chosen = model.index(3, 0).data(TrackIdRole)
    _set_bpm(engine, ids[0], 999.0)  # the slowest track becomes the fastest
    panel.on_tracks_changed([ids[0]])
    qtbot.waitUntil(lambda: model.index(0, 0).data(TrackIdRole) == ids[0], timeout=3000)
    assert panel.selected_track_ids() == [chosen]
    assert panel.table.currentIndex().data(TrackIdRole) == chosen


def test_filtering_keeps_the_selection_and_the_details_follow(
    qtbot: Any, window: MainWindow, services: Services
) -> None:
    pid = _import(qtbot, window)
    _finish(qtbot, window)
    panel = window.playlists
    model = panel.track_model
    rows = list(_engine(services).rows(_engine(services).track_ids(pid)).values())
    keep = rows[len(rows) // 2]
    needle = keep.title.split()[0]
    flt = TrackFilter(text=needle)
    gone = next(r for r in rows if not flt.matches(r))

    def filter_on(text: str) -> None:
        panel.filter_bar.text.setText(text)
        qtbot.waitUntil(lambda: model.track_filter.text == text, timeout=3000)

    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(model.row_of(keep.id))  # type: ignore[arg-type]
    filter_on(needle)
    assert model.rowCount() < len(rows)
    assert panel.selected_track_ids() == [keep.id]
    assert panel.table.currentIndex().data(TrackIdRole) == keep.id
    assert panel.details.details is not None and panel.details.details.row.id == keep.id

    filter_on("")
    assert panel.selected_track_ids() == [keep.id]  # and back when the filter is cleared
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(model.row_of(gone.id))  # type: ignore[arg-type]
    filter_on(needle)
    assert gone.id not in panel.selected_track_ids()
    shown = panel.details.details
    assert shown is None or shown.row.id == panel.table.currentIndex().data(TrackIdRole)


def test_position_column_fits_the_largest_number(qtbot: Any, window: MainWindow) -> None:
    panel = window.playlists
    engine = _engine(window.services)
    engine.add_playlist(
        "deezer:playlist:big", "Big", "me", fake_catalog.make_tracks(1, "b", 10_000, 0), ""
    )
    panel._set_table_playlist("deezer:playlist:big")
    col = COLUMN_INDEX["position"]
    metrics = panel.table.fontMetrics()
    assert panel.table.horizontalHeader().sectionSize(col) > metrics.horizontalAdvance("10000")
    state = COLUMN_INDEX["state"]
    header = panel.table.horizontalHeader()
    assert header.sectionPosition(state) + header.sectionSize(state) < 640
    assert TrackFilter().active is False


def test_playlist_rows_show_state_over_the_track_count(qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    _import(qtbot, window)
    view = window.playlists.playlists
    model = window.playlists.playlist_model
    assert view.isColumnHidden(1) and view.isColumnHidden(2)  # owner and count: second lines
    option = QStyleOptionViewItem()
    index = model.index(0, 3)
    view.itemDelegateForColumn(3).initStyleOption(option, index)
    count = model.index(0, 2).data()
    assert option.text == f"{index.data()}\u2028{count:,} tracks"


def test_pause_and_stop_are_offered_only_while_a_run_goes(qtbot: Any, qloop: Any) -> None:
    from djdesk.gui.fake_services import fake_services

    window = MainWindow(fake_services(step_s=0.05, cache_entries=10))
    qtbot.addWidget(window)
    window.show()
    assert not window.pause_action.isEnabled() and not window.stop_action.isEnabled()
    window.playlists.import_text(DEEZER)
    qtbot.waitUntil(lambda: window.progress.running, timeout=5000)
    assert window.pause_action.isEnabled() and window.stop_action.isEnabled()
    window.stop_action.trigger()
    qtbot.waitUntil(lambda: not window.stop_action.isEnabled(), timeout=5000)
    assert not window.progress.running
    with qtbot.waitSignal(window.closed, timeout=3000):
        window.close()
