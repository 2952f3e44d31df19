"""Helpers shared by the orchestrator tests: a recording event bus and quick policies."""

from __future__ import annotations

from typing import Any

from djdesk.core.events import EventBus
from djdesk.core.net.breaker import BreakerConfig
from djdesk.core.net.policy import ProviderPolicy
from djdesk.core.net.retry import RetryPolicy

DEEZER = "https://api.deezer.com"
OTHER = "https://ws.audioscrobbler.com/2.0"


class Recorder:
    """An ``EventBus`` plus the list of everything published on it."""

    def __init__(self) -> None:
        self.bus = EventBus()
        self.events: list[Any] = []
        self.bus.subscribe(None, self.events.append)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def policy(name: str = "deezer", **overrides: Any) -> ProviderPolicy:
    base: dict[str, Any] = {
        "rate": 100.0,
        "burst": 100,
        "concurrency": 10,
        "retry": RetryPolicy(attempts=3, base=0.5, cap=4.0, rate_limit_attempts=3),
        "breaker": BreakerConfig(),
    }
    base.update(overrides)
    return ProviderPolicy(name, **base)
