"""An import's pages grow the shown table: rows appended, sort and filter kept, no re-read.

Pages are simulated on the fake engine by showing a prefix of a playlist's ids, then the ids
of the next pages (what the library snapshot holds after ``load_more``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPersistentModelIndex, Qt

from djdesk.core.events import EventBus, TracksImported
from djdesk.gui import fake_catalog
from djdesk.gui.bridge import EngineBridge
from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.columns import COLUMN_INDEX
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import TrackIdRole, TrackTableModel
from djdesk.gui.services import FieldValue, Services

PAGE = 100
PID = "deezer:playlist:7"


def _paged(services: Services, n: int, shown: int) -> tuple[FakeEngine, list[int]]:
    """A playlist of ``n`` tracks (BPM 60 + id-ish spread, every 7th unknown) of which the
    library has read ``shown`` so far."""
    engine = services.control
    assert isinstance(engine, FakeEngine)
    engine.add_playlist(PID, "Growing", "me", fake_catalog.make_tracks(3, "g", n, 0), "test")
    ids = engine.track_ids(PID)
    for k, tid in enumerate(ids):
        bpm = None if k % 7 == 0 else FieldValue(60.0 + (k * 37) % 120)
        engine._rows[tid] = replace(engine._rows[tid], fields={"bpm": bpm} if bpm else {})
    engine._tracks[PID] = ids[:shown]
    return engine, ids


def _shown(model: TrackTableModel) -> list[int]:
    return [model.index(r, 0).data(TrackIdRole) for r in range(model.rowCount())]


def _fresh(engine: FakeEngine, model: TrackTableModel) -> list[int]:
    """What a model reading the whole list at once shows with the same sort and filter."""
    other = TrackTableModel(engine)
    other.set_playlist(PID)
    other.set_filter(model.track_filter)
    for col, order in reversed(model.sort_keys):
        other.sort(col, order)
    return _shown(other)


def test_pages_are_appended_rows_under_the_model_tester(
    qtmodeltester: Any, services: Services
) -> None:
    engine, ids = _paged(services, 1_000, PAGE)
    model = TrackTableModel(engine)
    model.set_playlist(PID)
    qtmodeltester.check(model)  # stays attached: checks every insert below
    resets: list[int] = []
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.index(0, 0).data()
    asked: list[int] = []
    rows = engine.rows

    def counted(wanted: Any) -> Any:
        asked.extend(wanted)
        return rows(wanted)

    engine.rows = counted  # type: ignore[method-assign]
    for end in range(2 * PAGE, 1_001, PAGE):
        engine._tracks[PID] = ids[:end]
        assert model.grow() == PAGE
    assert model.grow() == 0  # nothing new
    assert resets == []
    assert inserted == [(s, s + PAGE - 1) for s in range(PAGE, 1_000, PAGE)]
    assert not set(asked) & set(ids[:PAGE]), "rows already read are not read again"
    assert _shown(model) == ids and model.track_count == 1_000


def test_a_sorted_filtered_table_places_each_page_and_keeps_the_selection(
    qtmodeltester: Any, services: Services
) -> None:
    engine, ids = _paged(services, 600, PAGE)
    model = TrackTableModel(engine)
    model.set_playlist(PID)
    qtmodeltester.check(model)
    model.set_filter(TrackFilter(bpm=(90.0, None)))
    model.sort(COLUMN_INDEX["bpm"], Qt.SortOrder.DescendingOrder)
    picked = model.index(3, 0)
    kept = QPersistentModelIndex(picked)
    tid = picked.data(TrackIdRole)
    for end in range(2 * PAGE, 601, PAGE):
        engine._tracks[PID] = ids[:end]
        model.grow()
        assert _shown(model) == _fresh(engine, model)
        assert kept.isValid() and kept.data(TrackIdRole) == tid, "the DJ's row follows its track"
    bpms = [engine._rows[i].fields["bpm"].value for i in _shown(model)]
    assert bpms == sorted(bpms, reverse=True) and min(bpms) >= 90.0
    assert 0 < model.rowCount() < model.track_count == 600


def test_a_rewritten_list_is_read_again(services: Services) -> None:
    engine, ids = _paged(services, 300, 200)
    model = TrackTableModel(engine)
    model.set_playlist(PID)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    engine._tracks[PID] = ids[100:]  # a re-import whose first page is not the old one
    model.grow()
    assert resets == [1] and _shown(model) == ids[100:]


def test_the_bridge_says_each_playlists_lowest_page_offset(qtbot: Any) -> None:
    bus = EventBus()
    bridge = EngineBridge(bus)
    got: list[dict[str, int]] = []
    bridge.tracks_imported.connect(got.append)
    with qtbot.waitSignal(bridge.flushed, timeout=2000):
        for offset in (200, 100, 300):
            bus.publish(TracksImported("s", 7, (1, 2), offset))
        bus.publish(TracksImported("t", 8, (3,), 0))
    assert got == [{"7": 100, "8": 0}]


def test_the_panel_grows_the_shown_table_page_by_page(
    qtbot: Any, window: MainWindow, services: Services
) -> None:
    engine, ids = _paged(services, 400, PAGE)
    panel = window.playlists
    panel.reload_playlists(select=PID)
    model = panel.track_model
    qtbot.waitUntil(lambda: model.playlist_id == PID and model.rowCount() == PAGE, timeout=5000)
    selection = panel.table.selectionModel()
    panel.table.selectRow(5)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    for end in range(2 * PAGE, 401, PAGE):
        engine._tracks[PID] = ids[:end]
        panel.on_tracks_imported({PID: end - PAGE})
        qtbot.waitUntil(lambda end=end: model.rowCount() == end, timeout=5000)
    assert resets == [] and _shown(model) == ids
    assert [i.row() for i in selection.selectedRows()] == [5]
    assert panel.count_label.text() == "400 tracks"
