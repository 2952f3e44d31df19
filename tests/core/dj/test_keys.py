"""Key notation: all 24 keys in all three notations, checked against research/mission.md §3."""

from __future__ import annotations

import pytest

from djdesk.core.dj.keys import (
    Key,
    camelot_number,
    compatible_keys,
    format_key,
    from_spotify,
    is_relative_swap,
    parse_key,
    relative,
    traktor_value,
)

# mission.md §3, copied verbatim: pc | mode | musical key | Camelot | Open Key | Traktor VALUE
MISSION_TABLE = """
| 0 | 1 major | C | 8B | 1d | 0 |
| 1 | 1 major | D♭ (C♯) | 3B | 8d | 1 |
| 2 | 1 major | D | 10B | 3d | 2 |
| 3 | 1 major | E♭ | 5B | 10d | 3 |
| 4 | 1 major | E | 12B | 5d | 4 |
| 5 | 1 major | F | 7B | 12d | 5 |
| 6 | 1 major | F♯/G♭ | 2B | 7d | 6 |
| 7 | 1 major | G | 9B | 2d | 7 |
| 8 | 1 major | A♭ | 4B | 9d | 8 |
| 9 | 1 major | A | 11B | 4d | 9 |
| 10 | 1 major | B♭ | 6B | 11d | 10 |
| 11 | 1 major | B | 1B | 6d | 11 |
| 0 | 0 minor | Cm | 5A | 10m | 12 |
| 1 | 0 minor | C♯m | 12A | 5m | 13 |
| 2 | 0 minor | Dm | 7A | 12m | 14 |
| 3 | 0 minor | D♯m/E♭m | 2A | 7m | 15 |
| 4 | 0 minor | Em | 9A | 2m | 16 |
| 5 | 0 minor | Fm | 4A | 9m | 17 |
| 6 | 0 minor | F♯m | 11A | 4m | 18 |
| 7 | 0 minor | Gm | 6A | 11m | 19 |
| 8 | 0 minor | G♯m (A♭m) | 1A | 6m | 20 |
| 9 | 0 minor | Am | 8A | 1m | 21 |
| 10 | 0 minor | B♭m | 3A | 8m | 22 |
| 11 | 0 minor | Bm | 10A | 3m | 23 |
"""


def _rows() -> list[tuple[int, int, list[str], str, str, int]]:
    rows = []
    for line in MISSION_TABLE.strip().splitlines():
        pc, mode, names, camelot, open_key, traktor = (
            c.strip() for c in line.strip("|").split("|")
        )
        spellings = [s.strip() for s in names.replace("(", "/").replace(")", "").split("/")]
        # "D♯m/E♭m" and "F♯/G♭": the second spelling may lack the minor suffix of the first.
        if mode.startswith("0"):
            spellings = [s if s.endswith("m") else s + "m" for s in spellings]
        rows.append((int(pc), int(mode[0]), spellings, camelot, open_key, int(traktor)))
    return rows


ROWS = _rows()


def test_table_has_all_24_keys() -> None:
    assert len(ROWS) == 24
    assert {(pc, mode) for pc, mode, *_ in ROWS} == {(pc, m) for pc in range(12) for m in (0, 1)}


@pytest.mark.parametrize(("pc", "mode", "spellings", "camelot", "open_key", "traktor"), ROWS)
def test_every_key_in_every_notation(
    pc: int, mode: int, spellings: list[str], camelot: str, open_key: str, traktor: int
) -> None:
    key = Key(pc, mode)
    assert format_key(pc, mode, "camelot") == camelot
    assert format_key(pc, mode, "open_key") == open_key
    assert traktor_value(pc, mode) == traktor
    # Parsing each notation lands back on the same key, and formatting round-trips.
    assert parse_key(camelot) == key
    assert parse_key(camelot.lower()) == key
    assert parse_key(open_key) == key
    for spelling in spellings:
        assert parse_key(spelling) == key, spelling
        assert parse_key(spelling.replace("♯", "#").replace("♭", "b")) == key, spelling
    classic = format_key(pc, mode, "classic")
    assert "♭" not in classic and "b" not in classic[1:]  # sharps, as DJ software prints them
    assert parse_key(classic) == key
    assert key.format("classic") == classic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A minor", Key(9, 0)),
        ("a minor", Key(9, 0)),
        ("Amin", Key(9, 0)),
        ("C major", Key(0, 1)),
        ("Cmaj", Key(0, 1)),
        ("F#", Key(6, 1)),
        ("F sharp minor", Key(6, 0)),
        ("E-flat minor", Key(3, 0)),
        ("Bbm", Key(10, 0)),
        ("B♭ minor", Key(10, 0)),
        ("bm", Key(11, 0)),
        ("Cbm", Key(11, 0)),  # ID3 TKEY style, C flat minor = B minor
        ("E#", Key(5, 1)),
        ("08A", Key(9, 0)),
        (" 8 a ", Key(9, 0)),
        ("12B", Key(4, 1)),
        ("6d", Key(11, 1)),
        ("1M", Key(9, 0)),
    ],
)
def test_parse_accepts_common_spellings(text: str, expected: Key) -> None:
    assert parse_key(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "  ", "o", "H", "Hm", "13A", "0B", "8C", "Ebb m x", "C##"]
)
def test_parse_rejects_what_is_not_a_key(text: str | None) -> None:
    assert parse_key(text) is None


def test_format_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        format_key(12, 0, "camelot")
    with pytest.raises(ValueError):
        format_key(0, 2, "camelot")
    with pytest.raises(ValueError):
        format_key(0, 1, "lancelot")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "mode", "expected"),
    [
        (9, 0, Key(9, 0)),
        (0, 1, Key(0, 1)),
        (-1, 1, None),
        (-1, 0, None),
        (12, 1, None),
        (None, None, None),
        (5, None, None),
        (5, 2, None),
        (True, 1, None),
    ],
)
def test_from_spotify_treats_minus_one_as_unknown(
    key: object, mode: object, expected: Key | None
) -> None:
    assert from_spotify(key, mode) == expected  # type: ignore[arg-type]


def test_relative_keys_share_the_camelot_number() -> None:
    for pc in range(12):
        for mode in (0, 1):
            rel = relative(pc, mode)
            assert rel.mode != mode
            assert camelot_number(*rel) == camelot_number(pc, mode)
            assert relative(*rel) == Key(pc, mode)
            assert is_relative_swap(Key(pc, mode), rel)
    assert relative(9, 0) == Key(0, 1)  # Am ↔ C
    assert not is_relative_swap(Key(9, 0), Key(9, 0))
    assert not is_relative_swap(Key(9, 0), Key(9, 1))  # parallel, not relative


def _camelot(keys: tuple[Key, ...]) -> list[str]:
    return [k.format("camelot") for k in keys]


def test_compatible_keys_strict_relaxed_creative() -> None:
    assert _camelot(compatible_keys(9, 0)) == ["8A", "7A", "9A", "8B"]
    assert _camelot(compatible_keys(9, 0, "relaxed")) == ["8A", "7A", "9A", "8B", "7B", "9B"]
    assert _camelot(compatible_keys(9, 0, "creative")) == [
        "8A",
        "7A",
        "9A",
        "8B",
        "7B",
        "9B",
        "10A",
        "3A",
    ]
    # Wrap-around at the top and bottom of the wheel.
    assert _camelot(compatible_keys(*parse_key("12B"))) == ["12B", "11B", "1B", "12A"]  # type: ignore[misc]
    assert _camelot(compatible_keys(*parse_key("1A"))) == ["1A", "12A", "2A", "1B"]  # type: ignore[misc]
    # +7 on the wheel is one semitone up: Am → B♭m.
    assert compatible_keys(9, 0, "creative")[-1] == Key(10, 0)
    with pytest.raises(ValueError):
        compatible_keys(9, 0, "wild")  # type: ignore[arg-type]


def test_every_key_has_four_distinct_strict_neighbours() -> None:
    for pc in range(12):
        for mode in (0, 1):
            keys = compatible_keys(pc, mode)
            assert len(set(keys)) == 4
            assert keys[0] == Key(pc, mode)
