"""The details pane's "Pin another id…": ids checked per provider, then the existing pin signal.

The good ids and links are real records read from the recorded provider bodies, so the checks
accept what the providers really hand out, not a shape guessed here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from djdesk.core.errors import InputError
from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists.details import TrackDetailsPane
from djdesk.gui.playlists.details_pin import ID_FORMATS, parse_pin_id
from djdesk.gui.services import Services, TrackDetails, TrackRow


def _json(api_samples: Path, provider: str, name: str) -> Any:
    return json.loads((api_samples / provider / name).read_text(encoding="utf-8"))


@pytest.fixture
def real_ids(api_samples: Path) -> dict[str, Any]:
    deezer = _json(api_samples, "deezer", "track_detail_3135556_2025-01-21.json")
    recco = _json(api_samples, "reccobeats", "docs_example_track_object_wicked_games.json")
    mb = _json(
        api_samples,
        "musicbrainz",
        "recording_b9ad642e-b012-41c7-b72a-42cf4911f9ff_inc-artist-credits+releases+isrcs_2026-03-08.json",
    )
    return {
        "deezer": str(deezer["id"]),
        "deezer_link": deezer["link"],
        "isrc": deezer["isrc"],
        "spotify_link": recco["href"],
        "spotify": recco["href"].rsplit("/", 1)[1],
        "reccobeats": recco["id"],
        "musicbrainz": mb["id"],
    }


def test_real_ids_and_links_are_read_per_provider(real_ids: dict[str, Any]) -> None:
    ids = real_ids
    assert parse_pin_id("deezer", ids["deezer"]) == ids["deezer"]
    assert parse_pin_id("deezer", ids["deezer_link"]) == ids["deezer"]
    assert (
        parse_pin_id("deezer", "https://www.deezer.com/fr/track/" + ids["deezer"]) == ids["deezer"]
    )
    assert parse_pin_id("spotify", f"  {ids['spotify']} ") == ids["spotify"]
    assert parse_pin_id("spotify", ids["spotify_link"] + "?si=0a1b2c") == ids["spotify"]
    assert parse_pin_id("spotify", f"spotify:track:{ids['spotify']}") == ids["spotify"]
    isrc = ids["isrc"]
    assert parse_pin_id("isrc", f"{isrc[:2]}-{isrc[2:5]}-{isrc[5:7]}-{isrc[7:]}".lower()) == isrc
    mb = ids["musicbrainz"]
    assert parse_pin_id("musicbrainz", mb.upper()) == mb  # stored lower-case, as MB answers
    assert parse_pin_id("musicbrainz", f"https://musicbrainz.org/recording/{mb}") == mb
    assert parse_pin_id("reccobeats", ids["reccobeats"]) == ids["reccobeats"]
    for provider, fmt in ID_FORMATS.items():  # each example is a valid id of its own kind
        assert parse_pin_id(provider, fmt.example) == fmt.example


@pytest.mark.parametrize(
    ("provider", "text", "says"),
    [
        ("spotify", "00aqkszH1FdUiJJWvX6iE", "22 letters and digits"),  # one short
        ("spotify", "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M", "not a track"),
        ("spotify", "https://www.deezer.com/track/3135556", "That is a Deezer link"),
        ("deezer", "3135556x", "A Deezer track id is a number"),
        ("deezer", "https://www.deezer.com/album/302127", "not a track"),
        (
            "musicbrainz",
            "https://musicbrainz.org/release/b9ad642e-b012-41c7-b72a-42cf4911f9ff",
            "not a recording",
        ),
        ("musicbrainz", "b9ad642e-b012-41c7-b72a", "UUID"),
        ("reccobeats", "00aqkszH1FdUiJJWvX6iEl", "UUID"),  # a Spotify id: pinned as Spotify
        ("isrc", "USUM7210414", "12 characters"),
        ("deezer", "   ", "Type or paste the id"),
    ],
)
def test_a_bad_id_says_what_that_provider_s_ids_look_like(
    provider: str, text: str, says: str
) -> None:
    with pytest.raises(InputError) as err:
        parse_pin_id(provider, text)
    assert says in err.value.message
    assert err.value.hint  # where to find the right one


@pytest.fixture
def pane(qtbot: Any) -> TrackDetailsPane:
    widget = TrackDetailsPane(clock=lambda: 0.0)
    qtbot.addWidget(widget)
    widget.resize(420, 900)
    widget.show()
    widget.show_details(TrackDetails(row=TrackRow(id=7, position=1, title="T", artists="A")))
    return widget


def test_the_form_pins_a_checked_id_through_the_pane_s_pin_signal(
    qtbot: Any, pane: TrackDetailsPane
) -> None:
    form = pane.pin_other
    assert form.toggle.text() == "Pin another id…" and form.isVisible()
    assert not form.form.isVisible()
    form.toggle.click()
    assert form.form.isVisible()
    assert [form.provider.itemText(i) for i in range(form.provider.count())] == [
        "Deezer",
        "Spotify",
        "ISRC",
        "MusicBrainz",
        "ReccoBeats",
    ]
    form.set_provider("spotify")
    form.id_field.setText("https://www.deezer.com/track/3135556")
    with qtbot.assertNotEmitted(pane.pin_requested):
        form.pin.click()
    assert form.message.isVisible() and "That is a Deezer link" in form.message.text()
    assert form.form.isVisible() and form.id_field.text()  # open, text kept to correct it
    form.set_provider("deezer")
    assert not form.message.isVisible()
    with qtbot.waitSignal(pane.pin_requested) as got:
        qtbot.keyClick(form.id_field, "\r")  # Return submits too
    assert got.args == [7, "deezer", "3135556"]
    assert not form.form.isVisible() and form.id_field.text() == ""


def test_a_refresh_of_the_same_track_keeps_what_is_typed(pane: TrackDetailsPane) -> None:
    form = pane.pin_other
    form.toggle.click()
    form.id_field.setText("31355")
    same = TrackDetails(row=TrackRow(id=7, position=1, title="T", artists="A", state="done"))
    pane.show_details(same)  # a streamed update of the shown track
    assert form.form.isVisible() and form.id_field.text() == "31355"
    pane.show_details(TrackDetails(row=TrackRow(id=8, position=2, title="U", artists="B")))
    assert not form.form.isVisible() and form.id_field.text() == ""


def test_the_window_pins_the_typed_id(qtbot: Any, qloop: Any, services: Services) -> None:
    window = MainWindow(services, demo=True)
    qtbot.addWidget(window)
    window.show()
    panel = window.playlists
    panel.import_text("https://www.deezer.com/en/playlist/908622995")
    qtbot.waitUntil(lambda: panel.track_model.rowCount() > 0, timeout=10000)
    with qtbot.waitSignal(panel.details_shown, timeout=3000):
        panel.table.selectRow(0)
    details = panel.details.details
    assert details is not None
    form = panel.details.pin_other
    form.toggle.click()
    form.set_provider("musicbrainz")
    form.id_field.setText("https://musicbrainz.org/recording/B9AD642E-B012-41C7-B72A-42CF4911F9FF")
    engine = services.control
    assert isinstance(engine, FakeEngine)
    with qtbot.waitSignal(panel.details_shown, timeout=3000):  # re-shown after the pin
        form.pin.click()
    assert engine._pins[details.row.id] == ("musicbrainz", "b9ad642e-b012-41c7-b72a-42cf4911f9ff")
