"""Filtering and sorting tracks the way a DJ asks: text, BPM/energy/year ranges, keys, sort keys.

Shared by the window's track table and ``djdesk show``, so "120-128 BPM in 8A or a compatible
key, by BPM then energy descending" means the same in both. Rows are read through a getter
(``value(name)``) so each front end keeps its own row type: plain values only, keys as Camelot
codes ("8A"), ``None`` when not known yet.

A range bound of ``None`` means open; a track with no value for a field that has a range is
hidden (a DJ asking for 120-128 BPM does not want tracks whose BPM is unknown). Sorting puts
unknown values last whichever the direction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from djdesk.core.dj.keys import compatible_keys, parse_key

Range = tuple[float | None, float | None]
ValueGetter = Callable[[str], Any]
T = TypeVar("T")

#: The fields a range applies to.
RANGE_FIELDS: tuple[str, ...] = ("bpm", "energy", "year")
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*(?:(-|\.\.)\s*(\d+(?:\.\d+)?)?)?\s*$")


@dataclass(frozen=True, slots=True)
class TrackFilter:
    text: str = ""
    bpm: Range = (None, None)
    energy: Range = (None, None)
    year: Range = (None, None)
    keys: frozenset[str] = field(default_factory=frozenset)  # Camelot codes, e.g. "8A"

    @property
    def active(self) -> bool:
        return bool(
            self.text.strip()
            or self.keys
            or any(b is not None for r in (self.bpm, self.energy, self.year) for b in r)
        )

    def matches_values(self, haystack: str, value: ValueGetter) -> bool:
        """``haystack``: the searchable text (title, artists, album, genres) of one track."""
        needle = self.text.strip().casefold()
        if needle and needle not in haystack.casefold():
            return False
        for name, (low, high) in (("bpm", self.bpm), ("energy", self.energy), ("year", self.year)):
            if low is None and high is None:
                continue
            v = value(name)
            if not isinstance(v, int | float) or isinstance(v, bool):
                return False
            if (low is not None and v < low) or (high is not None and v > high):
                return False
        if self.keys:
            v = value("key")
            if v is None or str(v).upper() not in self.keys:
                return False
        return True


def camelot_code(text: str) -> str:
    """A key in any notation ("8A", "Am", "1m", "A minor") as its Camelot code."""
    key = parse_key(text)
    if key is None:
        raise ValueError(f"not a musical key: {text!r}")
    return key.format("camelot")


def key_set(text: str, *, compatible: bool = False) -> frozenset[str]:
    """The Camelot codes a key filter matches: the key, plus its harmonic neighbours.

    Compatible = same key, ±1 on the wheel and the relative major/minor (``keys.compatible_keys``
    "strict", the Mixed In Key set).
    """
    key = parse_key(text)
    if key is None:
        raise ValueError(f"not a musical key: {text!r}")
    keys = compatible_keys(*key) if compatible else (key,)
    return frozenset(k.format("camelot") for k in keys)


def parse_range(text: str) -> Range:
    """ "120-128", "120-", "-128" (or "..128"), "120..128", or "124" (exactly)."""
    m = _RANGE.match(text)
    if not m or (m.group(1) is None and m.group(3) is None):
        raise ValueError(f"not a range: {text!r} (use LOW-HIGH, LOW- or -HIGH)")
    low = float(m.group(1)) if m.group(1) is not None else None
    high = float(m.group(3)) if m.group(3) is not None else None
    if m.group(2) is None:
        high = low
    if low is not None and high is not None and low > high:
        raise ValueError(f"the range {text!r} is empty (the low end is above the high end)")
    return low, high


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool = False


def parse_sort(text: str, allowed: Iterable[str]) -> list[SortKey]:
    """ "bpm,-energy" → BPM ascending, then energy descending."""
    names = set(allowed)
    keys: list[SortKey] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        descending = part.startswith("-")
        name = part.lstrip("+-")
        if name not in names:
            raise ValueError(f"cannot sort by {name!r}; choose from {', '.join(sorted(names))}")
        keys.append(SortKey(name, descending))
    return keys


def camelot_sort_key(code: str) -> tuple[int, str]:
    """Wheel order (1A, 1B, 2A, …) rather than text order (10A before 2A)."""
    try:
        return int(code[:-1]), code[-1].upper()
    except (ValueError, IndexError):
        return 99, code


def _comparable(name: str, v: Any) -> Any:
    if name == "key":
        return camelot_sort_key(str(v))
    return v.casefold() if isinstance(v, str) else v


def sort_items(
    items: Sequence[T], keys: Sequence[SortKey], value: Callable[[T, str], Any]
) -> list[T]:
    """Stable multi-key sort; the first key is primary. Unknown (``None``/"") values go last.

    Sorted from the last key to the first, each pass stable, so earlier keys win and ties keep
    the input order.
    """
    out = list(items)
    for key in reversed(keys):
        known = [(v, i) for i in out if (v := value(i, key.field)) is not None and v != ""]
        unknown = [i for i in out if (v := value(i, key.field)) is None or v == ""]
        known.sort(key=lambda pair: _comparable(key.field, pair[0]), reverse=key.descending)
        out = [i for _v, i in known] + unknown
    return out
