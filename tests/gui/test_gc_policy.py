"""IdleCollector: full garbage-collection passes wait while the window is busy, run when idle."""

from __future__ import annotations

import gc
from typing import Any

from djdesk.gui.gc_policy import NEVER, IdleCollector


def _young_passes(n: int) -> None:
    for _ in range(n):
        gc.collect(1)  # each one counts toward the next full pass, like an automatic one


def test_full_passes_wait_while_busy_and_run_once_idle(qtbot: Any) -> None:
    before = gc.get_threshold()
    busy = [True]
    collector = IdleCollector(lambda: busy[0], min_pending=3, max_deferred=50)
    collector.install()
    try:
        assert gc.get_threshold() == (before[0], before[1], NEVER)  # no automatic full pass
        assert gc.get_freeze_count() > 0  # the start-up heap is out of every pass
        _young_passes(5)
        collector.check()
        assert collector.full_passes == 0  # busy: a pause now would show
        busy[0] = False
        collector.check()
        assert collector.full_passes == 1 and gc.get_count()[2] == 0
        collector.check()
        assert collector.full_passes == 1  # nothing new since
        busy[0] = True
        _young_passes(50)
        collector.check()
        assert collector.full_passes == 2  # deferred long enough: memory stays bounded
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_second_collector_leaves_the_policy_to_the_first(qtbot: Any) -> None:
    before = gc.get_threshold()
    first, second = IdleCollector(lambda: False), IdleCollector(lambda: False)
    first.install()
    second.install()
    second.uninstall()
    assert gc.get_threshold()[2] == NEVER  # the first still holds it
    first.uninstall()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
