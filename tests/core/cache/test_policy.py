"""The pure TTL/version policy: every figure of the table and every branch."""

from __future__ import annotations

import re

import pytest

from djdesk.core.cache import policy
from djdesk.core.cache.policy import DAY, HOUR, MINUTE, TtlPolicy, UnknownNamespaceError
from djdesk.core.errors import ConfigError

EXPECTED = {
    "deezer.track": 90 * DAY,
    "deezer.search": 7 * DAY,
    "musicbrainz.isrc": 30 * DAY,
    "musicbrainz.search": 30 * DAY,
    "musicbrainz.recording": 30 * DAY,  # a pinned MBID's lookup: as stable as the ISRC one
    "lastfm.track": 7 * DAY,
    "lastfm.correction": 30 * DAY,
    "lastfm.artist": 7 * DAY,
    "lastfm.similar": 7 * DAY,
    "reccobeats.features": 90 * DAY,
    "reccobeats.track": 30 * DAY,
    "reccobeats.idmap.spotify": 180 * DAY,
    "reccobeats.idmap.reccobeats": 180 * DAY,
    "reccobeats.search": 30 * DAY,
    "reccobeats.recommendations": 7 * DAY,
    "spotify.playlist": 24 * HOUR,
    "spotify.playlist_items": 24 * HOUR,
    "spotify.track": 7 * DAY,
    "spotify.search": 7 * DAY,
    "spotify.user": 7 * DAY,
    "deezer.playlist": 24 * HOUR,
    "deezer.album": 7 * DAY,
}


def test_table_holds_exactly_the_issue_figures() -> None:
    assert dict(policy.DEFAULT_TTLS) == EXPECTED
    p = TtlPolicy()
    for ns, seconds in EXPECTED.items():
        assert p.ttl_for(ns) == seconds
        assert p.known(ns)


def test_negatives_default_to_five_minutes_except_idmaps() -> None:
    p = TtlPolicy()
    assert p.ttl_for("deezer.track", negative=True) == 5 * MINUTE
    assert p.ttl_for("reccobeats.idmap.spotify", negative=True) == 14 * DAY
    assert p.ttl_for("reccobeats.idmap.reccobeats", negative=True) == 14 * DAY


def test_expires_at_uses_table_or_explicit_ttl() -> None:
    p = TtlPolicy()
    assert p.expires_at("deezer.search", 100.0) == 100.0 + 7 * DAY
    assert p.expires_at("deezer.search", 100.0, negative=True) == 100.0 + 300
    assert p.expires_at("deezer.search", 100.0, ttl=5) == 105.0


def test_unknown_namespace_is_a_programming_error() -> None:
    p = TtlPolicy()
    assert not p.known("deezer.nope")
    with pytest.raises(UnknownNamespaceError):
        p.ttl_for("deezer.nope")


def test_overrides_change_only_what_they_name() -> None:
    p = TtlPolicy.from_overrides(
        {"deezer.track": 60, "negative": 10, "reccobeats.idmap.spotify:negative": 20.5}
    )
    assert p.ttl_for("deezer.track") == 60
    assert p.ttl_for("deezer.search") == 7 * DAY
    assert p.ttl_for("lastfm.track", negative=True) == 10
    assert p.ttl_for("reccobeats.idmap.spotify", negative=True) == 20.5
    assert p.ttl_for("reccobeats.idmap.reccobeats", negative=True) == 14 * DAY
    assert TtlPolicy.from_overrides(None) == TtlPolicy()
    assert policy.DEFAULT_TTLS["deezer.track"] == 90 * DAY  # defaults untouched


@pytest.mark.parametrize("key", ["deezer.trak", "nope:negative", "deezer"])
def test_override_of_unknown_namespace_names_the_key(key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"ttl.{key}")):
        TtlPolicy.from_overrides({key: 1})


@pytest.mark.parametrize("value", [-1, "7d", True, float("nan"), float("inf"), None])
def test_override_values_must_be_seconds(value: object) -> None:
    with pytest.raises(ConfigError, match=re.escape("ttl.deezer.track")):
        TtlPolicy.from_overrides({"deezer.track": value})  # type: ignore[dict-item]


def test_freshness_boundary() -> None:
    assert policy.is_fresh(100.0, 99.999)
    assert not policy.is_fresh(100.0, 100.0)


def test_namespace_chain_and_effective_version() -> None:
    assert policy.namespace_chain("a.b.c") == ("a", "a.b", "a.b.c")
    versions = {"deezer": 2, "deezer.track": 3, "lastfm": 7}
    assert policy.effective_version("deezer.track", versions) == 5
    assert policy.effective_version("deezer.search", versions) == 2
    assert policy.effective_version("spotify.track", versions) == 0
    assert policy.is_within("deezer.track", "deezer")
    assert policy.is_within("deezer", "deezer")
    assert not policy.is_within("deezertrack", "deezer")


@pytest.mark.parametrize(
    "bad", ["", "Deezer.track", "deezer:track", "deezer..track", ".x", "a" * 65]
)
def test_invalid_namespaces_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        policy.validate_namespace(bad)


def test_valid_namespace_is_returned() -> None:
    assert policy.validate_namespace("reccobeats.idmap.spotify") == "reccobeats.idmap.spotify"
