"""Circuit breaker per provider: closed / open / half-open on an injected clock.

Semantics (resilience4j's, with seed 004's numbers): in CLOSED, outcomes land in a rolling time
window; the breaker opens when the window holds at least ``minimum_calls`` calls, at least
``failure_threshold`` failures and a failure rate of at least ``failure_rate``. OPEN rejects
everything until ``reset_timeout`` has passed, then turns HALF_OPEN lazily on the next look (no
timer). HALF_OPEN lets at most ``half_open_probes`` probes run at once; ``success_threshold``
probe successes close it, one probe failure reopens it for a full ``reset_timeout``.

Pitfalls this guards against (reliability.md §3.3): a probe flood in HALF_OPEN (the gate is
taken synchronously, before any await); a probe that is cancelled or whose outcome is ignored
keeps its permit forever (``release`` frees it, and the transport calls it in ``finally``);
``allows()`` is read-only so a status light never eats a probe permit (resilience4j #858);
a cancelled call is never a failure.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from djdesk.core.clock import Clock, SystemClock


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    """Seed 004's defaults: 5 failures, 30 s reset, 3 successes to close, 60 s window, 10 calls."""

    failure_threshold: int = 5
    failure_rate: float = 0.5
    reset_timeout: float = 30.0
    success_threshold: int = 3
    window: float = 60.0
    minimum_calls: int = 10
    half_open_probes: int = 3
    #: A probe still running after this long stops holding its permit (resilience4j #935).
    max_probe_time: float | None = 10.0


@dataclass(slots=True)
class Permit:
    """One admitted call. ``probe`` calls belong to a HALF_OPEN episode."""

    probe: bool
    episode: int
    settled: bool = False
    started: float = 0.0


Listener = Callable[[str, BreakerState, BreakerState], None]


class CircuitBreaker:
    """:param listener: called ``(name, old, new)`` once per real transition (never for no-ops)."""

    def __init__(
        self,
        name: str,
        config: BreakerConfig | None = None,
        *,
        clock: Clock | None = None,
        listener: Listener | None = None,
    ) -> None:
        self.name = name
        self.config = config or BreakerConfig()
        self._clock: Clock = clock or SystemClock()
        self._listener = listener
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._window: deque[tuple[float, bool]] = deque()
        self._failures = 0
        self._episode = 0
        self._probes_in_flight = 0
        self._probe_successes = 0
        self._probes: list[Permit] = []

    # -- looking ---------------------------------------------------------------------------

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._clock.monotonic() >= self._opened_at + self.config.reset_timeout
        ):
            self._set(BreakerState.HALF_OPEN)
        return self._state

    @property
    def retry_at(self) -> float | None:
        """Monotonic time the OPEN state ends, or None when not open."""
        if self.state is BreakerState.OPEN:
            return self._opened_at + self.config.reset_timeout
        return None

    def allows(self) -> bool:
        """Would a call be admitted now? Read-only: consumes no probe permit."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN:
            return False
        self._expire_probes()
        return self._probes_in_flight < self.config.half_open_probes

    def counts(self) -> tuple[int, int]:
        """``(calls, failures)`` in the rolling window."""
        self._prune(self._clock.monotonic())
        return len(self._window), self._failures

    # -- admitting and recording -----------------------------------------------------------

    def try_acquire(self) -> Permit | None:
        """A permit to call, or None when the call must fail fast. Synchronous on purpose."""
        state = self.state
        if state is BreakerState.CLOSED:
            return Permit(probe=False, episode=self._episode)
        if state is BreakerState.OPEN:
            return None
        self._expire_probes()
        if self._probes_in_flight >= self.config.half_open_probes:
            return None
        self._probes_in_flight += 1
        permit = Permit(probe=True, episode=self._episode, started=self._clock.monotonic())
        self._probes.append(permit)
        return permit

    def on_success(self, permit: Permit) -> None:
        if not self._settle(permit):
            return
        if permit.probe:
            self._probes_in_flight -= 1
            self._probe_successes += 1
            if self._probe_successes >= self.config.success_threshold:
                self._set(BreakerState.CLOSED)
        elif self._state is BreakerState.CLOSED:
            self._record(False)

    def on_failure(self, permit: Permit) -> None:
        if not self._settle(permit):
            return
        if permit.probe:
            self._probes_in_flight -= 1
            self._set(BreakerState.OPEN)
        elif self._state is BreakerState.CLOSED:
            self._record(True)
            calls, failures = len(self._window), self._failures
            cfg = self.config
            if (
                calls >= cfg.minimum_calls
                and failures >= cfg.failure_threshold
                and failures >= cfg.failure_rate * calls
            ):
                self._set(BreakerState.OPEN)

    def release(self, permit: Permit) -> None:
        """Give a permit back without an outcome (cancelled, or an ignored result)."""
        if self._settle(permit) and permit.probe:
            self._probes_in_flight -= 1

    def force(self, state: BreakerState | str) -> None:
        """The user's override (a "retry now" or "stop calling" button)."""
        self._set(BreakerState(state))

    # -- internals -------------------------------------------------------------------------

    def _expire_probes(self) -> None:
        """Free the permits of probes that hang past ``max_probe_time`` (their outcome is lost)."""
        limit = self.config.max_probe_time
        if limit is None or not self._probes:
            return
        edge = self._clock.monotonic() - limit
        keep = []
        for permit in self._probes:
            if permit.settled:
                continue
            if permit.started <= edge:
                self.release(permit)
            else:
                keep.append(permit)
        self._probes = keep

    def _settle(self, permit: Permit) -> bool:
        """Mark ``permit`` used; False if already used or from an earlier episode."""
        if permit.settled:
            return False
        permit.settled = True
        return permit.episode == self._episode

    def _record(self, failed: bool) -> None:
        now = self._clock.monotonic()
        self._window.append((now, failed))
        self._failures += failed
        self._prune(now)

    def _prune(self, now: float) -> None:
        edge = now - self.config.window
        window = self._window
        while window and window[0][0] <= edge:
            _, failed = window.popleft()
            self._failures -= failed

    def _set(self, new: BreakerState) -> None:
        old = self._state
        now = self._clock.monotonic()
        if new is BreakerState.OPEN:
            self._opened_at = now
        # every transition starts a new episode: stale permits can no longer move the state
        self._episode += 1
        self._probes_in_flight = 0
        self._probe_successes = 0
        self._probes = []
        if new is BreakerState.CLOSED:
            self._window.clear()
            self._failures = 0
        self._state = new
        if old is not new and self._listener is not None:
            self._listener(self.name, old, new)

    def __repr__(self) -> str:
        calls, failures = self.counts()
        return (
            f"<CircuitBreaker {self.name} {self.state.value} calls={calls} failures={failures} "
            f"probes={self._probes_in_flight}/{self.config.half_open_probes}>"
        )
