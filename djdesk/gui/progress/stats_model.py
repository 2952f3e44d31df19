"""ProviderStatsModel: one row per provider with the numbers a DJ watches during a run.

Fed with the bridge's coalesced snapshots (at most one update per provider per frame); a row
repaints only when its snapshot changed. "Done" counts finished lookups (answers, failures and
cache hits; not calls sent, which run ahead of the answers) against the plan from
``PlanReady``. A plan starts the numbers over: its cached answers seed Hits, since a cached
re-run answers them without the orchestrator ever seeing a lookup (see ``hits``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from djdesk.core.events import PlanReady, ProviderStats
from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import provider_label
from djdesk.gui import theme
from djdesk.gui.engine_events import BREAKER_LABELS
from djdesk.gui.flat_table_model import FlatTableModel
from djdesk.gui.progress.call_rate import CallRate
from djdesk.gui.progress.eta import calls_floor_s

#: Column keys, in order; every index below is looked up here, never written as a number.
COLUMNS: tuple[str, ...] = (
    "provider",
    "done",
    "calls",
    "hits",
    "hit_pct",
    "shared",
    "rate",
    "retries",
    "rate_limited",
    "hedged",
    "breaker",
    "budget",
    "p50",
    "p95",
)
COLUMN: dict[str, int] = {key: i for i, key in enumerate(COLUMNS)}
_HEADERS = (
    N_("Provider"),
    N_("Done"),
    N_("Calls"),
    N_("Hits"),
    N_("Hit %"),
    N_("Shared"),
    N_("Rate/s"),
    N_("Retries"),
    N_("429s"),
    N_("Hedged"),
    N_("Breaker"),
    N_("Budget"),
    N_("P50"),
    N_("P95"),
)
CALLS_COLUMN = COLUMN["calls"]
RATE_COLUMN = COLUMN["rate"]
HEDGED_COLUMN = COLUMN["hedged"]
BREAKER_COLUMN = COLUMN["breaker"]
RATE_LIMITED_COLUMN = COLUMN["rate_limited"]
#: Hidden until the user shows them from the header's menu: the table is already wide, and
#: hedges are rare (a slow provider's tail), which the Calls cell's tooltip still mentions.
HIDDEN_BY_DEFAULT: frozenset[int] = frozenset({HEDGED_COLUMN})
#: What a column means, on its header (and on its cells, where a cell has no tip of its own).
_TIPS = {
    COLUMN["done"]: N_(
        "Lookups finished (answers, failures and cache hits) of those the plan counted"
    ),
    COLUMN["calls"]: N_(
        "Requests sent to the provider, hedged ones included (right-click a header to show "
        "the Hedged column)"
    ),
    COLUMN["hits"]: N_("Answers served from the local cache (the plan's cached answers included)"),
    COLUMN["shared"]: N_("Identical requests in flight merged into one call"),
    COLUMN["rate"]: N_(
        "Calls made per second over the last 5 seconds, against the pace allowed now (lower "
        "after a 429); “—” when the provider has nothing to do"
    ),
    COLUMN["retries"]: N_("Calls sent again after a failure or a 429"),
    COLUMN["rate_limited"]: N_("Answers saying “too many requests” (HTTP 429)"),
    COLUMN["hedged"]: N_(
        "Hedged requests: when an answer is slower than nearly all of this provider's recent "
        "ones, the same request is sent once more and whichever copy answers first is used, "
        "so one stuck answer does not hold up a track. In brackets: how often the second "
        "copy won. Hedged requests are counted in Calls too."
    ),
    COLUMN["breaker"]: N_("Closed: calls flow; open: paused after failures; half-open: trying"),
    COLUMN["budget"]: N_("Calls left in this run's budget"),
    COLUMN["p50"]: N_("Median latency of this run's calls"),
    COLUMN["p95"]: N_("95th percentile latency of this run's calls"),
}
_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_OTHER_ROLES = frozenset(
    int(r.value)
    for r in (
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
    )
)


def calls_tip(s: ProviderStats) -> str:
    """Requests sent; slow answers asked again (hedged) are among them, and say so."""
    text = _("Requests sent to the provider")
    if s.hedges:
        text += "\n" + hedged_tip(s)
    return text


def hedged_text(s: ProviderStats) -> str:
    """ "12 (5 won)": hedged requests, and how many of them the second copy answered first."""
    if not s.hedges:
        return "0"
    return _("{n} ({won} won)").format(n=f"{s.hedges:,}", won=f"{s.hedges_won:,}")


def hedged_tip(s: ProviderStats) -> str:
    return _(
        "{n} sent again because the first answer was slow; the second copy answered "
        "first {won} times"
    ).format(n=s.hedges, won=s.hedges_won)


def _fmt_ms(ms: float) -> str:
    """Latency as "80 ms", or "1.13 s" from a second on (4-digit ms cut off in the column)."""
    if not ms:
        return "—"
    if ms >= 999.5:
        return _("{s:.2f} s").format(s=ms / 1000)
    return _("{ms:.0f} ms").format(ms=ms)


def _fmt_rate(rate: float) -> str:
    """Calls/s with up to 2 decimals, trailing zeros dropped: the same rounding for the pace
    and its limit, so a pace at its limit never reads as over it ("4.8 / 4.75")."""
    return f"{rate:.2f}".rstrip("0").rstrip(".")


class ProviderStatsModel(FlatTableModel):
    headers = _HEADERS

    def __init__(
        self,
        providers: tuple[str, ...] = (),
        parent: Any = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._needed: dict[str, int] = {}  # the plan's calls per provider
        self._plan_s = 0.0  # the plan's estimate (the relay's floor) ...
        self._plan_at = 0.0  # ... and when it came, to count it down
        self._order: list[str] = list(providers)
        self._stats: dict[str, ProviderStats] = {p: ProviderStats(p) for p in providers}
        self._planned: dict[str, int] = {}
        self._seeded: dict[str, int] = {}  # the plan's cached answers, per provider
        self._texts: dict[str, tuple[str, ...]] = {}  # formatted cells per provider snapshot
        self._meters: dict[str, CallRate] = {}  # calls actually made, per provider
        self._rates: dict[str, str] = {}  # the Rate/s cells (they change with time alone)
        self._running = False
        self._idle: set[str] = set(providers)  # nothing planned: drawn greyed

    def provider_at(self, row: int) -> ProviderStats | None:
        return self._stats.get(self._order[row]) if 0 <= row < len(self._order) else None

    def on_plan(self, plan: PlanReady) -> None:
        """A new plan: every row starts over (counters 0, Hits = the plan's cached answers).

        The adapter rebases the orchestrator's counters at the same moment and sends them
        next, and a plan joining a run still going arrives summed with it (``engine_relay``).
        """
        for name in set(plan.calls_needed) | set(plan.cache_hits):
            self._ensure(name)
        self._planned = {
            name: plan.calls_needed.get(name, 0) + plan.cache_hits.get(name, 0)
            for name in set(plan.calls_needed) | set(plan.cache_hits)
        }
        self._seeded = dict(plan.cache_hits)
        for meter in self._meters.values():
            meter.reset()  # the counters start over at a plan
        self._needed = dict(plan.calls_needed)
        self._plan_s, self._plan_at = plan.estimated_s, self._clock()
        for name, old in self._stats.items():
            self._stats[name] = ProviderStats(
                name, rate=old.rate, rate_limit=old.rate_limit, breaker=old.breaker
            )
        self._texts.clear()
        self.refresh_rates()
        if self._order:
            last = len(self._order) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, len(_HEADERS) - 1))

    def floor_s(self) -> float | None:
        """The least time the plan's calls still left can take (None before a plan, or when
        nothing is left): the plan's own estimate counted down, or more when a provider's
        calls left at its limit now take longer (a 429 lowered it)."""
        if not self._needed:
            return None
        left = {p: max(0, n - self._stats[p].calls) for p, n in self._needed.items()}
        limits = {p: self._stats[p].rate_limit for p in left}
        countdown = self._plan_s - (self._clock() - self._plan_at)
        floor = max(countdown, calls_floor_s(left, limits))
        return floor if floor > 0 else None

    def _ensure(self, name: str) -> int:
        if name not in self._stats:
            row = len(self._order)
            self.beginInsertRows(QModelIndex(), row, row)
            self._order.append(name)
            self._stats[name] = ProviderStats(name)
            self._idle.add(name)
            self.endInsertRows()
        return self._order.index(name)

    def on_stats(self, snapshots: dict[str, ProviderStats]) -> None:
        now = self._clock()
        for name, snap in snapshots.items():
            row = self._ensure(name)
            self._meters.setdefault(name, CallRate()).add(now, snap.calls)
            if self._stats[name] != snap:
                self._stats[name] = snap
                self._texts.pop(name, None)
                self._rates[name] = self.rate_text(snap, now)  # repainted with its row
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))
        self.refresh_rates()

    def set_running(self, running: bool) -> None:
        """A run is going (or paused): a planned provider's rate reads even at 0; after it,
        every row reads idle at once (not a 5 s decay of the last calls)."""
        if running != self._running:
            self._running = running
            if not running:  # finished or stopped: what it called is no longer a rate
                for meter in self._meters.values():
                    meter.reset()
            self.refresh_rates()

    def refresh_rates(self) -> None:
        """Re-measure every Rate/s cell to now (a stalled provider decays without a new
        snapshot; the panel calls this on a timer during a run) and repaint those changed."""
        now = self._clock()
        last = len(_HEADERS) - 1
        for row, name in enumerate(self._order):
            idle = self.idle(name)
            if idle != (name in self._idle):
                (self._idle.add if idle else self._idle.discard)(name)
                self._rates[name] = self.rate_text(self._stats[name], now)
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
                continue
            text = self.rate_text(self._stats[name], now)
            if self._rates.get(name) != text:
                self._rates[name] = text
                idx = self.index(row, RATE_COLUMN)
                self.dataChanged.emit(idx, idx)

    def rate_text(self, s: ProviderStats, now: float) -> str:
        """ "3.2 / 4.75": calls/s made lately against the pace allowed now; "— / 4.75" while
        the provider is idle (no run, or nothing for it in this one) or not measured yet."""
        allowed = s.rate or s.rate_limit
        meter = self._meters.get(s.provider)
        made = meter.rate(now) if meter is not None else None
        if not made and not (self._running and self._planned.get(s.provider, 0)):
            made = None  # nothing for it to do: idle, not "0 calls/s" (an import's calls show)
        shown = "—" if made is None else _fmt_rate(made)
        return f"{shown} / {_fmt_rate(allowed)}" if allowed else shown

    def idle(self, provider: str) -> bool:
        """Nothing planned for it in this run (and no calls lately): greyed, like a disabled
        row, so the eye goes to the providers doing the work."""
        if self._planned.get(provider, 0):
            return False
        meter = self._meters.get(provider)
        return not (meter is not None and (meter.rate(self._clock()) or 0) > 0)

    def on_breaker(self, provider: str, _old: str, new: str) -> None:
        from dataclasses import replace

        row = self._ensure(provider)
        self._stats[provider] = replace(self._stats[provider], breaker=new)
        self._texts.pop(provider, None)
        idx = self.index(row, BREAKER_COLUMN)
        self.dataChanged.emit(idx, idx)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def hits(self, s: ProviderStats) -> int:
        """Cache answers of this count: the plan's, or the run's once it has seen more.

        Not their sum: a run re-reads through the cache every cached lookup of a track it
        works (a resumed run read each of them twice, "72" for 39), and only the tracks it
        skips as up to date are never read again (a cached re-run, which the seed covers).
        """
        return max(self._seeded.get(s.provider, 0), s.cache_hits)

    def cell_text(self, s: ProviderStats, col: int) -> str:
        hits = self.hits(s)
        finished = s.successes + s.failures + hits
        planned = self._planned.get(s.provider, 0)
        key = COLUMNS[col]
        if key == "provider":
            return provider_label(s.provider)
        if key == "done":
            shown = min(finished, planned) if planned else finished
            return f"{shown:,} / {planned:,}" if planned else f"{shown:,} / —"
        if key == "hit_pct":
            return f"{hits / finished:.0%}" if finished else "—"
        if key == "rate":
            return self._rates.get(s.provider) or self.rate_text(s, self._clock())
        if key == "hedged":
            return hedged_text(s)
        if key == "breaker":
            return _(BREAKER_LABELS.get(s.breaker, s.breaker))
        if key == "budget":
            return "∞" if s.budget_left is None else f"{s.budget_left:,}"
        if key in ("p50", "p95"):
            if not s.calls:  # the orchestrator's window still holds an earlier run's answers
                return "—"
            return _fmt_ms(s.latency_p50_ms if key == "p50" else s.latency_p95_ms)
        counts = {
            "calls": s.calls,
            "hits": hits,
            "shared": s.coalesced,
            "retries": s.retries,
            "rate_limited": s.rate_limited,
        }
        return f"{counts[key]:,}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Each header says what its column counts (hovered, or while choosing columns)."""
        if (
            int(role) == int(Qt.ItemDataRole.ToolTipRole.value)
            and orientation == Qt.Orientation.Horizontal
            and section in _TIPS
        ):
            return _(_TIPS[section])
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if not index.isValid():
            return None
        s = self.provider_at(index.row())
        if s is None or not 0 <= index.column() < len(_HEADERS):
            return None
        col = index.column()
        if role == _DISPLAY and col == RATE_COLUMN:
            return self._rates.get(s.provider) or self.rate_text(s, self._clock())
        if role == _DISPLAY:
            texts = self._texts.get(s.provider)
            if texts is None:
                texts = tuple(self.cell_text(s, c) for c in range(len(_HEADERS)))
                self._texts[s.provider] = texts
            return texts[col]
        if role not in _OTHER_ROLES:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == BREAKER_COLUMN:
            if s.provider in self._idle and s.breaker == "closed":
                return theme.muted_color()
            return theme.state_color(s.breaker)
        if role == Qt.ItemDataRole.ForegroundRole and col == RATE_LIMITED_COLUMN and s.rate_limited:
            return theme.state_color("partial")
        if role == Qt.ItemDataRole.ForegroundRole and s.provider in self._idle:
            return theme.muted_color()
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (0, BREAKER_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == CALLS_COLUMN:
            return calls_tip(s)
        if role == Qt.ItemDataRole.ToolTipRole and col == HEDGED_COLUMN and s.hedges:
            return hedged_tip(s)
        if role == Qt.ItemDataRole.ToolTipRole and col in _TIPS and col != BREAKER_COLUMN:
            return _(_TIPS[col])
        if role == Qt.ItemDataRole.ToolTipRole and col == BREAKER_COLUMN:
            return {
                "closed": _("Calls flow normally"),
                "open": _("Too many failures: calls are paused for a while"),
                "half_open": _("Trying a few calls to see if the service is back"),
            }.get(s.breaker)
        return None
