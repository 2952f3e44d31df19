"""The track table's columns: what each shows, how it formats, and the raw value it sorts on.

The order puts what a DJ scans first (BPM, key, energy) right after title and artists, then the
enrichment state, so all of them fit a 1280 px window beside the playlist list and details.

Kept apart from the model so the filter, the sort and the details pane agree on one definition.
Key notation conversion lives here too until ``core.dj.keys`` exists (then it should move there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from djdesk.core.i18n import N_
from djdesk.gui.services import TrackRow

_CLASSIC_MAJOR = ("B", "F♯", "D♭", "A♭", "E♭", "B♭", "F", "C", "G", "D", "A", "E")
_CLASSIC_MINOR = ("A♭m", "E♭m", "B♭m", "Fm", "Cm", "Gm", "Dm", "Am", "Em", "Bm", "F♯m", "D♭m")


def format_key(camelot: str, notation: str) -> str:
    """``camelot`` is like ``8A``; returns it in ``camelot``, ``open_key`` or ``classic``."""
    try:
        number, letter = int(camelot[:-1]), camelot[-1].upper()
    except (ValueError, IndexError):
        return camelot
    if not 1 <= number <= 12 or letter not in "AB":
        return camelot
    if notation == "open_key":
        return f"{(number - 8) % 12 + 1}{'m' if letter == 'A' else 'd'}"
    if notation == "classic":
        return (_CLASSIC_MINOR if letter == "A" else _CLASSIC_MAJOR)[number - 1]
    return f"{number}{letter}"


def camelot_sort_key(camelot: str) -> tuple[int, str]:
    try:
        return int(camelot[:-1]), camelot[-1]
    except (ValueError, IndexError):
        return 99, camelot


def count(value: Any) -> str:
    """A count or rank with thousands separators ("563,623"), like every integer DJDesk shows."""
    return f"{int(value):,}"


def _duration(seconds: Any) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


@dataclass(frozen=True, slots=True)
class Column:
    """``field`` names a ``TrackRow`` attribute or an enriched field in ``TrackRow.fields``.

    ``width`` is the least the view gives it; the view widens it to fit the header with its sort
    arrow and ``widest``, the longest text its values show (the digits of a rank), so neither
    is cut off whatever the font. ``tip`` says what a header name alone cannot (a scale).
    """

    field: str
    header: str
    width: int
    numeric: bool = False
    enriched: bool = False
    fmt: Callable[[Any], str] = str
    widest: str = ""
    tip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("position", N_("#"), 36, numeric=True),  # the panel sizes it from the digit count
    Column("title", N_("Title"), 170),
    Column("artists", N_("Artists"), 130),
    Column("bpm", N_("BPM"), 52, numeric=True, enriched=True, fmt=lambda v: f"{v:.1f}"),
    Column("key", N_("Key"), 44, enriched=True),
    Column("energy", N_("Energy"), 56, numeric=True, enriched=True, fmt=lambda v: f"{v:.2f}"),
    Column("state", N_("State"), 72),
    Column("duration_s", N_("Time"), 48, numeric=True, fmt=_duration),
    Column("album", N_("Album"), 130),
    Column("danceability", N_("Dance"), 58, numeric=True, enriched=True, fmt=lambda v: f"{v:.2f}"),
    Column("valence", N_("Valence"), 60, numeric=True, enriched=True, fmt=lambda v: f"{v:.2f}"),
    Column("gain", N_("Gain dB"), 64, numeric=True, enriched=True, fmt=lambda v: f"{v:+.1f}"),
    # Deezer's rank (0 to 1,000,000, higher is more played) for every track, a Spotify crate's
    # too (found on Deezer by ISRC): Spotify's own 0-100 popularity is gone from its API.
    Column(
        "popularity",
        N_("Deezer rank"),
        72,
        numeric=True,
        enriched=True,
        fmt=count,
        widest="1,000,000",
        tip=N_("Deezer's popularity rank, 0 to 1,000,000: the higher, the more it is played"),
    ),
    Column("year", N_("Year"), 50, numeric=True, enriched=True),
    Column("genres", N_("Genres / tags"), 160, enriched=True),
    Column(
        "listeners",
        N_("Listeners"),
        84,
        numeric=True,
        enriched=True,
        fmt=count,
        widest="9,999,999",
        tip=N_("Last.fm listeners of this track"),
    ),
)

#: A cell's text margins plus a little air (the "#" column is sized with the same).
CELL_PADDING = 18

COLUMN_INDEX: dict[str, int] = {c.field: i for i, c in enumerate(COLUMNS)}


def fitted_width(column: Column, header: int, text_width: Callable[[str], int]) -> int:
    """The width a column needs: its header's (``header``, sort arrow included, from the
    header view) or its widest value's with the cell's padding, never below ``width``."""
    value = text_width(column.widest) + CELL_PADDING if column.widest else 0
    return max(column.width, header, value)


def raw_value(row: TrackRow, column: Column) -> Any:
    """The plain value a column sorts and filters on (``None`` when not known yet)."""
    if column.enriched:
        fv = row.fields.get(column.field)
        return None if fv is None else fv.value
    return getattr(row, column.field)


def sort_value(row: TrackRow, column: Column) -> tuple[int, Any]:
    """Unknown values sort last whatever the direction's primary order."""
    value = raw_value(row, column)
    if value is None or value == "":
        return (1, 0)
    if column.field == "key":
        return (0, camelot_sort_key(value))
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)
