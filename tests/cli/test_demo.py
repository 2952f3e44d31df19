"""The CLI demo session: its sandbox endpoints are for this process, never the settings file."""

from __future__ import annotations

from pathlib import Path

from djdesk.cli.demo import DemoSession
from djdesk.core import settings as s
from djdesk.core.secrets import SecretStore


def test_demo_settings_keep_the_sandbox_out_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    demo = DemoSession({"deezer": "http://127.0.0.1:9200"}, SecretStore())
    settings = demo.settings(s.load(path, environ={}))
    assert settings.demo and settings.endpoints["deezer"] == "http://127.0.0.1:9200"
    s.save(settings, path)
    assert "127.0.0.1" not in path.read_text()
