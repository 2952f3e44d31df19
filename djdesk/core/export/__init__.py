"""Export a playlist for DJ software: CSV (Exportify columns), M3U8, Rekordbox XML, Traktor NML.

``await export_playlist(library, playlist_id, "rekordbox", Path("set.xml"))`` reads the
playlist, writes the file atomically and returns an ``ExportReport``. ``FORMATS`` lists the
formats (name, label, extension). Tracks without a local file get a placeholder path; see
``export.locations`` for why and how.
"""

from __future__ import annotations

from djdesk.core.export.exporter import (
    FORMATS,
    ExportFormat,
    default_filename,
    export_playlist,
    get_format,
    load_playlist,
    write_export,
)
from djdesk.core.export.report import ExportReport
from djdesk.core.export.tracks import ExportPlaylist, ExportTrack

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportPlaylist",
    "ExportReport",
    "ExportTrack",
    "default_filename",
    "export_playlist",
    "get_format",
    "load_playlist",
    "write_export",
]
