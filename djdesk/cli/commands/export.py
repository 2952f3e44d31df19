"""``djdesk export PLAYLIST --format csv|m3u8|rekordbox|nml``: a playlist for DJ software.

``PLAYLIST`` is what ``djdesk show`` takes (the number ``djdesk playlists`` prints, the
provider's id, or the name) or the link the playlist was imported from, in any of its forms
(``?si=`` tails, locale paths, ``spotify:`` URIs). The file is written atomically; without
``-o`` it is named after the playlist, in the current folder. Only the library is read, so no
provider is called.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from djdesk.cli.commands.library import _with_library, find_playlist
from djdesk.cli.render import print_json
from djdesk.core import settings as settings_mod
from djdesk.core.dj.keys import NOTATIONS
from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.export import FORMATS, ExportReport, default_filename, export_playlist
from djdesk.core.i18n import _
from djdesk.core.library import Library, PlaylistSummary
from djdesk.core.models import RefKind
from djdesk.core.paths import default_paths
from djdesk.core.urls import parse_source

#: How many names of each kind the report prints before "... and N more".
SHOWN = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help=_("export a playlist for DJ software (CSV, M3U8, Rekordbox XML, Traktor NML)"),
        description=_(
            "Write an imported playlist with its BPM, key and energy as an Exportify-style "
            "CSV, an M3U8 playlist, a Rekordbox XML library or a Traktor NML collection. "
            "Tracks without a local audio file get a placeholder path (Artist - Title.mp3) "
            "that Rekordbox and Traktor show as missing until the file exists."
        ),
    )
    p.add_argument("playlist", help=_("number from `djdesk playlists`, provider id, name or link"))
    p.add_argument(
        "--format", "-f", required=True, choices=tuple(FORMATS), help=_("the file format")
    )
    p.add_argument("-o", "--output", type=Path, help=_("file to write, or a folder to write it in"))
    p.add_argument(
        "--notation",
        choices=NOTATIONS,
        help=_("key notation for comments and Traktor's key text (default: your setting)"),
    )
    p.add_argument(
        "--music-dir",
        type=Path,
        help=_(
            "folder with your audio files: tracks found there as 'Artist - Title' get a real path"
        ),
    )
    p.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    p.set_defaults(handler=lambda a: _with_library(_export, a))


async def resolve_playlist(library: Library, text: str) -> PlaylistSummary:
    """By number, id, name or the exact link (``find_playlist``), then by any form of the link."""
    try:
        return await find_playlist(library, text)
    except InputError as not_found:
        try:
            ref = parse_source(text)
        except DJDeskError:
            raise not_found from None
        if ref.kind == RefKind.FILE:
            for p in await library.list_playlists():
                if p.service == "csv" and p.url and _path_key(p.url) == _path_key(ref.id):
                    return p
            raise not_found from None
        service_id = ref.id if ref.kind == RefKind.PLAYLIST else f"{ref.kind}:{ref.id}"
        found = await library.find_playlist(str(ref.service), service_id)
        if found is None:
            raise InputError(
                _("That link has not been imported yet."),
                hint=_("Import it first with `djdesk enrich LINK`, then export it."),
            ) from None
        return found


def _path_key(text: str) -> str:
    """A CSV playlist's url is the path as it was typed; compare absolute, normalised forms."""
    return os.path.normcase(os.path.abspath(os.path.expanduser(text)))


def _names(title: str, names: tuple[str, ...]) -> None:
    if not names:
        return
    print(f"{title} ({len(names)}):")
    for name in names[:SHOWN]:
        print(f"  {name}")
    if len(names) > SHOWN:
        print("  " + _("… and {n} more").format(n=len(names) - SHOWN))


def print_report(report: ExportReport) -> None:
    print(
        _("Wrote {n} tracks of “{name}” to {path}").format(
            n=report.written, name=report.playlist, path=report.path
        )
    )
    _names(_("without BPM"), report.without_bpm)
    _names(_("without key"), report.without_key)
    if FORMATS[report.format].needs_files:
        _names(
            _("no local file, written as a placeholder in {folder}").format(
                folder=report.placeholder_dir
            ),
            report.not_local,
        )
    elif report.format == "m3u8":
        _names(_("no local file, linked to its Deezer or Spotify page"), report.not_local)
    _names(_("left out (no track to export)"), report.skipped)


async def _export(library: Library, args: argparse.Namespace) -> int:
    playlist = await resolve_playlist(library, args.playlist)
    notation = args.notation or settings_mod.load(default_paths().settings_file).key_notation
    dest: Path = args.output or Path.cwd() / default_filename(playlist.name, args.format)
    report = await export_playlist(
        library, playlist.id, args.format, dest, notation=notation, music_dir=args.music_dir
    )
    if args.json:
        print_json(report.to_dict())
    else:
        print_report(report)
    return 0
