"""The policy transport: every provider request passes rate limits, slots, breaker and retry here.

Mounted as the transport of each provider's ``httpx.AsyncClient`` (httpx's own seam: policy in
transports, I/O in the innermost one), so a provider client cannot reach the network around it.

Order of gates, and why:
1. Singleflight (GET/HEAD): identical concurrent requests wait for one execution and take no
   token, slot or budget of their own.
2. The provider's first call goes alone (``ProviderLane.opening``: a cold connection arrives
   late and would share a window with calls sent a window later); then pause and breaker
   look (read-only): fail fast before queueing.
3. Provider bucket, then global bucket: tokens are taken before any slot, so a provider waiting
   for its own token never holds a global slot (PyrateLimiter #301, reliability.md R11).
4. Provider slot, then global slot; breaker permit taken synchronously inside them.
5. Send, read the body once, classify (provider classifier first), record, maybe retry.
   Where the policy hedges, a GET whose answer is late may get one duplicate that takes only
   what is free right now (``net.hedge_race``); the first answer wins.

Each caller gets its own ``httpx.Response`` (followers a copy of the decoded body), so nobody can
mutate another's copy; ``response.extensions["djdesk.coalesced"]`` says whether it was shared.
"""

from __future__ import annotations

import httpx

from djdesk.core.errors import BudgetExhaustedError, ProviderDownError, RateLimitedError
from djdesk.core.net.hedge_race import hedged_exchange
from djdesk.core.net.lane import ProviderLane
from djdesk.core.net.policy import Verdict, classify
from djdesk.core.net.priority import current_priority
from djdesk.core.net.retry import is_idempotent, parse_retry_after

#: Request headers that make two GETs of one URL different requests (not coalesced together).
_SHARED_HEADERS = frozenset({b"authorization", b"accept", b"accept-language", b"range"})

#: Methods a duplicate may be sent for (a POST never is, even one marked idempotent: a hedge
#: doubles the work at the provider, which only a plain read can shrug off).
_HEDGED_METHODS = frozenset({"GET", "HEAD"})

#: Headers that describe the wire encoding; copies carry decoded bytes, so they are dropped.
_WIRE_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


class Snapshot:
    """What one execution hands every caller: the leader's response, copies for the rest.

    The leader takes the response the inner transport gave (read once, no re-parse on the
    common uncoalesced path); each follower gets its own fresh ``httpx.Response`` built from
    the decoded body, so nobody can mutate another caller's copy.
    """

    __slots__ = ("attempts", "first", "response")

    def __init__(self, response: httpx.Response, attempts: int) -> None:
        self.response = response
        self.first = True
        self.attempts = attempts

    def take(self, request: httpx.Request, coalesced: bool) -> httpx.Response:
        extensions = {"djdesk.coalesced": coalesced, "djdesk.attempts": self.attempts}
        original = self.response
        if self.first and original.request is request:
            self.first = False
            original.extensions = extensions
            return original
        return httpx.Response(
            original.status_code,
            headers=[(k, v) for k, v in original.headers.raw if k.lower() not in _WIRE_HEADERS],
            content=original.content,
            request=request,
            extensions=extensions,
        )


class PolicyTransport(httpx.AsyncBaseTransport):
    """One provider's gate; all transports for a provider share its lane."""

    def __init__(self, lane: ProviderLane) -> None:
        self._lane = lane

    @property
    def lane(self) -> ProviderLane:
        return self._lane

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        lane = self._lane
        level = request.extensions.get("djdesk.priority")
        prio = int(level) if level is not None else int(current_priority.get())
        shared = False
        if request.method in ("GET", "HEAD"):
            key = (
                request.method,
                str(request.url),
                *(kv for kv in request.headers.raw if kv[0].lower() in _SHARED_HEADERS),
            )
            snap, shared = await lane.flights.do(key, lambda: self._send(request, prio))
            if shared:
                lane.metrics.coalesced += 1
        else:
            snap = await self._send(request, prio)
        return snap.take(request, shared)

    async def aclose(self) -> None:
        """The inner transport is shared and closed by the orchestrator, not per client."""

    async def _send(self, request: httpx.Request, prio: int) -> Snapshot:
        lane = self._lane
        lane.active += 1
        first = False
        try:
            first = await lane.opening()
            return await self._attempts(request, prio)
        finally:
            if first:
                lane.open()
            lane.active -= 1
            if lane.on_activity is not None:
                lane.on_activity(lane)

    async def _attempts(self, request: httpx.Request, prio: int) -> Snapshot:
        lane, hub = self._lane, self._lane.hub
        policy, metrics, clock = lane.policy, lane.metrics, hub.clock
        idempotent = is_idempotent(request)
        retries = rate_limits = 0
        while True:
            lane.check_open()
            self._check_budget()
            await lane.bucket.acquire(prio)
            if hub.global_bucket is not None:
                await hub.global_bucket.acquire(prio)
            if hub.jitter:
                await clock.sleep(hub.rng.uniform(0.0, hub.jitter))
            wait = 0.0
            async with lane.sem.slot(prio), hub.global_sem.slot(prio):
                lane.check_open()  # a pause or an open breaker may have begun while we queued
                self._check_budget()
                permit = lane.breaker.try_acquire()
                if permit is None:
                    raise lane.down_error()
                hub.budget.record(lane.name)
                metrics.calls += 1
                started = clock.monotonic()
                try:
                    delay = None
                    if lane.hedges is not None and request.method in _HEDGED_METHODS:
                        lane.hedges.note_call()
                        delay = lane.hedges.delay(metrics)
                    if delay is None:
                        response = await self._fetch(request)
                    else:
                        answer = await hedged_exchange(
                            lane, lambda: self._fetch(request), permit, started, delay
                        )
                        permit, started = answer.permit, answer.started
                        if isinstance(answer.result, BaseException):
                            raise answer.result
                        response = answer.result
                except (httpx.TransportError, httpx.DecodingError) as exc:
                    # DecodingError (a broken gzip/brotli body) is no TransportError, but it is
                    # the same trouble: the answer did not arrive whole.
                    lane.breaker.on_failure(permit)
                    if not idempotent or retries + 1 >= policy.retry.attempts:
                        metrics.failures += 1
                        raise ProviderDownError(
                            lane.name,
                            f"{lane.title} did not answer ({type(exc).__name__}).",
                        ) from exc
                    wait = policy.retry.backoff(retries, hub.rng)
                    retries += 1
                    metrics.retries += 1
                    outcome = None
                except BaseException:
                    lane.breaker.release(permit)  # a cancelled call is not a provider failure
                    raise
                else:
                    metrics.observe(clock.monotonic() - started)
                    probe = response
                    snap = Snapshot(response, retries + rate_limits + 1)
                    outcome = classify(probe, policy.classify)
            if outcome is None:  # a transport error that will be retried
                await clock.sleep(wait)
                continue
            verdict = outcome.verdict
            if verdict is Verdict.OK or verdict is Verdict.FAIL:
                lane.breaker.on_success(permit)  # a 404 proves the provider is up
                if verdict is Verdict.OK:
                    metrics.successes += 1
                    lane.adaptive.on_success()
                else:
                    metrics.failures += 1
                return snap
            if verdict is Verdict.RATE_LIMITED:
                lane.breaker.release(permit)
                metrics.rate_limited += 1
                delay = outcome.retry_after
                if delay is None:
                    delay = parse_retry_after(probe.headers.get("retry-after"), clock.time())
                if delay is None:
                    delay = policy.default_cooldown
                until = clock.monotonic() + delay
                lane.adaptive.on_rate_limited()
                reason = outcome.reason or "rate limited"
                if delay > policy.max_retry_after or (
                    idempotent and rate_limits + 1 >= policy.retry.rate_limit_attempts
                ):
                    lane.pause(until, reason)
                    metrics.failures += 1
                    raise RateLimitedError(lane.name, hub.wall(until))
                lane.bucket.block_until(until)  # every caller of this provider waits it out
                if not idempotent:
                    metrics.failures += 1
                    return snap
                rate_limits += 1
                metrics.retries += 1
                continue
            # Verdict.RETRY: transient trouble at the provider
            lane.breaker.on_failure(permit)
            if not idempotent or retries + 1 >= policy.retry.attempts:
                metrics.failures += 1
                return snap
            wait = policy.retry.backoff(retries, hub.rng)
            hinted = outcome.retry_after
            if hinted is None:
                hinted = parse_retry_after(probe.headers.get("retry-after"), clock.time())
            if hinted is not None:
                wait = max(wait, min(hinted, policy.max_retry_after))
            retries += 1
            metrics.retries += 1
            await clock.sleep(wait)

    async def _fetch(self, request: httpx.Request) -> httpx.Response:
        """One exchange with the real transport, the body read whole (and the stream closed)."""
        response = await self._lane.hub.inner.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _check_budget(self) -> None:
        lane = self._lane
        if not lane.hub.budget.can_make(lane.name):
            raise BudgetExhaustedError(
                lane.name, f"The call budget for {lane.title} is spent for this run."
            )
