"""How a provider's own conventions turn a response into a verdict the orchestrator acts on.

Providers hide rate limits and outages inside HTTP 200 bodies (Deezer, Last.fm), so default HTTP
status rules are not enough: each provider exports a ``Classifier`` and the orchestrator asks it
first, falling back to status-code rules when it returns ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import httpx


class Verdict(enum.StrEnum):
    OK = "ok"
    #: A definitive client error (not found, bad key): retrying cannot help.
    FAIL = "fail"
    #: Transient: retry with backoff.
    RETRY = "retry"
    #: Told to slow down: pause the provider until ``retry_after`` (or a backoff) passes.
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    retry_after: float | None = None
    reason: str = ""


Classifier = Callable[[httpx.Response], Outcome | None]
