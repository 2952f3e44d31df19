"""One enrichment run of one job: prefetch, plan, the eager wave, results streamed and saved.

Tracks may arrive in parts (``add``, one per imported page, each prefetched and planned on its
own) while earlier ones are being worked: ``close`` says no more will come, ``finish`` waits
for the rest. ``execute`` is the one-part run.

Invariants:
- Every track's work for one provider is independent of the others, so a paused or broken
  provider holds up only its own steps; the track is saved when all its steps have ended.
- A track's results (fields, payloads, evidence, state) and its journal row are committed in
  ONE ``record_units`` transaction, and ``TrackEnriched`` goes out only after that commit, so
  after kill -9 a resume skips exactly the tracks whose results are saved.
- A track whose step failed (provider down, paused past the wait) is journalled as "retry", so
  ``--resume`` tries it again; finished ones ("ok") are never asked for twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import replace

from djdesk.core.clock import Clock
from djdesk.core.engine import cachekeys as ck
from djdesk.core.engine.admission import Admission
from djdesk.core.engine.assemble import assemble
from djdesk.core.engine.control import Control, RunStats
from djdesk.core.engine.plan import (
    FINGERPRINT_FIELD,
    Plan,
    fingerprint,
    first_lookups,
    make_plan,
)
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.waterfall import (
    deezer_step,
    guarded,
    lastfm_step,
    reccobeats_step,
)
from djdesk.core.engine.work import StepOutcome, TrackWork
from djdesk.core.events import EventBus, JobStateChanged, TrackEnriched
from djdesk.core.i18n import _
from djdesk.core.library import Library, TrackInput, UnitDone
from djdesk.core.models import Priority
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.provider_names import provider_label

log = logging.getLogger(__name__)

STEP = "enrich"
WRITE_BATCH = 100
#: Tracks worked at once. A waiting track is a stack of ~20 coroutines, and a run that
#: started all of its tracks kept O(N) of them alive: a 1,000-track run held ~250,000 objects
#: the garbage collector walked in full every few seconds (stalls of 100+ ms in the GUI).
#: The slowest provider's rate paces a run, and this many keeps every provider busy.
IN_FLIGHT = 200
#: Workers started per event-loop turn, so a big run starts without freezing the loop.
START_BATCH = 16


class Run:
    def __init__(
        self,
        *,
        job_id: str,
        library: Library,
        sources: Sources,
        orchestrator: Orchestrator,
        events: EventBus,
        clock: Clock,
        control: Control,
        bpm_range: tuple[float, float],
    ) -> None:
        self.job_id = job_id
        self._library = library
        self._src = sources
        self._orch = orchestrator
        self._events = events
        self._clock = clock
        self.control = control
        self._bpm_range = bpm_range
        #: Settings that shape fusion: part of every track's fingerprint.
        self.salt = f"bpm:{bpm_range[0]:g}-{bpm_range[1]:g}"
        self.stats = RunStats()
        self._queue: asyncio.Queue[tuple[UnitDone, dict[str, str]] | None] = asyncio.Queue()
        self.pins: dict[int, dict[str, str]] = {}  # made during the run (Engine.pin_track): win
        self._todo = Admission(sources.features)
        self._stopped = False
        self._admitted = 0  # tracks added (worked and reused)
        self._workers: list[asyncio.Future[None]] = []
        self._writer_task: asyncio.Future[None] | None = None

    # -- plan --------------------------------------------------------------------------------

    async def prefetch(self, works: Sequence[TrackWork]) -> None:
        """One ``get_many`` per namespace for every first lookup, then for the keys the cached
        answers lead to (a search's detail, a mapping's features), so a warm run never waits
        on the cache per track."""
        fetcher = self._src.fetcher
        wanted: dict[str, list[str]] = {}
        for work in works:
            for look in first_lookups(work):
                wanted.setdefault(look.namespace, []).append(look.key)
                for namespace, key in look.spared_by:
                    wanted.setdefault(namespace, []).append(key)
        for namespace, keys in wanted.items():
            await fetcher.prefetch(namespace, keys)
        follow: dict[str, list[str]] = {}
        for key in wanted.get(ck.DEEZER_SEARCH, []):
            known = fetcher.known(ck.DEEZER_SEARCH, key)
            for hit in (known.value if known and not known.negative else None) or []:
                follow.setdefault(ck.DEEZER_TRACK, []).append(ck.deezer_id(hit["id"]))
        for key in wanted.get(ck.DEEZER_TRACK, []):
            known = fetcher.known(ck.DEEZER_TRACK, key)
            if known is not None and not known.negative and key.startswith("isrc:"):
                fetcher.remember(ck.DEEZER_TRACK, ck.deezer_id(known.value["id"]), known.value)
        for key in wanted.get(ck.RB_SEARCH, []):
            known = fetcher.known(ck.RB_SEARCH, key)
            for row in (known.value if known and not known.negative else None) or []:
                sid = _spotify_of(row)
                if sid:
                    follow.setdefault(ck.RB_MAP_SPOTIFY, []).append(sid)
                    follow.setdefault(ck.RB_FEATURES, []).append(sid)
        for namespace, keys in follow.items():
            await fetcher.prefetch(namespace, keys)

    def cached(self, namespace: str, key: str) -> bool:
        """The plan's view: the run knows an answer (cached, or fetched and stored by now)."""
        return self._src.fetcher.known(namespace, key) is not None

    def plan(
        self,
        works: Sequence[TrackWork],
        rates: dict[str, float],
        budgets: dict[str, int],
        steps: Sequence[str],
        *,
        spent: dict[str, float] | None = None,
    ) -> Plan:
        return make_plan(
            self.job_id, works, self.cached, rates=rates, budgets=budgets, steps=steps, spent=spent
        )

    # -- the eager wave ----------------------------------------------------------------------

    async def execute(
        self, works: Sequence[TrackWork], plan: Plan, reused: Sequence[TrackWork] = ()
    ) -> RunStats:
        """Run ``works``; ``reused`` tracks are up to date (same inputs as their last finished
        run) and only counted and announced."""
        await self.add(works, plan, reused)
        return await self.finish()

    def expect(self, total: int) -> None:
        """The run's total before all its tracks are in (the playlist's size, from its first
        page), so progress and ETA are right from the start; ``close`` makes it exact."""
        self.stats.total = max(total, self._admitted)

    async def add(
        self, works: Sequence[TrackWork], plan: Plan, reused: Sequence[TrackWork] = ()
    ) -> None:
        """More tracks for the run, worked in ``plan``'s order after those added before."""
        self._todo.put(())  # a closed run refuses; the first part holds the batcher
        if self._writer_task is None:
            self._writer_task = asyncio.ensure_future(self._writer())
        self._admitted += len(works) + len(reused)
        self.stats.total = max(self.stats.total, self._admitted)
        for work in reused:
            self.stats.done += 1
            self.stats.states[work.previous_state] += 1
            self._events.publish(TrackEnriched(self.job_id, work.track_id, (), work.previous_state))
        by_id = {w.track_id: w for w in works}
        self._todo.put(
            (by_id[tid], plan.deferred.get(tid, frozenset())) for tid in plan.order if tid in by_id
        )
        # Workers start a few per loop turn: each runs synchronously up to its first wait,
        # and starting hundreds in one turn freezes a GUI.
        wanted = min(IN_FLIGHT, len(self._workers) + len(self._todo))
        for started in range(len(self._workers), wanted):
            self._workers.append(asyncio.ensure_future(self._worker()))
            if started % START_BATCH == START_BATCH - 1:
                await asyncio.sleep(0)

    def close(self) -> None:
        """No more tracks will come; the total is now exact."""
        if not self._todo.closed:
            self.stats.total = self._admitted
        self._todo.close()

    async def finish(self) -> RunStats:
        """Close the run and wait for its tracks; finished ones are saved even when cancelled."""
        self.close()
        try:
            for worker in self._workers:
                await worker
        finally:
            await self.stop()
        return self.stats

    async def stop(self) -> None:
        """Stop the tracks still going and save the finished ones (a failed import ends the
        run this way too)."""
        if self._stopped:
            return
        self._stopped = True
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._todo.stop()
        writer = self._writer_task
        if writer is None:
            return
        await self._queue.put(None)
        try:
            await asyncio.shield(writer)  # finished tracks are saved even when cancelled
        finally:
            if not writer.done():  # cancelled again while saving: stop, leave no task
                writer.cancel()
                await asyncio.gather(writer, return_exceptions=True)

    async def _worker(self) -> None:
        while (item := await self._todo.take()) is not None:
            await self._track(*item)

    async def _track(self, work: TrackWork, deferred: frozenset[str]) -> None:
        level = Priority.INTERACTIVE if work.selected else Priority.BACKGROUND
        with self._orch.priority(level):
            await self.control.gate()
            if work.track_id in self.pins:  # pinned while it waited: the pin wins
                work = replace(work, ids={**work.ids, **self.pins[work.track_id]})
            src = self._src
            held = not work.ids.get("spotify") and "reccobeats" not in deferred
            if held:
                src.features.hold()

            async def dz() -> StepOutcome:
                if "deezer" in deferred:
                    return StepOutcome("deezer", deferred=True)
                await self.control.gate()
                return await guarded("deezer", lambda: deezer_step(src, work))

            dz_task = asyncio.ensure_future(dz())

            async def rb() -> StepOutcome:
                if "reccobeats" in deferred:
                    return StepOutcome("reccobeats", deferred=True)
                handed = False  # once the step runs, it releases the batcher hold itself
                try:
                    w = work
                    if not w.ids.get("spotify") and not w.ids.get("isrc"):
                        found = await dz_task
                        if found.ids.get("isrc"):
                            w = replace(work, ids={**work.ids, "isrc": found.ids["isrc"]})
                    await self.control.gate()
                    handed = True
                    return await guarded("reccobeats", lambda: reccobeats_step(src, w, held=held))
                finally:
                    if held and not handed:
                        src.features.release()

            async def lf() -> StepOutcome:
                if "lastfm" in deferred:
                    return StepOutcome("lastfm", deferred=True)
                await self.control.gate()
                return await guarded("lastfm", lambda: lastfm_step(src, work))

            try:
                outcomes = await asyncio.gather(dz_task, rb(), lf())
            except BaseException:
                dz_task.cancel()
                raise
        await self._queue.put(self._unit(work, {o.provider: o for o in outcomes}))

    def _unit(
        self, work: TrackWork, outcomes: dict[str, StepOutcome]
    ) -> tuple[UnitDone, dict[str, str]]:
        now = self._clock.time()
        fields, outcome = assemble(
            outcomes, now=now, bpm_min=self._bpm_range[0], bpm_max=self._bpm_range[1]
        )
        new_ids: dict[str, str] = {}
        for step in outcomes.values():
            for provider, value in step.ids.items():
                if value and not work.ids.get(provider):
                    new_ids.setdefault(provider, value)
        evidence = {o.provider: o.evidence for o in outcomes.values() if o.evidence}
        payloads = tuple((o.provider, *o.payload) for o in outcomes.values() if o.payload)
        retry = any(o.failure for o in outcomes.values())
        stored = {name: fv.to_dict() for name, fv in fields.items()}
        stored[FINGERPRINT_FIELD] = {
            # With the ids this unit attaches: the next run looks the track up by them.
            "value": None
            if retry
            else fingerprint(replace(work, ids={**work.ids, **new_ids}), self.cached, self.salt),
            "source": "djdesk",
            "confidence": 1.0,
            "kind": "measured",
        }
        unit = UnitDone(
            track_id=work.track_id,
            step=STEP,
            outcome="retry" if retry else "ok",
            fields=stored,
            payloads=payloads,
            evidence=evidence,
            state=str(outcome.state),
            missing=outcome.missing,
            reason=outcome.reason,
        )
        return unit, new_ids

    async def _writer(self) -> None:
        """Batches units into one transaction each; acknowledges only after the commit."""
        done = False
        while not done:
            item = await self._queue.get()
            batch = []
            while item is not None:
                batch.append(item)
                if len(batch) >= WRITE_BATCH or self._queue.empty():
                    break
                item = self._queue.get_nowait()
            done = item is None
            if batch:
                await self._write(batch)

    async def _write(self, batch: list[tuple[UnitDone, dict[str, str]]]) -> None:
        attach = [TrackInput(ids=ids, same_as=unit.track_id) for unit, ids in batch if ids]
        if attach:
            await self._library.upsert_tracks(attach)
        await self._library.record_units(self.job_id, [unit for unit, _ids in batch])
        for unit, _ids in batch:
            self.stats.done += 1
            self.stats.states[unit.state or "pending"] += 1
            if unit.outcome != "ok":
                self.stats.retry += 1
            self._events.publish(
                TrackEnriched(
                    self.job_id,
                    unit.track_id,
                    tuple(unit.fields),
                    unit.state or "pending",
                    retry=unit.outcome != "ok",
                )
            )
        self._events.publish(
            JobStateChanged(
                self.job_id, "running", self.stats.done, self.stats.total, self.paused_detail()
            )
        )

    # -- pauses ------------------------------------------------------------------------------

    def on_pause(self, provider: str, until: dt.datetime) -> None:
        local = until.astimezone().strftime("%H:%M")
        text = _("{provider} paused until {time}").format(
            provider=provider_label(provider), time=local
        )
        if self.stats.paused.get(provider) != text:
            self.stats.paused[provider] = text
            self._events.publish(
                JobStateChanged(
                    self.job_id, "running", self.stats.done, self.stats.total, self.paused_detail()
                )
            )

    def paused_detail(self) -> str:
        return "; ".join(self.stats.paused.values())


def _spotify_of(row: dict[str, object]) -> str | None:
    sid = row.get("spotify_id")
    return str(sid) if sid else None
