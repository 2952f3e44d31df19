"""Builds the ``djdesk`` argument parser from the command modules and runs the chosen command.

Each module in ``djdesk.cli.commands`` exposes ``register(subparsers)``, which adds its
sub-command(s) and sets ``handler`` to a function ``(args) -> int``. Errors from the core are
printed as message + hint on stderr with exit code 1; nothing else is printed on failure.
"""

from __future__ import annotations

import argparse
import os
import sys

from djdesk import __version__
from djdesk.cli.commands import ALL as COMMAND_MODULES
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import _
from djdesk.core.logs import setup_logging
from djdesk.core.paths import default_paths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djdesk",
        description=_(
            "DJDesk imports Spotify and Deezer playlists and enriches every track with BPM, "
            "key, energy and more. With no command it opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"DJDesk {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("run on the built-in offline sandbox (no account or network needed)"),
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help=_("log more (repeat for debug)")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    setup_logging(default_paths(), verbose=args.verbose)
    try:
        return int(args.handler(args) or 0)
    except DJDeskError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`djdesk ... | head`): stop quietly, as Unix tools do.
        # Point stdout at devnull so the interpreter's final flush cannot raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        # The file system said no (an unwritable DJDESK_HOME, a full disk): say where, not how.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or type(exc).__name__}{where}.", file=sys.stderr)
        print(
            "hint: Check that DJDesk may write there (`djdesk paths` shows its folders).",
            file=sys.stderr,
        )
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return run(args)
