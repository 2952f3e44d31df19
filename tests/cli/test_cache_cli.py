"""``djdesk cache ...`` end to end through ``main([...])`` on the test's private DJDESK_HOME."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from djdesk.cli.main import main
from djdesk.core.cache.store import CacheStore
from djdesk.core.paths import default_paths


def seed() -> None:
    async def fill() -> None:
        store = await CacheStore.open(default_paths().ensure().cache_db)
        try:
            await store.set_many("deezer.track", {"3135556": {"title": "Harder"}, "42": {"t": 2}})
            await store.set("lastfm.track", "cher:believe", {"listeners": 1}, negative=True)
            await store.get("deezer.track", "3135556")
        finally:
            await store.aclose()

    asyncio.run(fill())


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(["cache", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_json_on_an_empty_cache_lists_known_namespaces(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "stats")
    assert isinstance(data, dict)
    assert data["path"] == str(default_paths().cache_db)
    rows = {r["namespace"]: r for r in data["namespaces"]}
    assert rows["deezer.track"]["ttl"] == 90 * 86400 and rows["deezer.track"]["entries"] == 0
    assert data["totals"]["entries"] == 0


def test_stats_counts_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    seed()
    data = run_json(capsys, "stats")
    rows = {r["namespace"]: r for r in data["namespaces"]}  # type: ignore[index]
    assert rows["deezer.track"]["entries"] == 2 and rows["deezer.track"]["hits"] == 1
    assert main(["cache", "stats"]) == 0
    out = capsys.readouterr().out
    assert "deezer.track" in out and "90d" in out and "total: 3 entries" in out


def test_ls_show_rm_expire(capsys: pytest.CaptureFixture[str]) -> None:
    seed()
    listed = run_json(capsys, "ls", "deezer", "--limit", "1")
    assert listed["total"] == 2 and [e["key"] for e in listed["entries"]] == ["3135556"]  # type: ignore[index]
    assert main(["cache", "ls", "--search", "cher"]) == 0
    out = capsys.readouterr().out
    assert "lastfm.track:cher:believe" in out and "1 of 1 entries" in out

    shown = run_json(capsys, "show", "deezer.track:3135556")
    assert shown["value"] == {"title": "Harder"} and shown["namespace"] == "deezer.track"  # type: ignore[index]
    assert main(["cache", "show", "lastfm.track:cher:believe"]) == 0
    assert '"listeners": 1' in capsys.readouterr().out

    assert run_json(capsys, "expire", "deezer.track:42") == {
        "entry": "deezer.track:42",
        "expired": True,
    }
    assert main(["cache", "ls", "deezer.track"]) == 0
    assert "expired" in capsys.readouterr().out
    assert main(["cache", "rm", "deezer.track:42"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert main(["cache", "rm", "deezer.track:42"]) == 1
    assert "no such entry" in capsys.readouterr().err


def test_bad_key_and_missing_entry_explain_themselves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "show", "3135556"]) == 1
    err = capsys.readouterr().err
    assert "NAMESPACE:KEY" in err and "deezer.track:3135556" in err
    assert main(["cache", "show", "deezer.track:0"]) == 1
    assert "No cache entry" in capsys.readouterr().err


def test_bump_then_vacuum(capsys: pytest.CaptureFixture[str]) -> None:
    seed()
    assert run_json(capsys, "bump", "deezer") == {"namespace": "deezer", "version": 1}
    assert run_json(capsys, "ls", "deezer")["total"] == 0  # type: ignore[index]
    assert main(["cache", "bump", "deezer"]) == 0
    assert "now version 2" in capsys.readouterr().out
    result = run_json(capsys, "vacuum")
    assert result["swept"] == 2  # type: ignore[index]
    assert run_json(capsys, "ls", "--all-versions")["total"] == 1  # type: ignore[index]


def test_purge_everything_needs_yes_when_not_interactive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed()
    assert main(["cache", "purge"]) == 1
    err = capsys.readouterr().err
    assert "--yes" in err and "not run interactively" in err
    assert run_json(capsys, "purge", "lastfm") == {"namespace": "lastfm", "deleted": 1}
    assert run_json(capsys, "purge", "--yes") == {"namespace": None, "deleted": 2}


def test_purge_asks_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["cache", "purge"]) == 1
    assert "nothing deleted" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["cache", "purge"]) == 0
    assert "deleted 3 entries" in capsys.readouterr().out


def test_export_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    seed()
    target = tmp_path / "carry.jsonl.gz"
    assert run_json(capsys, "export", str(target)) == {"file": str(target), "entries": 3}
    assert main(["cache", "purge", "--yes"]) == 0
    assert main(["cache", "import", str(target)]) == 0
    assert "imported 3 entries" in capsys.readouterr().out
    assert run_json(capsys, "import", str(target)) == {
        "file": str(target),
        "imported": 0,
        "skipped": 3,
    }
    assert main(["cache", "export", str(tmp_path / "plain.jsonl")]) == 0
    assert "exported 3 entries" in capsys.readouterr().out


def test_corrupt_cache_warns_and_keeps_going(capsys: pytest.CaptureFixture[str]) -> None:
    path = default_paths().ensure().cache_db
    path.write_bytes(b"garbage" * 1000)
    assert main(["cache", "stats"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "moved to cache.sqlite3.corrupt-" in err


@pytest.mark.parametrize(
    "argv",
    [["cache"], *[["cache", a] for a in ("stats", "ls", "show", "rm", "expire", "purge",
                                         "bump", "vacuum", "export", "import")]],
)  # fmt: skip
def test_help_everywhere(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "usage: djdesk cache" in out
    if argv[-1] in ("show", "rm", "expire"):
        assert "NAMESPACE:KEY" in out


def test_cache_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache"]) == 2
    assert "ACTION" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["bump", "Deezer!"], ["ls", "x y"], ["purge", "a:b"]])
def test_malformed_namespace_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["cache", *argv])
    assert exc.value.code == 2
    assert "is not a namespace" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["bump", "purge", "ls"])
def test_unknown_namespace_is_named_with_what_exists(
    capsys: pytest.CaptureFixture[str], action: str
) -> None:
    seed()
    assert main(["cache", action, "deezr"]) == 1
    err = capsys.readouterr().err
    assert "no namespace 'deezr'" in err and "deezer" in err
    # Nothing was bumped or deleted: the real namespace still has its entries.
    listed = run_json(capsys, "ls", "deezer")
    assert listed["total"] == 2  # type: ignore[index]


def test_entry_with_malformed_namespace_is_an_input_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cache", "show", "Bad NS:1"]) == 1
    assert "is not an entry name" in capsys.readouterr().err
