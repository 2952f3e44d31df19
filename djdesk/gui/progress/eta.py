"""An ETA from recent progress, pure and clock-injected so it can be tested without waiting.

It uses the rate over a sliding window (default 30 s) rather than since the start, because a run
speeds up when the cache answers and slows down when a provider is rate limited. It is never
below the plan's floor (``calls_floor_s``): no run ends before its slowest provider has made its
calls at its rate, and the run log's plan line and the panel say the same from that floor (the
review saw "about 169 s" in the log and "about 12 min left" in the panel 4 s later).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from djdesk.core.i18n import _


class EtaEstimator:
    def __init__(self, window_s: float = 30.0) -> None:
        self.window_s = window_s
        self._points: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._points.clear()

    def update(self, now: float, done: int) -> None:
        if self._points and done < self._points[-1][1]:
            self._points.clear()  # a new run started
        if len(self._points) == 1 and done == self._points[0][1]:
            # No track finished yet: the import, the plan and every provider's first answer
            # are not the run's pace. The window starts at the last moment before progress
            # (a hostile 200-track run read "1 of 200 · about 41 min left" at 15 s).
            self._points.clear()
        self._points.append((now, done))
        while len(self._points) > 2 and now - self._points[0][0] > self.window_s:
            self._points.popleft()

    @property
    def span_s(self) -> float:
        """How many seconds of progress the window holds (a few seconds' rate is noise)."""
        return self._points[-1][0] - self._points[0][0] if len(self._points) > 1 else 0.0

    def seconds_left(self, total: int) -> float | None:
        if len(self._points) < 2:
            return None
        (t0, d0), (t1, d1) = self._points[0], self._points[-1]
        if t1 <= t0 or d1 <= d0:
            return None
        return max(0.0, (total - d1) / ((d1 - d0) / (t1 - t0)))


def calls_floor_s(calls: Mapping[str, int], rates: Mapping[str, float]) -> float:
    """The least time ``calls`` can take: the slowest provider's calls at its rate (providers
    run side by side; one with no known rate is left out)."""
    return max(
        (n / rates[p] for p, n in calls.items() if n > 0 and rates.get(p, 0.0) > 0),
        default=0.0,
    )


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return _("estimating…")
    if seconds < 60:
        return _("about {n} s left").format(n=max(1, round(seconds)))
    if seconds < 3600:
        return _("about {n} min left").format(n=round(seconds / 60))
    return _("about {h} h {m} min left").format(
        h=int(seconds // 3600), m=round(seconds % 3600 / 60)
    )
