"""One track enriched again right away (a user pinned a match): the eager wave for it alone.

Why a module of its own: it is a ``Run`` of one track with its own job row (so its results are
journalled and saved exactly as a playlist run's are), but its progress is not a playlist's:
only its ``TrackEnriched`` reaches the engine's bus (the GUI refreshes the row and the pane),
never a ``JobStateChanged`` that a progress panel would take for a playlist run.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from djdesk.core.engine.control import Control
from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.engine.run import Run
from djdesk.core.engine.sources import Sources
from djdesk.core.engine.work import EAGER_STEPS, TrackWork
from djdesk.core.errors import DJDeskError
from djdesk.core.events import EventBus, TrackEnriched

if TYPE_CHECKING:
    from djdesk.core.engine.enricher import Engine

#: A one-track job's input: not a link, never imported or resumed.
TRACK_INPUT = "track:"


async def run_one_track(engine: Engine, job_id: str, work: TrackWork, control: Control) -> None:
    """Run ``work`` (``selected``: interactive priority) as job ``job_id``; answers come from
    the cache where they can. The caller registered the job's ``Control``."""
    fetcher = Fetcher(engine.cache, engine.orchestrator, engine.clock)
    sources = Sources(engine.clients, fetcher)
    sources.pins = engine.pins  # a pinned id is read as such (waterfall)
    events = EventBus()
    events.subscribe(TrackEnriched, engine.events.publish)
    run = Run(
        job_id=job_id,
        library=engine.library,
        sources=sources,
        orchestrator=engine.orchestrator,
        events=events,
        clock=engine.clock,
        control=control,
        bpm_range=(engine.settings.bpm_min, engine.settings.bpm_max),
    )
    fetcher.on_pause = run.on_pause
    run.pins = engine.pins
    library = engine.library
    try:
        await library.set_job_state(job_id, "running")
        await run.prefetch([work])
        plan = run.plan([work], dict(engine.settings.rates), {}, EAGER_STEPS)
        await run.execute([work], plan)
        await library.set_job_state(job_id, "done", error=run.paused_detail() or None)
    except asyncio.CancelledError:
        with contextlib.suppress(DJDeskError):
            await asyncio.shield(library.set_job_state(job_id, "cancelled"))
        raise
    finally:
        await sources.aclose()
