"""How a provider's own conventions turn a response into a verdict the orchestrator acts on.

Providers hide rate limits and outages inside HTTP 200 bodies (Deezer, Last.fm), so default HTTP
status rules are not enough: each provider exports a ``Classifier`` and the orchestrator asks it
first, falling back to status-code rules when it returns ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from djdesk.core.net.breaker import BreakerConfig
from djdesk.core.net.hedge import HedgePolicy
from djdesk.core.net.retry import RetryPolicy


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


def classify_http(response: httpx.Response) -> Outcome:
    """The default reading of a status code when a provider's classifier has no opinion.

    2xx is OK; 429 is a rate limit (the transport reads ``Retry-After``); 408 and 5xx are
    transient; any other 4xx is a definitive client error. 3xx never reaches here (httpx
    follows redirects in the client, above the transport) and counts as OK if it does.
    """
    status = response.status_code
    if status == 429:
        return Outcome(Verdict.RATE_LIMITED, reason="HTTP 429")
    if status >= 500 or status == 408:
        return Outcome(Verdict.RETRY, reason=f"HTTP {status}")
    if status >= 400:
        return Outcome(Verdict.FAIL, reason=f"HTTP {status}")
    return Outcome(Verdict.OK)


def classify(response: httpx.Response, classifier: Classifier | None) -> Outcome:
    """Ask the provider's classifier first, then fall back to :func:`classify_http`."""
    if classifier is not None:
        outcome = classifier(response)
        if outcome is not None:
            return outcome
    return classify_http(response)


@dataclass(slots=True)
class ProviderPolicy:
    """Everything the orchestrator needs to know to call one provider politely.

    :param rate: sustained requests per second (the adaptive rate never climbs above it).
    :param burst: bucket size; keep ``burst + rate * W`` under the provider's window limit.
    :param concurrency: requests in flight at once.
    :param classify: reads in-body errors (Deezer code 4, Last.fm 29) before status rules.
    :param max_retry_after: a Retry-After longer than this is not slept through: the call
        fails with ``RateLimitedError`` and the provider is paused.
    :param default_cooldown: the cooldown when a rate limit comes without ``Retry-After``.
    :param min_rate: the floor the multiplicative decrease stops at.
    :param recovery_after: quiet seconds before the rate climbs back one step.
    :param window: ``(R, W)``: limit by a sliding window of R calls in any W seconds instead of
        a token bucket (``rate`` and ``burst`` are then R / W and R), for providers that count
        a window: the whole window can go at once and N calls take ``(ceil(N / R) - 1) * W``.
    :param window_spacing: with ``window``: at least this many seconds between two calls, so a
        free window leaves as a quick run, not all in one loop turn.
    :param first_alone: the first call goes alone and the rest wait for its answer (at most
        ``lane.OPENING_WAIT_S``): for providers that count a window, where a first call slowed
        by opening its connection shares a window with calls sent a window after it.
    :param hedge: send one duplicate of an idempotent request whose answer is late (see
        ``net.hedge``); None (the default) never hedges.
    """

    name: str
    rate: float
    burst: int
    concurrency: int
    classify: Classifier | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker: BreakerConfig = field(default_factory=BreakerConfig)
    max_retry_after: float = 60.0
    default_cooldown: float = 1.0
    min_rate: float | None = None
    recovery_after: float = 10.0
    window: tuple[int, float] | None = None
    window_spacing: float = 0.0
    first_alone: bool = False
    hedge: HedgePolicy | None = None

    @property
    def rate_floor(self) -> float:
        return self.min_rate if self.min_rate is not None else self.rate / 16


#: Conservative defaults. A token bucket lets ``burst + rate * W`` through in a window W, so each
#: is chosen to stay under the provider's published or observed window (reliability.md R3):
#: MusicBrainz 1/s per IP; Last.fm 5/s; Deezer ~50 per 5 s (community figure); Spotify's rolling
#: 30 s window is undisclosed, so stay modest; ReccoBeats publishes nothing.
DEFAULT_POLICIES: dict[str, ProviderPolicy] = {
    p.name: p
    for p in (
        ProviderPolicy("spotify", rate=2.5, burst=10, concurrency=4),
        ProviderPolicy("spotify_accounts", rate=1.0, burst=2, concurrency=1),
        ProviderPolicy("deezer", rate=8.0, burst=10, concurrency=4, default_cooldown=5.0),
        ProviderPolicy("musicbrainz", rate=1.0, burst=1, concurrency=1),
        ProviderPolicy("lastfm", rate=4.0, burst=2, concurrency=2),
        ProviderPolicy("reccobeats", rate=5.0, burst=5, concurrency=2),
    )
}
