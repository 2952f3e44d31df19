"""Call budgets: per provider, overall, and the tighter of the two."""

from __future__ import annotations

from djdesk.core.net.budget import Budget


def test_unlimited_by_default() -> None:
    budget = Budget()
    budget.record("deezer", 1000)
    assert budget.can_make("deezer", 10**6)
    assert budget.remaining() is None and budget.remaining("deezer") is None


def test_per_provider_and_overall_limits() -> None:
    budget = Budget({"spotify": 3}, total=5)
    budget.record("spotify", 2)
    assert budget.remaining("spotify") == 1
    assert budget.can_make("spotify") and not budget.can_make("spotify", 2)
    budget.record("deezer", 2)
    assert budget.remaining() == 1
    assert budget.remaining("deezer") == 1  # bounded by the overall limit
    budget.record("spotify")
    assert budget.remaining("spotify") == 0 and not budget.can_make("spotify")
    assert budget.used() == 5 and budget.used("deezer") == 2


def test_set_and_lift_limits() -> None:
    budget = Budget()
    budget.set_limit("lastfm", 1)
    budget.set_limit(None, 10)
    budget.record("lastfm")
    assert not budget.can_make("lastfm")
    budget.set_limit("lastfm", None)
    assert budget.can_make("lastfm", 9) and not budget.can_make("lastfm", 10)
    assert "lastfm" in repr(budget)
