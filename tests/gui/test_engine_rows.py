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


def _cand(provider: str, cid: str, total: float | None, **more: object) -> dict[str, object]:
    """One stored candidate, in the shape ``engine.evidence`` writes."""
    return {
        "provider": provider,
        "id": cid,
        "title": more.pop("title", "Breathe"),
        "artists": ["Nina Tanaka"],
        "duration_ms": 237000,
        "isrc": None,
        "total": total,
        "reasons": ["title 1.00", "artists 1.00"],
        "chosen": False,
        "rejected": "below the threshold 0.72: a remix",
        "via": "search",
        **more,
    }


EVIDENCE = {
    "reccobeats": {
        "via": "search+isrc",
        "chosen": {"provider": "reccobeats", "id": "cdf0"},
        "score": 1.0,
        "reason": "best score 1.00",
        "candidates": [
            _cand("reccobeats", "zz", 0.4, spotify_id="sp-zz"),
            _cand("reccobeats", "cdf0", 1.0, spotify_id="sp-cdf0", chosen=True, rejected=None),
            _cand("reccobeats", "nosp", 0.9, rejected="no Spotify id"),
        ],
    },
    "deezer": {
        "via": "musicbrainz",
        "chosen": {"provider": "deezer", "id": "11"},
        "candidates": [
            _cand("deezer", "11", 0.95, chosen=True, rejected=None, via="musicbrainz"),
            _cand("deezer", "12", 0.5, title="Breathe (Remix)"),
        ],
        "musicbrainz": {
            "via": "search",
            "candidates": [_cand("musicbrainz", "mb-1", 0.9, chosen=True, rejected=None)],
        },
    },
    "lastfm": {
        "via": "name",
        "candidates": [_cand("lastfm", "Nina Tanaka - Breathe", 0.98, chosen=True, rejected=None)],
    },
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


def test_candidates_per_provider_best_first_with_title_artists_and_why() -> None:
    cands = engine_rows.candidates(EVIDENCE, {})
    assert [(c.provider, c.id) for c in cands] == [
        ("deezer", "11"),
        ("deezer", "12"),
        ("musicbrainz", "mb-1"),  # how Deezer was reached, listed on its own
        ("reccobeats", "cdf0"),
        ("reccobeats", "nosp"),
        ("reccobeats", "zz"),
        ("lastfm", "Nina Tanaka - Breathe"),
    ]
    top = cands[0]
    assert (top.title, top.artists, top.duration_s, top.score) == (
        "Breathe",
        "Nina Tanaka",
        237.0,
        0.95,
    )
    assert top.chosen and not top.note and top.via == "musicbrainz"
    assert "artists 1.00" in top.why
    remix = cands[1]
    assert not remix.chosen and remix.note.startswith("below the threshold")
    # A ReccoBeats row is pinned by its Spotify id (features are read by it); no id, no pin.
    assert cands[3].pin_target == ("spotify", "sp-cdf0")
    assert not cands[4].pinnable
    assert not cands[6].pinnable  # Last.fm answers a name: nothing to pin


def test_a_pin_moves_the_mark_to_the_pinned_candidate() -> None:
    cands = engine_rows.candidates(EVIDENCE, {"deezer": "12", "spotify": "sp-zz"})
    by_id = {c.id: c for c in cands}
    assert by_id["12"].pinned and by_id["12"].chosen
    assert not by_id["11"].chosen and "pinned" in by_id["11"].note
    assert by_id["zz"].pinned and by_id["zz"].chosen and not by_id["cdf0"].chosen
    assert by_id["mb-1"].chosen  # no MusicBrainz pin: its match stands


def test_known_ids_and_pins_by_id_say_so() -> None:
    known = {
        "deezer": {
            "via": "known id",
            "reason": "read by its Deezer id",
            "candidates": [_cand("deezer", "5", 0.99, chosen=True, rejected=None, via="known id")],
        }
    }
    (cand,) = engine_rows.candidates(known, {})
    assert cand.chosen and cand.note == "read by its Deezer id" and cand.via == "known id"
    cands = engine_rows.candidates(known, {"deezer": "77"})
    assert [(c.id, c.chosen, c.pinned) for c in cands] == [("5", False, False), ("77", True, True)]
    assert cands[1].score is None and cands[1].note == "pinned by its id"
    # Every pinnable id is listed when pinned, ISRC too, so the window can undo it (Unpin).
    (isrc,) = engine_rows.candidates({}, {"isrc": "X"})
    assert isrc.pinned and isrc.pin_target == ("isrc", "X")


def test_a_pinned_reccobeats_id_marks_its_own_row_not_a_spotify_pin() -> None:
    """A ReccoBeats row pins its Spotify id, except the row read by a pinned ReccoBeats id:
    that row is the pin (marked, and its Unpin drops the ReccoBeats pin)."""
    pinned = {
        "reccobeats": {
            "via": "pinned",
            "pinned": "rb-9",
            "chosen": {"provider": "reccobeats", "id": "rb-9"},
            "candidates": [
                _cand("reccobeats", "rb-9", 1.0, spotify_id="sp-9", chosen=True, via="pinned")
            ],
        }
    }
    (cand,) = engine_rows.candidates(pinned, {"reccobeats": "rb-9"})
    assert cand.pinned and cand.chosen and cand.pin_target == ("reccobeats", "rb-9")
    (other,) = engine_rows.candidates(pinned, {})
    assert not other.pinned and other.pin_target == ("spotify", "sp-9")


def test_similar_tags_and_missing_entries() -> None:
    sim = engine_rows.similar_tracks(DOC)
    assert (sim[0].title, sim[0].artists) == ("Breathe", "Nina Tanaka")
    assert sim[1].title == "Solo" and sim[0].match > sim[1].match
    assert engine_rows.tags_of(DOC) == ("house", "deep house")
    gone = engine_rows.missing_row(-5, 9, {"url": "spotify:local:x"}, local=True)
    assert gone.state == "not_found" and gone.position == 9


def test_evidence_stored_by_an_older_version_still_reads() -> None:
    old = {
        "deezer": {
            "chosen": {"provider": "deezer", "id": "9"},
            "candidates": [
                {"provider": "deezer", "id": "9", "title": 1.0, "artists": 1.0, "total": 0.98},
                {"provider": "deezer", "id": "8", "title": 0.4, "artists": 1.0, "total": 0.5},
            ],
        }
    }
    cands = engine_rows.candidates(old, {})
    assert [(c.id, c.title, c.artists, c.chosen) for c in cands] == [
        ("9", "9", "", True),
        ("8", "8", "", False),
    ]
