"""``Engine``: the front ends' one door to import, plan, enrich, resume, pause and cancel.

A run is a persisted job (``library.jobs``): created with its input and options, it imports
(cache-first), builds one ``TrackWork`` per distinct track, skips tracks the job's journal says
are finished, prefetches the cache in batches, plans (``PlanReady``), runs the eager wave and
ends in ``done`` (or ``cancelled``/``failed``). ``resume(job_id)`` runs the same job again with
its stored options: finished tracks are skipped and the rest mostly come from the cache, so the
final result equals an uninterrupted run's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import Clock
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.details import details_wave
from djdesk.core.engine.evidence import matched_providers
from djdesk.core.engine.fetcher import DEFAULT_MAX_PAUSE_S, Fetcher
from djdesk.core.engine.importer import Imported, Importer
from djdesk.core.engine.one_track import TRACK_INPUT, run_one_track
from djdesk.core.engine.plan import FINGERPRINT_FIELD, Plan, up_to_date
from djdesk.core.engine.report import playlist_report
from djdesk.core.engine.run import STEP, Control, Run, RunStats
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.work import EAGER_STEPS, TrackWork
from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.events import EventBus, ImportProgress, JobStateChanged
from djdesk.core.library import Job, Library, TrackRow
from djdesk.core.models import Priority
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EnrichOptions:
    """What a job remembers so ``resume`` runs it the same way."""

    budgets: Mapping[str, int] = field(default_factory=dict)
    refresh: bool = False
    #: Positions (0-based) of the tracks the user selected or sees: they go first.
    selected: tuple[int, ...] = ()
    max_pause_s: float = DEFAULT_MAX_PAUSE_S
    #: Also run the later wave (Last.fm similar tracks and artist info) after the eager one.
    details: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "budgets": dict(self.budgets),
            "refresh": self.refresh,
            "selected": list(self.selected),
            "max_pause_s": self.max_pause_s,
            "details": self.details,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnrichOptions:
        return cls(
            budgets={str(k): int(v) for k, v in dict(data.get("budgets") or {}).items()},
            refresh=bool(data.get("refresh", False)),
            selected=tuple(int(p) for p in data.get("selected") or ()),
            max_pause_s=float(data.get("max_pause_s", DEFAULT_MAX_PAUSE_S)),
            details=bool(data.get("details", False)),
        )


@dataclass(frozen=True, slots=True)
class JobResult:
    job_id: str
    playlist_id: int
    name: str
    plan: Plan
    stats: RunStats
    skipped: int
    calls: dict[str, int]
    cache_hits: dict[str, int]
    state: str


class Engine:
    def __init__(
        self,
        *,
        cache: CacheStore,
        library: Library,
        orchestrator: Orchestrator,
        clients: Clients,
        events: EventBus,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.cache = cache
        self.library = library
        self.orchestrator = orchestrator
        self.clients = clients
        self.events = events
        self.clock = clock
        self.settings = settings
        self._controls: dict[str, Control] = {}
        self._writes: set[asyncio.Task[None]] = set()
        #: Pins made in this process: runs already under way read their tracks' ids when they
        #: started, and take these over them, so a pin wins over a run that is going on.
        self._pins: dict[int, dict[str, str]] = {}

    async def aclose(self) -> None:
        for control in self._controls.values():
            control.cancelled = True
            control.resume()

    # -- GUI controls ------------------------------------------------------------------------

    def pause(self, job_id: str) -> asyncio.Task[None]:
        """Hold the job's steps at the gate and record it as ``paused`` in the library, so
        ``djdesk jobs`` and a restarted GUI say so too. Returns the state write (the GUI need
        not wait for it; tests do)."""
        self._control(job_id).pause()
        self.events.publish(JobStateChanged(job_id, "paused"))
        return self._store_state(job_id, "paused")

    def unpause(self, job_id: str) -> asyncio.Task[None]:
        self._control(job_id).resume()
        self.events.publish(JobStateChanged(job_id, "running"))
        return self._store_state(job_id, "running")

    def _store_state(self, job_id: str, state: str) -> asyncio.Task[None]:
        """The controls are called synchronously (GUI slots); the write runs as a task, kept
        referenced until done. Writes reach the library's one connection in call order."""

        async def write() -> None:
            try:
                await self.library.set_job_state(job_id, state)
            except DJDeskError:
                log.exception("could not record job %s as %s", job_id, state)

        task = asyncio.get_running_loop().create_task(write())
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return task

    def cancel(self, job_id: str) -> None:
        control = self._control(job_id)
        control.cancelled = True
        control.resume()

    def running_jobs(self) -> list[str]:
        return list(self._controls)

    def _control(self, job_id: str) -> Control:
        try:
            return self._controls[job_id]
        except KeyError:
            raise InputError(f"Job {job_id} is not running in this window.") from None

    # -- runs --------------------------------------------------------------------------------

    async def enrich(
        self, source: str, options: EnrichOptions | None = None, *, job_id: str | None = None
    ) -> JobResult:
        """Create a job for ``source`` and run it to the end."""
        options = options or EnrichOptions()
        job = await self.library.create_job(source, options.to_dict(), job_id=job_id)
        return await self._run(job, options)

    async def resume(self, job_id: str) -> JobResult:
        """Run a stored job again; its finished tracks are skipped."""
        job = await self.library.get_job(job_id)
        if job is None:
            raise InputError(
                f"No job {job_id!r} in the library.", hint="List them with `djdesk jobs`."
            )
        if job.input.startswith(TRACK_INPUT):
            raise InputError(
                f"Job {job_id} re-enriched one track; there is nothing of it to resume.",
                hint="Re-enrich the track's playlist, or pin the match again.",
            )
        return await self._run(job, EnrichOptions.from_dict(job.options))

    async def import_only(self, source: str, *, refresh: bool = False) -> Imported:
        fetcher = Fetcher(self.cache, self.orchestrator, self.clock, refresh=refresh)
        return await self._import(fetcher, source)

    async def _import(self, fetcher: Fetcher, source: str) -> Imported:
        def progress(read: int, total: int | None) -> None:
            self.events.publish(ImportProgress(source, read, total))

        return await Importer(self.clients, fetcher, self.library).run(source, progress)

    async def track_details(self, track_id: int) -> int:
        """The later wave for one track, now (the user opened it): similar tracks, artist info."""
        (row,) = await self.library.track_rows([track_id])
        work = self._work(row, 0)
        sources = Sources(self.clients, Fetcher(self.cache, self.orchestrator, self.clock))
        try:
            return await details_wave(
                [work],
                sources,
                self.library,
                self.orchestrator,
                now=self.clock.time(),
                priority=Priority.INTERACTIVE,
            )
        finally:
            await sources.aclose()

    async def pin_track(self, track_id: int, provider: str, value: str) -> str:
        """Pin ``provider``'s id for a track (it wins everywhere, ``library.pins``) and enrich
        that track again at once with it, so the pane shows the pinned record's values now
        rather than after the next run. Returns the track's state after the re-enrich."""
        await self.library.pin(track_id, provider, value)
        self._pins.setdefault(track_id, {})[provider] = value
        return await self.reenrich_track(track_id)

    async def reenrich_track(self, track_id: int, *, job_id: str | None = None) -> str:
        """The eager wave for one track, now, at interactive priority (a user is waiting).

        A job of its own (input ``track:<id>``), so its results are journalled and saved the
        way a playlist run's are; answers come from the cache where they can. Only its
        ``TrackEnriched`` reaches the engine's bus: a one-track job's progress is not a
        playlist's. Returns the track's state."""
        job = await self.library.create_job(
            f"{TRACK_INPUT}{track_id}", {"track": track_id}, job_id=job_id
        )
        return await self._run_track(job.id, track_id)

    async def _run_track(self, job_id: str, track_id: int) -> str:
        rows = await self.library.track_rows([track_id])
        if not rows:
            await self.library.set_job_state(job_id, "failed", error="no such track")
            raise InputError(f"No track {track_id} in the library.", hint="Import it first.")
        control = Control()
        self._controls[job_id] = control
        try:
            await run_one_track(
                self, job_id, replace(self._work(rows[0], 0), selected=True), control
            )
        finally:
            self._controls.pop(job_id, None)
        (row,) = await self.library.track_rows([track_id])
        return row.state

    async def report(self, playlist_id: int) -> list[dict[str, Any]]:
        return await playlist_report(self.library, playlist_id)

    async def _run(self, job: Job, options: EnrichOptions) -> JobResult:
        control = Control()
        self._controls[job.id] = control
        run: Run | None = None
        fetcher: Fetcher | None = None
        sources: Sources | None = None
        try:
            await self._state(job.id, "running", detail="importing")
            fetcher = Fetcher(
                self.cache,
                self.orchestrator,
                self.clock,
                refresh=options.refresh,
                max_pause_s=options.max_pause_s,
            )
            sources = Sources(self.clients, fetcher)
            run = Run(
                job_id=job.id,
                library=self.library,
                sources=sources,
                orchestrator=self.orchestrator,
                events=self.events,
                clock=self.clock,
                control=control,
                bpm_range=(self.settings.bpm_min, self.settings.bpm_max),
            )
            fetcher.on_pause = run.on_pause
            run.pins = self._pins
            budgets = self._apply_budgets(options.budgets)
            imported = await self._import(fetcher, job.input)
            await self.library.set_job_state(
                job.id,
                "paused" if control.paused else "running",  # paused during the import
                playlist_id=imported.playlist_id,
            )
            works = await self._works(imported, options.selected)
            finished = {
                tid
                for (tid, step), out in (await self.library.finished_units(job.id)).items()
                if step == STEP and out == "ok"
            }
            todo = [w for w in works if w.track_id not in finished]
            await run.prefetch(todo)
            plan = run.plan(todo, dict(self.settings.rates), budgets(), EAGER_STEPS)
            reused = (
                [] if options.refresh else [w for w in todo if up_to_date(w, run.cached, run.salt)]
            )
            # By track id: ``w not in reused`` compared whole dataclasses, O(n²) on a warm
            # 1,000-track run (~1 M comparisons, most of its wall time).
            reused_ids = {w.track_id for w in reused}
            stale = [w for w in todo if w.track_id not in reused_ids]
            self.events.publish(plan.event())
            await self.library.update_totals(
                job.id, {"tracks": len(works), "skipped": len(finished), "plan": plan.to_dict()}
            )
            await self.library.set_playlist_state(imported.playlist_id, "enriching")
            try:
                stats = await run.execute(stale, plan, reused)
            except asyncio.CancelledError:
                if not control.cancelled:
                    raise  # our caller cancelled us: let it through
                await self._end(job.id, "cancelled", run)
                return JobResult(
                    job_id=job.id,
                    playlist_id=imported.playlist_id,
                    name=imported.name,
                    plan=plan,
                    stats=run.stats,
                    skipped=len(finished),
                    calls=dict(fetcher.calls),
                    cache_hits=dict(fetcher.hits),
                    state="cancelled",
                )
            if options.details:
                await self._state(job.id, "running", stats.done, stats.total, "details")
                await details_wave(
                    works, sources, self.library, self.orchestrator, now=self.clock.time()
                )
            state = "done"
            detail = run.paused_detail()
            await self.library.update_totals(
                job.id,
                {
                    "done": stats.done + len(finished),
                    "states": dict(stats.states),
                    "retry": stats.retry,
                    "calls": dict(fetcher.calls),
                    "cache_hits": dict(fetcher.hits),
                    "paused": detail,
                },
            )
            await self.library.set_job_state(job.id, state, error=detail or None)
            await self.library.set_playlist_state(imported.playlist_id, "enriched")
            await self._state(job.id, state, stats.done, stats.total, detail)
            return JobResult(
                job_id=job.id,
                playlist_id=imported.playlist_id,
                name=imported.name,
                plan=plan,
                stats=stats,
                skipped=len(finished),
                calls=dict(fetcher.calls),
                cache_hits=dict(fetcher.hits),
                state=state,
            )
        except asyncio.CancelledError:
            await asyncio.shield(self._end(job.id, "cancelled", run))
            raise
        except DJDeskError as exc:
            await asyncio.shield(self._end(job.id, "failed", run, exc.message))
            raise
        finally:
            self._controls.pop(job.id, None)
            if sources is not None:
                await sources.aclose()

    def _apply_budgets(self, budgets: Mapping[str, int]) -> Callable[[], dict[str, int]]:
        """Per-job budgets on the orchestrator's process-wide counter (calls so far + N); the
        returned function gives what is left, for the plan (after the import's own calls)."""
        budget = self.orchestrator.budget
        for name, limit in budgets.items():
            provider = None if name == "total" else name
            budget.set_limit(provider, budget.used(provider) + limit)

        def left() -> dict[str, int]:
            out: dict[str, int] = {}
            for name in budgets:
                remaining = budget.remaining(None if name == "total" else name)
                if remaining is not None:
                    out[name] = remaining
            return out

        return left

    async def _end(
        self, job_id: str, state: str, run: Run | None, error: str | None = None
    ) -> None:
        try:
            await self.library.set_job_state(job_id, state, error=error)
        except DJDeskError:
            log.exception("could not record job %s as %s", job_id, state)
        done, total = (run.stats.done, run.stats.total) if run else (0, 0)
        await self._state(job_id, state, done, total, error or "")

    async def _state(
        self, job_id: str, state: str, done: int = 0, total: int = 0, detail: str = ""
    ) -> None:
        self.events.publish(JobStateChanged(job_id, state, done, total, detail))

    async def _works(self, imported: Imported, selected: Iterable[int]) -> list[TrackWork]:
        """One work item per distinct track, ordered by its first position in the input."""
        first: dict[int, int] = {}
        for position, tid in enumerate(imported.track_ids):
            if tid is not None:
                first.setdefault(tid, position)
        chosen = {imported.track_ids[p] for p in selected if 0 <= p < len(imported.track_ids)}
        rows = await self.library.track_rows(list(first))
        return [
            replace(self._work(row, first[row.id]), selected=True)
            if row.id in chosen
            else self._work(row, first[row.id])
            for row in rows
        ]

    @staticmethod
    def _work(row: TrackRow, order: int) -> TrackWork:
        return TrackWork(
            track_id=row.id,
            title=row.title,
            artists=tuple(row.artists),
            album=row.album,
            duration_ms=row.duration_ms,
            ids=dict(row.ids),
            order=order,
            previous=(row.doc.get(FINGERPRINT_FIELD) or {}).get("value"),
            previous_state=row.state,
            previous_missing=tuple(row.missing),
            previous_reason=row.reason,
            matched=matched_providers(row.evidence),
        )
