"""``djdesk pin TRACK PROVIDER ID`` (or ``--remove``): pin or unpin a track's match, then enrich
that track again at once.

Why the re-enrich: a pin only says which record is right; until the track is enriched again it
still shows the old match's BPM and key. The window re-enriches the pinned track right away
(``Engine.pin_track``), so the CLI does the same by default and prints what the pin changed
(the track's new state and every field whose value or source moved, with ``show``'s columns).
Unpinning is the same in reverse: the track keeps the pinned record's values until it is
enriched again, so ``--remove`` enriches it again too (by its own ids, or by matching).
``--no-enrich`` only stores or removes the pin (no provider call, no runtime: the next run
reads it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from djdesk.cli.commands.enrich import add_demo_arguments, demo_context
from djdesk.cli.commands.library import labelled
from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.engine.report import SUMMARY_COLUMNS, field_value, summary_row, track_dict
from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.gc_deferral import deferred_full_passes
from djdesk.core.i18n import _
from djdesk.core.library import ID_PROVIDERS, Library
from djdesk.core.library.states import track_state_label
from djdesk.core.paths import default_paths
from djdesk.core.runtime import Runtime

#: ``show``'s summary columns for one track: its id stands where a playlist's position would.
TRACK_COLUMNS: tuple[str, ...] = ("track_id", *(c for c in SUMMARY_COLUMNS if c != "position"))
_NO_TRACK_HINT = "Track numbers are the track_id in `djdesk show PLAYLIST --json`."


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pin",
        help=_("pin the right id for a track on a provider and enrich the track again"),
        description=_(
            "Pins persist and win everywhere: enrichment reads that provider by the pinned id "
            "instead of matching. The track is enriched again at once (as in the window) and "
            "what changed is printed; --no-enrich only stores the pin. Unpin with --remove "
            "(the track is enriched again without the pin, unless --no-enrich)."
        ),
    )
    p.add_argument("track", type=int, help=_("the track_id shown by `djdesk show --json`"))
    p.add_argument("provider", choices=ID_PROVIDERS, help=_("which provider's id"))
    p.add_argument("id", nargs="?", help=_("the id on that provider"))
    p.add_argument(
        "--remove",
        action="store_true",
        help=_("remove the pin instead (the track is enriched again without it)"),
    )
    p.add_argument(
        "--no-enrich",
        action="store_true",
        help=_("only store or remove the pin (no provider call); the next enrichment uses it"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    add_demo_arguments(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.remove and not args.id:
        raise InputError("Give the id to pin.", hint="djdesk pin TRACK PROVIDER ID")
    if args.no_enrich:
        return asyncio.run(_store_only(args))
    with deferred_full_passes():  # a run, as in `djdesk enrich`: no full GC pass mid-way
        return asyncio.run(_change_and_enrich(args))


async def _store_only(args: argparse.Namespace) -> int:
    """The pin table alone: the library database, no runtime and no provider call."""
    async with await Library.open(default_paths().ensure().library_db) as library:
        if args.remove:
            removed = await library.unpin(args.track, args.provider)
            print(_("pin removed") if removed else _("there was no pin"))
            return 0
        try:
            await library.pin(args.track, args.provider, args.id)
        except LookupError:
            raise InputError(
                f"No track {args.track} in the library.", hint=_NO_TRACK_HINT
            ) from None
    print(
        _("pinned {provider} {id} to track {track}").format(
            provider=args.provider, id=args.id, track=args.track
        )
    )
    return 0


async def _change_and_enrich(args: argparse.Namespace) -> int:
    """Pin (or unpin) in a runtime, enrich the track again, print what that changed."""
    paths = default_paths()
    notation = "camelot"
    with demo_context(args) as demo:
        settings = settings_mod.load(paths.ensure().settings_file)
        notation = settings.key_notation
        secrets = None
        if demo is not None:
            settings, secrets = demo.settings(settings), demo.secrets
        async with Runtime.open(paths=paths, settings=settings, secrets=secrets) as rt:
            if demo is not None:
                await demo.login()
            before = await _track(rt.library, args.track)
            pin_id = args.id
            if args.remove:
                pin_id = (await rt.library.pins_for(args.track)).get(args.provider)
                if pin_id is None:
                    return _no_pin(args, before)
            if not args.json:
                print(_re_enriching(args, pin_id), file=sys.stderr)
            await _apply(rt, args)
            after = await _track(rt.library, args.track)
    changes = changed_fields(before, after, notation)
    pin = {"provider": args.provider, "id": pin_id}
    if args.json:
        print_json(
            {
                "track_id": args.track,
                "unpinned" if args.remove else "pinned": pin,
                "state_before": before["state"],
                "state": after["state"],
                "changed": changes,
                "track": after,
            }
        )
        return 0
    done = (
        _("removed the {provider} pin {id} from track {track}")
        if args.remove
        else _("pinned {provider} {id} to track {track}")
    )
    print(
        _("{done}; enriched again: {state} (was {old})").format(
            done=done.format(provider=args.provider, id=pin_id, track=args.track),
            state=track_state_label(after["state"]),
            old=track_state_label(before["state"]),
        )
    )
    summary = labelled(summary_row({**after, "position": 0}, notation))
    print_table(TRACK_COLUMNS, [[args.track, *(summary[c] for c in TRACK_COLUMNS[1:])]])
    if changes:
        print()
        print_table(
            [_("changed"), _("before"), _("after"), _("source")],
            [[c["field"], c["before"], c["after"], c["source"]] for c in changes],
        )
    else:
        print(_("no field changed"))
    return 0


def _re_enriching(args: argparse.Namespace, pin_id: str) -> str:
    if args.remove:
        return _("re-enriching track {track} without its {provider} pin {id}…").format(
            track=args.track, provider=args.provider, id=pin_id
        )
    return _("re-enriching track {track} with {provider} {id}…").format(
        track=args.track, provider=args.provider, id=pin_id
    )


async def _apply(rt: Runtime, args: argparse.Namespace) -> None:
    """The pin or unpin, then the track's re-enrich; a failed re-enrich says the change stays
    (so nobody pins twice, or thinks the pin is back)."""
    if args.remove:
        # The window's own door (it drops the pin from the library, then re-enriches); the
        # pin was checked to be there. A window open meanwhile reads it at its next run.
        enrich = rt.engine.unpin_track(args.track, args.provider)
        done = _("Unpinned, but enriching the track again failed: {why}")
        hint = _(
            "The pin stays removed; the next `djdesk enrich` of its playlist enriches the "
            "track without it."
        )
    else:
        enrich = rt.engine.pin_track(args.track, args.provider, args.id)
        done = _("Pinned, but enriching the track again failed: {why}")
        hint = _("The pin is kept; the next `djdesk enrich` of its playlist uses it.")
    try:
        await enrich
    except DJDeskError as exc:
        raise type(exc)(done.format(why=exc.message), hint=hint) from exc


def _no_pin(args: argparse.Namespace, track: dict[str, Any]) -> int:
    """``--remove`` of a pin that is not there: nothing changed, so nothing is enriched."""
    if args.json:
        state = track["state"]
        print_json(
            {
                "track_id": args.track,
                "unpinned": None,
                "state_before": state,
                "state": state,
                "changed": [],
                "track": track,
            }
        )
    else:
        print(_("there was no pin"))
    return 0


async def _track(library: Library, track_id: int) -> dict[str, Any]:
    rows = await library.track_rows([track_id])
    if not rows:
        raise InputError(f"No track {track_id} in the library.", hint=_NO_TRACK_HINT)
    return track_dict(rows[0])


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], notation: str = "camelot"
) -> list[dict[str, Any]]:
    """Ids, then fields, whose value or source differ: what the pin did to the track.

    A confidence that moved alone is not a change a DJ reads; a source that moved is (the same
    BPM now comes from the pinned record).
    """
    out: list[dict[str, Any]] = []
    for provider in ID_PROVIDERS:
        old, new = before["ids"].get(provider), after["ids"].get(provider)
        if old != new:
            out.append(
                {"field": f"id:{provider}", "before": old or "", "after": new or "", "source": ""}
            )
    names = sorted(set(before["fields"]) | set(after["fields"]))
    for name in names:
        old_f, new_f = before["fields"].get(name) or {}, after["fields"].get(name) or {}
        if (old_f.get("value"), old_f.get("source")) == (new_f.get("value"), new_f.get("source")):
            continue
        out.append(
            {
                "field": name,
                "before": _plain(field_value(before, name, notation)),
                "after": _plain(field_value(after, name, notation)),
                "source": new_f.get("source") or "",
            }
        )
    return out


def _plain(value: Any) -> str:
    """A field's value as a table cell (lists joined, floats rounded as a person reads them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return str(value)
