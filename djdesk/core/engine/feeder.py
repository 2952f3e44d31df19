"""``Feeder``: a playlist's pages become planned work for the run while later pages are read.

Each page (``import_pages.ImportedPage``) is taken as it lands: its new tracks (a track seen on
an earlier page is worked once, at its first position) minus those the job already finished
are prefetched from the cache in one batch per namespace, then planned with the budgets still
uncommitted (a page's plan starts where the earlier pages' plans left off, so the cache is
checked before any call is counted), and handed to the run, which works them in plan order
while the next page is read. Pages that landed while one was being planned are taken together
(a warm import is one page: everything in one part). ``PlanReady`` and the job's totals carry
the whole run's plan so far.

Budgets: per-provider ones are spent exactly as one plan of the whole list would spend them; a
shared ``total`` goes to the pages in order (a page's tracks get the fields a DJ needs most
first), and the import's own later page calls are not planned (the orchestrator still refuses
a call past the budget; that track is journalled for ``--resume``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

from djdesk.core.engine.import_pages import ImportedPage
from djdesk.core.engine.plan import Plan, joined, up_to_date
from djdesk.core.engine.run import Run
from djdesk.core.engine.work import EAGER_STEPS, TrackWork
from djdesk.core.events import EventBus
from djdesk.core.library import Library, TrackRow
from djdesk.core.net.budget import Budget

log = logging.getLogger(__name__)

MakeWork = Callable[[TrackRow, int], TrackWork]


def apply_budgets(budget: Budget, budgets: Mapping[str, int]) -> Callable[[], dict[str, int]]:
    """Per-job budgets on the orchestrator's process-wide counter (calls so far + N); the
    returned function gives what is left, for the plan (after the import's own calls)."""
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


class Feeder:
    def __init__(
        self,
        *,
        run: Run,
        library: Library,
        events: EventBus,
        make_work: MakeWork,
        rates: Mapping[str, float],
        budgets: Callable[[], dict[str, int]],
        selected: Collection[int],
        finished: Collection[int],
        refresh: bool,
    ) -> None:
        self._run = run
        self._library = library
        self._events = events
        self._make_work = make_work
        self._rates = dict(rates)
        self._budgets = budgets
        self._start_budgets: dict[str, int] | None = None
        self._selected = frozenset(selected)
        self._finished = frozenset(finished)
        self._refresh = refresh
        self._pages: asyncio.Queue[ImportedPage | None] = asyncio.Queue()
        self._seen: set[int] = set()
        self._total: int | None = None
        #: Every distinct track of the playlist so far (finished ones too), first position order.
        self.works: list[TrackWork] = []
        self.plan: Plan | None = None
        self._final_sent = False

    # -- the import's side -------------------------------------------------------------------

    def put(self, page: ImportedPage) -> None:
        """Queue a page (the import goes on reading; the feeder plans it in its own task)."""
        if page.total is not None and self._total is None:
            self._total = page.total
            # The playlist's size as soon as its first page says it: progress and ETA are
            # right from the start (the tracks the job already finished are not worked again).
            self._run.expect(max(0, page.total - len(self._finished)))
        self._pages.put_nowait(page)

    def end(self) -> None:
        """No more pages."""
        self._pages.put_nowait(None)

    # -- the feeder's task -------------------------------------------------------------------

    async def feed(self) -> None:
        """Plan and hand over pages until ``end``; then the run knows every track."""
        while True:
            batch = [await self._pages.get()]
            while not self._pages.empty():
                batch.append(self._pages.get_nowait())
            pages = [p for p in batch if p is not None]
            last = len(pages) < len(batch)
            if pages:
                await self._admit(pages, last)
            if last:
                if self.plan is None:  # an empty list still has its (empty) plan
                    await self._part([], last)
                elif not self._final_sent:  # the last pages held no new track
                    self._events.publish(self.plan.event(first=False, final=True))
                    await self._library.update_totals(self._run.job_id, self.totals(exact=True))
                self._run.close()
                return

    async def _admit(self, pages: list[ImportedPage], last: bool) -> None:
        first: dict[int, int] = {}
        chosen: set[int] = set()
        for page in pages:
            for position, tid in enumerate(page.track_ids, page.offset):
                if tid is None:
                    continue
                if position in self._selected:
                    chosen.add(tid)
                if tid not in self._seen:
                    self._seen.add(tid)
                    first[tid] = position
        if not first:
            return
        rows = await self._library.track_rows(list(first))
        works = [
            replace(self._make_work(row, first[row.id]), selected=True)
            if row.id in chosen
            else self._make_work(row, first[row.id])
            for row in rows
        ]
        await self._part(works, last)

    async def _part(self, works: list[TrackWork], last: bool) -> None:
        self.works.extend(works)
        run = self._run
        todo = [w for w in works if w.track_id not in self._finished]
        await run.prefetch(todo)
        if self._start_budgets is None:
            # What the budgets leave once the import's first calls are made; later pages'
            # plans start from what the earlier ones committed (``Plan.spent``).
            self._start_budgets = self._budgets()
        plan = run.plan(
            todo,
            self._rates,
            self._start_budgets,
            EAGER_STEPS,
            spent=None if self.plan is None else self.plan.spent,
        )
        reused_ids = (
            set()
            if self._refresh
            else {w.track_id for w in todo if up_to_date(w, run.cached, run.salt)}
        )
        reused = [w for w in todo if w.track_id in reused_ids]
        stale = [w for w in todo if w.track_id not in reused_ids]
        previous = self.plan
        self.plan = plan if previous is None else joined(previous, plan, self._rates)
        self._final_sent = last
        self._events.publish(self.plan.event(first=previous is None, final=last))
        # Written before the tracks go out (a pause right after the plan holds all of them).
        await self._library.update_totals(run.job_id, self.totals(exact=last))
        await run.add(stale, plan, reused)

    def totals(self, *, exact: bool = False) -> dict[str, object]:
        """The job's totals so far (``tracks``: the playlist's size until all pages are in)."""
        tracks = len(self.works)
        if self._total is not None and not exact:
            tracks = max(tracks, self._total)
        plan = self.plan.to_dict() if self.plan is not None else {}
        return {"tracks": tracks, "skipped": len(self._finished), "plan": plan}
