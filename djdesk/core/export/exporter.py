"""Export one library playlist to a file: read it, place the files, render, write atomically.

The four formats share one pipeline so they agree on which tracks are written and what the
report says; a format module only lays out bytes. Reading the library and scanning a music
folder happen off the event loop (the library's own thread, a worker thread), so the GUI
never waits on the disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from djdesk.core.dj.keys import NOTATIONS
from djdesk.core.errors import InputError
from djdesk.core.export import csv_format, m3u8, rekordbox, traktor
from djdesk.core.export.atomic import write_atomic
from djdesk.core.export.locations import assign_locations, safe_filename, scan_music_dir
from djdesk.core.export.report import ExportReport
from djdesk.core.export.tracks import (
    ExportPlaylist,
    ExportTrack,
    clean_text,
    from_row,
    skipped_label,
)
from djdesk.core.i18n import N_, _
from djdesk.core.library import Entry, Library, TrackRow

Render = Callable[[ExportPlaylist, str], bytes]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """``needs_files``: the DJ program wants a file path per track (placeholders if none)."""

    name: str
    label: str
    extension: str
    needs_files: bool
    render: Render


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csv", N_("CSV (Exportify columns)"), ".csv", False, csv_format.render),
        ExportFormat("m3u8", N_("M3U8 playlist"), ".m3u8", False, m3u8.render),
        ExportFormat("rekordbox", N_("Rekordbox XML"), ".xml", True, rekordbox.render),
        ExportFormat("nml", N_("Traktor NML"), ".nml", True, traktor.render),
    )
}


def get_format(name: str) -> ExportFormat:
    fmt = FORMATS.get(name)
    if fmt is None:
        raise InputError(
            _("There is no export format {name!r}.").format(name=name),
            hint=_("Choose one of: {names}.").format(names=", ".join(FORMATS)),
        )
    return fmt


def default_filename(playlist_name: str, fmt: str) -> str:
    """The playlist's name made safe for any file system, with the format's extension."""
    return safe_filename(playlist_name) + get_format(fmt).extension


async def load_playlist(library: Library, playlist_id: int) -> ExportPlaylist:
    """The playlist in order; entries without a track are named in ``skipped``."""
    summary = await library.get_playlist(playlist_id)
    if summary is None:
        raise InputError(
            _("There is no playlist {id} in the library.").format(id=playlist_id),
            hint=_("See the list with `djdesk playlists`."),
        )
    view = await library.playlist_view(playlist_id)
    # ~50 µs a row: a 10,000-track playlist would hold the event loop (and the GUI) for
    # half a second, so the rows are converted on a worker thread.
    tracks, skipped = await asyncio.to_thread(_convert, view)
    name = summary.name or f"{summary.service} {summary.service_id}"
    return ExportPlaylist(playlist_id, name, tracks, skipped)


def _convert(
    view: list[tuple[Entry, TrackRow | None]],
) -> tuple[tuple[ExportTrack, ...], tuple[str, ...]]:
    tracks, skipped = [], []
    for entry, row in view:
        if row is None:
            skipped.append(skipped_label(entry))
        else:
            tracks.append(from_row(entry, row))
    return tuple(tracks), tuple(skipped)


def _place(
    playlist: ExportPlaylist, fmt: ExportFormat, dest: Path, music_dir: Path | None
) -> tuple[ExportPlaylist, Path | None]:
    """Blocking: scans ``music_dir`` when given; placeholders go there or next to ``dest``."""
    files = scan_music_dir(music_dir) if music_dir is not None else {}
    placeholder_dir = (music_dir or dest.parent).resolve() if fmt.needs_files else None
    tracks = assign_locations(playlist.tracks, files, placeholder_dir)
    return replace(playlist, tracks=tuple(tracks)), placeholder_dir


def write_export(
    playlist: ExportPlaylist,
    fmt: str,
    dest: Path,
    *,
    notation: str = "camelot",
    music_dir: Path | None = None,
) -> ExportReport:
    """Render ``playlist`` and write it to ``dest`` (a file, or a folder to put it in).

    Blocking (disk I/O): call it in a worker thread from async code. Raises ``InputError`` for
    a bad format, notation or music folder and ``StorageError``/``DiskFullError`` when the file
    cannot be written; the previous file at ``dest`` is then left as it was.
    """
    spec = get_format(fmt)
    if notation not in NOTATIONS:
        raise InputError(
            _("There is no key notation {name!r}.").format(name=notation),
            hint=_("Choose one of: {names}.").format(names=", ".join(NOTATIONS)),
        )
    if music_dir is not None and not music_dir.is_dir():
        raise InputError(
            _("The music folder {folder} does not exist.").format(folder=music_dir),
            hint=_("Give the folder your audio files are in, or leave it out."),
        )
    playlist = replace(playlist, name=clean_text(playlist.name) or _("DJDesk playlist"))
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / default_filename(playlist.name, fmt)
    placed, placeholder_dir = _place(playlist, spec, dest, music_dir)
    write_atomic(dest, spec.render(placed, notation))
    tracks = placed.tracks
    return ExportReport(
        format=fmt,
        path=dest,
        playlist=playlist.name,
        written=len(tracks),
        without_bpm=tuple(t.display for t in tracks if t.bpm is None),
        without_key=tuple(t.display for t in tracks if t.key is None),
        not_local=tuple(t.display for t in tracks if not t.local),
        skipped=playlist.skipped,
        placeholder_dir=placeholder_dir,
    )


async def export_playlist(
    library: Library,
    playlist_id: int,
    fmt: str,
    dest: Path,
    *,
    notation: str = "camelot",
    music_dir: Path | None = None,
) -> ExportReport:
    """Export a library playlist; see ``write_export`` for ``dest`` and the errors."""
    get_format(fmt)  # a bad format fails before any read
    playlist = await load_playlist(library, playlist_id)
    return await asyncio.to_thread(
        write_export, playlist, fmt, dest, notation=notation, music_dir=music_dir
    )
