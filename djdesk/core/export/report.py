"""What an export wrote and what the DJ still has to fix: the numbers and the track names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class ExportReport:
    """One export's outcome; track lists hold ``Artist - Title`` names in playlist order.

    ``not_local``: tracks written without a local file (a placeholder path in Rekordbox and
    Traktor files, a streaming link in M3U8): the "to buy or find" list. ``skipped``: entries
    with no track at all (a Spotify local file, a removed track), which no format can hold.
    """

    format: str
    path: Path
    playlist: str
    written: int
    without_bpm: tuple[str, ...] = ()
    without_key: tuple[str, ...] = ()
    not_local: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    placeholder_dir: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": str(self.path),
            "playlist": self.playlist,
            "written": self.written,
            "without_bpm": list(self.without_bpm),
            "without_key": list(self.without_key),
            "not_local": list(self.not_local),
            "skipped": list(self.skipped),
            "placeholder_dir": None if self.placeholder_dir is None else str(self.placeholder_dir),
        }
