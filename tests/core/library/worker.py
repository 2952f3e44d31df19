"""A separate writer process for the library tests (two-writer and kill -9 scenarios).

Run as ``python -m tests.core.library.worker MODE DB ...``. It prints ``ready`` and waits for a
line on stdin before writing, so the parent can start two workers at once without sleeping; it
prints one line per COMMITTED unit (acknowledge after commit), which the kill -9 test relies on.
"""

from __future__ import annotations

import sys
from pathlib import Path

from djdesk.core.library import (
    EntryInput,
    FieldValue,
    LibraryStore,
    PlaylistInput,
    TrackInput,
    UnitDone,
)

STEPS = ("deezer", "reccobeats", "lastfm")


def fields(db: Path, name: str, rounds: int, track_id: int) -> None:
    store = LibraryStore.open(db)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(rounds):
        store.set_fields(
            track_id,
            {f"{name}_{i}": FieldValue(i, name), "shared": FieldValue(f"{name}:{i}", name)},
        )
    print("done", flush=True)
    store.close()


def imports(db: Path, playlist: str, tracks: int) -> None:
    """Import a playlist whose tracks overlap another process's, to race the dedupe."""
    store = LibraryStore.open(db)
    entries = [EntryInput(TrackInput({"spotify": f"sp{i}"}, f"T{i}")) for i in range(tracks)]
    print("ready", flush=True)
    sys.stdin.readline()
    for round_ in range(5):
        store.import_playlist(PlaylistInput("spotify", f"{playlist}-{round_}"), entries)
    print("done", flush=True)
    store.close()


def unit_for(track_id: int, step: str) -> UnitDone:
    """The unit's results are a pure function of (track, step), so reruns give the same data."""
    return UnitDone(
        track_id,
        step,
        fields={f"{step}_value": FieldValue(track_id * 10 + len(step), step, fetched_at=1.0)},
        payloads=[(step, "detail", {"track": track_id, "step": step})],
        evidence={step: {"score": 0.9, "why": "fixture"}},
    )


def job(db: Path, job_id: str, track_ids: list[int]) -> None:
    store = LibraryStore.open(db)
    finished = store.finished_units(job_id)
    print("ready", flush=True)
    sys.stdin.readline()
    store.set_job_state(job_id, "running")
    for track_id in track_ids:
        for step in STEPS:
            if (track_id, step) in finished:
                continue
            store.record_units(job_id, [unit_for(track_id, step)])
            print(f"ack {track_id} {step}", flush=True)
    store.set_job_state(job_id, "done")
    print("done", flush=True)
    store.close()


def main(argv: list[str]) -> None:
    mode, db = argv[0], Path(argv[1])
    if mode == "fields":
        fields(db, argv[2], int(argv[3]), int(argv[4]))
    elif mode == "import":
        imports(db, argv[2], int(argv[3]))
    elif mode == "job":
        job(db, argv[2], [int(x) for x in argv[3].split(",")])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
