"""An ETA from recent progress, pure and clock-injected so it can be tested without waiting.

It uses the rate over a sliding window (default 30 s) rather than since the start, because a run
speeds up when the cache answers and slows down when a provider is rate limited.
"""

from __future__ import annotations

from collections import deque

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
        self._points.append((now, done))
        while len(self._points) > 2 and now - self._points[0][0] > self.window_s:
            self._points.popleft()

    def seconds_left(self, total: int) -> float | None:
        if len(self._points) < 2:
            return None
        (t0, d0), (t1, d1) = self._points[0], self._points[-1]
        if t1 <= t0 or d1 <= d0:
            return None
        return max(0.0, (total - d1) / ((d1 - d0) / (t1 - t0)))


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
