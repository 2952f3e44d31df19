"""Run ``djdesk`` in process and read what it printed as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from djdesk.cli.main import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """``djdesk ARGV`` must succeed; its stdout (only this command's) parsed as JSON."""
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)
