"""Where each exported track's audio file is: a file found in a music folder, or a placeholder.

Why placeholders: DJDesk knows streaming tracks, not files, and mission.md §4.1 is blunt that a
Rekordbox TRACK without a ``Location`` is useless. Leaving those tracks out would also drop the
BPM, key and energy the DJ exported for, so every track is written, and a track without a file
gets the path ``<folder>/<Artist> - <Title>.mp3``, where ``<folder>`` is the music folder the
user named or else the export's own folder. Rekordbox and Traktor list such tracks as missing
until the file exists: buy or download it under that name (or use their "Relocate" command) and
the cue points, BPM and key are already there. The export report lists them as "not local",
which is the shopping list. An M3U8 line points at the track's Deezer or Spotify page instead.

When a music folder is given, its audio files are matched by file name ("Artist - Title.ext",
accents, case and punctuation ignored); tags are not read (no tag library in the core).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote

from djdesk.core.export.tracks import ExportTrack, clean_text

AUDIO_SUFFIXES = frozenset(
    {".mp3", ".flac", ".wav", ".aiff", ".aif", ".m4a", ".aac", ".alac", ".ogg", ".opus", ".wma"}
)
#: The extension a placeholder gets: the format most stores sell and every DJ program plays.
PLACEHOLDER_SUFFIX = ".mp3"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_MAX_NAME = 150


def safe_filename(name: str, fallback: str = "playlist") -> str:
    """A file name that Windows, macOS and Linux all accept (no separators, no reserved marks)."""
    cleaned = _UNSAFE.sub("_", clean_text(name)).strip().rstrip(". ")
    cleaned = re.sub(r"\s+", " ", cleaned)[:_MAX_NAME].rstrip(". ")
    return cleaned or fallback


def match_key(text: str) -> str:
    """Accents, case and punctuation ignored: "Beyoncé - Halo!" and "beyonce halo" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def scan_music_dir(folder: Path) -> dict[str, Path]:
    """Audio files under ``folder`` by ``match_key`` of their name; the first found wins.

    Blocking (walks the disk): call it in a worker thread.
    """
    found: dict[str, Path] = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.suffix.lower() in AUDIO_SUFFIXES:
                found.setdefault(match_key(path.stem), path.resolve())
    return found


def _candidates(track: ExportTrack) -> Iterable[str]:
    if track.artists:
        yield match_key(f"{track.artists[0]} - {track.title}")
        yield match_key(f"{track.artist} - {track.title}")
        yield match_key(f"{' & '.join(track.artists)} - {track.title}")


def assign_locations(
    tracks: Iterable[ExportTrack], files: dict[str, Path], placeholder_dir: Path | None
) -> list[ExportTrack]:
    """Each track with its found file, else a placeholder in ``placeholder_dir`` (if given)."""
    out = []
    for track in tracks:
        found = next((files[k] for k in _candidates(track) if k in files), None) if files else None
        if found is not None:
            out.append(replace(track, location=found, placeholder=False))
        elif placeholder_dir is not None:
            name = safe_filename(track.display, fallback=f"track {track.track_id}")
            path = placeholder_dir / (name + PLACEHOLDER_SUFFIX)
            out.append(replace(track, location=path, placeholder=True))
        else:
            out.append(track)
    return out


def _pure(path: PurePath) -> PurePath:
    """Windows paths stay Windows paths even when the export is written on another system."""
    text = str(path)
    if re.match(r"^[A-Za-z]:[\\/]", text) or text.startswith("\\\\"):
        return PureWindowsPath(text)
    return path


def file_uri(path: PurePath) -> str:
    """Rekordbox's ``Location``: ``file://localhost/C:/Music/A%20B.mp3`` (UTF-8, %-escaped)."""
    posix = _pure(path).as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix
    return "file://localhost" + quote(posix, safe="/:")


def traktor_location(path: PurePath) -> tuple[str, str, str]:
    """Traktor's ``(VOLUME, DIR, FILE)``: DIR uses ``/:`` as the separator (mission.md §4.2).

    ``C:\\Music\\a.mp3`` → ("C:", "/:Music/:", "a.mp3"); ``/home/dj/a.mp3`` → ("",
    "/:home/:dj/:", "a.mp3"). On macOS Traktor names the volume ("Macintosh HD"); a path
    without a drive gets an empty volume and Traktor's relocate fixes it.
    """
    pure = _pure(path)
    volume = pure.drive
    folders = [p for p in pure.parent.parts if p not in (pure.anchor, "/", "\\")]
    directory = "/:" + "".join(f"{p}/:" for p in folders)
    return volume, directory, pure.name
