"""Tempo folding: half/double time into the DJ range, genre-aware."""

from __future__ import annotations

import pytest

from djdesk.core.dj.tempo import BpmRange, dj_range, fold, genre_range, octave_of, relation

DEFAULT = BpmRange(70, 180)


@pytest.mark.parametrize(
    ("bpm", "rng", "expected"),
    [
        (128, DEFAULT, 128),  # inside: left alone
        (87, DEFAULT, 87),
        (174, DEFAULT, 174),
        (190, DEFAULT, 95),
        (256, DEFAULT, 128),
        (45, DEFAULT, 90),
        (30, DEFAULT, 120),
        (87, BpmRange(160, 185, "drum & bass"), 174),
        (43.5, BpmRange(160, 185, "drum & bass"), 174),
        (180, BpmRange(70, 115, "hip-hop"), 90),
        (70, BpmRange(130, 155, "dubstep"), 140),
        (62, BpmRange(110, 135, "house"), 124),
        (248, BpmRange(110, 135, "house"), 124),
        (70, BpmRange(70, 140), 70),  # the edges are inside
        (140, BpmRange(70, 140), 140),
    ],
)
def test_fold(bpm: float, rng: BpmRange, expected: float) -> None:
    assert fold(bpm, rng) == pytest.approx(expected)


def test_fold_into_a_range_narrower_than_an_octave_takes_the_nearest_octave() -> None:
    narrow = BpmRange(120, 130)
    assert fold(100, narrow) == 100  # 200 and 50 are further away in log distance
    assert fold(236, narrow) == 118


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_fold_rejects_non_tempos(bad: float) -> None:
    with pytest.raises(ValueError):
        fold(bad, DEFAULT)


def test_bad_range() -> None:
    with pytest.raises(ValueError):
        BpmRange(180, 70)


@pytest.mark.parametrize(
    ("genres", "name"),
    [
        (["Drum & Bass"], "drum & bass"),
        (["drum and bass"], "drum & bass"),
        (["DnB", "electronic"], "drum & bass"),
        (["liquid funk"], "drum & bass"),
        (["Dubstep"], "dubstep"),
        (["Hip-Hop"], "hip-hop"),
        (["rap"], "hip-hop"),
        (["R&B"], "hip-hop"),
        (["Tech House"], "house"),
        (["deep house", "house"], "house"),
        (["Techno"], "techno"),
        (["pop", "rock"], None),
        (["trapeze"], None),  # whole words only: not "trap"
        ([], None),
        (None, None),
        ([""], None),
    ],
)
def test_genre_range(genres: list[str] | None, name: str | None) -> None:
    found = genre_range(genres)
    assert (found.name if found else None) == name


def test_dj_range_prefers_the_genre_and_falls_back_to_settings() -> None:
    assert dj_range(70, 180, ["dnb"]).name == "drum & bass"
    assert dj_range(80, 160, ["polka"]) == BpmRange(80, 160)
    assert dj_range(80, 160) == BpmRange(80, 160)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (128, 128, "same"),
        (128, 130.4, "same"),  # 1.9 %
        (128, 131, None),  # 2.3 %
        (87, 174, "double"),
        (87, 175.5, "double"),
        (174, 87, "half"),
        (120, 100, None),
        (0, 100, None),
        (120, 80, None),  # 3:2 is not folded
    ],
)
def test_relation(a: float, b: float, expected: str | None) -> None:
    assert relation(a, b) == expected


def test_octave_of_names_what_folding_did() -> None:
    assert octave_of(87, 174) == "double-time folded"
    assert octave_of(174, 87) == "half-time folded"
    assert octave_of(128, 128) is None
    assert octave_of(30, 120) == "folded ÷4"
    assert "×4" in (octave_of(120, 30) or "")
