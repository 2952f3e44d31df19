"""The details pane's match review: candidates grouped per provider, pinning any of them.

The pane is fed from ``engine_rows.candidates`` over evidence in the shape the engine stores, so
what is checked here is what a user sees for a real track: headings per provider, title and
artists, length, score as a percentage, the marks, the why as a tooltip, and Pin per candidate.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QToolButton

from djdesk.gui import engine_rows
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.details import TrackDetailsPane
from djdesk.gui.services import FieldValue, Services, TrackDetails, TrackRow


def _cand(provider: str, cid: str, total: float, **more: Any) -> dict[str, Any]:
    return {
        "provider": provider,
        "id": cid,
        "title": more.pop("title", "Breathe"),
        "artists": more.pop("artists", ["Nina Tanaka"]),
        "duration_ms": 237000,
        "total": total,
        "reasons": more.pop("reasons", ["title 1.00", "artists 1.00", "duration +0 s"]),
        "chosen": False,
        "rejected": more.pop("rejected", None),
        "via": "search",
        **more,
    }


EVIDENCE = {
    "deezer": {
        "via": "search",
        "chosen": {"provider": "deezer", "id": "11"},
        "reason": "best score 0.97",
        "candidates": [
            _cand("deezer", "11", 0.97, chosen=True),
            _cand(
                "deezer",
                "12",
                0.55,
                title="Breathe (Club Remix)",
                reasons=["title 1.00", "candidate is remix (-0.35)"],
                rejected="below the threshold 0.72: a remix",
            ),
        ],
    },
    "reccobeats": {
        "via": "search+isrc",
        "candidates": [
            _cand("reccobeats", "rb-1", 1.0, spotify_id="sp-1", chosen=True, via="search+isrc"),
            _cand("reccobeats", "rb-2", 0.8, spotify_id="sp-2", rejected="not the track's ISRC"),
        ],
    },
    "lastfm": {
        "via": "name",
        "candidates": [_cand("lastfm", "Nina Tanaka - Breathe", 0.99, chosen=True, via="name")],
    },
}


def _details(pins: dict[str, str] | None = None) -> TrackDetails:
    row = TrackRow(
        id=7,
        position=1,
        title="Breathe",
        artists="Nina Tanaka",
        fields={
            "bpm": FieldValue(122.0, "reccobeats+deezer (agree)", 0.97, 1000.0),
            "loudness": FieldValue(-7.5, "reccobeats", 0.9, 1000.0),
            "brand_new_field": FieldValue(1, "lastfm", 0.5, 1000.0),
        },
    )
    return TrackDetails(row=row, candidates=engine_rows.candidates(EVIDENCE, pins or {}))


@pytest.fixture
def pane(qtbot: Any) -> TrackDetailsPane:
    widget = TrackDetailsPane(clock=lambda: 1060.0)
    qtbot.addWidget(widget)
    widget.resize(420, 900)
    widget.show()
    widget.show_details(_details())
    return widget


def _texts(pane: TrackDetailsPane, row: int) -> list[str]:
    return [
        (pane.candidates.item(row, c).text() if pane.candidates.item(row, c) else "")
        for c in range(4)
    ]


def test_candidates_grouped_per_provider_with_title_length_score_and_marks(
    pane: TrackDetailsPane,
) -> None:
    table = pane.candidates
    assert table.rowCount() == 3 + 5  # three headings, five candidates
    assert _texts(pane, 0)[0] == "Deezer · found by search"
    assert table.columnSpan(0, 0) == 5
    # title over artists, two lines, so both stay readable in a narrow pane
    assert _texts(pane, pane.row_of(0)) == ["\u2713 Breathe\nNina Tanaka", "3:57", "97%", "chosen"]
    assert table.rowHeight(pane.row_of(0)) > table.rowHeight(0)
    remix = _texts(pane, pane.row_of(1))
    assert remix == ["Breathe (Club Remix)\nNina Tanaka", "3:57", "55%", ""]
    tip = table.item(pane.row_of(1), 0).toolTip()
    assert "below the threshold 0.72: a remix" in tip and "candidate is remix" in tip
    assert "Deezer id: 12" in tip
    assert _texts(pane, 3)[0] == "ReccoBeats · found by search, confirmed by ISRC"
    # a ReccoBeats row pins its Spotify id: the tooltip names that id
    assert "Spotify id: sp-2" in table.item(pane.row_of(3), 0).toolTip()
    assert _texts(pane, 6)[0] == "Last.fm · Last.fm's answer for the name"


def test_pin_buttons_pin_any_candidate_but_not_lastfm(qtbot: Any, pane: TrackDetailsPane) -> None:
    def button(index: int) -> QToolButton:
        widget = pane.candidates.cellWidget(pane.row_of(index), 4)
        assert isinstance(widget, QToolButton)
        return widget

    with qtbot.waitSignal(pane.pin_requested) as got:
        button(1).click()  # the remix the matcher turned down
    assert got.args == [7, "deezer", "12"]
    with qtbot.waitSignal(pane.pin_requested) as got:
        button(3).click()
    assert got.args == [7, "spotify", "sp-2"]
    assert not button(4).isEnabled()  # Last.fm answers by name: nothing to pin
    assert "no id to pin" in button(4).toolTip()


def test_selected_candidate_pins_through_the_button_and_says_when_it_applies(
    qtbot: Any, pane: TrackDetailsPane
) -> None:
    assert not pane.pin_button.isEnabled()
    with qtbot.waitSignal(pane.candidate_selected) as sel:
        pane.select_candidate(1)
    assert sel.args == [True] and pane.pin_button.isEnabled()
    with qtbot.waitSignal(pane.pin_requested) as got:
        pane.pin_button.click()
    assert got.args == [7, "deezer", "12"]
    with qtbot.waitSignal(pane.candidate_selected) as sel:
        pane.select_candidate(4)  # Last.fm
    assert sel.args == [False] and not pane.pin_selected()


def test_a_pinned_alternative_is_marked_and_the_old_match_says_so(
    qtbot: Any, pane: TrackDetailsPane
) -> None:
    pane.show_details(_details({"deezer": "12"}))
    assert _texts(pane, pane.row_of(1))[3] == "pinned"
    assert _texts(pane, pane.row_of(0))[3] == ""
    assert "another one is pinned" in pane.candidates.item(pane.row_of(0), 0).toolTip()
    button = pane.candidates.cellWidget(pane.row_of(1), 4)
    # The pinned one's button undoes the pin: its provider goes back to matching.
    assert isinstance(button, QToolButton) and button.isEnabled() and button.text() == "Unpin"
    with qtbot.waitSignal(pane.unpin_requested) as got:
        button.click()
    assert got.args == [7, "deezer"]
    assert not pane.unpin_candidate(0)  # not pinned: nothing to undo


def test_fields_show_confidence_in_its_own_column_and_labels(pane: TrackDetailsPane) -> None:
    fields = pane.fields
    assert fields.columnCount() == 4
    labels = {fields.item(r, 0).text(): r for r in range(fields.rowCount())}
    bpm = labels["BPM"]
    assert fields.item(bpm, 2).text() == "ReccoBeats + Deezer"  # the note is in the tooltip
    assert "Source: ReccoBeats + Deezer (agree)" in fields.item(bpm, 2).toolTip()
    assert fields.item(bpm, 3).text() == "97%"
    assert "Loudness dB" in labels  # a stored field without a column gets its marked label
    assert "brand_new_field" in labels  # an unknown one shows its stored name, as data
    assert pane.minimumWidth() == 180


def test_a_narrow_pane_drops_what_a_tooltip_carries(qtbot: Any, pane: TrackDetailsPane) -> None:
    assert not pane.fields.isColumnHidden(2) and not pane.candidates.isColumnHidden(1)
    pane.resize(330, 900)
    qtbot.waitUntil(lambda: pane.width() == 330)
    assert pane.candidates.isColumnHidden(1) and not pane.candidates.isColumnHidden(3)
    pane.resize(180, 900)
    qtbot.waitUntil(lambda: pane.width() == 180)
    assert pane.fields.isColumnHidden(2)  # source: in the tooltip
    assert not pane.fields.isColumnHidden(3)  # confidence stays
    assert pane.candidates.isColumnHidden(1) and pane.candidates.isColumnHidden(3)
    assert not pane.candidates.isColumnHidden(2) and not pane.candidates.isColumnHidden(4)
    pane.resize(420, 900)
    qtbot.waitUntil(lambda: not pane.fields.isColumnHidden(2))
    assert not pane.candidates.isColumnHidden(1)


def test_menu_entry_pins_the_selected_candidate(qtbot: Any, qloop: Any, services: Services) -> None:
    window = MainWindow(services, demo=True)
    qtbot.addWidget(window)
    window.show()
    panel = window.playlists
    panel.import_text("https://www.deezer.com/en/playlist/908622995")
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=10000)
    assert window.pin_action.shortcut().toString() == "Ctrl+Shift+P"
    assert not window.pin_action.isEnabled()
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(0)
    details = panel.details.details
    assert details is not None
    target = next(i for i, c in enumerate(details.candidates) if not c.chosen)
    panel.details.select_candidate(target)
    assert window.pin_action.isEnabled()
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        window.pin_action.trigger()
    shown = panel.details.details
    assert shown is not None
    assert [c.id for c in shown.candidates if c.pinned] == [details.candidates[target].id]
    assert not window.pin_action.isEnabled()  # the table was redrawn: nothing selected


def test_menu_entry_unpins_the_selected_pinned_candidate(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    window = MainWindow(services, demo=True)
    qtbot.addWidget(window)
    window.show()
    panel = window.playlists
    panel.import_text("https://www.deezer.com/en/playlist/908622995")
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=10000)
    assert window.unpin_action.shortcut().toString() == "Ctrl+Shift+U"
    assert not window.unpin_action.isEnabled()
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(0)
    details = panel.details.details
    assert details is not None
    target = next(i for i, c in enumerate(details.candidates) if not c.chosen)
    panel.details.select_candidate(target)
    assert not window.unpin_action.isEnabled()  # selected, but not pinned
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        window.pin_action.trigger()
    pinned = panel.details.details
    assert pinned is not None and [c.id for c in pinned.candidates if c.pinned]
    panel.details.select_candidate(target)
    assert window.unpin_action.isEnabled() and not window.pin_action.isEnabled()
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        window.unpin_action.trigger()
    shown = panel.details.details
    assert shown is not None and not any(c.pinned for c in shown.candidates)
    assert not window.unpin_action.isEnabled()


def test_every_count_in_the_pane_has_thousands_separators(pane: TrackDetailsPane) -> None:
    """The review saw "950000" and "4508984" beside Listeners "563,623"."""
    fields = {
        "popularity": FieldValue(950000, "deezer", 0.85, 1000.0),
        "listeners": FieldValue(563623, "lastfm", 0.6, 1000.0),
        "playcount": FieldValue(4508984, "lastfm", 0.6, 1000.0),
        "year": FieldValue(2008, "deezer", 0.85, 1000.0),
        "mode": FieldValue(1, "reccobeats", 0.7, 1000.0),
        "loudness": FieldValue(-4.863, "reccobeats", 0.7, 1000.0),
    }
    row = TrackRow(id=9, position=1, title="Ghost Town", artists="Endless Rhythms", fields=fields)
    pane.show_details(TrackDetails(row=row))
    table = pane.fields
    values = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert values["Deezer rank"] == "950,000"
    assert values["Listeners"] == "563,623"
    assert values["Last.fm plays"] == "4,508,984"
    assert values["Year"] == "2008"  # a year is not a count
    assert values["Mode"] == "1" and values["Loudness dB"] == "-4.863"
    sources = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert sources["Last.fm plays"] == "Last.fm" and sources["Mode"] == "ReccoBeats"
