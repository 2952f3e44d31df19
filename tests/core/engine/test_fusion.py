"""Fusion: BPM and key from several providers, provenance per field, and each track's end state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from djdesk.core.dj.keys import Key, from_spotify
from djdesk.core.engine.fusion import (
    DJ_FIELDS,
    FieldValue,
    Reading,
    TrackState,
    clean_bpm,
    decide_state,
    default,
    estimated,
    fuse_bpm,
    fuse_key,
    measured,
    prefer,
)


def _load(api_samples: Path, provider: str, name: str) -> dict:
    return json.loads((api_samples / provider / name).read_text(encoding="utf-8"))


# --- BPM -----------------------------------------------------------------------------------------


def test_deezer_zero_is_unknown_so_reccobeats_alone_is_measured() -> None:
    fv = fuse_bpm([Reading("deezer", 0), Reading("reccobeats", 128.0, fetched_at=5.0)])
    assert fv is not None
    assert (fv.value, fv.source, fv.kind) == (128.0, "reccobeats", "measured")
    assert fv.fetched_at == 5.0
    assert fv.note is None and fv.flags == ()


def test_real_deezer_bodies_zero_then_known(api_samples: Path) -> None:
    new = _load(api_samples, "deezer", "track_detail_3135556_2025-01-21.json")
    old = _load(api_samples, "deezer", "track_detail_3135556_2019-02-12.json")
    assert new["bpm"] == 0 and old["bpm"] == 123
    assert fuse_bpm([Reading("deezer", new["bpm"])]) is None
    fv = fuse_bpm([Reading("deezer", old["bpm"])])
    assert fv is not None and (fv.value, fv.kind, fv.source) == (123, "measured", "deezer")


def test_real_reccobeats_row_fuses_with_a_real_deezer_bpm(api_samples: Path) -> None:
    row = _load(api_samples, "reccobeats", "audio_features_batch_spotify_id_blinding_lights.json")[
        "content"
    ][0]
    assert row["tempo"] == pytest.approx(171.001)
    # A Deezer reading at half time of the same grid: the two agree after folding.
    fv = fuse_bpm([Reading("deezer", 85.5), Reading("reccobeats", row["tempo"])])
    assert fv is not None
    assert fv.kind == "fused" and fv.source == "deezer+reccobeats"
    assert fv.value == pytest.approx(85.5, abs=0.05)
    assert "folded" in fv.flags


def test_87_vs_174_folds_and_agrees() -> None:
    fv = fuse_bpm([Reading("deezer", 87), Reading("reccobeats", 174)])
    assert fv is not None
    assert fv.value == 87
    assert fv.kind == "fused"
    assert fv.source == "deezer+reccobeats"
    assert "folded" in fv.flags and "disagree" not in fv.flags
    assert "reccobeats 174 is double-time" in (fv.note or "")
    single = fuse_bpm([Reading("deezer", 87)])
    assert single is not None and fv.confidence > single.confidence  # agreement raises it


@pytest.mark.parametrize(
    "readings",
    [
        [Reading("deezer", 174), Reading("reccobeats", 174.3)],
        [Reading("deezer", 87), Reading("reccobeats", 174)],
        [Reading("deezer", 174), Reading("reccobeats", 87)],
        [Reading("reccobeats", 87)],
        [Reading("deezer", 174)],
    ],
)
def test_drum_and_bass_stays_near_174(readings: list[Reading]) -> None:
    fv = fuse_bpm(readings, genres=["Drum & Bass"])
    assert fv is not None
    assert fv.value == pytest.approx(174, abs=0.3)


def test_dnb_fold_names_the_genre_range() -> None:
    fv = fuse_bpm([Reading("deezer", 87)], genres=["dnb"])
    assert fv is not None and fv.value == 174
    assert fv.note == "half-time folded into drum & bass 160-185"
    assert fv.kind == "measured" and fv.flags == ("folded",)


@pytest.mark.parametrize(
    ("genres", "raw", "expected"),
    [
        (["hip hop"], 180, 90),
        (["Dubstep"], 70, 140),
        (["house"], 62, 124),
        (["pop"], 62, 124),  # no genre rule: the Settings range 70-180
        (None, 190, 95),
    ],
)
def test_genre_aware_single_readings(genres: list[str] | None, raw: float, expected: float) -> None:
    fv = fuse_bpm([Reading("reccobeats", raw)], genres=genres)
    assert fv is not None and fv.value == pytest.approx(expected)


def test_settings_range_is_used() -> None:
    fv = fuse_bpm([Reading("reccobeats", 174)], bpm_min=60, bpm_max=120)
    assert fv is not None and fv.value == 87
    assert fv.note == "double-time folded into 60-120"


def test_disagreement_is_flagged_not_hidden() -> None:
    fv = fuse_bpm([Reading("deezer", 87), Reading("reccobeats", 120)])
    assert fv is not None
    assert fv.value == 87 and fv.source == "deezer" and fv.kind == "measured"
    assert fv.note == "sources disagree: deezer 87 vs reccobeats 120"
    assert "disagree" in fv.flags
    alone = fuse_bpm([Reading("deezer", 87)])
    assert alone is not None and fv.confidence < alone.confidence


def test_the_best_supported_group_wins() -> None:
    fv = fuse_bpm([Reading("deezer", 100), Reading("reccobeats", 128), Reading("analysis", 128.5)])
    assert fv is not None
    assert fv.source == "reccobeats+analysis"
    assert 128 <= fv.value <= 128.5
    assert "deezer 100" in (fv.note or "") and "disagree" in fv.flags


@pytest.mark.parametrize(("other", "agree"), [(129.5, True), (130.5, True), (131.5, False)])
def test_agreement_tolerance_is_about_two_percent(other: float, agree: bool) -> None:
    fv = fuse_bpm([Reading("deezer", 128), Reading("reccobeats", other)])
    assert fv is not None
    assert (fv.kind == "fused") is agree
    assert ("disagree" in fv.flags) is not agree


def test_fused_value_is_confidence_weighted_and_latest_fetch() -> None:
    fv = fuse_bpm(
        [
            Reading("deezer", 120, fetched_at=10.0, confidence=0.9),
            Reading("reccobeats", 122, fetched_at=20.0, confidence=0.1),
        ]
    )
    assert fv is not None
    assert fv.value == pytest.approx(120.2)
    assert fv.fetched_at == 20.0
    assert fv.confidence == pytest.approx(0.91)


@pytest.mark.parametrize("raw", [None, 0, -5, "abc", float("nan"), float("inf"), True, 5, 1000])
def test_unusable_bpm_values_are_unknown(raw: object) -> None:
    assert clean_bpm(raw) is None
    assert fuse_bpm([Reading("deezer", raw)]) is None


def test_numeric_strings_are_accepted() -> None:
    assert clean_bpm("119.8") == 119.8
    assert fuse_bpm([]) is None


# --- key -----------------------------------------------------------------------------------------


def test_real_reccobeats_key_and_unknown_minus_one(api_samples: Path) -> None:
    row = _load(api_samples, "reccobeats", "audio_features_batch_spotify_id_nothing_new.json")[
        "content"
    ][0]
    fv = fuse_key([Reading("reccobeats", from_spotify(row["key"], row["mode"]))])
    assert fv is not None and fv.value == Key(0, 1) and fv.kind == "measured"
    assert fv.to_dict()["value"]["camelot"] == "8B"
    assert fuse_key([Reading("reccobeats", from_spotify(-1, 1))]) is None


def test_key_agreement_fuses() -> None:
    fv = fuse_key([Reading("reccobeats", Key(9, 0)), Reading("analysis", "8A")])
    assert fv is not None
    assert fv.value == Key(9, 0) and fv.kind == "fused"
    assert fv.source == "reccobeats+analysis"
    assert fv.confidence > 0.6


def test_relative_major_minor_swap_is_recognised_and_flagged() -> None:
    fv = fuse_key([Reading("reccobeats", Key(9, 0)), Reading("analysis", "C major")])
    assert fv is not None
    assert fv.value == Key(9, 0)  # ties go to the more trusted source
    assert fv.flags == ("relative_swap",)
    assert fv.note == "relative major/minor swap: 8A/Am (reccobeats) vs 8B/C (analysis)"
    disagree = fuse_key([Reading("reccobeats", Key(9, 0)), Reading("analysis", "F#")])
    assert disagree is not None and disagree.flags == ("disagree",)
    single = fuse_key([Reading("reccobeats", Key(9, 0))])
    assert single is not None
    assert disagree.confidence < fv.confidence < single.confidence


def test_key_majority_wins() -> None:
    fv = fuse_key([Reading("reccobeats", (9, 1)), Reading("analysis", "Am"), Reading("tags", "8A")])
    assert fv is not None and fv.value == Key(9, 0) and fv.source == "analysis+tags"
    assert fv.flags == ("disagree",)  # A major is the parallel, not the relative


@pytest.mark.parametrize("raw", [None, "", "o", (12, 0), (1, 2), "junk", True, 7])
def test_unusable_key_values_are_unknown(raw: object) -> None:
    assert fuse_key([Reading("reccobeats", raw)]) is None


# --- provenance ----------------------------------------------------------------------------------


def test_field_value_round_trips_through_json() -> None:
    for fv in (
        FieldValue(Key(9, 0), "reccobeats", 0.6, "measured", 1.5, "n", ("relative_swap",)),
        FieldValue(128.0, "deezer+reccobeats", 0.8, "fused"),
        default(0.5),
    ):
        back = FieldValue.from_dict(json.loads(json.dumps(fv.to_dict())))
        assert back == fv


def test_field_value_validates() -> None:
    with pytest.raises(ValueError):
        FieldValue(1, "x", 1.5, "measured")
    with pytest.raises(ValueError):
        FieldValue(1, "x", 0.5, "guessed")  # type: ignore[arg-type]


def test_pass_through_and_defaults_are_never_confused() -> None:
    assert measured("deezer", None) is None
    assert measured("lastfm", []) is None
    energy = measured("reccobeats", 0.73, fetched_at=3.0)
    assert energy is not None and energy.kind == "measured" and energy.confidence == 0.7
    assert measured("somewhere", 1, confidence=0.2).confidence == 0.2  # type: ignore[union-attr]
    dflt = default(0.5)
    assert (dflt.kind, dflt.source, dflt.confidence) == ("default", "default", 0.0)
    assert dflt.is_default and dflt.note
    guess = estimated("analysis", 0.4)
    assert guess is not None and guess.kind == "estimated"
    assert prefer(dflt, guess, None) is guess
    assert prefer(dflt, guess, energy) is energy
    assert prefer(None, None) is None


# --- track state ---------------------------------------------------------------------------------

BPM = FieldValue(128.0, "deezer", 0.75, "measured")
KEY = FieldValue(Key(9, 0), "reccobeats", 0.6, "measured")
ENERGY = FieldValue(0.7, "reccobeats", 0.7, "measured")


@pytest.mark.parametrize(
    ("fields", "kwargs", "state", "missing", "reason"),
    [
        ({"bpm": BPM, "key": KEY, "energy": ENERGY}, {}, TrackState.COMPLETE, (), None),
        ({"bpm": BPM, "key": KEY}, {}, TrackState.PARTIAL, ("energy",), None),
        (
            {"bpm": BPM, "key": KEY, "energy": default(0.5)},
            {},
            TrackState.PARTIAL,
            ("energy",),
            None,
        ),
        (
            {"bpm": BPM, "key": None},
            {"failure": "reccobeats down"},
            TrackState.PARTIAL,
            ("key", "energy"),
            "reccobeats down",
        ),
        (
            {},
            {"failure": "deezer: bad response"},
            TrackState.FAILED,
            DJ_FIELDS,
            "deezer: bad response",
        ),
        ({}, {"found": False}, TrackState.NOT_FOUND, DJ_FIELDS, "no provider matched this track"),
        (
            {"bpm": BPM},
            {"deferred": True},
            TrackState.DEFERRED,
            ("key", "energy"),
            "budget: left for a later run",
        ),
        (
            {"bpm": BPM, "key": KEY, "energy": ENERGY},
            {"deferred": True},
            TrackState.COMPLETE,
            (),
            None,
        ),
        ({}, {}, TrackState.PARTIAL, DJ_FIELDS, "found, but no source had these fields"),
    ],
)
def test_decide_state(
    fields: dict[str, FieldValue | None],
    kwargs: dict[str, object],
    state: TrackState,
    missing: tuple[str, ...],
    reason: str | None,
) -> None:
    outcome = decide_state(fields, **kwargs)  # type: ignore[arg-type]
    assert (outcome.state, outcome.missing, outcome.reason) == (state, missing, reason)
    assert outcome.to_dict()["state"] == state.value


def test_decide_state_with_the_fields_a_dj_chose() -> None:
    outcome = decide_state({"bpm": BPM}, needed=["bpm"])
    assert outcome.state == TrackState.COMPLETE
    outcome = decide_state({"bpm": BPM}, needed=["bpm", "genres", "bpm"])
    assert outcome.state == TrackState.PARTIAL and outcome.missing == ("genres",)
