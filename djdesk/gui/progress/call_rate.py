"""CallRate: calls per second actually made, over a sliding window, from a call counter.

Why measured here: the orchestrator's ``ProviderStats.rate`` is the pace a lane is *allowed*
(lower after a 429), which read "9.5 / 9.5" after a run had finished. The GUI samples the
rebased call counter each time a snapshot lands (at most once a frame) and the clock is
injected, so tests drive it with a fake one and no sleeps.
"""

from __future__ import annotations

from collections import deque

#: The window the rate is measured over: long enough to smooth ReccoBeats' batches, short
#: enough that a stalled provider reads 0 within a few seconds.
WINDOW_S = 5.0
#: Less than this much history is not a rate yet (one frame's calls would read as hundreds/s).
MIN_SPAN_S = 1.0


class CallRate:
    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._samples.clear()

    def add(self, now: float, calls: int) -> None:
        """The counter's value at ``now``; a lower value than before is a new run's count."""
        if self._samples and calls < self._samples[-1][1]:
            self._samples.clear()
        self._samples.append((now, calls))
        # keep one sample at or before the window's start: the rate's baseline
        while len(self._samples) > 1 and self._samples[1][0] <= now - self.window_s:
            self._samples.popleft()

    def rate(self, now: float) -> float | None:
        """Calls/s over the last ``window_s`` seconds up to ``now`` (None: too little history).

        Measured to ``now``, not to the last sample: a provider that stopped calling decays to
        0 even though no new snapshot comes."""
        if not self._samples:
            return None
        base_t, base_calls = self._samples[0]
        for t, calls in self._samples:  # the newest sample at or before the window's start
            if t > now - self.window_s:
                break
            base_t, base_calls = t, calls
        span = now - base_t
        if span < MIN_SPAN_S:
            return None
        return max(0, self._samples[-1][1] - base_calls) / span
