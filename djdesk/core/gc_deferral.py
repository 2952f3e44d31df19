"""Full garbage-collection passes deferred while a run goes on, the start-up heap frozen out.

Why: a full pass walks every tracked object with the GIL held, and CPython starts one whenever
the old generation has grown by a quarter since the last, which is exactly what a run does (a
warm 1,000-track run decodes ~3.5 MB of stored documents and cached answers into dicts). Measured
in ``benchmarks/enrich_bench.py`` (gc.callbacks around each pass): a warm run that takes
0.18-0.26 s of work got one full pass of 165-300 ms over the ~240,000 objects of the process
(modules, the in-process sandbox's catalog, the run's own rows), which made the metric read
0.28-0.60 s. Young passes stay automatic (cheap, and they free most cyclic garbage, which dies
young); the heap that exists before a run (modules, settings, the GUI) lives as long as the
process, so it is frozen out of every pass; full passes wait until ``max_deferred``
young-generation passes have gone by (memory stays bounded on a long run) or until the owner
says the process is idle.

One policy for every front end: the CLI and the benchmark wrap a run in
``deferred_full_passes()`` (CPython makes the bounded pass itself, in whichever thread
allocates); the GUI's ``IdleCollector`` installs one with ``automatic=False`` and makes every
full pass from a timer on its own thread (Qt wrappers must not be collected on a worker).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

#: A threshold the old generation's counter never reaches: no automatic full pass.
NEVER = 2**31 - 1
#: Young-generation (generation 1) passes a full pass may wait for. Measured in the benchmark: a
#: warm 1,000-track run makes ~10, a cold 200-track one ~10, a cold 1,000-track one ~45; at
#: CPython's default thresholds this many stand for ~14 M net container allocations, after
#: which the pass runs even mid-run.
MAX_DEFERRED = 2_000
#: Young-generation passes since the last full one that make a full pass worth it when idle
#: (CPython's own default for the old generation).
MIN_PENDING = 10

#: The policy that changed CPython's thresholds, if any: a second one (a nested run, tests,
#: a benchmark inside the GUI's process) leaves them alone and the first gives them back.
_holder: FullPassDeferral | None = None


class FullPassDeferral:
    def __init__(
        self,
        *,
        max_deferred: int = MAX_DEFERRED,
        min_pending: int = MIN_PENDING,
        automatic: bool = True,
    ) -> None:
        """``automatic``: CPython itself makes the forced pass once ``max_deferred``
        young-generation passes have gone by; without it nothing collects in full but
        ``collect_if_due``, called from the thread the owner chooses."""
        self.max_deferred = max_deferred
        self.min_pending = min_pending
        self.automatic = automatic
        self.full_passes = 0
        self._saved: tuple[int, int, int] | None = None

    @property
    def holding(self) -> bool:
        """Whether this policy is the one in force (the first installed)."""
        return _holder is self

    def install(self) -> None:
        """Freeze the heap as it is and raise the old generation's threshold; does nothing
        when another policy already holds the collector."""
        global _holder
        if _holder is not None:
            return
        threshold = gc.get_threshold()
        self._saved = threshold
        _holder = self
        gc.freeze()
        old = self.max_deferred if self.automatic else NEVER
        gc.set_threshold(threshold[0], threshold[1], old)

    def uninstall(self) -> None:
        """Give CPython its thresholds back and unfreeze (frozen objects join the old
        generation, so garbage made before the run is collected by the next full pass)."""
        global _holder
        if _holder is not self or self._saved is None:
            return
        gc.set_threshold(*self._saved)
        self._saved = None
        _holder = None
        gc.unfreeze()

    @staticmethod
    def pending() -> int:
        """Young-generation passes since the last full one."""
        return gc.get_count()[2]

    def collect_if_due(self, busy: bool) -> bool:
        """One full pass when enough young passes wait and a pause would not show, or when
        they have waited ``max_deferred`` passes even though it would; True if it ran."""
        pending = self.pending()
        if pending >= self.max_deferred or (pending >= self.min_pending and not busy):
            gc.collect()
            self.full_passes += 1
            return True
        return False

    def __enter__(self) -> FullPassDeferral:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uninstall()


@contextmanager
def deferred_full_passes(max_deferred: int = MAX_DEFERRED) -> Iterator[FullPassDeferral]:
    """A headless run's policy: the heap so far frozen, full passes held back to one per
    ``max_deferred`` young passes until the block ends, then CPython's own policy again."""
    with FullPassDeferral(max_deferred=max_deferred) as policy:
        yield policy
