"""The end of ``djdesk enrich``'s stderr: requests per provider and the hedged ones."""

from __future__ import annotations

from djdesk.cli.progress import provider_summary
from djdesk.core.events import ProviderStats


def test_summary_names_each_provider_s_requests_and_hedges() -> None:
    stats = {
        "deezer": ProviderStats("deezer", calls=1057),
        "spotify": ProviderStats("spotify"),  # no call: left out
        "reccobeats": ProviderStats("reccobeats", calls=209, hedges=4, hedges_won=3),
        "musicbrainz": ProviderStats("musicbrainz", calls=25, hedges=1),
    }
    assert provider_summary(stats) == (
        "requests: deezer 1,057, reccobeats 209, musicbrainz 25; hedged (sent again when an "
        "answer was slow): reccobeats 4 (3 won), musicbrainz 1 (0 won)"
    )
    assert provider_summary({"deezer": ProviderStats("deezer", calls=3)}) == (
        "requests: deezer 3; none hedged"
    )
    assert provider_summary({"deezer": ProviderStats("deezer")}) == (
        "requests: none (every answer came from the cache)"
    )
