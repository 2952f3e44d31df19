"""``djdesk enrich --demo`` then ``djdesk export``: the real engine's fields reach every format.

The enrichment runs on a fast sandbox; the JSON ``enrich`` prints is the reference each export
is checked against (key in each format's own encoding, BPM, order), so this test fails if the
engine's stored shape and the exporter's reading of it ever drift apart.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from djdesk.cli.main import main
from djdesk.core.dj.keys import traktor_value
from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings, save
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import FAST_RATES, catalog_of, demo_url


@pytest.fixture
def enriched(
    sandbox: SandboxThread,
    djdesk_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[str, list[dict[str, Any]]]:
    monkeypatch.setenv("DJDESK_ENDPOINTS", json.dumps(sandbox.endpoints))
    save(Settings(rates=dict(FAST_RATES)), default_paths().ensure().settings_file)
    url = demo_url(catalog_of(sandbox), "spotify", 25)
    assert main(["enrich", "--demo", "-q", url, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return url, [r for r in rows if r["track_id"] is not None]


def _field(row: dict[str, Any], name: str) -> Any:
    data = row["fields"].get(name)
    return None if data is None or data.get("kind") == "default" else data["value"]


def test_exports_carry_the_enriched_keys_and_tempos(
    enriched: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, rows = enriched
    assert any(_field(r, "key") for r in rows) and any(_field(r, "bpm") for r in rows)

    assert main(["export", url + "?si=share", "-f", "nml", "-o", str(tmp_path / "t.nml")]) == 0
    root = ET.parse(tmp_path / "t.nml").getroot()
    # The collection holds each track once, in first-appearance order.
    unique = list({r["track_id"]: r for r in rows}.values())
    entries = root.findall("COLLECTION/ENTRY")
    assert len(entries) == len(unique)
    for row, entry in zip(unique, entries, strict=True):
        assert entry.get("TITLE") == row["title"]
        key, bpm = _field(row, "key"), _field(row, "bpm")
        mk = entry.find("MUSICAL_KEY")
        if key is None:
            assert mk is None
        else:
            assert mk is not None
            assert mk.get("VALUE") == str(traktor_value(key["pitch_class"], key["mode"]))
            assert entry.find("INFO").get("KEY") == key["camelot"]  # type: ignore[union-attr]
        tempo = entry.find("TEMPO")
        assert (tempo is None) == (bpm is None)
        if tempo is not None:
            assert tempo.get("BPM") == f"{bpm:.6f}"

    assert main(["export", url, "-f", "rekordbox", "-o", str(tmp_path / "r.xml")]) == 0
    tracks = ET.parse(tmp_path / "r.xml").getroot().findall("COLLECTION/TRACK")
    for row, track in zip(unique, tracks, strict=True):
        key = _field(row, "key")
        assert track.get("Name") == row["title"]
        assert track.get("Tonality") == (key["classic"] if key else None)

    assert main(["export", url, "-f", "csv", "-o", str(tmp_path / "c.csv")]) == 0
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as fh:
        exported = list(csv.DictReader(fh))
    assert [e["Track Name"] for e in exported] == [r["title"] for r in rows]
    for row, e in zip(rows, exported, strict=True):
        assert e["Track URI"] == f"spotify:track:{row['ids']['spotify']}"
        key = _field(row, "key")
        assert e["Key"] == ("" if key is None else str(key["pitch_class"]))
        assert e["Open Key"] == ("" if key is None else key["open_key"])
