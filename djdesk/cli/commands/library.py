"""``djdesk playlists | show PLAYLIST | remove PLAYLIST | jobs`` (``pin`` is ``commands.pin``).

The library from the shell; ``show`` sorts and filters like the window's track table
(``djdesk.cli.show_query``) and ``remove`` asks first unless ``--yes``.

These read and write only the library database (no provider call), so they open it alone
rather than the whole runtime. ``PLAYLIST`` is the number ``djdesk playlists`` prints, the
provider's playlist id, or a name.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from djdesk.cli import show_query
from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.engine.report import SUMMARY_COLUMNS, playlist_report, summary_row
from djdesk.core.errors import InputError
from djdesk.core.i18n import _
from djdesk.core.library import Library, PlaylistSummary
from djdesk.core.library.states import run_state_label, state_counts_text, track_state_label
from djdesk.core.paths import default_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("playlists", help=_("list the imported playlists"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=lambda a: _with_library(_playlists, a))

    p = sub.add_parser("show", help=_("show one playlist's tracks with their enrichment"))
    p.add_argument("playlist", help=_("number from `djdesk playlists`, provider id or name"))
    p.add_argument("--json", action="store_true", help=_("print every field with provenance"))
    show_query.add_arguments(p)
    p.set_defaults(handler=lambda a: _with_library(_show, a))

    p = sub.add_parser(
        "remove",
        help=_("remove a playlist from the library (asks first; its tracks' data stays cached)"),
    )
    p.add_argument("playlist", help=_("number from `djdesk playlists`, provider id or name"))
    p.add_argument("--yes", action="store_true", help=_("do not ask (needed when not a terminal)"))
    p.add_argument(
        "--json", action="store_true", help=_("print what was removed as JSON (asks on stderr)")
    )
    p.set_defaults(handler=lambda a: _with_library(_remove, a))

    p = sub.add_parser("jobs", help=_("list enrichment jobs (resume one with enrich --resume)"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=lambda a: _with_library(_jobs, a))


def _with_library(fn: Callable[[Library, argparse.Namespace], Awaitable[int]], args: Any) -> int:
    async def main() -> int:
        paths = default_paths().ensure()
        async with await Library.open(paths.library_db) as library:
            return await fn(library, args)

    return asyncio.run(main())


def _when(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _playlist_dict(p: PlaylistSummary) -> dict[str, Any]:
    return {
        "id": p.id,
        "service": p.service,
        "service_id": p.service_id,
        "name": p.name,
        "owner": p.owner,
        "url": p.url,
        "entries": p.entries,
        "imported_at": p.imported_at,
        "enrichment_state": p.enrichment_state,
        "states": dict(p.states),
    }


async def _playlists(library: Library, args: argparse.Namespace) -> int:
    playlists = await library.list_playlists()
    if args.json:
        print_json([_playlist_dict(p) for p in playlists])
        return 0
    rows = [
        (
            p.id,
            p.service,
            p.name,
            p.entries,
            state_counts_text(p.states),
            _when(p.imported_at),
        )
        for p in playlists
    ]
    print_table(["#", _("service"), _("name"), _("entries"), _("states"), _("imported")], rows)
    return 0


def match_playlists(playlists: list[PlaylistSummary], text: str) -> list[PlaylistSummary]:
    """The playlists ``text`` names: one by number, provider id or link, else all by name."""
    for p in playlists:
        if text == str(p.id) or text == p.service_id or text == p.url:
            return [p]
    return [p for p in playlists if p.name.casefold() == text.casefold()]


def ambiguous(text: str, matches: list[PlaylistSummary]) -> InputError:
    """Several playlists share the name: list them by number so the user can pick one."""
    listed = ", ".join(f"#{p.id} ({p.service}, {p.entries} entries)" for p in matches)
    return InputError(
        _("{n} playlists are called {text!r}: {listed}.").format(
            n=len(matches), text=text, listed=listed
        ),
        hint=_("Give the playlist's number instead (the # column of `djdesk playlists`)."),
    )


async def find_playlist(library: Library, text: str) -> PlaylistSummary:
    matches = match_playlists(await library.list_playlists(), text)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ambiguous(text, matches)
    raise InputError(
        f"No playlist {text!r} in the library.", hint="See the list with `djdesk playlists`."
    )


async def _show(library: Library, args: argparse.Namespace) -> int:
    playlist = await find_playlist(library, args.playlist)
    rows = show_query.apply(await playlist_report(library, playlist.id), args)
    if args.json:
        print_json({"playlist": _playlist_dict(playlist), "tracks": rows})
        return 0
    notation = settings_mod.load(default_paths().settings_file).key_notation
    summary = [labelled(summary_row(r, notation)) for r in rows]
    print_table(
        ["track_id", *SUMMARY_COLUMNS],
        [
            [r["track_id"], *(s[c] for c in SUMMARY_COLUMNS)]
            for r, s in zip(rows, summary, strict=True)
        ],
    )
    return 0


def labelled(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary row for people: its state in the window's words (JSON keeps the stored name)."""
    return {**summary, "state": track_state_label(summary["state"])}


def confirm(question: str, *, yes: bool, what: str, prompt_on_stderr: bool = False) -> bool:
    """``--yes``, or a "y" typed at a terminal; without a terminal, an error saying to add --yes.

    ``prompt_on_stderr`` keeps stdout for data (``--json``): ``input`` writes its prompt there.
    """
    if yes:
        return True
    if not sys.stdin.isatty():
        raise InputError(
            _("{what} needs confirmation.").format(what=what),
            hint=_("Add --yes (required when not run interactively)."),
        )
    if prompt_on_stderr:
        print(question, end="", file=sys.stderr, flush=True)
        question = ""
    return input(question).strip().lower() in ("y", "yes")


async def _remove(library: Library, args: argparse.Namespace) -> int:
    playlist = await find_playlist(library, args.playlist)
    question = _(
        "Remove the playlist “{name}” ({n} entries) from the library? Its tracks stay in the "
        "cache and in other playlists. [y/N] "
    ).format(name=playlist.name, n=playlist.entries)
    if not confirm(
        question, yes=args.yes, what=_("Removing a playlist"), prompt_on_stderr=args.json
    ):
        if args.json:
            print_json({"removed": False, "playlist": _playlist_dict(playlist)})
        else:
            print(_("Nothing was removed."))
        return 1
    await library.delete_playlist(playlist.id)
    if args.json:
        print_json({"removed": True, "playlist": _playlist_dict(playlist)})
    else:
        print(_("Removed “{name}”.").format(name=playlist.name))
    return 0


async def _jobs(library: Library, args: argparse.Namespace) -> int:
    jobs = await library.list_jobs()
    if args.json:
        print_json(
            [
                {
                    "id": j.id,
                    "input": j.input,
                    "state": j.state,
                    "created_at": j.created_at,
                    "updated_at": j.updated_at,
                    "playlist_id": j.playlist_id,
                    "totals": j.totals,
                    "error": j.error,
                    "options": j.options,
                }
                for j in jobs
            ]
        )
        return 0
    rows = [
        (
            j.id,
            run_state_label(j.state),
            _when(j.created_at),
            j.totals.get("done", ""),
            j.error or "",
            j.input,
        )
        for j in jobs
    ]
    print_table(["job", _("state"), _("created"), _("done"), _("note"), _("input")], rows)
    return 0
