"""Traktor NML read back with ElementTree: MUSICAL_KEY values, /: paths, primary keys."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path, PureWindowsPath

from djdesk.core.dj.keys import Key
from djdesk.core.export import ExportPlaylist, ExportTrack, export_playlist, traktor
from tests.core.export.conftest import Crate


async def test_collection_playlist_and_primary_keys(crate: Crate, tmp_path: Path) -> None:
    report = await export_playlist(crate.library, crate.playlist_id, "nml", tmp_path / "t.nml")
    raw = report.path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>')
    root = ET.fromstring(raw)
    assert root.tag == "NML" and root.get("VERSION") == "19"
    entries = root.findall("COLLECTION/ENTRY")
    assert root.find("COLLECTION").get("ENTRIES") == "4" and len(entries) == 4  # type: ignore[union-attr]
    keys = []
    for e in entries:
        loc = e.find("LOCATION")
        assert loc is not None
        assert loc.get("DIR", "").startswith("/:") and loc.get("DIR", "").endswith("/:")
        keys.append(loc.get("VOLUME", "") + loc.get("DIR", "") + loc.get("FILE", ""))
    playlist = root.find("PLAYLISTS/NODE/SUBNODES/NODE/PLAYLIST")
    assert playlist is not None
    assert playlist.get("ENTRIES") == "5" and playlist.get("TYPE") == "LIST"
    refs = [pk.get("KEY") for pk in playlist.iter("PRIMARYKEY")]
    assert refs == [keys[0], keys[1], keys[2], keys[3], keys[1]]
    node = root.find("PLAYLISTS/NODE/SUBNODES/NODE")
    assert node is not None and node.get("NAME") == "Peak / Set: “Été” 2026"
    # Same playlist exported again → same UUID, so Traktor updates it instead of duplicating.
    again = ET.fromstring(
        traktor.render(ExportPlaylist(crate.playlist_id, node.get("NAME") or "", ()))
    )
    assert again.find("PLAYLISTS/NODE/SUBNODES/NODE/PLAYLIST").get("UUID") == playlist.get("UUID")  # type: ignore[union-attr]


async def test_key_tempo_and_info(crate: Crate, tmp_path: Path) -> None:
    dest = tmp_path / "t.nml"
    await export_playlist(crate.library, crate.playlist_id, "nml", dest, notation="open_key")
    entries = {e.get("TITLE"): e for e in ET.parse(dest).getroot().iter("ENTRY") if e.get("TITLE")}
    lights = entries["Blinding Lights"]
    assert lights.find("MUSICAL_KEY").get("VALUE") == "1"  # type: ignore[union-attr]  # C# major
    assert lights.find("INFO").get("KEY") == "8d"  # type: ignore[union-attr]
    assert lights.find("INFO").get("COMMENT") == "8d - Energy 8"  # type: ignore[union-attr]
    assert lights.find("TEMPO").get("BPM") == "171.000000"  # type: ignore[union-attr]
    maneater = entries["Maneater"]
    assert maneater.find("MUSICAL_KEY") is None
    assert maneater.find("INFO").get("RELEASE_DATE") == "2007/12/10"  # type: ignore[union-attr]
    assert maneater.find("INFO").get("PLAYTIME") == "274"  # type: ignore[union-attr]
    hostile = entries['Café "Déjà" <Vu> & Friends Part 2']
    assert hostile.get("ARTIST") == "Sigur Rós, Ólafur Arnalds"
    assert hostile.find("MUSICAL_KEY").get("VALUE") == "0"  # type: ignore[union-attr]  # C major


def test_minor_key_value_and_windows_path() -> None:
    """mission.md §4.2: Am is MUSICAL_KEY 21 and pairs with INFO KEY "8A"."""
    track = ExportTrack(
        track_id=3,
        position=1,
        title="T",
        artists=("A",),
        bpm=126.0,
        key=Key(9, 0),
        energy=0.65,
        release_date="2023-05-01",
        location=PureWindowsPath(r"C:\Music\House\A - T.mp3"),
    )
    root = traktor.build(ExportPlaylist(1, "p", (track,)), "camelot")
    entry = root.find("COLLECTION/ENTRY")
    assert entry is not None
    assert entry.find("MUSICAL_KEY").get("VALUE") == "21"  # type: ignore[union-attr]
    info = entry.find("INFO")
    assert info is not None
    assert (info.get("KEY"), info.get("COMMENT")) == ("8A", "8A - Energy 7")
    assert info.get("RELEASE_DATE") == "2023/5/1"
    loc = entry.find("LOCATION")
    assert loc is not None
    assert (loc.get("VOLUME"), loc.get("DIR"), loc.get("FILE")) == (
        "C:",
        "/:Music/:House/:",
        "A - T.mp3",
    )
    pk = root.find("PLAYLISTS/NODE/SUBNODES/NODE/PLAYLIST/ENTRY/PRIMARYKEY")
    assert pk is not None and pk.get("KEY") == "C:/:Music/:House/:A - T.mp3"
