"""CSV export read back with the csv module: Exportify's columns and meanings, then ours."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from djdesk.core.export import export_playlist
from djdesk.core.export.csv_format import COLUMNS, EXPORTIFY_COLUMNS
from djdesk.core.urls import parse_exportify_csv
from tests.core.export.conftest import Crate


async def _rows(crate: Crate, tmp_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    report = await export_playlist(crate.library, crate.playlist_id, "csv", tmp_path / "a.csv")
    text = report.path.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")  # Exportify writes no BOM; readers then see the header
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


async def test_headers_start_with_exportify_columns(crate: Crate, tmp_path: Path) -> None:
    headers, rows = await _rows(crate, tmp_path)
    assert headers == list(COLUMNS)
    assert headers[: len(EXPORTIFY_COLUMNS)] == list(EXPORTIFY_COLUMNS)
    for needed in ("Track URI", "Track Name", "Artist Name(s)", "Key", "Mode", "Tempo"):
        assert needed in headers
    assert len(rows) == 5  # the local file is left out, the repeated track kept


async def test_key_mode_tempo_use_spotify_conventions(crate: Crate, tmp_path: Path) -> None:
    _h, rows = await _rows(crate, tmp_path)
    maneater, lights, believe, hostile, again = rows
    # ReccoBeats sample: key 1, mode 1 (C♯ major), tempo 171.001, energy 0.73.
    assert lights["Track URI"] == "spotify:track:0VjIjW4GlUZAMYd2vXMi3b"
    assert (lights["Key"], lights["Mode"]) == ("1", "1")
    assert (lights["Camelot"], lights["Open Key"], lights["Musical Key"]) == ("3B", "8d", "C#")
    assert float(lights["Tempo"]) == 171.0
    assert lights["Energy"] == "0.7300"
    assert lights["Energy (1-10)"] == "8"
    assert lights["Key Source"] == "reccobeats"
    assert again == lights
    # Deezer sample 541999: bpm 88.7, no key: empty cells, never Spotify's -1.
    assert maneater["Tempo"] == "88.700"
    assert (maneater["Key"], maneater["Mode"], maneater["Camelot"]) == ("", "", "")
    assert maneater["Release Date"] == "2007-12-10"
    assert maneater["Track URI"] == ""  # a Deezer-only track has no Spotify URI
    assert maneater["Link"] == "https://www.deezer.com/track/541999"
    assert maneater["ISRC"] == "USRC18207933"
    # Last.fm tags stand in for genres.
    assert believe["Genres"] == "pop,dance,90s,cher,female vocalists"
    assert believe["Tempo"] == ""
    # C major from the second ReccoBeats sample: key 0 is a key, not "unknown".
    assert (hostile["Key"], hostile["Mode"], hostile["Camelot"]) == ("0", "1", "8B")


async def test_unicode_and_quotes_survive(crate: Crate, tmp_path: Path) -> None:
    _h, rows = await _rows(crate, tmp_path)
    hostile = rows[3]
    assert hostile["Track Name"] == 'Café "Déjà" <Vu> & Friends Part 2'  # \x01 and \n removed
    assert hostile["Artist Name(s)"] == "Sigur Rós,Ólafur Arnalds"
    assert hostile["Album Name"] == "Ágætis byrjun"


async def test_djdesk_reimports_its_own_csv(crate: Crate, tmp_path: Path) -> None:
    report = await export_playlist(crate.library, crate.playlist_id, "csv", tmp_path / "a.csv")
    records = parse_exportify_csv(report.path.read_text(encoding="utf-8"))
    assert [r.title for r in records][:2] == ["Maneater", "Blinding Lights"]
    assert records[1].id == "0VjIjW4GlUZAMYd2vXMi3b"
    assert records[3].artists == ("Sigur Rós", "Ólafur Arnalds")
    assert records[0].isrc == "USRC18207933"
