"""Resumable jobs: the unit journal commits with its results, survives kill -9, resume skips it."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.library import FieldValue, LibraryStore, TrackInput, UnitDone
from tests.core.library.procs import finish, go, start_worker
from tests.core.library.worker import STEPS, unit_for


def _tracks(store: LibraryStore, n: int) -> list[int]:
    return [
        r.track_id for r in store.upsert_tracks([TrackInput({"deezer": str(i)}) for i in range(n)])
    ]


def test_job_lifecycle(store: LibraryStore, clock: FakeClock) -> None:
    job = store.create_job(
        "https://www.deezer.com/playlist/908622995", {"budget": {"spotify": 100}, "refresh": False}
    )
    assert job.state == "planned" and job.options["budget"] == {"spotify": 100}
    assert store.get_job(job.id[:6]) == job  # a unique prefix, as typed after --resume
    assert store.get_job(job.id[:3]) is None  # too short to be meant
    assert store.get_job("") is None
    clock.advance(5)
    store.set_job_state(job.id, "running")
    store.update_totals(job.id, {"tracks": 200, "calls": {"deezer": 12}})
    store.update_totals(job.id, {"calls": {"lastfm": 3}})
    store.set_job_state(job.id, "paused", error="spotify paused until 14:05")
    got = store.get_job(job.id)
    assert got is not None
    assert got.state == "paused" and got.error == "spotify paused until 14:05"
    assert got.totals == {"tracks": 200, "calls": {"deezer": 12, "lastfm": 3}}
    assert got.updated_at == job.created_at + 5
    assert [j.id for j in store.list_jobs(["paused"])] == [job.id]
    assert store.list_jobs(["done"]) == []
    with pytest.raises(ValueError):
        store.set_job_state(job.id, "finished")
    with pytest.raises(LookupError):
        store.set_job_state("nope", "done")


def test_units_and_results_commit_together(store: LibraryStore) -> None:
    t1, t2 = _tracks(store, 2)
    job = store.create_job("in", {})
    store.record_units(
        job.id,
        [
            UnitDone(
                t1,
                "deezer",
                fields={"bpm": FieldValue(120, "deezer")},
                state="partial",
                missing=["key"],
            ),
            UnitDone(t2, "deezer", outcome="not_found", state="not_found"),
        ],
    )
    assert store.finished_units(job.id) == {(t1, "deezer"): "ok", (t2, "deezer"): "not_found"}
    assert store.unit_counts(job.id) == {"deezer": 2}
    row = store.track_rows([t1])[0]
    assert row.doc["bpm"]["value"] == 120 and row.state == "partial" and row.missing == ["key"]
    # A batch that fails half-way leaves nothing of itself: no journal row without its result.
    with pytest.raises(LookupError):
        store.record_units(
            job.id,
            [
                UnitDone(t1, "lastfm", fields={"tags": FieldValue(["house"], "lastfm")}),
                UnitDone(9999, "lastfm", fields={"tags": FieldValue([], "lastfm")}),
            ],
        )
    assert (t1, "lastfm") not in store.finished_units(job.id)
    assert "tags" not in store.track_rows([t1])[0].doc


def test_resume_skips_finished_units(store: LibraryStore) -> None:
    ids = _tracks(store, 10)
    job = store.create_job("in", {})
    for tid in ids[:4]:
        store.record_units(job.id, [unit_for(tid, "deezer")])
    finished = store.finished_units(job.id)
    todo = [(t, s) for t in ids for s in STEPS if (t, s) not in finished]
    assert len(todo) == 10 * len(STEPS) - 4
    assert (ids[0], "deezer") not in todo


def _snapshot(db: Path, job_id: str) -> dict[str, Any]:
    """What a run leaves behind, minus commit timestamps (which differ between runs)."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = {t: json.loads(d) for t, d in conn.execute("SELECT id, doc FROM tracks")}
        evidence = {t: json.loads(e) for t, e in conn.execute("SELECT id, evidence FROM tracks")}
        payloads = sorted(
            conn.execute("SELECT track_id, provider, kind, payload FROM track_payloads")
        )
        units = sorted(
            conn.execute(
                "SELECT track_id, step, outcome FROM job_units WHERE job_id = ?", (job_id,)
            )
        )
        state = conn.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    finally:
        conn.close()
    return {
        "docs": docs,
        "evidence": evidence,
        "payloads": payloads,
        "units": units,
        "state": state,
    }


def _prepare(db: Path, n: int) -> tuple[str, list[int]]:
    store = LibraryStore.open(db)
    ids = _tracks(store, n)
    job = store.create_job("kill-test", {}, job_id="job-kill-9")
    store.close()
    return job.id, ids


@pytest.mark.parametrize("kill_after", [1, 57, 240])
def test_kill_9_mid_run_then_resume_gives_the_uninterrupted_result(
    tmp_path: Path, kill_after: int
) -> None:
    n = 120
    # The reference: one uninterrupted run.
    ref_db = tmp_path / "ref.sqlite3"
    job_id, ids = _prepare(ref_db, n)
    ref = start_worker("job", str(ref_db), job_id, ",".join(map(str, ids)))
    go(ref)
    assert finish(ref)[-1] == "done"
    expected = _snapshot(ref_db, job_id)

    db = tmp_path / "killed.sqlite3"
    job_id, ids = _prepare(db, n)
    victim = start_worker("job", str(db), job_id, ",".join(map(str, ids)))
    go(victim)
    assert victim.stdout is not None
    acked: set[tuple[int, str]] = set()
    while len(acked) < kill_after:
        _, tid, step = victim.stdout.readline().split()
        acked.add((int(tid), step))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL

    after = _snapshot(db, job_id)
    journal = {(t, s) for t, s, _ in after["units"]}
    assert acked <= journal  # nothing acknowledged was lost
    assert len(journal) < n * len(STEPS)  # it really was killed mid-run
    assert after["state"] == "running"
    # No partial unit: a journaled unit has all its results, an unjournaled one has none.
    for tid, doc in after["docs"].items():
        for step in STEPS:
            has_field = f"{step}_value" in doc
            has_evidence = step in after["evidence"][tid]
            assert has_field == has_evidence == ((tid, step) in journal)
    assert len(after["payloads"]) == len(journal)

    resumed = start_worker("job", str(db), job_id, ",".join(map(str, ids)))
    go(resumed)
    lines = finish(resumed)
    assert lines[-1] == "done"
    redone = {(int(t), s) for _, t, s in (line.split() for line in lines[:-1])}
    assert not redone & journal  # no finished unit was done again
    assert _snapshot(db, job_id) == expected
