"""Settings: defaults, validation messages that name the key, migrations, env overrides."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from djdesk.core import settings as s
from djdesk.core.errors import ConfigError
from djdesk.core.models import DEFAULT_ENDPOINTS


def test_defaults_when_no_file(tmp_path: Path) -> None:
    loaded = s.load(tmp_path / "missing.toml", environ={})
    assert loaded == s.Settings()
    assert loaded.endpoints == DEFAULT_ENDPOINTS


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    original = replace(s.Settings(), key_notation="open_key", ttl={"deezer.track": 60.0})
    s.save(original, path)
    assert s.load(path, environ={}) == original


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ('key_notation = "solfege"', ["key_notation", "solfege"]),
        ("bpm_min = 300", ["bpm_min", "300"]),
        ("demo = 1", ["demo", "1"]),
        ('[endpoints]\ndeezer = "ftp://x"', ["endpoints.deezer", "ftp://x"]),
        ('[endpoints]\nnapster = "http://x"', ["endpoints.napster"]),
        ("[rates]\nlastfm = -1", ["rates.lastfm", "-1"]),
        ("[rates]\nlastfm = nan", ["rates.lastfm", "nan"]),
        ("[rates]\ndeezer = inf", ["rates.deezer", "inf"]),
        ('[ttl]\n"deezer.track" = nan', ["ttl.deezer.track", "nan"]),
        ('[ttl]\n"deezer.track" = "soon"', ["ttl.deezer.track", "soon"]),
    ],
)
def test_bad_values_name_key_and_value(tmp_path: Path, toml: str, names: list[str]) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as err:
        s.load(path, environ={})
    for name in names:
        assert name in err.value.message


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("key_notation = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        s.load(path, environ={})


def test_v1_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("schema_version = 1\nrate_limit = 2.5\n")
    loaded = s.load(path, environ={})
    assert loaded.schema_version == s.SCHEMA_VERSION
    assert set(loaded.rates.values()) == {2.5}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("schema_version = 99\n")
    with pytest.raises(ConfigError, match="newer"):
        s.load(path, environ={})
    assert path.read_text() == "schema_version = 99\n"


def test_endpoints_env_overrides_for_one_process(tmp_path: Path) -> None:
    env = {"DJDESK_ENDPOINTS": json.dumps({"deezer": "http://127.0.0.1:9000"})}
    loaded = s.load(tmp_path / "none.toml", environ=env)
    assert loaded.endpoints["deezer"] == "http://127.0.0.1:9000"
    assert loaded.endpoints["spotify"] == DEFAULT_ENDPOINTS["spotify"]


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '{"deezer": "nope"}'])
def test_bad_endpoints_env_says_what_to_do(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        s.load(tmp_path / "none.toml", environ={"DJDESK_ENDPOINTS": value})
    assert "DJDESK_ENDPOINTS" in str(err.value) or "endpoints.deezer" in str(err.value)


def test_save_never_persists_process_endpoints(tmp_path: Path) -> None:
    """DJDESK_ENDPOINTS is per process: saving (say, a key notation change) keeps the file's URL."""
    path = tmp_path / "settings.toml"
    path.write_text('[endpoints]\nlastfm = "https://mirror.example/2.0"\n')
    env = {
        "DJDESK_ENDPOINTS": json.dumps(
            {"deezer": "http://127.0.0.1:9000", "lastfm": "http://127.0.0.1:9001/2.0"}
        )
    }
    loaded = s.load(path, environ=env)
    assert loaded.endpoints["deezer"] == "http://127.0.0.1:9000"
    s.save(replace(loaded, key_notation="open_key"), path)
    text = path.read_text()
    assert "127.0.0.1" not in text
    assert "process_endpoints" not in text
    again = s.load(path, environ={})
    assert again.key_notation == "open_key"
    assert again.endpoints["deezer"] == DEFAULT_ENDPOINTS["deezer"]
    assert again.endpoints["lastfm"] == "https://mirror.example/2.0"


def test_endpoint_changed_after_env_override_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    env = {"DJDESK_ENDPOINTS": json.dumps({"deezer": "http://127.0.0.1:9000"})}
    loaded = s.load(path, environ=env)
    edited = replace(loaded, endpoints={**loaded.endpoints, "deezer": "https://dz.example"})
    s.save(edited, path)
    assert s.load(path, environ={}).endpoints["deezer"] == "https://dz.example"


def test_process_endpoints_in_the_file_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[process_endpoints]\ndeezer = ["a", "b"]\n')
    assert s.load(path, environ={}).process_endpoints == {}


def test_process_endpoints_applied_twice_still_save_the_file_value(tmp_path: Path) -> None:
    """A demo sandbox on top of DJDESK_ENDPOINTS: neither port reaches the file."""
    path = tmp_path / "settings.toml"
    env = {"DJDESK_ENDPOINTS": json.dumps({"deezer": "http://127.0.0.1:9000"})}
    loaded = s.load(path, environ=env).with_process_endpoints({"deezer": "http://127.0.0.1:9100"})
    assert loaded.endpoints["deezer"] == "http://127.0.0.1:9100"
    s.save(loaded, path)
    assert "127.0.0.1" not in path.read_text()
    assert s.load(path, environ={}).endpoints["deezer"] == DEFAULT_ENDPOINTS["deezer"]
