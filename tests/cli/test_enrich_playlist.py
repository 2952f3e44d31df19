"""``djdesk enrich PLAYLIST``: a library playlist by number or name, as the window's Re-enrich.

On one shared fast sandbox (loopback only), each test with its own DJDESK_HOME. A stopped job
is made the way a user makes one: a real run cancelled after a few tracks.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from djdesk.cli.main import main
from djdesk.core.events import PlanReady
from djdesk.sandbox import SandboxThread
from tests.cli.cli_json import run_json
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime

pytestmark = pytest.mark.usefixtures("wired")


def test_a_playlist_number_or_name_enriches_it_again_from_its_link(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    assert main(["enrich", "--demo", "-q", url]) == 0
    (playlist,) = run_json(capsys, "playlists", "--json")

    rows = run_json(capsys, "enrich", "--demo", "-q", str(playlist["id"]), "--format", "json")
    assert len(rows) == 25 and {r["input"]["input"] for r in rows} == {url}
    rows = run_json(capsys, "enrich", "--demo", "-q", playlist["name"].upper(), "--format", "json")
    assert len(rows) == 25

    jobs = run_json(capsys, "jobs", "--json")
    assert [j["input"] for j in jobs] == [url] * 3, "two new runs from the playlist's link"
    assert {j["playlist_id"] for j in jobs} == {playlist["id"]}
    assert {j["state"] for j in jobs} == {"done"}
    assert len(run_json(capsys, "playlists", "--json")) == 1, "the same playlist, not a new one"


async def _stopped_runs(url: str, endpoints: dict[str, str], runs: int) -> list[str]:
    """Start ``runs`` real runs one after another, each stopped (as Stop or Ctrl+C does) once
    its plan is made; returns their job ids, oldest first."""
    async with sandbox_runtime(endpoints) as rt:
        jobs: list[str] = []
        for _ in range(runs):
            planned: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            unsubscribe = rt.events.subscribe(
                PlanReady, lambda e, f=planned: f.done() or f.set_result(e.job_id)
            )
            task = asyncio.ensure_future(rt.engine.enrich(url))
            job_id = await planned
            unsubscribe()
            rt.engine.cancel(job_id)
            assert (await task).state == "cancelled"
            jobs.append(job_id)
        return jobs


def test_the_latest_stopped_run_of_the_playlist_is_resumed_not_started_again(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    older, latest = asyncio.run(_stopped_runs(url, sandbox.endpoints, 2))
    assert {j["state"] for j in run_json(capsys, "jobs", "--json")} == {"cancelled"}
    assert "2 stopped" in _table_states(capsys), "the jobs table says stopped, as the window"

    assert main(["enrich", "--demo", "1", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 25
    assert f"Resuming job {latest} of “Demo crate 25”: its finished tracks are kept" in (
        captured.err
    )
    states = {j["id"]: j["state"] for j in run_json(capsys, "jobs", "--json")}
    assert states == {older: "cancelled", latest: "done"}, "no new job; the latest one resumed"


def _table_states(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["jobs"]) == 0
    words = [line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]]
    return ", ".join(f"{words.count(w)} {w}" for w in sorted(set(words)))


def test_options_given_to_a_resumed_job_are_said_to_be_its_own(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_url(catalog_of(sandbox), "deezer", 25)
    (job_id,) = asyncio.run(_stopped_runs(url, sandbox.endpoints, 1))
    assert main(["enrich", "--demo", "Demo crate 25", "--budget", "deezer=1"]) == 0
    err = capsys.readouterr().err
    assert f"Resuming job {job_id}" in err
    assert "The job keeps the options it was started with" in err
    (job,) = run_json(capsys, "jobs", "--json")
    assert job["options"]["budgets"] == {}, "resumed as it was started"


def test_an_ambiguous_name_lists_the_playlists_it_matches(
    sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = catalog_of(sandbox)
    for service in ("deezer", "spotify"):
        assert main(["enrich", "--demo", "-q", demo_url(catalog, service, 25)]) == 0
    capsys.readouterr()

    assert main(["enrich", "--demo", "Demo crate 25"]) == 1
    err = capsys.readouterr().err
    assert "2 playlists are called 'Demo crate 25'" in err
    assert "#1 (deezer, 25 entries)" in err and "#2 (spotify, 25 entries)" in err
    assert "hint: Give the playlist's number instead" in err
    assert len(run_json(capsys, "jobs", "--json")) == 2, "nothing ran"

    assert main(["show", "Demo crate 25"]) == 1, "show uses the same lookup"
    assert "#1 (deezer, 25 entries)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["hello"],
            [
                "error: 'hello' is neither a link DJDesk recognises nor a playlist in the library.",
                "hint: Give a Spotify or Deezer playlist, album or track link, an Exportify CSV "
                "file, or a playlist's number or name from `djdesk playlists`.",
            ],
        ),
        (["7"], ["error: '7' is neither a link DJDesk recognises nor a playlist in the library."]),
        (["nope.csv"], ["error: The file 'nope.csv' does not exist."]),
        (["--resume", "nope"], ["error: No job 'nope' in the library."]),
    ],
)
def test_bad_input_is_refused_before_any_progress_is_drawn(
    argv: list[str], said: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enrich", "--demo", *argv]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[: len(said)] == said
    assert [line for line in lines if not line.startswith(("error: ", "hint: "))] == []
    assert captured.out == ""
