"""Tempo: folding half/double-time BPM readings into the range a DJ counts in, genre-aware.

Detectors often report a drum & bass track at 87 or a hip-hop track at 180; both are the same
beat grid at another octave. Folding multiplies or divides by 2 until the value sits in a range;
the user's range comes from Settings (``bpm_min``/``bpm_max``) and a known genre narrows it, so
drum & bass stays near 174 and hip-hop near 90 instead of both landing wherever the default puts
them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

#: Two readings within this relative difference are the same tempo (mission.md §5: ~2 %).
DEFAULT_TOLERANCE = 0.02

Relation = Literal["same", "double", "half"]


@dataclass(frozen=True, slots=True)
class BpmRange:
    """An inclusive BPM range with a name for notes ("drum & bass 160-185")."""

    lo: float
    hi: float
    name: str = "DJ range"

    def __post_init__(self) -> None:
        if not 0 < self.lo < self.hi:
            raise ValueError(f"bad BPM range {self.lo}-{self.hi}")

    def __contains__(self, bpm: object) -> bool:
        return isinstance(bpm, int | float) and self.lo <= bpm <= self.hi

    @property
    def centre(self) -> float:
        return math.sqrt(self.lo * self.hi)

    def label(self) -> str:
        return f"{self.name} {self.lo:g}-{self.hi:g}"


#: Genre keywords → the range DJs count that genre in. Checked in order: specific names first
#: ("tech house" before "house", "drum and bass" before "bass").
GENRE_RANGES: tuple[tuple[tuple[str, ...], BpmRange], ...] = (
    (
        ("drum and bass", "drum n bass", "dnb", "d and b", "jungle", "neurofunk", "liquid funk"),
        BpmRange(160, 185, "drum & bass"),
    ),
    (("footwork", "juke"), BpmRange(150, 170, "footwork")),
    (("hardstyle", "hardcore", "gabber"), BpmRange(140, 200, "hardstyle")),
    (("dubstep", "riddim", "brostep"), BpmRange(130, 155, "dubstep")),
    (("trance", "psytrance", "psy trance"), BpmRange(125, 150, "trance")),
    (("techno",), BpmRange(118, 150, "techno")),
    (("house", "disco", "edm"), BpmRange(110, 135, "house")),
    (("reggaeton", "dancehall", "moombahton"), BpmRange(85, 115, "reggaeton")),
    (
        ("hip hop", "hiphop", "rap", "trap", "boom bap", "r and b", "rnb", "drill"),
        BpmRange(70, 115, "hip-hop"),
    ),
    (("downtempo", "trip hop", "chillout", "lofi", "lo fi"), BpmRange(60, 110, "downtempo")),
)


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.casefold().replace("&", " and ")).strip() + " "


def genre_range(genres: Iterable[str] | None) -> BpmRange | None:
    """The range for the first genre/tag that names a known style, or None."""
    if not genres:
        return None
    tags = [_words(g) for g in genres if g]
    for keywords, bpm_range in GENRE_RANGES:
        for tag in tags:
            if any(f" {kw} " in tag for kw in keywords):
                return bpm_range
    return None


def dj_range(bpm_min: float, bpm_max: float, genres: Iterable[str] | None = None) -> BpmRange:
    """The user's range (from Settings), overridden by a genre's range when one is known."""
    return genre_range(genres) or BpmRange(bpm_min, bpm_max)


def fold(bpm: float, bpm_range: BpmRange) -> float:
    """Halve or double ``bpm`` into the range; a value already inside is left alone.

    A range narrower than an octave may have no fold inside it; then the octave closest to the
    range (in log distance) wins, which is still the best guess of how a DJ would count it.
    """
    if bpm <= 0 or not math.isfinite(bpm):
        raise ValueError(f"not a tempo: {bpm!r}")
    if bpm in bpm_range:
        return bpm
    candidates = [bpm * 2.0**k for k in range(-4, 5)]

    def distance(x: float) -> float:
        if x in bpm_range:
            return abs(math.log(x / bpm_range.centre)) - 10.0  # inside beats any outside
        return min(abs(math.log(x / bpm_range.lo)), abs(math.log(x / bpm_range.hi)))

    return min(candidates, key=distance)


def octave_of(folded: float, original: float) -> str | None:
    """A note for what folding did: "double-time folded", "half-time folded" or None."""
    ratio = original / folded
    if math.isclose(ratio, 1.0, rel_tol=1e-9):
        return None
    if ratio > 1:
        return "double-time folded" if math.isclose(ratio, 2.0) else f"folded ÷{ratio:g}"
    return "half-time folded" if math.isclose(ratio, 0.5) else f"folded ×{1 / ratio:g}"


def relation(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> Relation | None:
    """How ``b`` relates to ``a``: the same tempo, double-time, half-time, or unrelated (None)."""
    if a <= 0 or b <= 0:
        return None
    for name, factor in (("same", 1.0), ("double", 2.0), ("half", 0.5)):
        if abs(b / (a * factor) - 1.0) <= tolerance:
            return name  # type: ignore[return-value]
    return None
