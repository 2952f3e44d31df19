"""What a job is asked to do (``EnrichOptions``, stored with it so ``resume`` repeats it) and
what a run of it gives back (``JobResult``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from djdesk.core.engine.control import RunStats
from djdesk.core.engine.fetcher import DEFAULT_MAX_PAUSE_S
from djdesk.core.engine.plan import Plan


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
