"""``djdesk config``: the settings the dialog edits, from the shell, validated and saved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk.cli.main import main
from djdesk.core import logs
from djdesk.core import settings as settings_mod
from djdesk.core.paths import default_paths
from djdesk.core.runtime import planned_rates


@pytest.fixture(autouse=True)
def home(djdesk_home: Path) -> Iterator[Path]:
    yield djdesk_home
    logs.teardown_logging()


def _saved() -> settings_mod.Settings:
    return settings_mod.load(default_paths().settings_file)


def test_list_shows_every_setting_with_the_planned_rates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "list", "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    planned = planned_rates(settings_mod.Settings())
    assert rows["rates.lastfm"]["planned"] == planned["lastfm"] == 4.75
    assert rows["rates.reccobeats"]["planned"] == planned["reccobeats"]
    assert rows["key_notation"]["value"] == "camelot"
    assert rows["ttl.deezer.track"]["value"] == 90 * 86400
    assert {"demo", "bpm_min", "endpoints.lastfm"} <= rows.keys()
    assert main(["config"]) == 0
    table = capsys.readouterr().out
    assert "planned 4.75/s" in table and "ttl.deezer.track" in table and "90d" in table


def test_set_get_unset_round_trip_through_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "key_notation", "open_key"]) == 0
    assert main(["config", "set", "rates.lastfm", "2"]) == 0
    assert main(["config", "set", "ttl.deezer.track", "30d"]) == 0
    assert main(["config", "set", "demo", "yes"]) == 0
    saved = _saved()
    assert saved.key_notation == "open_key" and saved.demo is True
    assert saved.rates["lastfm"] == 2.0 and saved.ttl == {"deezer.track": 30 * 86400}
    capsys.readouterr()
    assert main(["config", "get", "ttl.deezer.track"]) == 0
    assert capsys.readouterr().out.strip() == "30d"
    assert main(["config", "unset", "ttl.deezer.track"]) == 0
    assert main(["config", "unset", "rates.lastfm"]) == 0
    assert _saved().ttl == {} and _saved().rates == settings_mod.Settings().rates
    assert main(["config", "get", "ttl.deezer.track"]) == 0
    assert capsys.readouterr().out.strip().endswith("90d")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["set", "key_notation", "lancelot"], "expected one of camelot, open_key, classic"),
        (["set", "rates.lastfmx", "3"], "'lastfmx' is not a provider"),
        (["set", "rates.lastfm", "-1"], "a positive number of requests per second"),
        (["set", "ttl.deezer.track", "soon"], "'soon' is not a lifetime"),
        (["set", "ttl.nope", "1d"], "'nope' is not a cache namespace"),
        (["set", "bpm_min", "300"], "20 <= bpm_min < bpm_max <= 400"),
        (["set", "demo", "maybe"], "true or false"),
        (["get", "colour"], "There is no setting 'colour'"),
    ],
)
def test_bad_values_are_clear_errors_and_nothing_is_saved(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", *args]) == 1
    err = capsys.readouterr().err
    assert said in err and "hint:" in err
    assert not default_paths().settings_file.exists()


@pytest.mark.parametrize(
    "argv", [["config", "--json"], ["config", "list", "--json"], ["config", "--json", "list"]]
)
def test_config_alone_is_list_and_takes_json_too(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"] for r in rows} >= {"key_notation", "rates.lastfm"}


def test_without_json_config_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["config"], ["config", "list"]):
        assert main(argv) == 0
        assert capsys.readouterr().out.split()[:4] == ["key", "value", "default", "note"]
