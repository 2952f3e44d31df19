"""The track table's filter as a plain value with a pure ``matches`` (testable without Qt).

A range bound of ``None`` means open; a track with no value for a field that has a range is
hidden (a DJ asking for 120-128 BPM does not want tracks whose BPM is unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from djdesk.gui.services import TrackRow

Range = tuple[float | None, float | None]


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

    def matches(self, row: TrackRow) -> bool:
        needle = self.text.strip().casefold()
        if needle:
            genres = row.fields.get("genres")
            hay = f"{row.title}\n{row.artists}\n{row.album}\n{genres.value if genres else ''}"
            if needle not in hay.casefold():
                return False
        for name, (low, high) in (("bpm", self.bpm), ("energy", self.energy), ("year", self.year)):
            if low is None and high is None:
                continue
            fv = row.fields.get(name)
            if fv is None or not isinstance(fv.value, int | float):
                return False
            if (low is not None and fv.value < low) or (high is not None and fv.value > high):
                return False
        if self.keys:
            fv = row.fields.get("key")
            if fv is None or str(fv.value).upper() not in self.keys:
                return False
        return True
