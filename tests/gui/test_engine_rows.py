"""The library's stored shapes → the GUI's values (shapes as the engine writes them)."""

from __future__ import annotations

from djdesk.core.engine.plan import FINGERPRINT_FIELD
from djdesk.core.library import TrackRow as LibraryRow
from djdesk.gui import engine_rows

DOC = {
    "bpm": {
        "value": 92.41,
        "source": "deezer+reccobeats",
        "confidence": 0.81,
        "kind": "fused",
        "fetched_at": 1796134683.7,
        "note": "reccobeats 184.8 is double-time; folded",
        "flags": ["folded"],
    },
    "key": {
        "value": {"pitch_class": 1, "mode": 1, "classic": "C#", "camelot": "3B", "open_key": "8d"},
        "source": "reccobeats",
        "confidence": 0.6,
        "kind": "measured",
        "fetched_at": 1796134683.7,
    },
    "energy": {"value": 0.5, "source": "default", "confidence": 0.0, "kind": "default"},
    "rank": {"value": 305059, "source": "deezer", "confidence": 0.85, "kind": "measured"},
    "release_date": {"value": "1978-02-18", "source": "deezer", "confidence": 0.85},
    "tags": {"value": ["house", "deep house"], "source": "lastfm", "confidence": 0.6},
    "similar": {"value": ["Nina Tanaka - Breathe", "Solo"], "source": "lastfm"},
    "enrichment_inputs": {"value": "193809c8d7", "source": "djdesk"},
}
EVIDENCE = {
    "reccobeats": {
        "chosen": {"provider": "reccobeats", "id": "cdf0"},
        "score": 1.0,
        "reason": "best score 1.00",
        "candidates": [
            {"provider": "reccobeats", "id": "zz", "total": 0.4, "reasons": ["title 0.40"]},
            {"provider": "reccobeats", "id": "cdf0", "total": 1.0, "reasons": ["same ISRC"]},
        ],
    }
}


def _row(state: str = "complete") -> LibraryRow:
    return LibraryRow(
        id=7,
        title="Breathe Again",
        artists=["Nina Tanaka", "Maya Fischer"],
        album=None,
        duration_ms=237000,
        ids={},
        doc=DOC,
        state=state,
        missing=[],
        reason=None,
        evidence=EVIDENCE,
        updated_at=None,
    )


def test_bookkeeping_field_name_matches_the_engine() -> None:
    assert FINGERPRINT_FIELD in engine_rows.BOOKKEEPING_FIELDS


def test_track_row_maps_every_column_with_provenance() -> None:
    row = engine_rows.track_row(_row(), 3)
    assert (row.id, row.position, row.artists, row.duration_s) == (
        7,
        3,
        "Nina Tanaka, Maya Fischer",
        237.0,
    )
    assert row.state == "done"  # the library's "complete"
    f = row.fields
    assert f["bpm"].value == 92.41 and "folded" in f["bpm"].source and not f["bpm"].estimated
    assert f["key"].value == "3B"  # Camelot; the table converts to the chosen notation
    assert f["energy"].estimated  # a default is never shown as measured
    assert f["year"].value == 1978 and f["popularity"].value == 305059
    assert f["genres"].value == "house, deep house"
    assert "enrichment_inputs" not in f  # the engine's bookkeeping, not a value to show


def test_candidates_from_stored_evidence_best_first_with_pin() -> None:
    cands = engine_rows.candidates(EVIDENCE, {"reccobeats": "zz"})
    assert [c.id for c in cands] == ["cdf0", "zz"]
    assert cands[0].chosen and cands[0].score == 1.0 and "ISRC" in cands[0].artists
    assert cands[1].pinned and not cands[1].chosen


def test_similar_tags_and_missing_entries() -> None:
    sim = engine_rows.similar_tracks(DOC)
    assert (sim[0].title, sim[0].artists) == ("Breathe", "Nina Tanaka")
    assert sim[1].title == "Solo" and sim[0].match > sim[1].match
    assert engine_rows.tags_of(DOC) == ("house", "deep house")
    gone = engine_rows.missing_row(-5, 9, {"url": "spotify:local:x"}, local=True)
    assert gone.state == "not_found" and gone.position == 9
