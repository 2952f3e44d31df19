"""``djdesk paths``: where DJDesk keeps its settings, cache, library and logs."""

from __future__ import annotations

import argparse

from djdesk.cli.render import print_json, print_table
from djdesk.core.i18n import _
from djdesk.core.paths import default_paths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("paths", help=_("show where DJDesk keeps its files"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    paths = default_paths().as_dict()
    if args.json:
        print_json(paths)
    else:
        print_table(["what", "where"], paths.items())
    return 0
