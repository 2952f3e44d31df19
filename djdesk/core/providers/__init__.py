"""Async clients for every outbound provider, and the classifiers the orchestrator consults.

``CLASSIFIERS`` maps each endpoint name in ``core.models.PROVIDERS`` to a function that reads
a provider's own error conventions (Deezer's and Last.fm's HTTP-200 errors, MusicBrainz's 503)
so rate limits and retries are decided once, in the orchestrator.
"""

from __future__ import annotations

from djdesk.core.net.policy import Classifier
from djdesk.core.providers import deezer, lastfm, musicbrainz, reccobeats, spotify, spotify_auth

CLASSIFIERS: dict[str, Classifier] = {
    "spotify": spotify.classify,
    "spotify_accounts": spotify_auth.classify,
    "deezer": deezer.classify,
    "musicbrainz": musicbrainz.classify,
    "lastfm": lastfm.classify,
    "reccobeats": reccobeats.classify,
}
