"""Paths: DJDESK_HOME relocates everything under one folder."""

from __future__ import annotations

from pathlib import Path

from djdesk.core.paths import default_paths


def test_djdesk_home_relocates_everything(tmp_path: Path) -> None:
    paths = default_paths({"DJDESK_HOME": str(tmp_path)})
    for value in paths.as_dict().values():
        assert Path(value).is_relative_to(tmp_path)
    assert paths.cache_db != paths.library_db


def test_ensure_creates_folders(tmp_path: Path) -> None:
    paths = default_paths({"DJDESK_HOME": str(tmp_path / "h")}).ensure()
    assert paths.config_dir.is_dir() and paths.log_dir.is_dir()


def test_platform_dirs_without_home() -> None:
    paths = default_paths({})
    assert "DJDesk" in str(paths.config_dir)
