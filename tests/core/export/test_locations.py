"""Paths for DJ software: file URIs, Traktor's /: form, safe names and file-name matching."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from djdesk.core.export.locations import (
    assign_locations,
    file_uri,
    match_key,
    safe_filename,
    scan_music_dir,
    traktor_location,
)
from djdesk.core.export.tracks import ExportTrack, clean_text


def test_file_uri_for_posix_and_windows_paths() -> None:
    assert file_uri(PurePosixPath("/home/dj/Música/A & B.mp3")) == (
        "file://localhost/home/dj/M%C3%BAsica/A%20%26%20B.mp3"
    )
    assert file_uri(PureWindowsPath(r"C:\Music\Artist - Title.mp3")) == (
        "file://localhost/C:/Music/Artist%20-%20Title.mp3"
    )


def test_traktor_location_uses_slash_colon() -> None:
    assert traktor_location(PurePosixPath("/Users/me/Music/a.mp3")) == (
        "",
        "/:Users/:me/:Music/:",
        "a.mp3",
    )
    assert traktor_location(PureWindowsPath(r"D:\a.mp3")) == ("D:", "/:", "a.mp3")


def test_safe_filename_and_match_key() -> None:
    assert safe_filename('a/b\\c:d*e?f"g<h>i|j\x00') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_filename("Warm\nup\t2") == "Warm up 2"
    assert safe_filename("x" * 300) == "x" * 150
    assert match_key("Beyoncé - Halo!") == match_key("beyonce   halo") == "beyonce halo"


def test_clean_text_keeps_unicode_and_drops_breaks_and_controls() -> None:
    assert clean_text("A\r\nB\tC\x00D\x1f ☀ é") == "A B CD ☀ é"
    assert clean_text(None) == ""


def test_scan_and_assign(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Sigur Ros - Svefn-g-englar.flac").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    files = scan_music_dir(tmp_path)
    assert list(files) == ["sigur ros svefn g englar"]
    found = ExportTrack(1, 1, "Svefn-g-englar", ("Sigur Rós", "Other"))
    missing = ExportTrack(2, 2, "Nope", ("X",))
    placed = assign_locations([found, missing], files, tmp_path / "buy")
    assert (
        placed[0].local
        and placed[0].location == (tmp_path / "a" / "Sigur Ros - Svefn-g-englar.flac").resolve()
    )
    assert placed[1].placeholder and placed[1].location == tmp_path / "buy" / "X - Nope.mp3"
    assert not placed[1].local
    unplaced = assign_locations([missing], files, None)
    assert unplaced[0].location is None
