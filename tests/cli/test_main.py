"""``djdesk`` on an unusable DJDESK_HOME: a message and exit code 1, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk.cli.main import main
from djdesk.core import logs


@pytest.fixture
def blocked_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DJDESK_HOME", str(blocker / "home"))
    yield blocker / "home"
    logs.teardown_logging()


def test_paths_still_shows_where_when_the_home_cannot_be_created(
    blocked_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["paths"]) == 0
    captured = capsys.readouterr()
    assert str(blocked_home / "config") in captured.out
    assert "no log file" in captured.err


def test_a_command_that_writes_there_fails_with_a_message(
    blocked_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "stats"]) == 1
    err = capsys.readouterr().err
    assert "error: Not a directory" in err and "Traceback" not in err
    assert "djdesk paths" in err
