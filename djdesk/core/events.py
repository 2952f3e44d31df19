"""Small typed events the core emits, and the bus that carries them to front ends.

Events flow up: the engine, orchestrator and cache publish; the CLI renders them and the GUI
bridge turns them into Qt signals (coalesced to the frame rate). Subscribers run synchronously
on the publisher's thread, so they must be quick and must not raise; a raising subscriber is
logged and skipped so one bad view cannot stop the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """Base class; every event is a frozen dataclass."""


@dataclass(frozen=True, slots=True)
class ProviderStats(Event):
    """A snapshot of one provider's traffic, for the progress panel."""

    provider: str
    calls: int = 0
    successes: int = 0
    failures: int = 0
    retries: int = 0
    rate_limited: int = 0
    coalesced: int = 0
    cache_hits: int = 0
    #: Duplicates sent for slow answers (included in ``calls``) and how many answered first.
    hedges: int = 0
    hedges_won: int = 0
    pending: int = 0
    rate: float = 0.0
    rate_limit: float = 0.0
    breaker: str = "closed"
    budget_left: int | None = None
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    latency_p99_ms: float = 0.0
    paused_until: float | None = None


@dataclass(frozen=True, slots=True)
class BreakerChanged(Event):
    provider: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ProviderPaused(Event):
    """A provider's work stops until ``until`` (Unix time), e.g. after a long Retry-After."""

    provider: str
    until: float
    reason: str


@dataclass(frozen=True, slots=True)
class CacheChanged(Event):
    namespace: str | None
    action: str


@dataclass(frozen=True, slots=True)
class LogMessage(Event):
    level: int
    message: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class ImportProgress(Event):
    """Entries read so far while a playlist's pages arrive (``total`` None when the provider
    does not say), so a long import shows more than "importing"."""

    source: str
    read: int
    total: int | None = None


@dataclass(frozen=True, slots=True)
class TracksImported(Event):
    """A page of a playlist is in the library (``offset`` is its first position), so views can
    show its rows while later pages are still being read; ``total`` when the provider says."""

    source: str
    playlist_id: int
    track_ids: tuple[int | None, ...] = ()
    offset: int = 0
    total: int | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class PlanReady(Event):
    """The run's plan so far. A run whose tracks arrive page by page plans each page: every
    plan after the ``first`` includes the earlier ones, and the ``final`` one covers them all."""

    job_id: str
    calls_needed: dict[str, int] = field(default_factory=dict)
    cache_hits: dict[str, int] = field(default_factory=dict)
    estimated_s: float = 0.0
    deferred: int = 0
    first: bool = True
    final: bool = True


@dataclass(frozen=True, slots=True)
class TrackEnriched(Event):
    job_id: str
    track_id: int
    fields: tuple[str, ...] = ()
    state: str = ""
    #: A lookup for it failed (provider down, bad answer): a new run tries this track again.
    retry: bool = False


@dataclass(frozen=True, slots=True)
class JobStateChanged(Event):
    job_id: str
    state: str
    done: int = 0
    total: int = 0
    detail: str = ""
    #: Of ``done``: tracks that ended "failed" / "partial", and those a lookup failed for
    #: (``TrackEnriched.retry``), so a finished run can say it is not whole and what a new run
    #: would retry. 0 when the publisher does not count them (the GUI's relay does).
    failed: int = 0
    partial: int = 0
    retry: int = 0


Subscriber = Callable[[Any], None]


class EventBus:
    """Publish/subscribe by event type (``subscribe(None, fn)`` receives everything)."""

    def __init__(self) -> None:
        self._subscribers: dict[type[Event] | None, list[Subscriber]] = {}

    def subscribe(self, kind: type[Event] | None, fn: Subscriber) -> Callable[[], None]:
        """Register ``fn``; returns a function that unsubscribes it."""
        self._subscribers.setdefault(kind, []).append(fn)

        def unsubscribe() -> None:
            subs = self._subscribers.get(kind, [])
            if fn in subs:
                subs.remove(fn)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for fn in (*self._subscribers.get(type(event), ()), *self._subscribers.get(None, ())):
            try:
                fn(event)
            except Exception:  # a broken view must not stop the engine
                log.exception("event subscriber %r failed on %s", fn, type(event).__name__)
