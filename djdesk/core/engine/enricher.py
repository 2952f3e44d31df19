"""``Engine``: the front ends' one door to import, plan, enrich, resume, pause and cancel.

A run is a persisted job (``library.jobs``): created with its input and options, it imports
(cache-first) and, page by page as the list arrives (``feeder``), builds one ``TrackWork`` per
distinct track, skips tracks the job's journal says are finished, prefetches the cache in
batches, plans (``PlanReady``) and works the page's tracks in the eager wave while the next
pages are read; it ends in ``done`` (or ``cancelled``/``failed``). ``resume(job_id)`` runs the
same job again with its stored options: finished tracks are skipped and the rest mostly come
from the cache, so the final result equals an uninterrupted run's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import Clock
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.control import Control
from djdesk.core.engine.details import details_wave
from djdesk.core.engine.evidence import matched_providers
from djdesk.core.engine.feeder import Feeder, apply_budgets
from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.engine.import_pages import ImportedPage, PageListener
from djdesk.core.engine.importer import Imported, Importer
from djdesk.core.engine.one_track import TRACK_INPUT, run_one_track
from djdesk.core.engine.options import EnrichOptions, JobResult
from djdesk.core.engine.pins import PinMap
from djdesk.core.engine.plan import FINGERPRINT_FIELD
from djdesk.core.engine.report import playlist_report
from djdesk.core.engine.run import STEP, Run
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.work import EAGER_STEPS, TrackWork
from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.events import EventBus, ImportProgress, JobStateChanged, TracksImported
from djdesk.core.library import Job, Library, TrackRow
from djdesk.core.models import Priority
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.settings import Settings

__all__ = ["Engine", "EnrichOptions", "JobResult"]

log = logging.getLogger(__name__)


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
        #: The library's pins (``PinMap``: re-read when a run starts, shared with its runs).
        self._pins = PinMap()

    @property
    def pins(self) -> PinMap:
        return self._pins

    async def aclose(self) -> None:
        for control in list(self._controls.values()):
            control.cancel()

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
        self._control(job_id).cancel()

    def running_jobs(self) -> list[str]:
        return list(self._controls)

    def _control(self, job_id: str) -> Control:
        try:
            return self._controls[job_id]
        except KeyError:
            raise InputError(f"Job {job_id} is not running in this window.") from None

    # -- runs --------------------------------------------------------------------------------

    async def enrich(
        self,
        source: str,
        options: EnrichOptions | None = None,
        *,
        job_id: str | None = None,
        on_imported: Callable[[Imported], None] | None = None,
    ) -> JobResult:
        """Create a job for ``source`` and run it to the end. ``on_imported`` hears the
        import's end (its tracks are being enriched already: the run overlaps the import)."""
        options = options or EnrichOptions()
        job = await self.library.create_job(source, options.to_dict(), job_id=job_id)
        return await self._run(job, options, on_imported)

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

    async def _import(
        self, fetcher: Fetcher, source: str, on_page: PageListener | None = None
    ) -> Imported:
        def progress(read: int, total: int | None) -> None:
            self.events.publish(ImportProgress(source, read, total))

        async def page(p: ImportedPage) -> None:
            self.events.publish(
                TracksImported(source, p.playlist_id, p.track_ids, p.offset, p.total, p.name)
            )
            if on_page is not None:
                await on_page(p)

        return await Importer(self.clients, fetcher, self.library).run(source, progress, page)

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
        self._pins.put(track_id, provider, value)
        return await self.reenrich_track(track_id)

    async def unpin_track(self, track_id: int, provider: str) -> str:
        """Drop a pin from the library and from the runs under way, then enrich the track again
        at once (by its own ids, or matched), as ``pin_track`` does. Returns its state."""
        removed = await self.library.unpin(track_id, provider)
        if not (self._pins.drop(track_id, provider) or removed):
            raise InputError(f"Track {track_id} has no {provider} pin.")
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
        await self._pins.reload(self.library)
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

    async def _run(
        self,
        job: Job,
        options: EnrichOptions,
        on_imported: Callable[[Imported], None] | None = None,
    ) -> JobResult:
        control = Control()
        self._controls[job.id] = control
        run: Run | None = None
        sources: Sources | None = None
        feeding: asyncio.Future[None] | None = None
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
            await self._pins.reload(self.library)
            sources.pins = self._pins
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
            finished = {
                tid
                for (tid, step), out in (await self.library.finished_units(job.id)).items()
                if step == STEP and out == "ok"
            }
            feeder = Feeder(
                run=run,
                library=self.library,
                events=self.events,
                make_work=self._work,
                rates=self.settings.rates,
                budgets=apply_budgets(self.orchestrator.budget, options.budgets),
                selected=options.selected,
                finished=finished,
                refresh=options.refresh,
            )
            feeding = asyncio.ensure_future(feeder.feed())
            playlist: list[tuple[int, str]] = []  # (id, name) once the first page is in

            async def on_page(page: ImportedPage) -> None:
                if not playlist:
                    playlist.append((page.playlist_id, page.name))
                    await self.library.set_job_state(
                        job.id,
                        "paused" if control.paused else "running",  # paused while importing
                        playlist_id=page.playlist_id,
                    )
                    await self.library.set_playlist_state(page.playlist_id, "enriching")
                feeder.put(page)

            def result(state: str) -> JobResult:
                pid, name = playlist[0] if playlist else (0, "")  # 0: stopped before a page
                return JobResult(
                    job_id=job.id,
                    playlist_id=pid,
                    name=name,
                    plan=feeder.plan or run.plan([], {}, {}, EAGER_STEPS),
                    stats=run.stats,
                    skipped=len(finished),
                    calls=dict(fetcher.calls),
                    cache_hits=dict(fetcher.hits),
                    state=state,
                )

            importing = asyncio.ensure_future(self._import(fetcher, job.input, on_page))
            control.interruptible(importing)
            try:
                imported = await importing
                if on_imported is not None:
                    on_imported(imported)
                feeder.end()
                await feeding
                stats = await run.finish()
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not control.cancelled or (task is not None and task.cancelling()):
                    raise  # our caller cancelled us: let it through
                # The user cancelled: pages still coming, or tracks at their gates.
                await self._stopped(feeding, run)
                await self._end(job.id, "cancelled", run)
                return result("cancelled")
            if options.details:
                await self._state(job.id, "running", stats.done, stats.total, "details")
                await details_wave(
                    feeder.works, sources, self.library, self.orchestrator, now=self.clock.time()
                )
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
            await self.library.set_job_state(job.id, "done", error=detail or None)
            await self.library.set_playlist_state(playlist[0][0], "enriched")
            await self._state(job.id, "done", stats.done, stats.total, detail)
            return result("done")
        except asyncio.CancelledError:
            await asyncio.shield(self._stopped(feeding, run))
            await asyncio.shield(self._end(job.id, "cancelled", run))
            raise
        except DJDeskError as exc:
            await asyncio.shield(self._stopped(feeding, run))
            await asyncio.shield(self._end(job.id, "failed", run, exc.message))
            raise
        finally:
            self._controls.pop(job.id, None)
            await self._stopped(feeding, run)
            if sources is not None:
                await sources.aclose()

    @staticmethod
    async def _stopped(feeding: asyncio.Future[None] | None, run: Run | None) -> None:
        """A run that ends early stops planning pages and saves the tracks that finished."""
        if feeding is not None and not feeding.done():
            feeding.cancel()
            await asyncio.gather(feeding, return_exceptions=True)
        if run is not None:
            await run.stop()

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
