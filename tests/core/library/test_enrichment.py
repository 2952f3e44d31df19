"""The enrichment document: provenance per field, atomic json_set writes, evidence, payloads."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from djdesk.core.clock import FakeClock
from djdesk.core.library import FieldValue, LibraryStore, TrackInput
from djdesk.core.library.connection import connect
from tests.core.library.procs import finish, go, start_worker


def _track(store: LibraryStore) -> int:
    return store.upsert_track(TrackInput({"deezer": "3135558"}, "Nightvision")).track_id


def test_fields_carry_provenance(store: LibraryStore, clock: FakeClock) -> None:
    tid = _track(store)
    store.set_fields(
        tid,
        {
            "bpm": FieldValue(124.0, "fused", 0.95, "fused", note="deezer 124 ≈ reccobeats 123.8"),
            "gain": FieldValue(-7.3, "deezer", fetched_at=5.0),
        },
    )
    clock.advance(10)
    store.set_fields(tid, {"energy": FieldValue(0.5, "default", 0.0, "default")})
    doc = store.track_rows([tid])[0].doc
    assert doc["bpm"] == {
        "value": 124.0,
        "source": "fused",
        "confidence": 0.95,
        "kind": "fused",
        "fetched_at": clock.time() - 10,
        "note": "deezer 124 ≈ reccobeats 123.8",
    }
    assert doc["gain"]["fetched_at"] == 5.0
    assert doc["energy"]["kind"] == "default"
    store.remove_fields(tid, ["gain"])
    assert "gain" not in store.track_rows([tid])[0].doc


def test_bad_kind_and_bad_name_are_refused(store: LibraryStore) -> None:
    tid = _track(store)
    with pytest.raises(ValueError, match="kind"):
        FieldValue(1, "x", kind="guessed")
    with pytest.raises(ValueError, match="identifiers"):
        store.set_fields(tid, {"bpm') --": FieldValue(1, "x")})
    with pytest.raises(LookupError):
        store.set_fields(tid + 1, {"bpm": FieldValue(1, "x")})


def test_state_missing_reason_and_evidence(store: LibraryStore) -> None:
    tid = _track(store)
    store.set_state(tid, "partial", missing=["key", "energy", "key"])
    store.set_evidence(tid, "deezer", {"candidates": [{"id": 1, "score": 0.97}], "why": "isrc"})
    store.set_evidence(tid, "musicbrainz", {"candidates": [], "why": "no recording"})
    row = store.track_rows([tid])[0]
    assert (row.state, row.missing, row.reason) == ("partial", ["energy", "key"], None)
    assert set(row.evidence) == {"deezer", "musicbrainz"}
    store.set_state(tid, "failed", reason="deezer: 500 three times")
    row = store.track_rows([tid])[0]
    assert (row.state, row.missing, row.reason) == ("failed", [], "deezer: 500 three times")
    with pytest.raises(ValueError):
        store.set_state(tid, "done")


def test_whole_provider_payloads(store: LibraryStore, api_samples: Path) -> None:
    tid = _track(store)
    body = json.loads((api_samples / "deezer" / "track_isrc_GBDUW0000061.json").read_text())
    store.put_payload(tid, "deezer", "track", body, fetched_at=100.0)
    store.put_payload(tid, "lastfm", "track.getInfo", {"track": {"name": "x"}})
    (deezer,) = store.get_payloads(tid, "deezer")
    assert deezer.payload == body and deezer.fetched_at == 100.0
    assert deezer.payload["isrc"] == "GBDUW0000061"
    assert [p.provider for p in store.get_payloads(tid)] == ["deezer", "lastfm"]
    store.put_payload(tid, "deezer", "track", {"id": 1}, fetched_at=200.0)
    assert store.get_payloads(tid, "deezer")[0].payload == {"id": 1}


def test_naive_read_modify_write_loses_a_field_json_set_does_not(db_path: Path) -> None:
    """Control: the same interleaving with SELECT/modify/UPDATE loses a writer's field."""
    store = LibraryStore.open(db_path)
    tid = _track(store)
    store.close()
    a, b = connect(db_path), connect(db_path)
    doc_a = json.loads(a.execute("SELECT doc FROM tracks WHERE id = ?", (tid,)).fetchone()[0])
    doc_b = json.loads(b.execute("SELECT doc FROM tracks WHERE id = ?", (tid,)).fetchone()[0])
    doc_a["bpm"] = 124
    doc_b["key"] = "8A"
    a.execute("UPDATE tracks SET doc = ? WHERE id = ?", (json.dumps(doc_a), tid))
    b.execute("UPDATE tracks SET doc = ? WHERE id = ?", (json.dumps(doc_b), tid))
    lost = json.loads(a.execute("SELECT doc FROM tracks WHERE id = ?", (tid,)).fetchone()[0])
    assert "bpm" not in lost  # the bug the library's API makes impossible
    a.close()
    b.close()

    first, second = LibraryStore.open(db_path), LibraryStore.open(db_path)
    first.set_fields(tid, {"bpm": FieldValue(124, "deezer")})
    second.set_fields(tid, {"key": FieldValue("8A", "reccobeats")})
    doc = first.track_rows([tid])[0].doc
    assert doc["bpm"]["value"] == 124 and doc["key"]["value"] == "8A"
    first.close()
    second.close()


def test_two_processes_writing_one_track_lose_no_field(db_path: Path) -> None:
    store = LibraryStore.open(db_path)
    tid = _track(store)
    rounds = 300
    workers = [start_worker("fields", str(db_path), name, str(rounds), str(tid)) for name in "ab"]
    for w in workers:
        go(w)
    for w in workers:
        assert finish(w) == ["done"]
    doc = store.track_rows([tid])[0].doc
    for name in "ab":
        assert [doc[f"{name}_{i}"]["value"] for i in range(rounds)] == list(range(rounds))
    assert doc["shared"]["value"] in {f"a:{rounds - 1}", f"b:{rounds - 1}"}
    assert len(doc) == 2 * rounds + 1
    assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_threads_on_separate_connections_lose_no_field(db_path: Path) -> None:
    import threading

    setup = LibraryStore.open(db_path)
    tid = _track(setup)
    setup.close()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            s = LibraryStore.open(db_path)
            barrier.wait()
            for i in range(100):
                s.set_fields(tid, {f"{name}_{i}": FieldValue(i, name)})
            s.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in ("w", "x", "y", "z")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = sqlite3.connect(db_path)
    doc = json.loads(check.execute("SELECT doc FROM tracks WHERE id = ?", (tid,)).fetchone()[0])
    check.close()
    assert len(doc) == 400
