"""TrackTableModel: model contract, lazy blocks, sort/filter on arrays, streamed repaints."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from djdesk.gui import fake_catalog
from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.playlists.columns import COLUMN_INDEX
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import BLOCK, EstimatedRole, TrackIdRole, TrackTableModel
from djdesk.gui.services import FieldValue, Services, TrackRow


def _engine(services: Services) -> FakeEngine:
    engine = services.control
    assert isinstance(engine, FakeEngine)
    return engine


def _playlist(services: Services, n: int) -> tuple[FakeEngine, str, list[int]]:
    engine = _engine(services)
    rows = fake_catalog.make_tracks(1, "big", n, 0)
    engine.add_playlist("deezer:playlist:1", "Big", "me", rows, "test")
    return engine, "deezer:playlist:1", engine.track_ids("deezer:playlist:1")


def _enrich_all(engine: FakeEngine, ids: list[int]) -> None:
    from dataclasses import replace

    for tid in ids:
        row = engine.rows([tid])[tid]
        fields, state, _tags = fake_catalog.enrichment(engine.seed, row, 1_767_225_600.0)
        engine._rows[tid] = replace(row, fields=fields, state=state)


def test_model_passes_the_qt_model_tester(qtmodeltester: Any, services: Services) -> None:
    engine, pid, ids = _playlist(services, 300)
    _enrich_all(engine, ids[:150])
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    qtmodeltester.check(model)
    model.sort(COLUMN_INDEX["bpm"], Qt.SortOrder.DescendingOrder)
    model.set_filter(TrackFilter(text="a"))
    qtmodeltester.check(model)


def test_ten_thousand_rows_fetch_lazily_in_blocks(services: Services) -> None:
    engine, pid, ids = _playlist(services, 10_000)
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    assert model.rowCount() == 10_000
    assert model.fetches == 0
    assert (
        model.index(5_000, COLUMN_INDEX["title"]).data()
        == engine.rows([ids[5000]])[ids[5000]].title
    )
    assert model.fetches == 1
    model.index(5_001, 0).data()
    model.index(5_000 - 5_000 % BLOCK + BLOCK - 1, 0).data()
    assert model.fetches == 1  # the same block
    assert len(model._rows) == BLOCK


def test_sort_is_multi_column_and_keeps_unknowns_last(services: Services) -> None:
    engine, pid, ids = _playlist(services, 400)
    _enrich_all(engine, ids[:300])
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    bpm, year = COLUMN_INDEX["bpm"], COLUMN_INDEX["year"]
    model.sort(bpm, Qt.SortOrder.AscendingOrder)
    model.sort(year, Qt.SortOrder.DescendingOrder)
    assert model.sort_keys == [
        (year, Qt.SortOrder.DescendingOrder),
        (bpm, Qt.SortOrder.AscendingOrder),
    ]
    keys = []
    for r in range(model.rowCount()):
        row = model.row_at(r)
        assert row is not None
        y = row.fields.get("year")
        b = row.fields.get("bpm")
        keys.append((None if y is None else y.value, None if b is None else b.value))
    known = [k for k in keys if k[0] is not None]
    assert keys[: len(known)] == known, "unknown years sort last"
    for (y1, b1), (y2, b2) in itertools.pairwise(known):
        assert y1 >= y2
        if y1 == y2 and b1 is not None and b2 is not None:
            assert b1 <= b2


def test_filter_by_ranges_and_key(services: Services) -> None:
    engine, pid, ids = _playlist(services, 500)
    _enrich_all(engine, ids)
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    flt = TrackFilter(bpm=(110, 125), energy=(0.5, None), keys=frozenset({"8A", "9A"}))
    model.set_filter(flt)
    assert 0 < model.rowCount() < 500
    for r in range(model.rowCount()):
        row = model.row_at(r)
        assert row is not None and flt.matches(row)
        assert 110 <= row.fields["bpm"].value <= 125
        assert row.fields["key"].value in ("8A", "9A")


def test_streamed_updates_repaint_only_changed_rows(qtbot: Any, services: Services) -> None:
    engine, pid, ids = _playlist(services, 1_000)
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    model.index(0, 0).data()
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    _enrich_all(engine, [ids[3], ids[4], ids[10]])
    assert model.refresh_tracks([ids[3], ids[4], ids[10], 999_999]) == 3
    assert changed == [(3, 4), (10, 10)]
    assert model.index(3, COLUMN_INDEX["bpm"]).data() != ""


def test_enriched_cells_have_provenance_and_estimates_look_different(
    services: Services,
) -> None:
    engine = _engine(services)
    measured = FieldValue(124.0, "deezer", 0.95, 1_767_225_600.0 - 7200)
    guessed = FieldValue(120.0, "default", 0.2, None, estimated=True)
    rows = [
        TrackRow(0, 1, "A", "X", fields={"bpm": measured, "key": FieldValue("8A", "reccobeats")}),
        TrackRow(0, 2, "B", "Y", fields={"bpm": guessed}),
    ]
    engine.add_playlist("p", "P", "o", rows, "")
    model = TrackTableModel(engine, clock=lambda: 1_767_225_600.0)
    model.set_playlist("p")
    bpm = COLUMN_INDEX["bpm"]
    tip = model.index(0, bpm).data(Qt.ItemDataRole.ToolTipRole)
    assert "Source: Deezer\n" in tip and "95%" in tip and "2 h ago" in tip  # display names
    assert model.index(0, bpm).data(EstimatedRole) is False
    assert model.index(1, bpm).data(EstimatedRole) is True
    assert model.index(1, bpm).data(Qt.ItemDataRole.FontRole).italic()
    assert "Estimated" in model.index(1, bpm).data(Qt.ItemDataRole.ToolTipRole)
    key = COLUMN_INDEX["key"]
    assert model.index(0, key).data() == "8A"
    model.set_key_notation("classic")
    assert model.index(0, key).data() == "Am"
    model.set_key_notation("open_key")
    assert model.index(0, key).data() == "1m"
    assert isinstance(model.index(0, 0).data(TrackIdRole), int)


@pytest.mark.parametrize("parent_valid", [True])
def test_no_children(services: Services, parent_valid: bool) -> None:
    engine, pid, _ids = _playlist(services, 3)
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.rowCount(QModelIndex()) == 3


def test_streamed_values_move_rows_into_and_out_of_a_range_filter(services: Services) -> None:
    from dataclasses import replace

    engine, pid, ids = _playlist(services, 40)
    for i, tid in enumerate(ids):
        row = engine._rows[tid]
        engine._rows[tid] = replace(row, fields={"bpm": FieldValue(100.0 + i)})
    model = TrackTableModel(engine)
    model.set_playlist(pid)
    model.set_filter(TrackFilter(bpm=(130.0, None)))
    shown = {model.index(r, 0).data(TrackIdRole) for r in range(model.rowCount())}
    assert shown == set(ids[30:])
    hidden, leaving = ids[0], ids[35]
    engine._rows[hidden] = replace(engine._rows[hidden], fields={"bpm": FieldValue(180.0)})
    engine._rows[leaving] = replace(engine._rows[leaving], fields={"bpm": FieldValue(90.0)})
    model.refresh_tracks([hidden, leaving])
    model.reapply_filter()
    shown = {model.index(r, 0).data(TrackIdRole) for r in range(model.rowCount())}
    assert shown == (set(ids[30:]) | {hidden}) - {leaving}
