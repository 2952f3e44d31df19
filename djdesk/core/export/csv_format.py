"""CSV in Exportify's column names, then DJDesk's own columns (mission.md §4.5).

Apps that import "Exportify CSV" look for ``Track URI``, ``Track Name``, ``Artist Name(s)``,
``Key``, ``Mode`` and ``Tempo``, so those keep Exportify's names and meanings: ``Key`` is the
pitch class 0-11 and ``Mode`` 1 major / 0 minor (Spotify's convention), ``Energy`` 0-1. An
unknown value is an empty cell, never Spotify's ``-1``, so nothing reads a guess. The extra
columns carry every notation at once (Camelot, Open Key, classic), the energy on the 1-10
scale, and where BPM and key came from. Tracks with no Spotify id get an empty ``Track URI``:
DJDesk's own CSV import then finds them by ISRC. UTF-8 without a BOM, as Exportify writes it.
"""

from __future__ import annotations

import csv
import io

from djdesk.core.export.tracks import AUDIO_FEATURES, ExportPlaylist, ExportTrack

EXPORTIFY_COLUMNS: tuple[str, ...] = (
    "Track URI",
    "Track Name",
    "Album Name",
    "Artist Name(s)",
    "Release Date",
    "Duration (ms)",
    "Added At",
    "Genres",
    "Record Label",
    "Danceability",
    "Energy",
    "Key",
    "Loudness",
    "Mode",
    "Speechiness",
    "Acousticness",
    "Instrumentalness",
    "Liveness",
    "Valence",
    "Tempo",
    "ISRC",
)
DJDESK_COLUMNS: tuple[str, ...] = (
    "Camelot",
    "Open Key",
    "Musical Key",
    "Energy (1-10)",
    "BPM Source",
    "BPM Confidence",
    "Key Source",
    "Key Confidence",
    "Link",
)
COLUMNS = EXPORTIFY_COLUMNS + DJDESK_COLUMNS


def _num(value: float | None, places: int = 3) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _row(t: ExportTrack) -> dict[str, str]:
    spotify = t.ids.get("spotify")
    bpm_src, bpm_conf = t.sources.get("bpm", ("", None))
    key_src, key_conf = t.sources.get("key", ("", None))
    row = {
        "Track URI": f"spotify:track:{spotify}" if spotify else "",
        "Track Name": t.title,
        "Album Name": t.album,
        "Artist Name(s)": ",".join(t.artists),
        "Release Date": "" if t.year is None else t.release_date,
        "Duration (ms)": "" if t.duration_ms is None else str(t.duration_ms),
        "Added At": t.added_at,
        "Genres": ",".join(t.genres),
        "Record Label": t.label,
        "Key": "" if t.key is None else str(t.key.pitch_class),
        "Mode": "" if t.key is None else str(t.key.mode),
        "Tempo": _num(t.bpm),
        "ISRC": t.ids.get("isrc", ""),
        "Camelot": t.key_text("camelot"),
        "Open Key": t.key_text("open_key"),
        "Musical Key": t.key_text("classic"),
        "Energy (1-10)": "" if t.energy_level is None else str(t.energy_level),
        "BPM Source": bpm_src,
        "BPM Confidence": _num(bpm_conf, 2),
        "Key Source": key_src,
        "Key Confidence": _num(key_conf, 2),
        "Link": t.link,
    }
    for name in AUDIO_FEATURES:
        row[name.capitalize()] = _num(t.features.get(name), 4)
    return row


def render(playlist: ExportPlaylist, notation: str = "camelot") -> bytes:
    """The whole file. ``notation`` is unused: every notation has its own column."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for track in playlist.tracks:
        writer.writerow(_row(track))
    return out.getvalue().encode("utf-8")
