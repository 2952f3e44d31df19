"""``djdesk show`` sorting and filtering, and ``djdesk remove`` with its confirmation.

The library holds the export tests' crate, built from real recorded bodies (Deezer track
details, ReccoBeats features, Last.fm track info): Maneater 88.7 BPM, Blinding Lights 171 BPM
3B (twice), Believe (no BPM), the hostile-title track 119.8 BPM 8B, and a local file.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from djdesk.cli.main import main
from djdesk.core import logs
from djdesk.core.library import Library
from djdesk.core.library.states import state_counts_text, track_state_label
from djdesk.core.paths import default_paths
from tests.core.export.conftest import HOSTILE_TITLE, fill_crate


@pytest.fixture
def crate(djdesk_home: Path, api_samples: Path) -> Iterator[int]:
    async def fill() -> int:
        async with await Library.open(default_paths().ensure().library_db) as library:
            playlist_id, _ids = await fill_crate(library, api_samples)
            return playlist_id

    yield asyncio.run(fill())
    logs.teardown_logging()


def _show(capsys: pytest.CaptureFixture[str], crate: int, *args: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["show", str(crate), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)["tracks"]


def _titles(tracks: list[dict[str, Any]]) -> list[str | None]:
    return [t["title"] for t in tracks]


def test_sort_puts_unknown_last_and_breaks_ties_in_order(
    crate: int, capsys: pytest.CaptureFixture[str]
) -> None:
    by_bpm = _titles(_show(capsys, crate, "--sort", "bpm,position"))
    assert by_bpm == [
        "Maneater",
        HOSTILE_TITLE,
        "Blinding Lights",
        "Blinding Lights",
        "Believe",
        None,
    ]
    down = _show(capsys, crate, "--sort=-bpm,-position")
    assert [t["position"] for t in down][:3] == [5, 1, 3]  # 171 (pos 6, 2), then 119.8
    assert _titles(down)[-2:] == [None, "Believe"], "unknown last, by the next key (position)"


def test_filters_by_range_key_and_text(crate: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert _titles(_show(capsys, crate, "--bpm", "100-130")) == [HOSTILE_TITLE]
    assert _titles(_show(capsys, crate, "--bpm", "100-")) == [
        "Blinding Lights",
        HOSTILE_TITLE,
        "Blinding Lights",
    ]
    assert _titles(_show(capsys, crate, "--key", "8B")) == [HOSTILE_TITLE]
    # E major is 12B: its neighbours 11B, 1B and 12A are neither 3B nor 8B
    assert _titles(_show(capsys, crate, "--key", "E", "--compatible")) == []
    # F# major is 2B, next to 3B on the wheel; C major is 8B itself (8B, 7B, 9B, 8A)
    assert _titles(_show(capsys, crate, "--key", "F#", "--compatible")) == ["Blinding Lights"] * 2
    assert _titles(_show(capsys, crate, "--key", "C", "--compatible")) == [HOSTILE_TITLE]
    assert _titles(_show(capsys, crate, "--search", "dance")) == ["Believe"]  # a Last.fm tag
    assert _titles(_show(capsys, crate, "--energy", "0.5-", "--bpm", "-150")) == []


def test_the_table_follows_the_options(crate: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(crate), "--sort=-bpm", "--bpm", "80-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Blinding Lights" in lines[1] and "Blinding Lights" in lines[2]
    assert "Maneater" in lines[-1] and not any("Believe" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--bpm", "fast"], "--bpm: not a range"),
        (["--key", "H"], "--key: 'H' is not a musical key"),
        (["--compatible"], "--compatible needs a key"),
        (["--sort", "tempo"], "--sort: cannot sort by 'tempo'"),
    ],
)
def test_bad_options_are_clear_errors(
    crate: int, args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(crate), *args]) == 1
    assert said in capsys.readouterr().err


def _names(capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["playlists", "--json"]) == 0
    return [p["name"] for p in json.loads(capsys.readouterr().out)]


def test_remove_asks_first(
    crate: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _names(capsys)[0]
    # not a terminal and no --yes: refused, nothing removed
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["remove", str(crate)]) == 1
    assert "needs confirmation" in capsys.readouterr().err
    # at a terminal: "n" keeps it, "y" removes it
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["n", "y"])
    questions: list[str] = []

    def answer(question: str) -> str:
        questions.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    assert main(["remove", str(crate)]) == 1
    assert name in questions[0] and "[y/N]" in questions[0]
    assert _names(capsys) == [name]
    assert main(["remove", name]) == 0
    assert f"Removed “{name}”" in capsys.readouterr().out
    assert _names(capsys) == []


def test_remove_with_yes_and_an_unknown_playlist(
    crate: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["remove", "nope", "--yes"]) == 1
    assert "No playlist 'nope'" in capsys.readouterr().err
    assert main(["remove", str(crate), "--yes"]) == 0
    assert _names(capsys) == []


def test_tables_say_the_window_s_state_words_and_json_keeps_the_stored_ones(
    crate: int, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = [t["state"] for t in _show(capsys, crate)]
    assert "complete" in stored and "not_found" in stored  # the crate has both
    assert main(["show", str(crate)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(stored) + 1
    for line, state in zip(lines[1:], stored, strict=True):
        assert f"  {track_state_label(state)}" in line
        assert "complete" not in line and "not_found" not in line
    assert {track_state_label(s) for s in stored} >= {"done", "not found"}

    capsys.readouterr()
    assert main(["playlists", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["states"] == {"complete": 3, "partial": 2}  # the local file has no track
    assert main(["playlists"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert "  3 done, 2 partial  " in row and "complete" not in row
    assert state_counts_text(listed["states"]) == "3 done, 2 partial"


def test_remove_json_says_what_was_removed(crate: int, capsys: pytest.CaptureFixture[str]) -> None:
    name = _names(capsys)[0]
    capsys.readouterr()
    assert main(["remove", str(crate), "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["removed"] is True
    assert report["playlist"]["id"] == crate and report["playlist"]["name"] == name
    assert _names(capsys) == []


def test_remove_json_asks_on_stderr_and_keeps_stdout_json(
    crate: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    capsys.readouterr()
    assert main(["remove", str(crate), "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["removed"] is False
    assert "[y/N]" in captured.err
    assert len(_names(capsys)) == 1
