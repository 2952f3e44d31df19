"""``djdesk enrich`` and the library commands through ``main()``, on a shared fast sandbox.

``--demo`` reuses a sandbox that ``DJDESK_ENDPOINTS`` already points at on loopback, so these
tests share one sandbox; each test has its own DJDESK_HOME (library, cache, settings).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from djdesk.cli.main import main
from djdesk.sandbox import SandboxThread
from tests.cli.cli_json import run_json
from tests.core.engine.sandbox_env import (
    catalog_of,
    demo_url,
    provider_calls,
    truth_entries,
)

pytestmark = pytest.mark.usefixtures("wired")


def test_enrich_json_keeps_input_order_with_ids_fields_state_and_evidence(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = catalog_of(sandbox)
    url = demo_url(catalog, "spotify", 25)
    rows = run_json(capsys, "enrich", "--demo", "-q", url, "--format", "json")
    assert isinstance(rows, list)
    truth = truth_entries(catalog, url)
    assert [r["position"] for r in rows] == list(range(len(truth)))
    for row, t in zip(rows, truth, strict=True):
        assert row["input"]["input"] == url
        assert set(row["ids"]) == {"isrc", "spotify", "deezer", "reccobeats", "musicbrainz"}
        if t is not None:
            assert row["input"]["uri"] == f"spotify:track:{t.spotify_id}"
            assert row["ids"]["spotify"] == t.spotify_id
        for field in row["fields"].values():
            assert {"value", "source", "confidence", "kind"} <= set(field)
        assert row["state"] in {"complete", "partial", "not_found", "failed", "deferred"}
    assert any(r["evidence"].get("deezer", {}).get("candidates") for r in rows)


def test_global_demo_flag_and_table_output(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    assert main(["--demo", "enrich", "-q", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["position", "artists", "title", "bpm"]
    assert len(out) == 26


def test_the_summary_on_stderr_counts_each_provider_s_requests(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    before = provider_calls(sandbox)
    assert main(["enrich", "--demo", url]) == 0
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("requests: ")]
    sent = provider_calls(sandbox) - before
    counts, _sep, hedged = line.removeprefix("requests: ").partition("; ")
    per_provider = dict(item.rsplit(" ", 1) for item in counts.split(", "))
    assert sum(int(n.replace(",", "")) for n in per_provider.values()) == sent
    assert "deezer" in per_provider and "spotify" not in per_provider
    assert hedged == "none hedged"  # the fast sandbox answers at once: nothing to hedge


def test_exportify_csv_rows_come_back_with_their_track_uri(
    sandbox: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = catalog_of(sandbox)
    tracks = [t for t in truth_entries(catalog, demo_url(catalog, "spotify", 25)) if t][:8]
    path = tmp_path / "crate.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Track URI", "Track Name", "Artist Name(s)", "Duration (ms)", "Tempo"])
        for t in tracks:
            artists = ",".join(catalog.artists[a].name for a in t.artists)
            uri = f"spotify:track:{t.spotify_id}"
            writer.writerow([uri, t.title, artists, t.duration_ms, "120.0"])
    rows = run_json(capsys, "enrich", "--demo", "-q", str(path), "--format", "json")
    assert isinstance(rows, list) and len(rows) == len(tracks)
    for row, t in zip(rows, tracks, strict=True):
        assert row["input"]["row"]["Track URI"] == f"spotify:track:{t.spotify_id}"
        assert row["input"]["line"] == row["position"] + 2
        if row["ids"]["deezer"]:  # no ISRC in this CSV: found by search, checked by matching
            assert catalog.by_deezer[int(row["ids"]["deezer"])].title == t.title


def test_playlists_show_pin_and_jobs(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = catalog_of(sandbox)
    url = demo_url(catalog, "deezer", 25)
    assert main(["enrich", "--demo", "-q", url, "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.endswith("isrc,spotify,deezer,reccobeats,musicbrainz")

    (playlist,) = run_json(capsys, "playlists", "--json")  # type: ignore[misc]
    assert playlist["entries"] == 25 and playlist["service"] == "deezer"
    shown = run_json(capsys, "show", str(playlist["id"]), "--json")
    assert isinstance(shown, dict)
    first = shown["tracks"][0]

    # Pin another Deezer record on the first track: the next run reads that one.
    other = next(t for t in catalog.tracks if str(t.deezer_id) != first["ids"]["deezer"])
    pin = ["pin", str(first["track_id"]), "deezer", str(other.deezer_id), "--no-enrich"]
    assert main(pin) == 0
    capsys.readouterr()
    assert main(["enrich", "--demo", "-q", url]) == 0
    capsys.readouterr()
    shown = run_json(capsys, "show", playlist["name"], "--json")
    assert isinstance(shown, dict)
    assert shown["tracks"][0]["ids"]["deezer"] == str(other.deezer_id)

    jobs = run_json(capsys, "jobs", "--json")
    assert isinstance(jobs, list) and len(jobs) == 2
    assert {j["state"] for j in jobs} == {"done"}


def test_bad_budget_and_missing_input_are_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["enrich", "x.csv", "--budget", "deezer"]) == 1
    assert "PROVIDER=N" in capsys.readouterr().err
    assert main(["enrich"]) == 1
    assert "Nothing to enrich" in capsys.readouterr().err
