"""Pure pieces of the playlist browser: key notations, filters, compatible keys, dropped data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QUrl

from djdesk.core.events import JobStateChanged
from djdesk.gui.fake_services import fake_services
from djdesk.gui.playlists import links
from djdesk.gui.playlists.columns import format_key
from djdesk.gui.playlists.filter_bar import compatible_keys
from djdesk.gui.playlists.playlist_model import PlaylistListModel
from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.services import FieldValue, TrackRow


@pytest.mark.parametrize(
    ("camelot", "open_key", "classic"),
    [
        ("8B", "1d", "C"),
        ("8A", "1m", "Am"),
        ("1A", "6m", "A♭m"),
        ("12B", "5d", "E"),
        ("5A", "10m", "Cm"),
    ],
)
def test_key_notations(camelot: str, open_key: str, classic: str) -> None:
    assert format_key(camelot, "camelot") == camelot
    assert format_key(camelot, "open_key") == open_key
    assert format_key(camelot, "classic") == classic
    assert format_key("??", "classic") == "??"


def test_compatible_keys_wrap_round_the_wheel() -> None:
    assert compatible_keys("12A") == {"12A", "1A", "11A", "12B"}
    assert compatible_keys("1B") == {"1B", "2B", "12B", "1A"}


def test_filter_hides_unknown_values_for_active_ranges() -> None:
    row = TrackRow(1, 1, "Mirror", "Nova", fields={"bpm": FieldValue(124.0, "deezer")})
    assert TrackFilter(text="nov").matches(row)
    assert not TrackFilter(text="zzz").matches(row)
    assert TrackFilter(bpm=(120, 125)).matches(row)
    assert not TrackFilter(bpm=(125, None)).matches(row)
    assert not TrackFilter(energy=(0.2, None)).matches(row), "unknown energy is hidden"
    assert not TrackFilter(keys=frozenset({"8A"})).matches(row)
    assert not TrackFilter().active and TrackFilter(year=(None, 2000)).active


def test_dropped_text_uri_list_and_files(tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    mime = QMimeData()
    mime.setUrls([QUrl("https://www.deezer.com/playlist/1"), QUrl.fromLocalFile(str(csv))])
    got = links.from_mime(mime)
    assert got.links == ("https://www.deezer.com/playlist/1",) and got.files == (csv,)
    text = links.from_text(
        "# comment\nhttps://open.spotify.com/playlist/a\n\nhttps://open.spotify.com/playlist/a\n"
    )
    assert text.links == ("https://open.spotify.com/playlist/a",)
    assert not links.from_text("  \n")


def test_playlist_model(qtmodeltester: Any, arun: Any) -> None:
    services = fake_services(step_s=0.0)
    pid = arun(services.control.import_link("https://www.deezer.com/playlist/908622995"))
    model = PlaylistListModel(services.library)
    model.reload()
    assert model.rowCount() == 1 and model.index(0, 3).data() == "not enriched"
    model.on_job_state(JobStateChanged(pid, "running", 5, 10))
    assert model.index(0, 3).data() == "enriching 50%"
    model.two_line = True
    assert "\n" in model.index(0, 0).data()
    qtmodeltester.check(model)
