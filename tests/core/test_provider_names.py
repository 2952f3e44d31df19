"""Provider display names: one translated label per provider id, and stored sources read out."""

from __future__ import annotations

import pytest

from djdesk.core import i18n, provider_names
from djdesk.core.models import PROVIDERS
from djdesk.core.provider_names import PROVIDER_LABELS, provider_label, source_label


def test_every_endpoint_has_a_label() -> None:
    assert set(PROVIDERS) <= set(PROVIDER_LABELS)
    assert [provider_label(p) for p in PROVIDERS] == [
        "Spotify",
        "Spotify accounts",
        "Deezer",
        "MusicBrainz",
        "Last.fm",
        "ReccoBeats",
    ]


def test_an_unknown_provider_reads_as_stored() -> None:
    assert provider_label("tidal") == "tidal"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("deezer", "Deezer"),
        ("reccobeats+deezer", "ReccoBeats + Deezer"),
        ("reccobeats+deezer (agree)", "ReccoBeats + Deezer (agree)"),
        (
            "default (no source had this; default value)",
            "default (no source had this; default value)",
        ),
        ("somewhere", "somewhere"),
    ],
)
def test_sources_read_with_display_names(source: str, shown: str) -> None:
    assert source_label(source) == shown


def test_labels_go_through_the_translation_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog installed after import still applies: the map holds marked strings only."""
    monkeypatch.setattr(provider_names, "_", lambda s: s.upper())
    assert provider_label("lastfm") == "LAST.FM"
    assert source_label("lastfm+default") == "LAST.FM + DEFAULT"
    assert i18n.N_("Last.fm") == PROVIDER_LABELS["lastfm"]
