"""The plain track and playlist values every export format renders, read from library rows.

Why a copy of the library row and not the row itself: each format needs the same few decisions
(which BPM counts, which key, the energy on a 1-10 scale, a text safe for XML and for line-based
files), and making them once here keeps the four writers to layout only. A field whose kind is
``default`` is a placeholder, never a measurement, so it is left out: DJ software would trust
it as much as a measured value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from djdesk.core.dj.keys import Key, format_key, from_spotify, parse_key
from djdesk.core.library import Entry, TrackRow

#: Characters XML 1.0 cannot hold at all (not even escaped); a title carrying one would make
#: the whole Rekordbox or Traktor file unreadable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")

#: The audio features Exportify writes as columns, by library field name.
AUDIO_FEATURES: tuple[str, ...] = (
    "danceability",
    "energy",
    "loudness",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
)


def clean_text(text: Any) -> str:
    """One line of text every format can hold: no XML-invalid characters, no line breaks.

    A line break inside a title would split an M3U8 entry in two; a control character would
    make an XML file fail to load in Rekordbox or Traktor.
    """
    if text is None:
        return ""
    s = _INVALID_XML.sub("", str(text))
    return _LINE_BREAKS.sub(" ", s).strip()


@dataclass(frozen=True, slots=True)
class ExportTrack:
    """One playlist entry as the exports see it; ``position`` counts from 1.

    ``location`` is a local audio file when one is known; ``placeholder`` marks a made-up path
    (``Artist - Title.mp3`` in the placeholder folder) written for formats that need one.
    """

    track_id: int
    position: int
    title: str
    artists: tuple[str, ...] = ()
    album: str = ""
    duration_ms: int | None = None
    bpm: float | None = None
    key: Key | None = None
    energy: float | None = None
    genres: tuple[str, ...] = ()
    label: str = ""
    release_date: str = ""
    ids: Mapping[str, str] = field(default_factory=dict)
    added_at: str = ""
    features: Mapping[str, float] = field(default_factory=dict)
    sources: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    location: PurePath | None = None
    placeholder: bool = False

    @property
    def artist(self) -> str:
        return ", ".join(self.artists)

    @property
    def display(self) -> str:
        """``Artist - Title``: how DJ software, M3U and file names say which track this is."""
        return f"{self.artist} - {self.title}" if self.artist else self.title

    @property
    def duration_s(self) -> int | None:
        return None if self.duration_ms is None else round(self.duration_ms / 1000)

    @property
    def year(self) -> int | None:
        m = re.match(r"^(\d{4})", self.release_date)
        # Deezer writes 1900-01-01 for "unknown" (api-samples track_detail_3135556_2025-01-21).
        return int(m.group(1)) if m and m.group(1) != "1900" else None

    @property
    def energy_level(self) -> int | None:
        """Energy on the 1-10 scale DJs know from Mixed In Key (0.0 → 1, 1.0 → 10)."""
        if self.energy is None:
            return None
        return 1 + math.floor(min(max(self.energy, 0.0), 1.0) * 9 + 0.5)  # half up, not even

    @property
    def link(self) -> str:
        """Where the track can be heard or bought: Deezer first (any public track opens)."""
        if self.ids.get("deezer"):
            return f"https://www.deezer.com/track/{self.ids['deezer']}"
        if self.ids.get("spotify"):
            return f"https://open.spotify.com/track/{self.ids['spotify']}"
        return ""

    @property
    def local(self) -> bool:
        return self.location is not None and not self.placeholder

    def key_text(self, notation: str) -> str:
        return "" if self.key is None else format_key(*self.key, notation)  # type: ignore[arg-type]

    def comment(self, notation: str = "camelot") -> str:
        """The Mixed In Key style comment ("8A - Energy 7") DJs sort and filter on."""
        parts = [p for p in (self.key_text(notation),) if p]
        if self.energy_level is not None:
            parts.append(f"Energy {self.energy_level}")
        return " - ".join(parts)


@dataclass(frozen=True, slots=True)
class ExportPlaylist:
    """A playlist ready to render. ``skipped`` names entries with no track behind them."""

    id: int
    name: str
    tracks: tuple[ExportTrack, ...]
    skipped: tuple[str, ...] = ()


# --- reading library rows -----------------------------------------------------------------------


def _field(doc: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    data = doc.get(name)
    if not isinstance(data, Mapping) or data.get("kind") == "default":
        return None
    return data if data.get("value") not in (None, "", [], ()) else None


def _number(doc: Mapping[str, Any], name: str) -> float | None:
    data = _field(doc, name)
    value = None if data is None else data.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _key(doc: Mapping[str, Any]) -> Key | None:
    data = _field(doc, "key")
    value = None if data is None else data.get("value")
    if isinstance(value, Mapping):
        return from_spotify(value.get("pitch_class"), value.get("mode"))
    if isinstance(value, str):
        return parse_key(value)
    if isinstance(value, list | tuple) and len(value) == 2:
        return from_spotify(value[0], value[1])
    return None


def _texts(doc: Mapping[str, Any], name: str) -> tuple[str, ...]:
    data = _field(doc, name)
    value = None if data is None else data.get("value")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return ()
    names = (v.get("name") if isinstance(v, Mapping) else v for v in value)
    return tuple(dict.fromkeys(t for n in names if (t := clean_text(n))))


def _source(doc: Mapping[str, Any], name: str) -> tuple[str, float] | None:
    data = _field(doc, name)
    if data is None:
        return None
    conf = data.get("confidence")
    return str(data.get("source") or ""), float(conf) if isinstance(conf, int | float) else 1.0


def from_row(entry: Entry, row: TrackRow) -> ExportTrack:
    """One library row as an export track. Genres fall back to the Last.fm tags."""
    doc = row.doc
    bpm = _number(doc, "bpm")
    features = {n: v for n in AUDIO_FEATURES if (v := _number(doc, n)) is not None}
    sources = {n: s for n in ("bpm", "key") if (s := _source(doc, n)) is not None}
    release = _field(doc, "release_date")
    label = _field(doc, "label")
    return ExportTrack(
        track_id=row.id,
        position=entry.position + 1,
        title=clean_text(row.title),
        artists=tuple(a for a in (clean_text(a) for a in row.artists) if a),
        album=clean_text(row.album),
        duration_ms=row.duration_ms,
        bpm=bpm if bpm is not None and bpm > 0 else None,
        key=_key(doc),
        energy=features.get("energy"),
        genres=(_texts(doc, "genres") or _texts(doc, "tags"))[:5],
        label=clean_text(label["value"]) if label else "",
        release_date=clean_text(release["value"]) if release else "",
        ids=dict(row.ids),
        added_at=clean_text(entry.added_at),
        features=features,
        sources=sources,
    )


def skipped_label(entry: Entry) -> str:
    """A name for an entry that has no track (a Spotify local file, a removed track)."""
    src = entry.source
    row = src.get("row") if isinstance(src.get("row"), Mapping) else {}
    name = row.get("Track Name") or src.get("uri") or src.get("url") or ""
    why = "local file" if entry.local else "unavailable"
    name = clean_text(name)
    return f"#{entry.position + 1} {name} ({why})" if name else f"#{entry.position + 1} ({why})"
