"""``djdesk show``'s sort and filter options, read onto the report rows of ``core.engine.report``.

The filtering and sorting rules are ``djdesk.core.dj.track_query``'s, the same the window's
track table uses; this module only parses the options and reads a report row's plain values
(keys as Camelot codes, a release date as its year, Last.fm tags as the genres text).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from djdesk.core.dj import track_query
from djdesk.core.engine.report import field_value
from djdesk.core.errors import InputError
from djdesk.core.i18n import _

#: What ``--sort`` accepts: the report's own columns and the enriched fields a DJ sorts on.
SORTABLE: tuple[str, ...] = (
    "position",
    "title",
    "artists",
    "album",
    "duration",
    "bpm",
    "key",
    "energy",
    "danceability",
    "valence",
    "gain",
    "loudness",
    "popularity",
    "year",
    "listeners",
    "state",
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(_("sort and filter (as in the window's track table)"))
    g.add_argument(
        "--sort",
        metavar="FIELDS",
        help=_(
            "comma-separated fields, '-' for descending, e.g. bpm,-energy "
            "(write --sort=-bpm when the first one is descending)"
        ),
    )
    g.add_argument("--search", metavar="TEXT", help=_("text in title, artists, album or tags"))
    g.add_argument("--bpm", metavar="RANGE", help=_("e.g. 120-130, 120- or -130"))
    g.add_argument("--energy", metavar="RANGE", help=_("0 to 1, e.g. 0.6-"))
    g.add_argument("--year", metavar="RANGE", help=_("e.g. 1990-1999"))
    g.add_argument("--key", metavar="KEY", help=_("a key in any notation: 8A, Am, 1m"))
    g.add_argument(
        "--compatible",
        action="store_true",
        help=_("with --key: also keys that mix harmonically (±1 on the wheel, relative)"),
    )


def report_value(row: dict[str, Any], name: str) -> Any:
    """One plain value of a report row, ``None`` when it is not known."""
    if name == "position":
        return row["position"] + 1
    if name in ("title", "album", "state"):
        return row.get(name)
    if name == "artists":
        return ", ".join(row.get("artists") or [])
    if name == "duration":
        ms = row.get("duration_ms")
        return None if ms is None else ms / 1000
    if name == "year":
        date = field_value(row, "release_date")
        try:
            return int(str(date)[:4]) if date else None
        except ValueError:
            return None
    if name == "popularity":
        value = field_value(row, "popularity")
        return value if value is not None else field_value(row, "rank")
    if name == "genres":
        tags = field_value(row, "tags") or field_value(row, "artist_tags")
        return ", ".join(map(str, tags)) if isinstance(tags, list) else tags
    return field_value(row, name, "camelot")


def _haystack(row: dict[str, Any]) -> str:
    fields = ("title", "artists", "album", "genres")
    return "\n".join(str(report_value(row, f) or "") for f in fields)


def _range(option: str, text: str | None) -> track_query.Range:
    if text is None:
        return None, None
    try:
        return track_query.parse_range(text)
    except ValueError as exc:
        raise InputError(
            _("{option}: {problem}").format(option=option, problem=exc),
            hint=_("Give LOW-HIGH, LOW- or -HIGH, e.g. --bpm 120-130."),
        ) from None


def build_filter(args: argparse.Namespace) -> track_query.TrackFilter:
    keys: frozenset[str] = frozenset()
    if args.key:
        try:
            keys = track_query.key_set(args.key, compatible=args.compatible)
        except ValueError:
            raise InputError(
                _("--key: {key!r} is not a musical key.").format(key=args.key),
                hint=_("Use Camelot (8A), Open Key (1m) or classic (Am, F# major)."),
            ) from None
    elif args.compatible:
        raise InputError(
            _("--compatible needs a key to be compatible with."), hint=_("Add --key, e.g. 8A.")
        )
    return track_query.TrackFilter(
        text=args.search or "",
        bpm=_range("--bpm", args.bpm),
        energy=_range("--energy", args.energy),
        year=_range("--year", args.year),
        keys=keys,
    )


def apply(rows: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """The rows the options keep, in the order they ask for (input order by default)."""
    flt = build_filter(args)
    sort: list[track_query.SortKey] = []
    if args.sort:
        try:
            sort = track_query.parse_sort(args.sort, SORTABLE)
        except ValueError as exc:
            raise InputError(f"--sort: {exc}.", hint=_("For example --sort bpm,-energy.")) from None
    if flt.active:
        searching = bool(flt.text.strip())
        rows = [
            r for r in rows if flt.matches_values(_haystack(r) if searching else "", _getter(r))
        ]
    return track_query.sort_items(rows, sort, report_value) if sort else rows


def _getter(row: dict[str, Any]) -> Callable[[str], Any]:
    return lambda name: report_value(row, name)
