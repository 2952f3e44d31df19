"""``djdesk sandbox``: serve the simulated provider APIs on 127.0.0.1, or list the demo playlists.

Serving prints ONE JSON line (the ``DJDESK_ENDPOINTS`` value) on stdout as soon as every port is
bound, then runs until SIGINT/SIGTERM and stops cleanly (exit code 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from djdesk.cli.render import print_json, print_table
from djdesk.core.errors import InputError
from djdesk.core.i18n import _

PORT_MAX = 65535


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sandbox",
        help=_("serve simulated Spotify, Deezer, MusicBrainz, Last.fm and ReccoBeats on 127.0.0.1"),
    )
    p.add_argument(
        "--profile",
        choices=("fast", "realistic", "hostile"),
        default="fast",
        help=_("latency, limits and faults to simulate (default: fast)"),
    )
    p.add_argument("--seed", type=int, default=1, help=_("catalog and fault seed (default: 1)"))
    p.add_argument(
        "--port-base",
        type=_port_base,
        default=None,
        help=_("bind ports N..N+5 instead of free ephemeral ports"),
    )
    p.add_argument("--list", action="store_true", help=_("list the demo playlists and exit"))
    p.add_argument("--json", action="store_true", help=_("with --list: print JSON"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.list:
        from djdesk.sandbox.catalog import Catalog

        demos = Catalog(args.seed).demo_playlists()
        if args.json:
            print_json([_as_dict(d) for d in demos])
        else:
            rows = [
                (d.service, d.size, _("owned") if d.owned else _("not owned"), d.url) for d in demos
            ]
            print_table([_("service"), _("size"), _("access"), _("url")], rows)
        return 0
    return asyncio.run(_serve(args.profile, args.seed, args.port_base))


def _port_base(text: str) -> int:
    """argparse type: six ports from N must exist (a bad N was an OverflowError traceback)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= PORT_MAX - 5:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to {PORT_MAX - 5}")
    return port


def _as_dict(demo: object) -> dict[str, object]:
    fields = ("service", "id", "name", "size", "owned", "url")
    return {f: getattr(demo, f) for f in fields}


async def _serve(profile: str, seed: int, port_base: int | None) -> int:
    from djdesk.sandbox.server import Sandbox

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises instead
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    sandbox = Sandbox(profile, seed, port_base=port_base)
    try:
        try:
            endpoints = await sandbox.start()
        except OSError as exc:
            where = "free ports" if port_base is None else f"ports {port_base}-{port_base + 5}"
            raise InputError(
                f"The sandbox cannot listen on 127.0.0.1 {where}: {exc.strerror or exc}.",
                hint="Pick another --port-base (another sandbox may be running), or leave it "
                "out to use free ports.",
            ) from None
        sys.stdout.write(json.dumps(endpoints) + "\n")
        sys.stdout.flush()
        await stop.wait()
    finally:
        await sandbox.stop()
    return 0
