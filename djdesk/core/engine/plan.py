"""The plan, made before any call: what the cache already answers, what is left, how long, and
what fits the budget.

Pure: it takes the tracks, a ``cached(namespace, key)`` view of what the cache holds (filled by
one batched ``get_many`` per namespace), the rates and the budgets, and returns numbers and
decisions. Each track's FIRST lookup per provider is what the waterfall will ask first, so a hit
there means no call; a miss costs that lookup's calls (a search then a detail costs two; a
ReccoBeats feature row costs 1/40 of a batch call). With a budget, tracks are served in order
(selected first, then the input's order) and providers in the order a DJ needs their fields
(Deezer and ReccoBeats carry BPM, key and energy; Last.fm popularity comes last); what does not
fit is deferred for a later run. A run whose tracks arrive page by page plans each page as it
comes (``spent``: what earlier pages' plans already committed) and ``joined`` sums the plans.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from djdesk.core.engine import cachekeys as ck
from djdesk.core.engine.waterfall import plain_title
from djdesk.core.engine.work import EAGER_STEPS, TrackWork
from djdesk.core.events import PlanReady

#: Order providers get a shared ("total") budget in: the fields a DJ needs most come first.
FIELD_PRIORITY: tuple[str, ...] = ("deezer", "reccobeats", "musicbrainz", "lastfm")
BATCH = 40

#: ``cached(namespace, key)``: True when the cache answers it (a negative answer counts).
CacheView = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Lookup:
    """One cache key the waterfall reads first for a track, and the calls a miss costs."""

    provider: str
    namespace: str
    key: str
    cost: float
    #: Other keys that, when cached, also spare the call (a "no mapping" spares features).
    spared_by: tuple[tuple[str, str], ...] = ()


def first_lookups(work: TrackWork) -> list[Lookup]:
    out: list[Lookup] = []
    ids = work.ids
    if ids.get("deezer"):
        out.append(Lookup("deezer", ck.DEEZER_TRACK, ck.deezer_id(ids["deezer"]), 1))
    elif ids.get("isrc"):
        out.append(Lookup("deezer", ck.DEEZER_TRACK, ck.deezer_isrc(ids["isrc"]), 1))
    elif work.main_artist and work.title:
        key = ck.search(work.main_artist, plain_title(work.title), work.duration_ms)
        out.append(Lookup("deezer", ck.DEEZER_SEARCH, key, 2))
    if ids.get("spotify"):
        sid = ids["spotify"]
        out.append(
            Lookup(
                "reccobeats",
                ck.RB_FEATURES,
                sid,
                1 / BATCH,
                spared_by=((ck.RB_MAP_SPOTIFY, sid),),
            )
        )
    elif ids.get("isrc") and work.main_artist:
        text = ck.rb_search(f"{work.main_artist} {plain_title(work.title)}")
        out.append(Lookup("reccobeats", ck.RB_SEARCH, text, 1 + 1 / BATCH))
    if work.main_artist and work.title:
        key = ck.lastfm_track(work.main_artist, plain_title(work.title))
        out.append(Lookup("lastfm", ck.LASTFM_TRACK, key, 1))
    return out


#: Bump when the waterfall or fusion changes what the same answers produce.
FINGERPRINT_VERSION = 1
#: The document field that keeps a track's fingerprint (hidden from reports).
FINGERPRINT_FIELD = "enrichment_inputs"
#: States a finished run can leave that the same inputs would reproduce.
REUSABLE_STATES = frozenset({"complete", "partial", "not_found"})


def fingerprint(work: TrackWork, cached: CacheView, salt: str = "") -> str | None:
    """What a track's result depends on: its ids (pins applied), the answers its first
    lookups read (all of them cached, else None: something would be fetched) and ``salt``
    (settings that shape fusion). Same fingerprint and a fresh cache: same result."""
    parts = [f"v{FINGERPRINT_VERSION}", salt, json.dumps(sorted(work.ids.items()))]
    for look in first_lookups(work):
        if cached(look.namespace, look.key):
            parts.append(f"{look.namespace}:{look.key}")
        elif any(cached(n, k) for n, k in look.spared_by):
            parts.append("|".join(f"{n}:{k}" for n, k in look.spared_by))
        else:
            return None
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()


def up_to_date(work: TrackWork, cached: CacheView, salt: str = "") -> bool:
    return (
        work.previous is not None
        and work.previous_state in REUSABLE_STATES
        and fingerprint(work, cached, salt) == work.previous
    )


@dataclass(frozen=True, slots=True)
class Plan:
    job_id: str
    tracks: int
    cache_hits: dict[str, int]
    cache_misses: dict[str, int]
    calls_needed: dict[str, int]
    estimated_s: float
    #: Track id -> providers whose step waits for a later run (budget).
    deferred: dict[int, frozenset[str]] = field(default_factory=dict)
    #: Track ids in the order their work goes out.
    order: tuple[int, ...] = ()
    #: Calls committed per provider, fractions kept (a feature row is 1/40 of a call),
    #: counting the earlier plans of the same run: the next page's plan starts from here.
    spent: dict[str, float] = field(default_factory=dict)

    @property
    def total_calls(self) -> int:
        return sum(self.calls_needed.values())

    def event(self, *, first: bool = True, final: bool = True) -> PlanReady:
        return PlanReady(
            job_id=self.job_id,
            calls_needed=dict(self.calls_needed),
            cache_hits=dict(self.cache_hits),
            estimated_s=self.estimated_s,
            deferred=len(self.deferred),
            first=first,
            final=final,
        )

    def summary(self) -> str:
        if not self.total_calls:
            return f"{self.tracks} tracks, everything cached: no call needed"
        text = f"needs {self.total_calls} calls, about {math.ceil(self.estimated_s)} s"
        if self.deferred:
            text += f"; {len(self.deferred)} tracks deferred by the budget"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "tracks": self.tracks,
            "cache_hits": self.cache_hits,
            "cache_misses": self.cache_misses,
            "calls_needed": self.calls_needed,
            "estimated_s": round(self.estimated_s, 1),
            "deferred": len(self.deferred),
            "summary": self.summary(),
        }


def ordered(works: Iterable[TrackWork]) -> list[TrackWork]:
    """Selected (visible) tracks first, then the input's order."""
    return sorted(works, key=lambda w: (not w.selected, w.order))


def make_plan(
    job_id: str,
    works: Sequence[TrackWork],
    cached: CacheView,
    *,
    rates: Mapping[str, float],
    budgets: Mapping[str, int] | None = None,
    steps: Sequence[str] = EAGER_STEPS,
    spent: Mapping[str, float] | None = None,
) -> Plan:
    """``budgets`` are for the whole run; ``spent`` is what earlier plans of it committed."""
    budgets = dict(budgets or {})
    prior = {p: float((spent or {}).get(p, 0.0)) for p in steps}
    queue = ordered(works)
    hits: dict[str, int] = dict.fromkeys(steps, 0)
    misses: dict[str, int] = dict.fromkeys(steps, 0)
    costs: dict[int, dict[str, float]] = {}
    for work in queue:
        per: dict[str, float] = {}
        for look in first_lookups(work):
            if look.provider not in steps:
                continue
            if cached(look.namespace, look.key) or any(cached(n, k) for n, k in look.spared_by):
                hits[look.provider] += 1
            else:
                misses[look.provider] += 1
                per[look.provider] = per.get(look.provider, 0.0) + look.cost
        costs[work.track_id] = per

    deferred: dict[int, set[str]] = {}
    used_by: dict[str, float] = dict(prior)
    total_left = budgets.get("total")
    if total_left is not None:
        total_left = max(0, total_left - sum(_calls(v) for v in prior.values()))
    for provider in [p for p in FIELD_PRIORITY if p in steps] + [
        p for p in steps if p not in FIELD_PRIORITY
    ]:
        limit = budgets.get(provider)
        base = prior[provider]
        used = base
        for work in queue:
            cost = costs[work.track_id].get(provider)
            if not cost:
                continue
            fits = limit is None or _calls(used + cost) <= limit
            if fits and total_left is not None:
                fits = _calls(used + cost) - _calls(base) <= total_left
            if fits:
                used += cost
            else:
                deferred.setdefault(work.track_id, set()).add(provider)
        used_by[provider] = used
        if total_left is not None:
            total_left = max(0, total_left - (_calls(used) - _calls(base)))

    calls = {p: _calls(used_by[p]) - _calls(prior[p]) for p in steps}
    estimate = estimate_s(calls, rates)
    return Plan(
        job_id=job_id,
        tracks=len(works),
        cache_hits=hits,
        cache_misses=misses,
        calls_needed=calls,
        estimated_s=estimate,
        deferred={t: frozenset(p) for t, p in deferred.items()},
        order=tuple(w.track_id for w in queue),
        spent=used_by,
    )


def _calls(spent: float) -> int:
    """Whole calls for a fractional spend (40 feature rows are one call)."""
    return math.ceil(spent - 1e-9)


def estimate_s(calls: Mapping[str, int], rates: Mapping[str, float]) -> float:
    """The slowest provider's calls at its rate: providers run side by side."""
    return max((n / rates[p] for p, n in calls.items() if n and rates.get(p)), default=0.0)


def joined(first: Plan, later: Plan, rates: Mapping[str, float]) -> Plan:
    """One plan for a run planned page by page: counts summed, ``later``'s order after."""

    def add(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
        return {k: a.get(k, 0) + b.get(k, 0) for k in {**a, **b}}

    calls = add(first.calls_needed, later.calls_needed)
    return Plan(
        job_id=first.job_id,
        tracks=first.tracks + later.tracks,
        cache_hits=add(first.cache_hits, later.cache_hits),
        cache_misses=add(first.cache_misses, later.cache_misses),
        calls_needed=calls,
        estimated_s=estimate_s(calls, rates),
        deferred={**first.deferred, **later.deferred},
        order=first.order + later.order,
        spent=dict(later.spent),
    )
