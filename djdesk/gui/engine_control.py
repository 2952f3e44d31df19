"""The control side of ``EngineServices`` (EnrichmentControl): import, runs, pins, export.

Runs are the engine's jobs, keyed here by playlist id; re-enrich resumes the playlist's latest
stopped job (finished tracks are skipped) before it starts a new one. A new link is imported and
enriched in one run: the playlist is shown once its first page is in the library, and its rows
and values stream in while later pages are read.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from djdesk.core.errors import UnsupportedLinkError
from djdesk.core.events import JobStateChanged, TrackEnriched, TracksImported
from djdesk.core.i18n import _
from djdesk.gui.engine_state import RESUMABLE, SOFT_STOP_S, EngineState
from djdesk.gui.playlists.links import expand_link, short_link_provider

if TYPE_CHECKING:
    from djdesk.core.engine.importer import Imported
    from djdesk.core.export import ExportReport


class EngineControl(EngineState):
    """EnrichmentControl over the runtime's engine and library."""

    async def import_link(self, text: str) -> str:
        """The playlist's id once it is imported; its run started with the first page (the
        rows and values stream in meanwhile) and ``enrich`` waits on it. A link whose job
        stopped halfway is only imported: re-enrich resumes that job."""
        rt = await self.runtime()
        source = await self.expand_short_link(text.strip())
        for pid, known in self._sources.items():
            task = self._runs.get(pid)
            if known == source and task is not None and not task.done():
                return pid  # importing (and enriching) it already
        stopped = [
            j
            for j in await rt.library.list_jobs(RESUMABLE)
            if j.input == source and j.id not in self._jobs()
        ]
        if not stopped:
            return await self._import_and_enrich(source)
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

    async def _import_and_enrich(self, source: str) -> str:
        """Import ``source`` in a run that enriches each page as it lands: the playlist is
        listed from its first page on (``TracksImported``) and ``enrich`` waits on the run."""
        rt = await self.runtime()
        from djdesk.core.engine.enricher import EnrichOptions  # heavy: after the window shows

        job_id = uuid.uuid4().hex[:12]
        loop = asyncio.get_running_loop()
        imported: asyncio.Future[Imported] = loop.create_future()
        task: asyncio.Task[None] | None = None

        def on_page(event: TracksImported) -> None:
            if event.source != source or job_id in self._job_pid or task is None:
                return
            pid = str(event.playlist_id)
            self._job_pid[job_id] = pid  # before the run's next event
            self._placing.discard(job_id)
            self._runs[pid] = task
            self._sources[pid] = source
            total = event.total if event.total is not None else len(event.track_ids)
            rt.events.publish(JobStateChanged(job_id, "running", 0, total, "importing"))

        def on_imported(result: Imported) -> None:
            if not imported.done():
                imported.set_result(result)

        async def run() -> None:
            await rt.engine.enrich(source, EnrichOptions(), job_id=job_id, on_imported=on_imported)

        if self._paused:
            self.resume()  # a new run is an explicit "go": nothing stays paused
        self._placing.add(job_id)
        unsubscribe = rt.events.subscribe(TracksImported, on_page)
        task = asyncio.ensure_future(run())
        task.set_name(f"import and enrich {source}")
        try:
            await asyncio.wait({imported, task}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled (window closing): no run is left behind
            task.cancel()
            raise
        finally:
            unsubscribe()
            self._placing.discard(job_id)
        if not imported.done():
            imported.cancel()
            task.result()  # the import's error (a run stopped before its end: cancelled)
            raise asyncio.CancelledError
        done = imported.result()
        self._say(
            logging.INFO,
            _("Imported “{name}” ({n} tracks)").format(name=done.name, n=len(done.track_ids)),
            "importer",
        )
        return str(done.playlist_id)

    async def announce_resumable(self) -> int:
        """Say which runs a restart left stopped, and how to resume them; returns how many.

        Each playlist's latest stopped job is reported as ``cancelled`` with how far it got
        against its whole playlist (the list marks it, the panel counts it), and one log line
        says what resumes it: re-enrich, Ctrl+R.
        """
        rt = await self.runtime()
        latest: dict[int, Any] = {}
        for job in await rt.library.list_jobs(RESUMABLE):
            if job.playlist_id is None or job.id in rt.engine.running_jobs():
                continue
            old = latest.get(job.playlist_id)
            if old is None or job.updated_at > old.updated_at:
                latest[job.playlist_id] = job
        for pid_int, job in latest.items():
            pid = str(pid_int)
            if pid in self._runs:  # the user started it meanwhile
                continue
            self._job_pid.setdefault(job.id, pid)
            done = (await rt.library.unit_counts(job.id)).get("enrich", 0)
            total = int(job.totals.get("tracks") or 0)
            self._progress[job.id] = (done, max(total, done))
            info = self._playlists.get(pid)
            if info is not None:
                self._playlists[pid] = replace(info, state="cancelled")
            self._events.publish(
                JobStateChanged(pid, "cancelled", done, max(total, done), "resumable")
            )
        if latest:
            names = []
            for pid_int in latest:
                summary = await rt.library.get_playlist(pid_int)
                names.append(f"“{summary.name}”" if summary is not None else pid_int)
            text = (
                _(
                    "1 stopped run can resume: select {names} and press Re-enrich (Ctrl+R); "
                    "its finished tracks are kept"
                )
                if len(latest) == 1
                else _(
                    "{n} stopped runs can resume: select one ({names}) and press Re-enrich "
                    "(Ctrl+R); their finished tracks are kept"
                )
            )
            self._say(logging.INFO, text.format(n=len(latest), names=", ".join(map(str, names))))
        return len(latest)

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
            self._whole[job.id] = int(job.totals.get("tracks") or 0)
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

    def remove(self, playlist_id: str) -> asyncio.Task[None]:
        """Gone from the snapshot at once; the returned task is the library's delete (a run
        on the playlist is stopped first), so awaiting it means a refresh will not list it."""
        for job, pid in self._job_pid.items():
            if pid == playlist_id and job in self._jobs() and self._rt is not None:
                self._rt.engine.cancel(job)
        self._playlists.pop(playlist_id, None)
        for rid in self._ids.pop(playlist_id, ()):
            self._rows.pop(rid, None)
        return self._spawn(self._delete(playlist_id), f"remove {playlist_id}")

    async def _delete(self, playlist_id: str) -> None:
        run = self._runs.pop(playlist_id, None)
        if run is not None:
            # The soft cancel lets tracks already waiting on a rate limit finish, which can
            # take a while; the playlist is going, so after a moment the run is cancelled
            # outright (its finished tracks are saved either way).
            finished, _pending = await asyncio.wait({run}, timeout=SOFT_STOP_S)
            if not finished:
                run.cancel()
            await asyncio.gather(run, return_exceptions=True)
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
        # Pins, then enriches this one track again at once (interactive priority).
        await rt.engine.pin_track(track_id, provider, candidate_id)
        self._say(
            logging.INFO,
            _("Pinned {provider} match {id} for track {track}; track re-enriched").format(
                provider=provider, id=candidate_id, track=track_id
            ),
        )
        self._events.publish(TrackEnriched("pin", track_id, (), ""))

    async def unpin(self, track_id: int, provider: str) -> None:
        rt = await self.runtime()
        # Drops the pin (library and the runs' copy), then enriches this one track again.
        await rt.engine.unpin_track(track_id, provider)
        self._say(
            logging.INFO,
            _("Unpinned {provider} for track {track}; track re-enriched").format(
                provider=provider, track=track_id
            ),
        )
        self._events.publish(TrackEnriched("pin", track_id, (), ""))

    async def export_playlist(
        self, playlist_id: str, fmt: str, dest: Path, notation: str
    ) -> ExportReport:
        from djdesk.core.export import export_playlist

        rt = await self.runtime()
        return await export_playlist(rt.library, int(playlist_id), fmt, dest, notation=notation)
