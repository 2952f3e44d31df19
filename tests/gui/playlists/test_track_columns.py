"""The track table's column widths and the Deezer rank column: readable at any font.

What the review saw: "Pop." at 48 px showed "95…" for a rank of 950,000, and Fusion drew the
sort arrow over "Energy" at 56 px. Widths now come from the header (arrow included) and the
widest value, measured with the view's own fonts.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.playlists.columns import (
    CELL_PADDING,
    COLUMN_INDEX,
    COLUMNS,
    Column,
    count,
    fitted_width,
)
from djdesk.gui.playlists.track_model import TrackTableModel
from djdesk.gui.playlists.track_view import TrackTableView
from djdesk.gui.services import FieldValue, Services, TrackRow

RANK = COLUMN_INDEX["popularity"]


def _model(services: Services, n: int = 3) -> TrackTableModel:
    engine = services.control
    assert isinstance(engine, FakeEngine)
    ranks = [950_000, 4_508, 12]
    rows = [
        TrackRow(0, i + 1, f"T{i}", "A", fields={"popularity": FieldValue(ranks[i % 3], "deezer")})
        for i in range(n)
    ]
    engine.add_playlist("p", "P", "o", rows, "")
    model = TrackTableModel(engine)
    model.set_playlist("p")
    return model


def test_fitted_width_takes_the_widest_of_floor_header_and_value() -> None:
    col = Column("x", "X", 40, widest="1,000,000")
    assert fitted_width(col, 30, lambda text: 7 * len(text)) == 63 + CELL_PADDING
    assert fitted_width(col, 120, lambda text: 7 * len(text)) == 120  # the header's need
    assert fitted_width(Column("y", "Y", 50), 20, len) == 50  # the floor
    assert count(950000) == "950,000" and count(12) == "12"


def test_rank_reads_with_separators_and_says_what_it_is(
    qtmodeltester: Any, services: Services
) -> None:
    model = _model(services)
    assert model.headerData(RANK, Qt.Orientation.Horizontal) == "Deezer rank"
    tip = model.headerData(RANK, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "0 to 1,000,000" in tip
    assert model.headerData(COLUMN_INDEX["title"], Qt.Orientation.Horizontal, 3) is None
    assert [model.index(r, RANK).data() for r in range(3)] == ["950,000", "4,508", "12"]
    model.sort(RANK, Qt.SortOrder.DescendingOrder)  # sorts on the number, not the text
    assert [model.index(r, RANK).data() for r in range(3)] == ["950,000", "4,508", "12"]
    qtmodeltester.check(model)


@pytest.mark.parametrize("point_size", [9, 14])
def test_every_header_and_its_sort_arrow_fit(
    qtbot: Any, services: Services, point_size: int
) -> None:
    view = TrackTableView(_model(services))
    font = view.font()
    font.setPointSize(point_size)
    view.setFont(font)
    view.horizontalHeader().setFont(font)
    view.fit_column_widths()
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    header.setSortIndicator(COLUMN_INDEX["energy"], Qt.SortOrder.DescendingOrder)
    assert header.isSortIndicatorShown()
    for i, col in enumerate(COLUMNS):
        label = header.fontMetrics().horizontalAdvance(col.header)
        assert header.sectionSize(i) >= view.header_width(i) > label + 16, col.header
        assert header.sectionSize(i) >= col.width
    energy = COLUMN_INDEX["energy"]
    assert header.sectionSize(energy) > 56  # the width the arrow overlapped "Energy" at
    widest = view.fontMetrics().horizontalAdvance("1,000,000")
    assert header.sectionSize(RANK) >= widest + CELL_PADDING


def test_position_column_fits_its_arrow_too(qtbot: Any, services: Services) -> None:
    view = TrackTableView(_model(services))
    qtbot.addWidget(view)
    view.fit_position_column()
    header = view.horizontalHeader()
    position = COLUMN_INDEX["position"]
    assert header.sectionSize(position) >= view.header_width(position)


def _ink_columns(image: Any, left: int, right: int, dark: bool) -> set[int]:
    """The x positions in [left, right) holding dark pixels (text) or any pixel at all."""
    xs = set()
    for x in range(left, right):
        for y in range(image.height()):
            if image.pixelColor(x, y).lightness() < (110 if dark else 256):
                xs.add(x)
                break
    return xs


@pytest.mark.parametrize("point_size", [8, 10, 16])
def test_the_sort_arrow_is_drawn_beside_a_right_aligned_label_not_over_it(
    qtbot: Any, services: Services, point_size: int
) -> None:
    """Pixels, not sizes: where the arrow is painted (what changes when the column is sorted)
    holds none of the label's dark text, at small and large fonts."""
    view = TrackTableView(_model(services))
    qtbot.addWidget(view)
    font = view.font()
    font.setPointSize(point_size)
    view.setFont(font)
    view.horizontalHeader().setFont(font)
    view.fit_column_widths()
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    energy = COLUMN_INDEX["energy"]
    left = header.sectionViewportPosition(energy)
    right = left + header.sectionSize(energy) - 1  # the divider line is not the arrow
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    plain = header.grab().toImage()
    header.setSortIndicator(energy, Qt.SortOrder.DescendingOrder)
    sorted_ = header.grab().toImage()
    text = _ink_columns(plain, left, right, dark=True)
    arrow = {
        x
        for x in range(left, right)
        if any(plain.pixel(x, y) != sorted_.pixel(x, y) for y in range(plain.height()))
    }
    assert text and arrow, "the label and the arrow are both painted"
    assert max(text) < min(arrow), (sorted(text)[-3:], sorted(arrow)[:3])


def test_a_saved_narrow_rank_column_is_widened_but_a_hidden_one_stays_hidden(
    qtbot: Any, services: Services
) -> None:
    """Window state saved before this change restores "Pop." at 48 px: "95…" would be shown."""
    model = _model(services)
    view = TrackTableView(model)
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    listeners = COLUMN_INDEX["listeners"]
    header.resizeSection(RANK, 48)
    header.hideSection(listeners)
    title = COLUMN_INDEX["title"]
    header.resizeSection(title, 40)  # a label column the DJ narrowed stays as it is
    model.reload()  # what choosing a playlist after the restore does
    need = view.fontMetrics().horizontalAdvance("1,000,000") + CELL_PADDING
    assert header.sectionSize(RANK) >= need
    assert header.isSectionHidden(listeners)
    assert header.sectionSize(title) == 40
