"""``EngineServices`` on the REAL engine (Runtime + Library + cache over the loopback sandbox).

No window: these drive the adapter the way the panels do and check what the library and the
bus say afterwards. Waits are on conditions (``qtbot.waitUntil``), never sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from djdesk.core.events import JobStateChanged, LogMessage
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.service_factory import Opened, demo_links
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of


def _url(sandbox: SandboxThread, service: str, size: int = 25) -> str:
    return next(d.url for d in demo_links(sandbox) if d.service == service and d.size == size)


def _ids(engine: EngineServices) -> set[str]:
    return {p.id for p in engine.playlists()}


def test_awaited_remove_has_deleted_the_playlist(
    started: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    engine = started.engine
    pid = arun(engine.import_link(_url(sandbox, "deezer")), 10000)
    arun(engine.refresh_playlists())
    assert pid in _ids(engine)
    done = engine.remove(pid)
    assert pid not in _ids(engine)  # the snapshot drops it at once
    arun(done)  # ... and once awaited, the library has deleted it too
    arun(engine.refresh_playlists())
    assert pid not in _ids(engine)
    assert arun(started.runtime.library.get_playlist(int(pid))) is None


def test_remove_fired_without_await_still_deletes(
    qtbot: Any, started: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    engine = started.engine
    pid = arun(engine.import_link(_url(sandbox, "deezer")), 10000)
    engine.remove(pid)  # the old call shape: nobody waits on it
    lib = started.runtime.library
    qtbot.waitUntil(lambda: arun(lib.get_playlist(int(pid))) is None, timeout=5000)


def test_remove_mid_run_deletes_even_while_tracks_wait_on_rate_limits(
    qtbot: Any, started: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    engine = started.engine
    states: list[JobStateChanged] = []
    engine.events.subscribe(JobStateChanged, states.append)
    # 200 tracks at the app's real rates: a soft stop would wait on ~40 s of Last.fm turns.
    pid = arun(engine.import_link(_url(sandbox, "spotify", 200)), 10000)
    run = asyncio.ensure_future(engine.enrich(pid))
    qtbot.waitUntil(lambda: any(s.done >= 2 for s in states), timeout=20000)
    arun(engine.remove(pid), 5000)
    assert arun(started.runtime.library.get_playlist(int(pid))) is None
    qtbot.waitUntil(run.done, timeout=3000)


def test_a_restart_announces_stopped_runs_and_resumes_against_the_whole_playlist(
    qtbot: Any, started: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    first = started.engine
    states: list[JobStateChanged] = []
    first.events.subscribe(JobStateChanged, states.append)
    pid = arun(first.import_link(_url(sandbox, "spotify")), 10000)
    run = asyncio.ensure_future(first.enrich(pid))
    qtbot.waitUntil(lambda: any(s.done >= 2 for s in states), timeout=20000)
    arun(first.aclose())  # the window closes mid-run: the job is stopped, resumable
    qtbot.waitUntil(run.done, timeout=3000)
    rt = started.runtime
    (job,) = arun(rt.library.list_jobs())
    assert job.state == "cancelled"
    kept = arun(rt.library.unit_counts(job.id)).get("enrich", 0)
    assert 2 <= kept < 25

    # "Restart": a new adapter on the library says what can resume, and how.
    second = EngineServices()
    seen: list[Any] = []
    second.events.subscribe(None, seen.append)
    second.attach(rt)
    try:
        qtbot.waitUntil(lambda: any(isinstance(e, JobStateChanged) for e in seen), timeout=5000)
        announced = next(e for e in seen if isinstance(e, JobStateChanged))
        assert (announced.job_id, announced.state) == (pid, "cancelled")
        assert (announced.done, announced.total) == (kept, 25)
        lines = [e.message for e in seen if isinstance(e, LogMessage)]
        assert any("1 stopped run can resume" in m and "Ctrl+R" in m for m in lines), lines

        arun(second.enrich(pid), 30000)  # re-enrich resumes the stopped job
        running = [e for e in seen if isinstance(e, JobStateChanged) and e.total][1:]
        assert running, seen
        assert all(e.total == 25 for e in running)  # never "N of N" for what was left
        assert running[0].done >= kept
        assert (running[-1].state, running[-1].done) == ("done", 25)
    finally:
        arun(second.aclose())


def test_pin_then_unpin_in_the_window_reads_the_track_again(
    started: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    """Pin another Deezer record, then Unpin it: the library, the engine's pins and the
    track's values follow each time, and the log says what happened."""
    engine, rt = started.engine, started.runtime
    said: list[LogMessage] = []
    engine.events.subscribe(LogMessage, said.append)
    pid = arun(engine.import_link(_url(sandbox, "deezer")), 10000)
    arun(engine.enrich(pid), 20000)
    arun(engine.load_playlist(pid))
    tid = engine.track_ids(pid)[0]
    (row,) = arun(rt.library.track_rows([tid]))
    own = row.ids["deezer"]
    rank = row.doc["rank"]["value"]
    other = next(t for t in catalog_of(sandbox).tracks if t.readable and t.rank != rank)
    arun(engine.pin(tid, "deezer", str(other.deezer_id)), 10000)
    (pinned,) = arun(rt.library.track_rows([tid]))
    assert pinned.ids["deezer"] == str(other.deezer_id)
    assert pinned.doc["rank"]["value"] == other.rank != row.doc["rank"]["value"]
    arun(engine.unpin(tid, "deezer"), 10000)
    (after,) = arun(rt.library.track_rows([tid]))
    assert after.ids["deezer"] == own and after.doc["rank"]["value"] == row.doc["rank"]["value"]
    assert arun(rt.library.pins_for(tid)) == {} and tid not in rt.engine.pins
    assert any("Unpinned deezer for track" in m.message for m in said)
