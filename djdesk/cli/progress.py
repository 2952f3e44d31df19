"""A progress bar on stderr fed by the engine's events (stdout stays clean for results)."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from djdesk.core.events import (
    EventBus,
    ImportProgress,
    JobStateChanged,
    PlanReady,
    ProviderStats,
    TrackEnriched,
)
from djdesk.core.i18n import _


class ProgressView:
    """Subscribe on enter, unsubscribe on exit; ``quiet`` prints nothing at all."""

    def __init__(self, events: EventBus, *, quiet: bool = False) -> None:
        self._events = events
        self._quiet = quiet
        self.console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            disable=quiet,
        )
        self._task = self._progress.add_task(_("importing"), total=None)
        self._unsubscribe: list[object] = []
        self._enriching = False  # pages still being read no longer move the bar

    def __enter__(self) -> ProgressView:
        self._progress.start()
        self._unsubscribe = [
            self._events.subscribe(ImportProgress, self._on_import),
            self._events.subscribe(PlanReady, self._on_plan),
            self._events.subscribe(TrackEnriched, self._on_track),
            self._events.subscribe(JobStateChanged, self._on_job),
        ]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()  # type: ignore[operator]
        self._progress.stop()

    def say(self, text: str) -> None:
        if not self._quiet:
            self.console.print(text)

    def _on_import(self, event: ImportProgress) -> None:
        if not self._enriching:
            self._progress.update(self._task, total=event.total, completed=event.read)

    def _on_plan(self, event: PlanReady) -> None:
        # A run plans each page as it lands: the bar turns to "enriching" with the first
        # plan, and the whole plan is said once, with the last.
        if event.first:
            self._enriching = True
            self._progress.update(self._task, description=_("enriching"), total=None, completed=0)
        if not event.final:
            return
        calls = sum(event.calls_needed.values())
        hits = sum(event.cache_hits.values())
        if calls:
            text = _("plan: needs {calls} calls, about {secs:.0f} s ({hits} answers cached)")
            self.say(text.format(calls=calls, secs=event.estimated_s, hits=hits))
        else:
            self.say(_("plan: everything is cached, no call needed"))
        if event.deferred:
            self.say(_("plan: {n} tracks deferred by the budget").format(n=event.deferred))

    def _on_track(self, event: TrackEnriched) -> None:
        self._progress.advance(self._task)

    def _on_job(self, event: JobStateChanged) -> None:
        if event.total:
            self._progress.update(self._task, total=event.total, completed=event.done)
        if event.detail:
            self._progress.update(self._task, description=f"{_('enriching')} ({event.detail})")


def provider_summary(stats: Mapping[str, ProviderStats]) -> str:
    """The run's requests per provider, and the hedged ones (sent again because the first
    answer was slow; counted in the calls too) with how many the second copy won: the GUI's
    Calls and Hedged columns, for the shell."""
    sent = [s for s in stats.values() if s.calls]
    if not sent:
        return _("requests: none (every answer came from the cache)")
    calls = ", ".join(f"{s.provider} {s.calls:,}" for s in sent)
    hedged = [s for s in sent if s.hedges]
    if not hedged:
        return _("requests: {calls}; none hedged").format(calls=calls)
    hedges = ", ".join(
        _("{provider} {n} ({won} won)").format(provider=s.provider, n=s.hedges, won=s.hedges_won)
        for s in hedged
    )
    return _("requests: {calls}; hedged (sent again when an answer was slow): {hedges}").format(
        calls=calls, hedges=hedges
    )
