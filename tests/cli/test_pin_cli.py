"""``djdesk pin`` on a shared fast sandbox: a pinned or unpinned track is enriched again at once.

The sandbox's catalog knows every record's values, so the test checks the printed changes and
the stored track against the pinned record's own Deezer rank and release date.
"""

from __future__ import annotations

from typing import Any

import pytest

from djdesk.cli.main import main
from djdesk.core.engine.enricher import Engine
from djdesk.core.errors import StorageError
from djdesk.sandbox import SandboxThread
from djdesk.sandbox.records import Track
from tests.cli.cli_json import run_json
from tests.core.engine.sandbox_env import catalog_of, demo_url, provider_calls

pytestmark = pytest.mark.usefixtures("wired")


def enriched_first(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, Any], Track]:
    """Enrich a Deezer demo playlist; its first track, and another record to pin on it."""
    catalog = catalog_of(sandbox)
    rows = run_json(
        capsys, "enrich", "--demo", "-q", demo_url(catalog, "deezer", 25), "--format", "json"
    )
    first = rows[0]
    assert first["track_id"] is not None and first["ids"]["deezer"]
    other = next(
        t
        for t in catalog.tracks
        if str(t.deezer_id) != first["ids"]["deezer"]
        and t.rank != first["fields"]["rank"]["value"]
        and t.deezer_release_date != first["fields"]["release_date"]["value"]
    )
    return first, other


def stored(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    (playlist,) = run_json(capsys, "playlists", "--json")
    return run_json(capsys, "show", str(playlist["id"]), "--json")["tracks"][0]


def test_pin_enriches_the_track_again_and_prints_what_changed(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other = enriched_first(sandbox, capsys)
    track, old_id = str(first["track_id"]), first["ids"]["deezer"]
    calls = provider_calls(sandbox)

    assert main(["pin", track, "deezer", str(other.deezer_id), "--demo"]) == 0
    out = capsys.readouterr()
    assert provider_calls(sandbox) > calls, "the pinned record was read from Deezer"
    lines = out.out.splitlines()
    assert lines[0].startswith(
        f"pinned deezer {other.deezer_id} to track {track}; enriched again: "
    )
    assert lines[1].split()[:2] == ["track_id", "artists"]
    assert lines[2].split()[0] == track
    changed = {line.split()[0]: line.split()[1:] for line in lines[lines.index("") + 2 :]}
    assert changed["id:deezer"] == [old_id, str(other.deezer_id)]
    assert changed["rank"][-2:] == [str(other.rank), "deezer"]
    assert changed["release_date"][-2:] == [other.deezer_release_date, "deezer"]
    assert "re-enriching track" in out.err

    after = stored(capsys)
    assert after["ids"]["deezer"] == str(other.deezer_id)
    assert after["fields"]["rank"]["value"] == other.rank
    assert after["fields"]["release_date"]["value"] == other.deezer_release_date
    jobs = run_json(capsys, "jobs", "--json")
    assert sorted(j["input"].split(":")[0] for j in jobs) == ["https", "track"]
    assert {j["state"] for j in jobs} == {"done"}


def test_pin_json_gives_the_states_changes_and_the_track(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other = enriched_first(sandbox, capsys)
    result = run_json(
        capsys, "pin", str(first["track_id"]), "deezer", str(other.deezer_id), "--demo", "--json"
    )
    assert result["pinned"] == {"provider": "deezer", "id": str(other.deezer_id)}
    assert result["state_before"] == first["state"]
    assert result["state"] == result["track"]["state"] == stored(capsys)["state"]
    changed = {c["field"]: c for c in result["changed"]}
    assert changed["id:deezer"]["after"] == str(other.deezer_id)
    assert changed["rank"]["after"] == str(other.rank)
    assert result["track"]["fields"]["rank"]["value"] == other.rank
    unchanged = set(first["fields"]) - set(changed)
    for name in unchanged:
        assert result["track"]["fields"][name]["value"] == first["fields"][name]["value"]


def test_no_enrich_only_stores_the_pin_and_remove_takes_it_off(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other = enriched_first(sandbox, capsys)
    track = str(first["track_id"])
    calls = provider_calls(sandbox)

    assert main(["pin", track, "deezer", str(other.deezer_id), "--no-enrich"]) == 0
    assert capsys.readouterr().out.strip() == f"pinned deezer {other.deezer_id} to track {track}"
    assert provider_calls(sandbox) == calls, "no provider call"
    after = stored(capsys)
    assert after["ids"]["deezer"] == str(other.deezer_id), "the pin wins at once"
    assert after["fields"]["rank"] == first["fields"]["rank"], "values wait for the next run"
    assert len(run_json(capsys, "jobs", "--json")) == 1

    assert main(["pin", track, "deezer", "--remove", "--no-enrich"]) == 0
    assert capsys.readouterr().out.strip() == "pin removed"
    assert provider_calls(sandbox) == calls, "no provider call"
    assert len(run_json(capsys, "jobs", "--json")) == 1
    assert main(["pin", track, "deezer", "--remove", "--no-enrich"]) == 0
    assert capsys.readouterr().out.strip() == "there was no pin"


def test_remove_enriches_the_track_again_without_the_pin(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other = enriched_first(sandbox, capsys)
    track, old_id = str(first["track_id"]), first["ids"]["deezer"]
    assert main(["pin", track, "deezer", str(other.deezer_id), "--demo"]) == 0
    capsys.readouterr()
    assert stored(capsys)["fields"]["rank"]["value"] == other.rank

    unpinned: list[tuple[int, str]] = []
    real_unpin = Engine.unpin_track

    async def unpin(self: Engine, track_id: int, provider: str) -> str:
        unpinned.append((track_id, provider))
        return await real_unpin(self, track_id, provider)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Engine, "unpin_track", unpin)
        assert main(["pin", track, "deezer", "--remove", "--demo"]) == 0
    assert unpinned == [(int(track), "deezer")], "the window's door, Engine.unpin_track"
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].startswith(
        f"removed the deezer pin {other.deezer_id} from track {track}; enriched again: "
    )
    assert lines[2].split()[0] == track
    changed = {line.split()[0]: line.split()[1:] for line in lines[lines.index("") + 2 :]}
    assert changed["id:deezer"] == [str(other.deezer_id), old_id]
    assert changed["rank"][-2:] == [str(first["fields"]["rank"]["value"]), "deezer"]
    assert f"without its deezer pin {other.deezer_id}" in out.err

    after = stored(capsys)
    assert after["ids"] == first["ids"], "the track's own ids again"
    for name in ("rank", "release_date"):
        assert after["fields"][name]["value"] == first["fields"][name]["value"]
    jobs = run_json(capsys, "jobs", "--json")
    assert sorted(j["input"].split(":")[0] for j in jobs) == ["https", "track", "track"]
    assert {j["state"] for j in jobs} == {"done"}


def test_remove_json_and_a_missing_pin_enrich_nothing(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other = enriched_first(sandbox, capsys)
    track = str(first["track_id"])
    calls = provider_calls(sandbox)
    nothing = run_json(capsys, "pin", track, "deezer", "--remove", "--demo", "--json")
    assert nothing["unpinned"] is None and nothing["changed"] == []
    assert nothing["state"] == nothing["state_before"] == first["state"]
    assert provider_calls(sandbox) == calls, "no pin, no re-enrich"
    assert len(run_json(capsys, "jobs", "--json")) == 1

    assert main(["pin", track, "deezer", str(other.deezer_id), "--no-enrich"]) == 0
    capsys.readouterr()
    result = run_json(capsys, "pin", track, "deezer", "--remove", "--demo", "--json")
    assert result["unpinned"] == {"provider": "deezer", "id": str(other.deezer_id)}
    changed = {c["field"]: c for c in result["changed"]}
    assert changed["id:deezer"] == {
        "field": "id:deezer",
        "before": str(other.deezer_id),
        "after": first["ids"]["deezer"],
        "source": "",
    }
    assert "rank" not in changed, "--no-enrich left the values; the re-enrich keeps them"
    assert result["track"]["fields"]["rank"]["value"] == first["fields"]["rank"]["value"]
    assert result["state"] == result["track"]["state"] == stored(capsys)["state"]


def test_unknown_track_and_missing_id_are_explained(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    enriched_first(sandbox, capsys)
    calls = provider_calls(sandbox)
    for extra in ([], ["--no-enrich"]):
        assert main(["pin", "999999", "deezer", "123", "--demo", *extra]) == 1
        err = capsys.readouterr().err
        assert "No track 999999 in the library." in err and "track_id" in err
    assert provider_calls(sandbox) == calls
    assert main(["pin", "1", "deezer"]) == 1
    assert "Give the id to pin." in capsys.readouterr().err


def test_a_failed_re_enrich_after_remove_says_the_pin_stays_removed(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, other = enriched_first(sandbox, capsys)
    track = str(first["track_id"])
    assert main(["pin", track, "deezer", str(other.deezer_id), "--no-enrich"]) == 0
    capsys.readouterr()

    async def fails(self: Engine, track_id: int, *, job_id: str | None = None) -> str:
        raise StorageError("The library database is locked.")

    monkeypatch.setattr(Engine, "reenrich_track", fails)
    assert main(["pin", track, "deezer", "--remove", "--demo"]) == 1
    err = capsys.readouterr().err
    assert "Unpinned, but enriching the track again failed: The library" in err
    assert "The pin stays removed" in err
    assert stored(capsys)["ids"]["deezer"] == first["ids"]["deezer"]
