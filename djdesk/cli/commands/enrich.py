"""``djdesk enrich INPUT``: import a playlist, album, track or Exportify CSV and enrich every track.

``INPUT`` may also name a playlist already in the library (its number, id or name, as ``show``
takes it): it is enriched again as the window's Re-enrich does (``djdesk.cli.enrich_target``).

Progress goes to stderr, results to stdout: ``--format json`` keeps the input's order and gives
per entry the input it came from, ids by provider, every field with its provenance, the state
and the match evidence; ``table`` and ``csv`` give the DJ's summary columns. ``--demo`` runs on
the built-in offline sandbox, logged in without asking.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from contextlib import nullcontext
from typing import Any

from djdesk.cli.commands.library import labelled
from djdesk.cli.enrich_target import NOTHING_HINT, EnrichTarget, resolve
from djdesk.cli.progress import ProgressView, provider_summary
from djdesk.cli.render import print_json, print_table
from djdesk.core import settings as settings_mod
from djdesk.core.engine.enricher import EnrichOptions, JobResult
from djdesk.core.engine.report import SUMMARY_COLUMNS, missing_report, summary_row
from djdesk.core.errors import InputError
from djdesk.core.gc_deferral import deferred_full_passes
from djdesk.core.i18n import _
from djdesk.core.library import ID_PROVIDERS
from djdesk.core.library.states import state_counts_text
from djdesk.core.models import PROVIDERS
from djdesk.core.paths import default_paths
from djdesk.core.runtime import Runtime

FORMATS = ("table", "json", "csv")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enrich",
        help=_("import a playlist and enrich every track (BPM, key, energy, ...)"),
        description=_(
            "Import a Spotify or Deezer playlist, a Deezer album, a single track or an "
            "Exportify CSV, then enrich every track from Deezer, ReccoBeats, MusicBrainz and "
            "Last.fm. Answers are cached, so a second run makes no call."
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        help=_(
            "a playlist/album/track link or a CSV file; or a playlist in the library (number "
            "from `djdesk playlists`, provider id or name): its stopped run resumes, else it is "
            "enriched again from its link"
        ),
    )
    add_demo_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="table", help=_("output format"))
    p.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="PROVIDER=N",
        help=_("at most N calls to PROVIDER (or 'total') in this run; repeatable"),
    )
    p.add_argument(
        "--resume", metavar="JOB", help=_("continue a stopped job by its id (see `djdesk jobs`)")
    )
    p.add_argument("--refresh", action="store_true", help=_("ignore cached answers"))
    p.add_argument(
        "--details",
        action="store_true",
        help=_("then fetch similar tracks and artist info (a later, low-priority wave)"),
    )
    p.add_argument(
        "--select",
        action="append",
        type=int,
        default=[],
        metavar="N",
        help=_("enrich track number N first (1-based); repeatable"),
    )
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress on stderr"))
    p.set_defaults(handler=handle)


def add_demo_arguments(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: `djdesk --demo enrich URL` and `djdesk enrich --demo URL` both work.
    p.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("run on the built-in offline sandbox, logged in without asking"),
    )
    p.add_argument(
        "--profile",
        choices=("fast", "realistic", "hostile"),
        default="fast",
        help=_("with --demo: the sandbox's latency and fault profile (default: fast)"),
    )


def parse_budgets(items: list[str]) -> dict[str, int]:
    budgets: dict[str, int] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or (name not in PROVIDERS and name != "total"):
            raise InputError(
                f"--budget {item!r} is not PROVIDER=N.",
                hint=f"Providers: {', '.join(PROVIDERS)} or total; e.g. --budget deezer=100.",
            )
        try:
            budgets[name] = int(value)
        except ValueError:
            raise InputError(f"--budget {item!r}: {value!r} is not a whole number.") from None
        if budgets[name] < 0:
            raise InputError(f"--budget {item!r}: a budget cannot be negative.")
    return budgets


def handle(args: argparse.Namespace) -> int:
    if not args.input and not args.resume:
        raise InputError(_("Nothing to enrich."), hint=_(NOTHING_HINT))
    options = EnrichOptions(
        budgets=parse_budgets(args.budget),
        refresh=args.refresh,
        selected=tuple(n - 1 for n in args.select),
        details=args.details,
    )
    # Everything imported so far lives as long as the process: frozen out of every full
    # garbage-collection pass, and the run's own passes held back (core.gc_deferral).
    with deferred_full_passes():
        return asyncio.run(_enrich(args, options))


def demo_context(args: argparse.Namespace) -> Any:
    if getattr(args, "demo", False):
        from djdesk.cli.demo import demo_session

        return demo_session(args.profile)
    return nullcontext(None)


async def _enrich(args: argparse.Namespace, options: EnrichOptions) -> int:
    paths = default_paths()
    with demo_context(args) as demo:
        settings = settings_mod.load(paths.ensure().settings_file)
        secrets = None
        if demo is not None:
            settings, secrets = demo.settings(settings), demo.secrets
        async with Runtime.open(paths=paths, settings=settings, secrets=secrets) as rt:
            # Refuse a bad INPUT or JOB now: once the bar is drawn an error reads as a failed run.
            target = await resolve(rt.library, args.input, args.resume)
            if demo is not None:
                await demo.login()
            view = ProgressView(rt.events, quiet=args.quiet)
            _announce(view, target, options)
            with view:
                result = await target.run(rt.engine, options)
                rows = await rt.engine.report(result.playlist_id)
            _summary(view, result, rows)
            view.say(provider_summary(rt.orchestrator.snapshot()))
    _output(rows, args.format, settings.key_notation)
    return 0


def _announce(view: ProgressView, target: EnrichTarget, options: EnrichOptions) -> None:
    """Say that a stopped run resumes (as the window logs it), and that it keeps its options."""
    if target.job is None or target.playlist is None:
        return
    view.say(
        _("Resuming job {job} of “{name}”: its finished tracks are kept").format(
            job=target.job.id, name=target.playlist.name
        )
    )
    if options != EnrichOptions():
        view.say(_("The job keeps the options it was started with (see `djdesk jobs --json`)"))


def _summary(view: ProgressView, result: JobResult, rows: list[dict[str, Any]]) -> None:
    states: dict[str, int] = {}
    for row in rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    parts = state_counts_text(states)
    calls = sum(result.calls.values())
    view.say(
        _("job {job}: {name!r}, {n} entries: {parts}; {calls} provider calls").format(
            job=result.job_id, name=result.name, n=len(rows), parts=parts, calls=calls
        )
    )
    if result.stats.paused:
        view.say("; ".join(result.stats.paused.values()))
    gaps = missing_report(rows)
    if gaps:
        text = (
            _("1 entry is not done (see its state and reason)")
            if len(gaps) == 1
            else _("{n} entries are not done (see their state and reason)")
        )
        view.say(text.format(n=len(gaps)))


def _output(rows: list[dict[str, Any]], fmt: str, notation: str) -> None:
    if fmt == "json":
        print_json(rows)
        return
    summary = [summary_row(r, notation) for r in rows]
    if fmt == "table":
        shown = [labelled(s) for s in summary]
        print_table(list(SUMMARY_COLUMNS), [[s[c] for c in SUMMARY_COLUMNS] for s in shown])
        return
    writer = csv.writer(sys.stdout)
    writer.writerow([*SUMMARY_COLUMNS, *ID_PROVIDERS])
    for s, row in zip(summary, rows, strict=True):
        writer.writerow([*(s[c] for c in SUMMARY_COLUMNS), *(row["ids"][p] for p in ID_PROVIDERS)])
