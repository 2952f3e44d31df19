"""track_query: the filter and sort rules the track table and ``djdesk show`` share."""

from __future__ import annotations

from typing import Any

import pytest

from djdesk.core.dj.track_query import (
    SortKey,
    TrackFilter,
    camelot_code,
    key_set,
    parse_range,
    parse_sort,
    sort_items,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120-130", (120.0, 130.0)),
        ("120 - 130", (120.0, 130.0)),
        ("120..130", (120.0, 130.0)),
        ("120-", (120.0, None)),
        ("-130", (None, 130.0)),
        ("..0.5", (None, 0.5)),
        ("124", (124.0, 124.0)),
    ],
)
def test_ranges(text: str, expected: tuple[float | None, float | None]) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["", "-", "fast", "130-120", "1-2-3"])
def test_bad_ranges(text: str) -> None:
    with pytest.raises(ValueError):
        parse_range(text)


def test_keys_in_any_notation_and_their_compatible_set() -> None:
    assert camelot_code("Am") == camelot_code("1m") == camelot_code("8a") == "8A"
    assert key_set("8A") == {"8A"}
    # strict harmonic mixing: same, ±1 on the wheel, the relative major
    assert key_set("Am", compatible=True) == {"8A", "7A", "9A", "8B"}
    assert key_set("12B", compatible=True) == {"12B", "11B", "1B", "12A"}
    with pytest.raises(ValueError):
        key_set("H#")


def test_sort_spec() -> None:
    assert parse_sort("bpm,-energy", ["bpm", "energy"]) == [
        SortKey("bpm"),
        SortKey("energy", descending=True),
    ]
    with pytest.raises(ValueError, match="cannot sort by 'tempo'"):
        parse_sort("tempo", ["bpm"])


ROWS: list[dict[str, Any]] = [
    {"id": 1, "bpm": 128.0, "energy": 0.5, "key": "10A"},
    {"id": 2, "bpm": None, "energy": 0.9, "key": None},
    {"id": 3, "bpm": 124.0, "energy": 0.7, "key": "2A"},
    {"id": 4, "bpm": 128.0, "energy": 0.8, "key": "9A"},
    {"id": 5, "bpm": 124.0, "energy": None, "key": ""},
]


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in rows]


def test_multi_key_sort_keeps_unknown_last_in_both_directions() -> None:
    def value(row: dict[str, Any], name: str) -> Any:
        return row[name]

    asc = sort_items(ROWS, parse_sort("bpm,-energy", ["bpm", "energy"]), value)
    assert _ids(asc) == [3, 5, 4, 1, 2]  # 124 (0.7, unknown), 128 (0.8, 0.5), unknown bpm
    desc = sort_items(ROWS, [SortKey("bpm", descending=True)], value)
    assert _ids(desc) == [1, 4, 3, 5, 2], "ties keep input order; unknown still last"
    by_key = sort_items(ROWS, [SortKey("key")], value)
    assert _ids(by_key) == [3, 4, 1, 2, 5], "wheel order: 2A < 9A < 10A, then unknown"


def test_filter_ranges_keys_and_text() -> None:
    def check(flt: TrackFilter) -> list[int]:
        return [
            r["id"] for r in ROWS if flt.matches_values(f"track {r['id']}", lambda n, r=r: r.get(n))
        ]

    assert not TrackFilter().active and check(TrackFilter()) == [1, 2, 3, 4, 5]
    assert check(TrackFilter(bpm=(125.0, None))) == [1, 4], "unknown BPM is hidden"
    assert check(TrackFilter(bpm=(120.0, 126.0), energy=(0.6, None))) == [3]
    assert check(TrackFilter(keys=key_set("9A", compatible=True))) == [1, 4]
    assert check(TrackFilter(text="TRACK 3")) == [3]
