"""M3U8 export parsed back line by line: header, one #EXTINF + target per track, UTF-8."""

from __future__ import annotations

from pathlib import Path

from djdesk.core.export import ExportPlaylist, ExportTrack, export_playlist, write_export
from tests.core.export.conftest import Crate


def _entries(text: str) -> list[tuple[str, str, list[str]]]:
    """(EXTINF, target, comments before it) per entry, as a reader pairs them."""
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[1].startswith("#PLAYLIST:")
    out: list[tuple[str, str, list[str]]] = []
    comments: list[str] = []
    extinf = None
    for line in lines[2:]:
        if line.startswith("#EXTINF:"):
            extinf = line
        elif line.startswith("#"):
            comments.append(line)
        else:
            assert extinf is not None, f"a path without #EXTINF: {line!r}"
            out.append((extinf, line, comments))
            extinf, comments = None, []
    return out


async def test_entries_pair_extinf_with_a_link(crate: Crate, tmp_path: Path) -> None:
    report = await export_playlist(crate.library, crate.playlist_id, "m3u8", tmp_path / "a.m3u8")
    text = report.path.read_bytes().decode("utf-8")
    assert text.splitlines()[1] == "#PLAYLIST:Peak / Set: “Été” 2026"
    entries = _entries(text)
    assert [e[0] for e in entries] == [
        "#EXTINF:274,Daryl Hall & John Oates - Maneater",
        "#EXTINF:200,The Weeknd - Blinding Lights",
        "#EXTINF:231,Cher - Believe",
        '#EXTINF:104,Sigur Rós, Ólafur Arnalds - Café "Déjà" <Vu> & Friends Part 2',
        "#EXTINF:200,The Weeknd - Blinding Lights",
    ]
    assert entries[0][1] == "https://www.deezer.com/track/541999"
    assert entries[1][1] == "https://open.spotify.com/track/0VjIjW4GlUZAMYd2vXMi3b"
    assert report.not_local == tuple(e[0].split(",", 1)[1] for e in entries)


async def test_comments_carry_bpm_key_energy_in_the_chosen_notation(
    crate: Crate, tmp_path: Path
) -> None:
    dest = tmp_path / "a.m3u8"
    await export_playlist(crate.library, crate.playlist_id, "m3u8", dest, notation="open_key")
    entries = _entries(dest.read_text(encoding="utf-8"))
    assert entries[1][2] == ["# DJDesk: 171.0 BPM | 8d | Energy 8"]
    assert entries[0][2] == ["# DJDesk: 88.7 BPM | 2007"]
    assert entries[2][2] == [
        "# DJDesk: pop, dance, 90s, cher, female vocalists",
        "#EXTGENRE:pop",
    ]
    await export_playlist(crate.library, crate.playlist_id, "m3u8", dest, notation="classic")
    assert _entries(dest.read_text(encoding="utf-8"))[1][2] == [
        "# DJDesk: 171.0 BPM | C# | Energy 8"
    ]


async def test_found_files_are_local_paths(crate: Crate, tmp_path: Path) -> None:
    music = tmp_path / "music" / "sub"
    music.mkdir(parents=True)
    (music / "the weeknd - BLINDING LIGHTS.flac").write_bytes(b"")
    dest = tmp_path / "a.m3u8"
    report = await export_playlist(
        crate.library, crate.playlist_id, "m3u8", dest, music_dir=tmp_path / "music"
    )
    entries = _entries(dest.read_text(encoding="utf-8"))
    local = str((music / "the weeknd - BLINDING LIGHTS.flac").resolve())
    assert entries[1][1] == local and entries[4][1] == local
    assert "The Weeknd - Blinding Lights" not in report.not_local
    assert len(report.not_local) == 3


def test_a_playlist_name_with_a_line_break_stays_one_line(tmp_path: Path) -> None:
    track = ExportTrack(1, 1, "T", ("A",), duration_ms=61_500, ids={"deezer": "9"})
    report = write_export(ExportPlaylist(1, "Warm\nup\x00", (track,)), "m3u8", tmp_path)
    assert report.path.name == "Warm up.m3u8"
    assert report.path.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:Warm up",
        "#EXTINF:62,A - T",
        "https://www.deezer.com/track/9",
    ]
