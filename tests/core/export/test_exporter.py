"""The export pipeline: report, destinations, errors, and the atomic write on failure."""

from __future__ import annotations

import csv
import errno
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from djdesk.core.errors import DiskFullError, InputError, StorageError
from djdesk.core.export import FORMATS, atomic, default_filename, export_playlist, load_playlist
from djdesk.core.library import FieldValue, Library, PlaylistInput
from tests.core.export.conftest import Crate


async def test_report_counts_what_a_dj_must_fix(crate: Crate, real_tmp: Path) -> None:
    tmp_path = real_tmp
    report = await export_playlist(crate.library, crate.playlist_id, "rekordbox", tmp_path)
    assert report.path == tmp_path / "Peak _ Set_ “Été” 2026.xml"
    assert report.written == 5
    assert report.without_bpm == ("Cher - Believe",)
    assert report.without_key == ("Daryl Hall & John Oates - Maneater", "Cher - Believe")
    assert len(report.not_local) == 5
    assert report.skipped == ("#5 (local file)",)
    assert report.placeholder_dir == tmp_path
    data = report.to_dict()
    assert data["written"] == 5 and data["format"] == "rekordbox"
    assert data["path"] == str(report.path)


async def test_music_dir_gives_real_locations_and_placeholders_there(
    crate: Crate, real_tmp: Path
) -> None:
    tmp_path = real_tmp
    music = tmp_path / "Music"
    music.mkdir()
    (music / "Daryl Hall & John Oates - Maneater.MP3").write_bytes(b"")
    (music / "Maneater.txt").write_bytes(b"")  # not audio: ignored
    report = await export_playlist(
        crate.library, crate.playlist_id, "rekordbox", tmp_path / "x.xml", music_dir=music
    )
    assert "Daryl Hall & John Oates - Maneater" not in report.not_local
    assert report.placeholder_dir == music
    root = ET.parse(report.path).getroot()
    locations = [t.get("Location") for t in root.findall("COLLECTION/TRACK")]
    assert locations[0] is not None and locations[0].endswith(
        "/Daryl%20Hall%20%26%20John%20Oates%20-%20Maneater.MP3"
    )
    assert all(str(music).replace(" ", "%20") in (loc or "") for loc in locations)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_empty_playlist_writes_a_valid_empty_file(fmt: str, tmp_path: Path) -> None:
    async with await Library.open(tmp_path / "lib.sqlite3") as library:
        imported = await library.import_playlist(PlaylistInput("deezer", "1", name="Empty"), [])
        report = await export_playlist(library, imported.playlist_id, fmt, tmp_path)
    assert report.written == 0 and report.path.name == "Empty" + FORMATS[fmt].extension
    text = report.path.read_text(encoding="utf-8")
    if fmt == "csv":
        assert list(csv.reader(text.splitlines()))[1:] == []
    elif fmt == "m3u8":
        assert text.splitlines() == ["#EXTM3U", "#PLAYLIST:Empty"]
    else:
        ET.fromstring(text.encode("utf-8"))


async def test_a_default_value_is_not_exported_as_a_measurement(tmp_path: Path) -> None:
    from djdesk.core.library import EntryInput, TrackInput

    async with await Library.open(tmp_path / "lib.sqlite3") as library:
        imported = await library.import_playlist(
            PlaylistInput("deezer", "2", name="D"),
            [EntryInput(TrackInput(ids={"deezer": "5"}, title="T", artists=["A"]))],
        )
        track_id = imported.track_ids[0]
        assert track_id is not None
        await library.set_fields(
            track_id,
            {
                "bpm": FieldValue(120.0, "default", 0.1, kind="default"),
                "energy": FieldValue(0.5, "reccobeats", 0.7),
            },
        )
        playlist = await load_playlist(library, imported.playlist_id)
    (track,) = playlist.tracks
    assert track.bpm is None and track.energy == 0.5 and track.energy_level == 6


async def test_unknown_playlist_format_notation_and_music_dir(crate: Crate, tmp_path: Path) -> None:
    lib, pid = crate.library, crate.playlist_id
    with pytest.raises(InputError, match="no playlist 999"):
        await export_playlist(lib, 999, "csv", tmp_path)
    with pytest.raises(InputError, match="no export format 'xls'") as exc:
        await export_playlist(lib, pid, "xls", tmp_path)
    assert "csv, m3u8, rekordbox, nml" in exc.value.hint
    with pytest.raises(InputError, match="no key notation"):
        await export_playlist(lib, pid, "csv", tmp_path, notation="lancelot")
    with pytest.raises(InputError, match="music folder"):
        await export_playlist(lib, pid, "nml", tmp_path, music_dir=tmp_path / "nope")
    with pytest.raises(StorageError, match="does not exist"):
        await export_playlist(lib, pid, "csv", tmp_path / "no" / "such" / "a.csv")
    assert all(name.startswith("library.sqlite3") for name in os.listdir(tmp_path))


async def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    crate: Crate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "set.xml"
    dest.write_text("the good old export", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(DiskFullError) as exc:
        await export_playlist(crate.library, crate.playlist_id, "rekordbox", dest)
    assert "set.xml" in exc.value.message and "unchanged" in exc.value.hint
    assert dest.read_text(encoding="utf-8") == "the good old export"
    assert os.listdir(out) == ["set.xml"]

    def refused(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.undo()
    monkeypatch.setattr(atomic.os, "replace", refused)
    with pytest.raises(StorageError) as exc2:
        await export_playlist(crate.library, crate.playlist_id, "csv", dest)
    assert not isinstance(exc2.value, DiskFullError)
    assert dest.read_text(encoding="utf-8") == "the good old export"
    assert os.listdir(out) == ["set.xml"]


async def test_a_good_write_replaces_the_old_file(crate: Crate, tmp_path: Path) -> None:
    dest = tmp_path / "set.m3u8"
    dest.write_text("old", encoding="utf-8")
    await export_playlist(crate.library, crate.playlist_id, "m3u8", dest)
    assert dest.read_text(encoding="utf-8").startswith("#EXTM3U\n")
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_default_filename_is_safe_everywhere() -> None:
    assert default_filename('AC/DC: "Live" <best>?', "nml") == "AC_DC_ _Live_ _best__.nml"
    assert default_filename("  ...  ", "csv") == "playlist.csv"
    assert default_filename("Été ☀ 2026", "m3u8") == "Été ☀ 2026.m3u8"
