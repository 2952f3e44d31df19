"""Resumable runs: a job row plus a journal of finished (job, track, step) work units.

Durability contract: ``record_units`` writes a small batch of units AND their results (fields,
payloads, evidence, state) in ONE transaction, and returns only after COMMIT. So the journal
never runs ahead of saved results nor behind them: after quit, a crash or kill -9, a unit is in
the journal exactly when its results are in the library, and resume skips exactly those units.
The engine should acknowledge progress (events, counters) only after ``record_units`` returns.

Recording a unit twice is harmless: results are idempotent ``json_set``/upserts and the journal
row keeps the latest outcome.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from djdesk.core.library import enrichment
from djdesk.core.library.records import JOB_STATES, Job, UnitDone

_COLUMNS = "id, input, options, state, created_at, updated_at, totals, playlist_id, error"


def _job(row: tuple[Any, ...]) -> Job:
    return Job(
        id=row[0],
        input=row[1],
        options=json.loads(row[2]),
        state=row[3],
        created_at=float(row[4]),
        updated_at=float(row[5]),
        totals=json.loads(row[6]),
        playlist_id=row[7],
        error=row[8],
    )


def create_job(
    conn: sqlite3.Connection,
    input: str,
    options: Mapping[str, Any],
    now: float,
    *,
    playlist_id: int | None = None,
    job_id: str | None = None,
) -> Job:
    """A new job in state ``planned``; ``options`` holds budgets and flags as given."""
    job_id = job_id or uuid.uuid4().hex[:12]
    conn.execute(
        "INSERT INTO jobs (id, input, options, state, created_at, updated_at, playlist_id) "
        "VALUES (?, ?, ?, 'planned', ?, ?, ?)",
        (job_id, input, json.dumps(dict(options)), now, now, playlist_id),
    )
    job = get_job(conn, job_id)
    assert job is not None
    return job


def get_job(conn: sqlite3.Connection, job_id: str) -> Job | None:
    """By exact id, or by a unique prefix of 4+ characters (as typed after ``--resume``)."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None and len(job_id) >= 4:
        like = job_id.replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id LIKE ?", (like,)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return None if row is None else _job(row)


def list_jobs(conn: sqlite3.Connection, states: Sequence[str] | None = None) -> list[Job]:
    sql = f"SELECT {_COLUMNS} FROM jobs"
    args: list[Any] = []
    if states:
        sql += f" WHERE state IN ({','.join('?' * len(states))})"
        args += list(states)
    return [_job(r) for r in conn.execute(sql + " ORDER BY created_at DESC, id", args)]


def set_job_state(
    conn: sqlite3.Connection,
    job_id: str,
    state: str,
    now: float,
    *,
    error: str | None = None,
    playlist_id: int | None = None,
) -> None:
    if state not in JOB_STATES:
        raise ValueError(f"job state must be one of {JOB_STATES}, not {state!r}")
    cur = conn.execute(
        "UPDATE jobs SET state = ?, error = ?, updated_at = ?, "
        "playlist_id = coalesce(?, playlist_id) WHERE id = ?",
        (state, error, now, playlist_id, job_id),
    )
    if cur.rowcount == 0:
        raise LookupError(f"no job {job_id} in the library")


def update_totals(
    conn: sqlite3.Connection, job_id: str, totals: Mapping[str, Any], now: float
) -> None:
    """Merge ``totals`` into the job's totals in one statement (``json_patch``)."""
    cur = conn.execute(
        "UPDATE jobs SET totals = json_patch(totals, ?), updated_at = ? WHERE id = ?",
        (json.dumps(dict(totals)), now, job_id),
    )
    if cur.rowcount == 0:
        raise LookupError(f"no job {job_id} in the library")


def record_units(
    conn: sqlite3.Connection, job_id: str, units: Sequence[UnitDone], now: float
) -> None:
    """Apply each unit's results and journal it; the caller wraps this in one transaction."""
    for unit in units:
        enrichment.set_fields(conn, unit.track_id, unit.fields, now)
        for provider, kind, payload in unit.payloads:
            enrichment.put_payload(conn, unit.track_id, provider, kind, payload, now)
        for provider, evidence in unit.evidence.items():
            enrichment.set_evidence(conn, unit.track_id, provider, evidence, now)
        if unit.state is not None:
            enrichment.set_state(
                conn, unit.track_id, unit.state, now, missing=unit.missing, reason=unit.reason
            )
        conn.execute(
            "INSERT INTO job_units (job_id, track_id, step, outcome, finished_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id, track_id, step) DO UPDATE SET "
            "outcome = excluded.outcome, finished_at = excluded.finished_at",
            (job_id, unit.track_id, unit.step, unit.outcome, now),
        )
    if units:
        conn.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now, job_id))


def finished_units(conn: sqlite3.Connection, job_id: str) -> dict[tuple[int, str], str]:
    """Every journaled unit of a job: ``(track_id, step) -> outcome``."""
    rows = conn.execute("SELECT track_id, step, outcome FROM job_units WHERE job_id = ?", (job_id,))
    return {(int(t), s): o for t, s, o in rows}


def unit_counts(conn: sqlite3.Connection, job_id: str) -> dict[str, int]:
    """Finished units per step, for progress displays and ``djdesk jobs``."""
    rows = conn.execute(
        "SELECT step, count(*) FROM job_units WHERE job_id = ? GROUP BY step", (job_id,)
    )
    return {step: int(n) for step, n in rows}
