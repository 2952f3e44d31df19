"""``EngineServices``: the real LibraryView + EnrichmentControl over the core ``Runtime``.

Why an adapter and not the runtime itself: the views speak in playlist ids (strings) and plain
rows; the engine speaks in jobs and library rows. This class keeps the GUI's snapshot (the
playlist list and the shown playlist's rows, read synchronously by the models) and refreshes it
from ``Library`` (SQLite on the library's own thread, so the Qt loop never waits on the disk).
It republishes the runtime's events on its own bus with job ids turned into playlist ids, adds
the log lines the panel shows, and fills done/total into state changes that lack them.

The runtime opens in the background (the window shows first): every async method waits for
``attach`` (or ``fail``); the sync ones read an empty snapshot until then.

Thread invariant: everything here runs on the GUI (qasync) thread except ``_on_core_event`` and
the log handler, which may run on a core thread; they only read dicts and publish to the bus
(the bridge hands events over to the GUI thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from djdesk.core.errors import DJDeskError, StorageError, UnsupportedLinkError
from djdesk.core.events import (
    BreakerChanged,
    EventBus,
    JobStateChanged,
    LogMessage,
    PlanReady,
    ProviderPaused,
    ProviderStats,
    TrackEnriched,
)
from djdesk.core.i18n import _
from djdesk.core.logs import attach_redactor, redact
from djdesk.gui import engine_rows
from djdesk.gui.engine_events import LogRelay, stats_since
from djdesk.gui.playlists.links import expand_link, short_link_provider
from djdesk.gui.services import PlaylistInfo, TrackDetails, TrackRow

if TYPE_CHECKING:
    from djdesk.core.export import ExportReport
    from djdesk.core.runtime import Runtime

log = logging.getLogger(__name__)

#: Jobs in these states are picked up again by "re-enrich" (finished tracks are skipped).
RESUMABLE = ("cancelled", "running", "paused")
#: Synthetic row ids for entries without a track (local files, removed tracks): negative, and
#: unique per (playlist, position) so they never collide with a library track id.
_MISSING_BASE = 1_000_000
#: How long a soft stop (the engine's cancel) may take before the run task is cancelled.
SOFT_STOP_S = 0.3


class EngineServices:
    """LibraryView + EnrichmentControl; one instance per window, owned by the service factory."""

    def __init__(self) -> None:
        self._events = EventBus()
        self._rt: Runtime | None = None
        self._failure: BaseException | None = None
        self._ready = asyncio.Event()
        self._unsubscribe: Any = None
        # Its own redactor too: a record made before the scrubbing factory was installed, or by
        # a logger that bypasses it, must still not put a secret in the panel.
        self._relay = attach_redactor(LogRelay(self._events))
        self._playlists: dict[str, PlaylistInfo] = {}
        self._ids: dict[str, list[int]] = {}
        self._rows: dict[int, TrackRow] = {}
        self._sources: dict[str, str] = {}
        self._job_pid: dict[str, str] = {}
        self._progress: dict[str, tuple[int, int]] = {}
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._details_asked: set[int] = set()
        self._paused = False
        self._last_stats: dict[str, ProviderStats] = {}
        self._stats_base: dict[str, ProviderStats] = {}

    # --- lifecycle -------------------------------------------------------------------------------

    def attach(self, rt: Runtime) -> None:
        """The runtime is open: start translating its events and let waiting calls go."""
        self._rt = rt
        self._unsubscribe = rt.events.subscribe(None, self._on_core_event)
        logging.getLogger("djdesk.core").addHandler(self._relay)
        self._ready.set()

    def fail(self, exc: BaseException) -> None:
        """The runtime could not open: every waiting and later call raises ``exc``."""
        self._failure = exc
        self._ready.set()

    @property
    def ready(self) -> bool:
        return self._rt is not None

    async def runtime(self) -> Runtime:
        await self._ready.wait()
        if self._rt is None:
            if isinstance(self._failure, DJDeskError):
                raise self._failure
            raise StorageError(
                _("The enrichment engine did not start."),
                hint=_("See the log for the reason, then restart DJDesk."),
            )
        return self._rt

    async def aclose(self) -> None:
        """Stop every run within ~1 s; the engine records each as cancelled (resumable)."""
        self.cancel(hard_after_s=None)
        tasks = [*self._runs.values(), *self._background]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=SOFT_STOP_S)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=0.6)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        logging.getLogger("djdesk.core").removeHandler(self._relay)

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)
        return task

    # --- events ----------------------------------------------------------------------------------

    @property
    def events(self) -> EventBus:
        return self._events

    def _say(self, level: int, message: str, source: str = "engine") -> None:
        # Engine details and error texts can quote a URL or a key: scrub like a log record.
        self._events.publish(LogMessage(level, redact(message), source))

    def _on_core_event(self, event: Any) -> None:
        """Runtime event in, GUI event out (job id → playlist id), plus the run log's lines."""
        if isinstance(event, TrackEnriched):
            self._events.publish(replace(event, job_id=self._pid(event.job_id)))
        elif isinstance(event, JobStateChanged):
            self._on_job_state(event)
        elif isinstance(event, PlanReady):
            # The panel counts this run against this plan: counters restart from here.
            self._stats_base = dict(self._last_stats)
            pid = self._pid(event.job_id)
            calls = sum(event.calls_needed.values())
            hits = sum(event.cache_hits.values())
            self._events.publish(replace(event, job_id=pid))
            self._say(
                logging.INFO,
                _("Plan: {calls} calls needed, {hits} answers cached, about {s:.0f} s").format(
                    calls=calls, hits=hits, s=event.estimated_s
                ),
                "plan",
            )
        elif isinstance(event, ProviderStats):
            self._last_stats[event.provider] = event
            self._events.publish(stats_since(event, self._stats_base.get(event.provider)))
        elif isinstance(event, BreakerChanged):
            self._events.publish(event)
            level = logging.WARNING if event.new == "open" else logging.INFO
            self._say(level, f"{event.provider} breaker {event.old} → {event.new}", "net")
        elif isinstance(event, ProviderPaused):
            self._events.publish(event)
            self._say(logging.WARNING, f"{event.provider} paused: {event.reason}", "net")
        else:
            self._events.publish(event)

    def _pid(self, job_id: str) -> str:
        return self._job_pid.get(job_id, job_id)

    def _on_job_state(self, event: JobStateChanged) -> None:
        pid = self._pid(event.job_id)
        done, total = event.done, event.total
        if not total and event.state in ("paused", "running"):
            done, total = self._progress.get(event.job_id, (0, 0))
        previous = self._progress.get(event.job_id)
        self._progress[event.job_id] = (done, total)
        info = self._playlists.get(pid)
        if info is not None:
            self._playlists[pid] = replace(info, state=event.state)
        self._events.publish(JobStateChanged(pid, event.state, done, total, event.detail))
        if event.state != "running":
            text = {
                "done": _("Enrichment finished: {done}/{total} tracks"),
                "cancelled": _("Run stopped at {done}/{total}; re-enrich resumes it"),
                "failed": _("Run failed: {detail}"),
                "paused": _("Paused"),
            }.get(event.state, event.state)
            level = logging.WARNING if event.state == "failed" else logging.INFO
            self._say(level, text.format(done=done, total=total, detail=event.detail))
        elif previous is None:
            self._say(logging.INFO, _("Enriching ({detail})").format(detail=event.detail or "…"))

    # --- LibraryView -----------------------------------------------------------------------------

    def playlists(self) -> list[PlaylistInfo]:
        return list(self._playlists.values())

    def track_ids(self, playlist_id: str) -> list[int]:
        return list(self._ids.get(playlist_id, ()))

    def rows(self, ids: Sequence[int]) -> dict[int, TrackRow]:
        rows = self._rows
        return {i: rows[i] for i in ids if i in rows}

    async def refresh_playlists(self) -> None:
        rt = await self.runtime()
        running = {pid for pid, task in self._runs.items() if not task.done()}
        summaries = await rt.library.list_playlists()
        fresh = {}
        for s in summaries:
            info = engine_rows.playlist_info(s, running=str(s.id) in running)
            old = self._playlists.get(info.id)
            if old is not None and old.state in ("paused", "failed", "done", "cancelled"):
                info = replace(info, state=old.state)
            fresh[info.id] = info
        self._playlists = fresh

    async def load_playlist(self, playlist_id: str) -> None:
        rt = await self.runtime()
        view = await rt.library.playlist_view(int(playlist_id))
        # Converting 10,000 rows takes ~0.1 s of Python: off the GUI thread (the GIL is shared,
        # but it switches every few ms, so the loop keeps ticking).
        ids, rows = await asyncio.to_thread(_convert_view, int(playlist_id), view)
        keep = set(ids)
        for old in self._ids.get(playlist_id, ()):
            if old not in keep:
                self._rows.pop(old, None)
        self._rows.update(rows)
        self._ids[playlist_id] = ids

    async def refresh_tracks(self, ids: Sequence[int]) -> None:
        known = [i for i in ids if i > 0 and i in self._rows]
        if not known:
            return
        rt = await self.runtime()
        for row in await rt.library.track_rows(known):
            old = self._rows.get(row.id)
            if old is not None:
                self._rows[row.id] = engine_rows.track_row(row, old.position)

    async def details(self, track_id: int) -> TrackDetails | None:
        shown = self._rows.get(track_id)
        if track_id <= 0:
            return None if shown is None else TrackDetails(row=shown)
        rt = await self.runtime()
        found = await rt.library.track_rows([track_id])
        if not found:
            return None
        lib_row = found[0]
        pins = await rt.library.pins_for(track_id)
        position = shown.position if shown is not None else 0
        row = engine_rows.track_row(lib_row, position)
        if (
            "similar" not in lib_row.doc
            and lib_row.state != "pending"
            and track_id not in self._details_asked
        ):
            # The later wave for this track now (the user opened it); the pane refreshes
            # when it lands, through the same TrackEnriched path as streamed rows.
            self._details_asked.add(track_id)
            self._spawn(self._fetch_details(track_id), f"details {track_id}")
        return TrackDetails(
            row=row,
            tags=engine_rows.tags_of(lib_row.doc),
            similar=engine_rows.similar_tracks(lib_row.doc),
            artist_info=engine_rows.artist_info(lib_row),
            candidates=engine_rows.candidates(lib_row.evidence, pins),
        )

    async def _fetch_details(self, track_id: int) -> None:
        rt = await self.runtime()
        try:
            await rt.engine.track_details(track_id)
        except DJDeskError as exc:
            self._say(logging.WARNING, exc.message, "lastfm")
            return
        self._events.publish(TrackEnriched("details", track_id, ("similar",), ""))

    # --- EnrichmentControl -----------------------------------------------------------------------

    async def import_link(self, text: str) -> str:
        rt = await self.runtime()
        source = await self.expand_short_link(text.strip())
        imported = await rt.engine.import_only(source)
        pid = str(imported.playlist_id)
        self._sources[pid] = source
        self._say(
            logging.INFO,
            _("Imported “{name}” ({n} tracks)").format(
                name=imported.name, n=len(imported.track_ids)
            ),
            "importer",
        )
        return pid

    async def expand_short_link(self, text: str) -> str:
        """A short link as its full link, fetched through the orchestrator (never around it).

        The redirects count against the lane of the link's service (rate limit, breaker,
        stats) at interactive priority: a user is waiting on the drop.
        """
        from djdesk.core import urls
        from djdesk.core.models import Priority

        if not urls.is_short_link(text):
            return text
        rt = await self.runtime()
        orch = rt.orchestrator
        with orch.priority(Priority.INTERACTIVE):
            async with orch.client(short_link_provider(text), "", timeout=10.0) as http:
                return await expand_link(text, http)

    async def import_csv(self, path: Path) -> str:
        if not await asyncio.to_thread(path.is_file):
            raise UnsupportedLinkError(
                _("{name} is not a readable file.").format(name=path.name),
                hint=_("Drop an Exportify playlist CSV."),
            )
        return await self.import_link(str(path))

    async def enrich(self, playlist_id: str) -> None:
        """Run (or resume) the playlist's job; a second call waits on the run in progress."""
        task = self._runs.get(playlist_id)
        if task is None or task.done():
            if self._paused:
                self.resume()  # a new run is an explicit "go": nothing stays paused
            task = asyncio.ensure_future(self._run(playlist_id))
            task.set_name(f"enrich {playlist_id}")
            self._runs[playlist_id] = task
        await asyncio.shield(task)

    async def _run(self, playlist_id: str) -> None:
        rt = await self.runtime()
        pid_int = int(playlist_id)
        jobs = [j for j in await rt.library.list_jobs(RESUMABLE) if j.playlist_id == pid_int]
        if jobs:
            job = max(jobs, key=lambda j: j.updated_at)
            self._job_pid[job.id] = playlist_id
            self._say(logging.INFO, _("Resuming job {job}").format(job=job.id))
            await rt.engine.resume(job.id)
            return
        source = self._sources.get(playlist_id)
        if source is None:
            summary = await rt.library.get_playlist(pid_int)
            if summary is None or not summary.url:
                raise UnsupportedLinkError(_("This playlist has no link to enrich it from."))
            source = summary.url
        from djdesk.core.engine.enricher import EnrichOptions  # heavy: after the window shows

        job_id = uuid.uuid4().hex[:12]
        self._job_pid[job_id] = playlist_id
        await rt.engine.enrich(source, EnrichOptions(), job_id=job_id)

    def _jobs(self) -> list[str]:
        return [] if self._rt is None else self._rt.engine.running_jobs()

    def remove(self, playlist_id: str) -> None:
        for job, pid in self._job_pid.items():
            if pid == playlist_id and job in self._jobs() and self._rt is not None:
                self._rt.engine.cancel(job)
        self._playlists.pop(playlist_id, None)
        for rid in self._ids.pop(playlist_id, ()):
            self._rows.pop(rid, None)
        self._spawn(self._delete(playlist_id), f"remove {playlist_id}")

    async def _delete(self, playlist_id: str) -> None:
        run = self._runs.pop(playlist_id, None)
        if run is not None:
            with contextlib.suppress(asyncio.CancelledError, DJDeskError):
                await asyncio.wait_for(asyncio.shield(run), 3.0)
        rt = await self.runtime()
        await rt.library.delete_playlist(int(playlist_id))
        self._say(logging.INFO, _("Playlist removed"))

    def pause(self) -> None:
        self._paused = True
        for job in self._jobs():
            self._rt.engine.pause(job)  # type: ignore[union-attr]

    def resume(self) -> None:
        self._paused = False
        for job in self._jobs():
            self._rt.engine.unpause(job)  # type: ignore[union-attr]

    def cancel(self, hard_after_s: float | None = SOFT_STOP_S) -> None:
        """Stop every run; the engine keeps finished work and re-enrich resumes the job.

        The engine's cancel is soft (tracks stop at their next gate, but those already waiting
        on a rate limit finish first, which can take seconds); after ``hard_after_s`` the run
        task is cancelled outright, which the engine also records as a cancelled job.
        """
        for job in self._jobs():
            self._rt.engine.cancel(job)  # type: ignore[union-attr]
        if hard_after_s is None:
            return
        loop = asyncio.get_event_loop()
        for task in self._runs.values():
            if not task.done():
                loop.call_later(hard_after_s, task.cancel)

    @property
    def paused(self) -> bool:
        return self._paused

    async def pin(self, track_id: int, provider: str, candidate_id: str) -> None:
        rt = await self.runtime()
        await rt.library.pin(track_id, provider, candidate_id)
        self._say(
            logging.INFO,
            _("Pinned {provider} match {id} for track {track}; re-enrich to apply it").format(
                provider=provider, id=candidate_id, track=track_id
            ),
        )
        self._events.publish(TrackEnriched("pin", track_id, (), ""))

    async def export_playlist(
        self, playlist_id: str, fmt: str, dest: Path, notation: str
    ) -> ExportReport:
        from djdesk.core.export import export_playlist

        rt = await self.runtime()
        return await export_playlist(rt.library, int(playlist_id), fmt, dest, notation=notation)


def _convert_view(pid: int, view: list[Any]) -> tuple[list[int], dict[int, TrackRow]]:
    """A playlist view as (row ids in order, rows); a track listed twice shows once."""
    ids: list[int] = []
    rows: dict[int, TrackRow] = {}
    base = pid * _MISSING_BASE
    for entry, row in view:
        position = entry.position + 1
        if row is None:
            rid = -(base + position)
            rows[rid] = engine_rows.missing_row(rid, position, entry.source, entry.local)
        elif row.id in rows:
            continue
        else:
            rid = row.id
            rows[rid] = engine_rows.track_row(row, position)
        ids.append(rid)
    return ids, rows


def _log_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, DJDeskError):
        log.error("background task %s failed", task.get_name(), exc_info=exc)
