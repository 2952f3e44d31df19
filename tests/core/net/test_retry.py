"""Retry-After parsing (urllib3's cases), full-jitter backoff bounds, idempotency rules."""

from __future__ import annotations

import email.utils
import random

import httpx
import pytest

from djdesk.core.net.retry import RetryPolicy, is_idempotent, parse_retry_after

NOW = 1_559_559_600.0  # 2019-06-03 11:00:00 UTC, urllib3's pinned time


@pytest.mark.parametrize(("value", "seconds"), [("0", 0), ("1000", 1000), ("\t42 ", 42)])
def test_t1_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize("value", ["-1", "+1", "1.0", "\xb2", "soon", ""])
def test_t1_invalid_values_fall_back(value: str) -> None:
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (email.utils.formatdate(NOW + 3600, usegmt=True), 3600),
        ("Mon, 03 Jun 2019 11:30:12 GMT", 1812),
        ("Monday, 03-Jun-19 11:30:12 GMT", 1812),
        ("Mon Jun  3 11:30:12 2019", 1812),
        ("Mon, 03 Jun 2019 10:00:00 GMT", 0),  # in the past: go now
    ],
)
def test_t1_http_dates(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == pytest.approx(seconds)


def test_missing_header_is_none() -> None:
    assert parse_retry_after(None, NOW) is None


def test_t3_full_jitter_stays_within_capped_ceiling() -> None:
    policy = RetryPolicy(attempts=5, base=0.5, cap=60.0)
    rng = random.Random(4)
    for attempt in range(10):
        ceiling = min(60.0, 0.5 * 2**attempt)
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # really spread over the range, not clamped


def test_only_safe_methods_or_marked_posts_repeat() -> None:
    assert is_idempotent(httpx.Request("GET", "https://x.test/"))
    assert is_idempotent(httpx.Request("HEAD", "https://x.test/"))
    assert not is_idempotent(httpx.Request("POST", "https://x.test/"))
    marked = httpx.Request("POST", "https://x.test/", extensions={"djdesk.idempotent": True})
    assert is_idempotent(marked)


@pytest.mark.parametrize("value", ["9" * 400, "99999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_absurd_retry_after_is_capped(value: str) -> None:
    """A broken server's figure must not overflow the wall-clock "until" of the error."""
    from djdesk.core.net.retry import MAX_RETRY_AFTER_S

    assert parse_retry_after(value, NOW) == MAX_RETRY_AFTER_S
