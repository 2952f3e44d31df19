"""FullPassDeferral: the heap frozen, full passes held back while a run goes on, then given back.

On the real collector: each test checks the thresholds and the freeze are CPython's own again
afterwards (the whole suite shares the process).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from djdesk.core.gc_deferral import (
    MAX_DEFERRED,
    NEVER,
    FullPassDeferral,
    deferred_full_passes,
)


@pytest.fixture(autouse=True)
def cpython_policy_back() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _young_passes(n: int) -> None:
    for _ in range(n):
        gc.collect(1)  # each one counts toward the next full pass, like an automatic one


class FullPasses:
    """Counts the collector's generation-2 passes (gc.callbacks), whoever starts them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.count += 1

    def __enter__(self) -> FullPasses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def _grow_until_full_pass(passes: FullPasses, limit: int) -> list[list[int]]:
    """Allocate surviving containers (what a run's rows are) until a full pass starts or
    ``limit`` of them exist; the automatic young passes this makes count toward it."""
    kept: list[list[int]] = []
    while passes.count == 0 and len(kept) < limit:
        kept.append([len(kept)])
    return kept


def test_the_heap_so_far_is_frozen_and_full_passes_wait_during_the_block(
    cpython_policy_back: tuple[int, int, int],
) -> None:
    before = cpython_policy_back
    with deferred_full_passes() as policy:
        assert policy.holding
        assert gc.get_freeze_count() > 0  # modules, the test session: out of every pass
        assert gc.get_threshold() == (before[0], before[1], MAX_DEFERRED)
    assert not policy.holding


def test_full_passes_are_given_back_when_the_run_fails(
    cpython_policy_back: tuple[int, int, int],
) -> None:
    with pytest.raises(RuntimeError), deferred_full_passes():
        raise RuntimeError("the run broke")
    # the fixture checks CPython's thresholds are back and nothing stays frozen


def test_a_run_does_not_trigger_the_full_pass_cpython_would_make() -> None:
    # Contrast first: the same growth under CPython's own policy gets a full pass.
    with FullPasses() as passes:
        kept = _grow_until_full_pass(passes, 3_000_000)
    assert passes.count >= 1
    grown = len(kept)
    del kept
    with deferred_full_passes(), FullPasses() as passes:
        kept = _grow_until_full_pass(passes, 2 * grown)
        assert len(kept) == 2 * grown and passes.count == 0


def test_cpython_still_makes_a_full_pass_after_max_deferred_young_ones() -> None:
    with deferred_full_passes(max_deferred=3) as policy, FullPasses() as passes:
        kept = _grow_until_full_pass(passes, 3_000_000)
        assert passes.count == 1  # bounded: a long run's garbage does not pile up
        assert policy.pending() == 0
    assert kept


def test_collect_if_due_waits_while_busy_runs_when_idle_and_is_forced_at_the_bound() -> None:
    with FullPassDeferral(min_pending=3, max_deferred=50, automatic=False) as policy:
        assert gc.get_threshold()[2] == NEVER  # the owner's thread makes every full pass
        gc.collect()  # start from no pending young passes
        _young_passes(5)
        assert not policy.collect_if_due(busy=True)  # a pause now would show
        assert policy.pending() == 5
        assert policy.collect_if_due(busy=False)
        assert policy.pending() == 0 and policy.full_passes == 1
        _young_passes(2)
        assert not policy.collect_if_due(busy=False)  # too little to be worth a pass
        _young_passes(48)
        assert policy.collect_if_due(busy=True)  # deferred long enough: memory stays bounded
        assert policy.full_passes == 2


def test_a_second_policy_leaves_the_collector_to_the_first(
    cpython_policy_back: tuple[int, int, int],
) -> None:
    first = FullPassDeferral(automatic=False)
    first.install()
    try:
        with deferred_full_passes() as second:
            assert not second.holding
            assert gc.get_threshold()[2] == NEVER  # the first one's choice stands
        assert first.holding and gc.get_threshold()[2] == NEVER
    finally:
        first.uninstall()
    with deferred_full_passes() as third:  # free again once the first gave it back
        assert third.holding
