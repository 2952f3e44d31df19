"""A run planned page by page spends its budgets as if planned at once (``Plan.spent``)."""

from __future__ import annotations

import pytest

from djdesk.core.engine.plan import Plan, joined, make_plan
from tests.core.engine.test_plan import RATES, spotify_works


def in_parts(budgets: dict[str, int], sizes: list[int]) -> Plan:
    works = spotify_works(sum(sizes))
    plan: Plan | None = None
    start = 0
    for size in sizes:
        part = make_plan(
            "j",
            works[start : start + size],
            lambda ns, key: False,
            rates=RATES,
            budgets=budgets,
            spent=None if plan is None else plan.spent,
        )
        plan = part if plan is None else joined(plan, part, RATES)
        start += size
    assert plan is not None
    return plan


@pytest.mark.parametrize(
    "budgets", [{}, {"reccobeats": 1}, {"deezer": 50, "lastfm": 30}, {"lastfm": 0}]
)
def test_pages_planned_one_by_one_match_one_plan(budgets: dict[str, int]) -> None:
    whole = make_plan("j", spotify_works(200), lambda ns, key: False, rates=RATES, budgets=budgets)
    parts = in_parts(budgets, [50, 50, 30, 70])
    assert parts.calls_needed == whole.calls_needed
    assert parts.deferred == whole.deferred
    assert parts.order == whole.order and parts.tracks == whole.tracks == 200
    assert parts.estimated_s == whole.estimated_s


def test_feature_rows_share_a_call_across_pages() -> None:
    # 50 + 50 spotify tracks: 100 feature rows are 3 calls of 40, not 2 + 2.
    assert in_parts({}, [50, 50]).calls_needed["reccobeats"] == 3


@pytest.mark.parametrize("total", [0, 61, 100, 399])
def test_a_shared_budget_is_given_out_page_by_page_and_never_exceeded(total: int) -> None:
    """Each page's tracks get the fields a DJ needs most first; later pages cannot be
    waited for, so a shared budget goes to the first pages (a whole plan would give Deezer
    to every track before ReccoBeats to any)."""
    parts = in_parts({"total": total}, [50, 50, 30, 70])
    assert sum(parts.calls_needed.values()) <= total
    if total >= 50 + 2 + 50:  # the first page's Deezer, feature and Last.fm calls
        first_page = set(parts.order[:50])
        assert not first_page & set(parts.deferred)  # the first page is served in full
