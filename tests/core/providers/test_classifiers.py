"""The classifiers the orchestrator consults, per provider, on real recorded bodies."""

from __future__ import annotations

import json

import httpx
import pytest

from djdesk.core.models import PROVIDERS
from djdesk.core.net.policy import Verdict
from djdesk.core.providers import CLASSIFIERS
from tests.conftest import API_SAMPLES


def test_every_provider_has_a_classifier() -> None:
    assert set(CLASSIFIERS) == set(PROVIDERS)


def body(rel: str) -> bytes:
    return (API_SAMPLES / rel).read_bytes()


CASES = [
    ("deezer", 200, "deezer/error_quota_exceeded_4.json", {}, Verdict.RATE_LIMITED, None),
    ("deezer", 200, "deezer/error_no_data_800.json", {}, Verdict.FAIL, None),
    ("deezer", 200, "deezer/track_detail_541999.json", {}, None, None),
    ("lastfm", 200, "lastfm/error_29_rate_limit_exceeded.json", {}, Verdict.RATE_LIMITED, None),
    ("lastfm", 500, "lastfm/error_8_operation_failed.json", {}, Verdict.RETRY, None),
    ("lastfm", 200, "lastfm/error_6_track_not_found.json", {}, Verdict.FAIL, None),
    ("lastfm", 403, "lastfm/error_26_api_key_suspended.json", {}, Verdict.FAIL, None),
    ("lastfm", 200, "lastfm/error_10_invalid_api_key.json", {}, Verdict.FAIL, None),
    ("lastfm", 200, "lastfm/track_getInfo_cher_believe.json", {}, None, None),
    ("musicbrainz", 503, "musicbrainz/error_503_rate_limit.json", {}, Verdict.RATE_LIMITED, None),
    ("musicbrainz", 404, "musicbrainz/error_404_not_found.json", {}, Verdict.FAIL, None),
    (
        "spotify",
        429,
        "spotify/error_429_quota_exceeded.json",
        {"Retry-After": "48925"},
        Verdict.RATE_LIMITED,
        48925.0,
    ),
    (
        "spotify",
        429,
        "spotify/error_429_too_many_requests.legacy-plaintext.txt",
        {"Retry-After": "3"},
        Verdict.RATE_LIMITED,
        3.0,
    ),
    ("spotify", 403, "spotify/error_403_forbidden.json", {}, Verdict.FAIL, None),
    (
        "spotify_accounts",
        400,
        "spotify/token_error.invalid_grant.refresh_token_revoked.json",
        {},
        Verdict.FAIL,
        None,
    ),
    (
        "reccobeats",
        400,
        "reccobeats/error_400_audio_features_more_than_40_ids.json",
        {},
        Verdict.FAIL,
        None,
    ),
    (
        "reccobeats",
        429,
        "reccobeats/audio_features_batch_unknown_ids_empty.json",
        {"Retry-After": "7"},
        Verdict.RATE_LIMITED,
        7.0,
    ),
]


@pytest.mark.parametrize(("provider", "status", "rel", "headers", "verdict", "retry"), CASES)
def test_classifier(provider, status, rel, headers, verdict, retry) -> None:
    outcome = CLASSIFIERS[provider](httpx.Response(status, content=body(rel), headers=headers))
    assert (outcome.verdict if outcome else None) == verdict
    if outcome is not None:
        assert outcome.retry_after == retry


def test_spotify_quota_reason_is_kept() -> None:
    response = httpx.Response(
        429, content=body("spotify/error_429_quota_exceeded.json"), headers={"Retry-After": "9"}
    )
    assert CLASSIFIERS["spotify"](response).reason == "QUOTA_EXCEEDED"


def test_unread_streaming_body_is_left_to_default_rules() -> None:
    async def stream():
        yield json.dumps({"error": {"code": 4}}).encode()

    response = httpx.Response(200, content=stream())
    assert CLASSIFIERS["deezer"](response) is None


@pytest.mark.parametrize(
    ("value", "seconds"), [("1e400", 604800.0), ("nan", None), ("-inf", 0.0), ("9" * 400, 604800.0)]
)
def test_unreadable_or_absurd_retry_after_gives_a_typed_error(
    value: str, seconds: float | None
) -> None:
    """Retry-After ``1e400`` once escaped as OverflowError (datetime.fromtimestamp(inf))."""
    from djdesk.core.errors import RateLimitedError
    from djdesk.core.providers import reccobeats, spotify
    from djdesk.core.providers.base import retry_after_seconds

    response = httpx.Response(
        429, headers={"Retry-After": value}, request=httpx.Request("GET", "http://x/v1/y")
    )
    assert retry_after_seconds(response) == seconds
    for error_from in (spotify.error_from, reccobeats.error_from):
        assert isinstance(error_from(response, 1_767_225_600.0), RateLimitedError)
