"""The ``djdesk`` entry point: the window with no sub-command, the CLI with one.

This module is the only place that knows both front ends; it picks one and gets out of the way.
The GUI is imported lazily so the CLI never loads Qt.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from djdesk.cli.main import build_parser, run

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _run_gui(demo=args.demo, verbose=args.verbose)
    return run(args)


def _run_gui(*, demo: bool, verbose: int) -> int:
    try:
        from djdesk.gui.app import run_app
    except ImportError as exc:
        print(
            f"The DJDesk window is not available here ({exc}). "
            "Use the command line instead: `djdesk --help`.",
            file=sys.stderr,
        )
        return 1
    return run_app(demo=demo, verbose=verbose)


if __name__ == "__main__":
    sys.exit(main())
