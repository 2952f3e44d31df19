"""Rekordbox XML read back with ElementTree: collection, playlist node, keys, BPM, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from djdesk.core.dj.keys import Key
from djdesk.core.export import ExportPlaylist, ExportTrack, export_playlist, rekordbox
from tests.core.export.conftest import Crate


async def _root(crate: Crate, tmp_path: Path, **kw: object) -> ET.Element:
    report = await export_playlist(
        crate.library, crate.playlist_id, "rekordbox", tmp_path / "rb.xml", **kw
    )
    raw = report.path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(raw)


async def test_collection_has_each_track_once_and_playlist_keeps_order(
    crate: Crate, tmp_path: Path
) -> None:
    root = await _root(crate, tmp_path)
    assert root.tag == "DJ_PLAYLISTS" and root.get("Version") == "1.0.0"
    assert root.find("PRODUCT").get("Name") == "DJDesk"  # type: ignore[union-attr]
    collection = root.find("COLLECTION")
    assert collection is not None
    tracks = collection.findall("TRACK")
    assert collection.get("Entries") == "4" and len(tracks) == 4
    assert [t.get("TrackID") for t in tracks] == ["1", "2", "3", "4"]
    folder = root.find("PLAYLISTS/NODE")
    assert folder is not None and folder.get("Type") == "0" and folder.get("Name") == "ROOT"
    node = folder.find("NODE")
    assert node is not None
    assert node.get("Name") == "Peak / Set: “Été” 2026"
    assert (node.get("Type"), node.get("KeyType"), node.get("Entries")) == ("1", "0", "5")
    assert [t.get("Key") for t in node.findall("TRACK")] == ["1", "2", "3", "4", "2"]


async def test_bpm_key_energy_and_metadata(crate: Crate, tmp_path: Path) -> None:
    root = await _root(crate, tmp_path, notation="open_key")
    by_name = {t.get("Name"): t for t in root.iter("TRACK") if t.get("Name")}
    lights = by_name["Blinding Lights"]
    assert lights.get("AverageBpm") == "171.00"
    assert lights.get("Tonality") == "C#"  # classic, as Rekordbox writes it
    assert lights.get("Comments") == "8d - Energy 8"  # the chosen notation
    assert lights.get("TotalTime") == "200"
    tempo = lights.find("TEMPO")
    assert tempo is not None and tempo.get("Bpm") == "171.00" and tempo.get("Metro") == "4/4"
    maneater = by_name["Maneater"]
    assert maneater.get("AverageBpm") == "88.70"
    assert maneater.get("Year") == "2007"
    assert maneater.get("Tonality") is None  # unknown: left out, never guessed
    believe = by_name["Believe"]
    assert believe.get("AverageBpm") == "0.00" and believe.find("TEMPO") is None
    assert believe.get("Genre") == "pop, dance, 90s, cher, female vocalists"


async def test_escaping_unicode_and_placeholder_locations(crate: Crate, real_tmp: Path) -> None:
    tmp_path = real_tmp
    root = await _root(crate, tmp_path)
    tracks = root.findall("COLLECTION/TRACK")
    hostile = tracks[3]
    assert hostile.get("Name") == 'Café "Déjà" <Vu> & Friends Part 2'
    assert hostile.get("Artist") == "Sigur Rós, Ólafur Arnalds"
    for t in tracks:
        location = t.get("Location") or ""
        assert location.startswith("file://localhost/")
        path = Path(unquote(urlsplit(location).path))
        assert path.parent == tmp_path
        assert path.suffix == ".mp3" and t.get("Kind") == "MP3 File"
    assert Path(unquote(urlsplit(tracks[0].get("Location") or "").path)).name == (
        "Daryl Hall & John Oates - Maneater.mp3"
    )


def test_minor_key_tonality_and_windows_location() -> None:
    track = ExportTrack(
        track_id=7,
        position=1,
        title="Am track",
        artists=("A",),
        bpm=126.0,
        key=Key(9, 0),
        energy=0.65,
        location=Path("C:/Music/A - Am track.aiff"),
    )
    root = rekordbox.build(ExportPlaylist(1, "p", (track,)), "camelot")
    el = root.find("COLLECTION/TRACK")
    assert el is not None
    assert el.get("Tonality") == "Am"
    assert el.get("Comments") == "8A - Energy 7"
    assert el.get("AverageBpm") == "126.00"
    assert el.get("Kind") == "AIFF File"
    assert el.get("Location") == "file://localhost/C:/Music/A%20-%20Am%20track.aiff"


def test_empty_playlist_is_a_valid_file() -> None:
    root = ET.fromstring(rekordbox.render(ExportPlaylist(1, "Empty", ())))
    assert root.find("COLLECTION").get("Entries") == "0"  # type: ignore[union-attr]
    assert root.find("PLAYLISTS/NODE/NODE").get("Entries") == "0"  # type: ignore[union-attr]
