"""``djdesk export`` through ``main()``: resolves the playlist, writes the file, prints a report."""

from __future__ import annotations

import asyncio
import csv
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk.cli.main import main
from djdesk.core import logs
from djdesk.core.library import Library, PlaylistInput
from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings, save
from tests.core.export.conftest import fill_crate

NAME = "Peak / Set: “Été” 2026"


@pytest.fixture
def imported(djdesk_home: Path, api_samples: Path) -> Iterator[int]:
    """The test crate in the user's library (DJDESK_HOME is a fresh temp folder)."""

    async def fill() -> int:
        async with await Library.open(default_paths().ensure().library_db) as library:
            playlist_id, _ids = await fill_crate(library, api_samples)
            await library.import_playlist(
                PlaylistInput("csv", "abc", name="From CSV", url="~/crates/from.csv"), []
            )
            return playlist_id

    yield asyncio.run(fill())
    logs.teardown_logging()


def test_export_csv_by_number_to_a_named_file(
    imported: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "out.csv"
    assert main(["export", str(imported), "--format", "csv", "-o", str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"Wrote 5 tracks of “{NAME}” to {dest}" in out
    assert "without BPM (1):\n  Cher - Believe" in out
    assert "without key (2):" in out
    assert "left out (no track to export) (1):\n  #5 (local file)" in out
    rows = list(csv.DictReader(dest.open(encoding="utf-8", newline="")))
    assert [r["Track Name"] for r in rows][:2] == ["Maneater", "Blinding Lights"]
    assert rows[1]["Camelot"] == "3B"


@pytest.mark.parametrize(
    "link",
    [
        "https://www.deezer.com/en/playlist/908622995?utm_source=x",
        "deezer.com/playlist/908622995",
        "908622995",
    ],
)
def test_export_by_link_uses_the_default_file_name_in_the_current_folder(
    imported: int,
    link: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", link, "--format", "m3u8"]) == 0
    written = tmp_path / "Peak _ Set_ “Été” 2026.m3u8"
    assert written.read_text(encoding="utf-8").startswith("#EXTM3U\n#PLAYLIST:" + NAME)
    out = capsys.readouterr().out
    assert str(written) in out
    assert "no local file, linked to its Deezer or Spotify page (5):" in out


def test_export_uses_the_setting_notation_unless_told(
    imported: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save(Settings(key_notation="open_key"), default_paths().settings_file)
    dest = tmp_path / "t.nml"
    assert main(["export", NAME, "-f", "nml", "-o", str(dest)]) == 0
    infos = [e.find("INFO") for e in ET.parse(dest).getroot().iter("ENTRY") if e.get("TITLE")]
    assert [i.get("KEY") for i in infos if i is not None and i.get("KEY")] == ["8d", "1d"]
    assert main(["export", NAME, "-f", "nml", "-o", str(dest), "--notation", "classic"]) == 0
    infos = [e.find("INFO") for e in ET.parse(dest).getroot().iter("ENTRY") if e.get("TITLE")]
    assert [i.get("KEY") for i in infos if i is not None and i.get("KEY")] == ["C#", "C"]
    out = capsys.readouterr().out
    assert "no local file, written as a placeholder in" in out


def test_export_json_report_to_a_folder(
    imported: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(imported), "-f", "rekordbox", "-o", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(tmp_path / "Peak _ Set_ “Été” 2026.xml")
    assert report["written"] == 5 and report["without_bpm"] == ["Cher - Believe"]
    assert ET.parse(report["path"]).getroot().tag == "DJ_PLAYLISTS"


def test_a_csv_playlist_is_found_by_its_path(
    imported: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crates = tmp_path / "home" / "crates"
    crates.mkdir(parents=True)
    (crates / "from.csv").write_text("Track URI,Track Name,Artist Name(s)\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(crates)
    assert main(["export", "from.csv", "-f", "csv"]) == 0
    assert (crates / "From CSV.csv").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "nothing-like-this", "-f", "csv"], "No playlist 'nothing-like-this'"),
        (
            ["export", "https://www.deezer.com/playlist/1", "-f", "csv"],
            "That link has not been imported yet.",
        ),
    ],
)
def test_unknown_playlist_is_a_clear_error(
    imported: int, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"error: {message}" in err and "hint:" in err and "Traceback" not in err


def test_unwritable_destination_is_a_clear_error(
    imported: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "missing-folder" / "a.csv"
    assert main(["export", str(imported), "-f", "csv", "-o", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "hint:" in err


def test_bad_format_is_refused_by_the_parser(
    imported: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", str(imported), "-f", "xls"])
    assert exc.value.code == 2
    assert "invalid choice: 'xls'" in capsys.readouterr().err
