"""The house rules that keep the core headless, checked from outside the code."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["djdesk.cli.main", "djdesk.core.settings", "djdesk.sandbox"])
def test_headless_modules_do_not_load_qt(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_help_runs_without_qt() -> None:
    code = (
        "import sys; from djdesk.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "sys.exit(1 if 'PySide6' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "djdesk" in done.stdout
