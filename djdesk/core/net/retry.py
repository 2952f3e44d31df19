"""Retry decisions: which calls may repeat, capped backoff with full jitter, Retry-After.

Pure functions and a frozen policy, so the transport, the CLI and tests share one schedule.
Parsing follows urllib3's ``Retry.parse_retry_after``: an integer number of seconds (``"1.0"``,
``"-1"`` and ``"+1"`` are invalid) or an HTTP-date; a date in the past means "now".
"""

from __future__ import annotations

import email.utils
import random
import re
from dataclasses import dataclass

import httpx

_SECONDS = re.compile(r"^\s*[0-9]+\s*$")

#: The longest wait a ``Retry-After`` is read as. Anything longer (a hostile or broken server:
#: ``"9" * 400``, a date in year 9999) would overflow the wall-clock "until" of the error; past
#: ``TransportPolicy.max_retry_after`` the call fails fast anyway, so the exact figure is moot.
MAX_RETRY_AFTER_S = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently one request is repeated.

    :param attempts: total tries including the first (1 disables retrying).
    :param base: the first backoff ceiling in seconds; it doubles per attempt.
    :param cap: no backoff ceiling exceeds this.
    :param rate_limit_attempts: tries allowed for rate-limited answers (each waits a cooldown).
    """

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    rate_limit_attempts: int = 5

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full jitter (AWS): a uniform delay in ``[0, min(cap, base * 2**attempt)]``.

        ``attempt`` counts from 0 for the first retry. Full jitter spreads a herd of retries
        evenly instead of letting them land together.
        """
        ceiling = min(self.cap, self.base * (2 ** max(0, attempt)))
        return (rng or random).uniform(0.0, ceiling)


def is_idempotent(request: httpx.Request) -> bool:
    """GET and HEAD may repeat; a POST only when its sender marks it ``djdesk.idempotent``."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    return request.extensions.get("djdesk.idempotent") is True


def parse_retry_after(value: str | None, now_wall: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or None when absent or unreadable.

    :param now_wall: the current Unix time (from the injected clock) for HTTP-date values.
    """
    if value is None:
        return None
    if _SECONDS.match(value):
        return float(min(int(value), MAX_RETRY_AFTER_S))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return min(max(0.0, when.timestamp() - now_wall), MAX_RETRY_AFTER_S)
