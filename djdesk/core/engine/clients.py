"""The provider clients the engine calls, bundled so the runtime builds them once."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from djdesk.core.providers.deezer import DeezerClient
from djdesk.core.providers.lastfm import LastfmClient
from djdesk.core.providers.musicbrainz import MusicBrainzClient
from djdesk.core.providers.reccobeats import ReccoBeatsClient
from djdesk.core.providers.spotify import SpotifyClient
from djdesk.core.providers.spotify_auth import SpotifyAuth


@dataclass
class Clients:
    """Every client talks through the orchestrator (their ``httpx`` clients are in ``https``)."""

    spotify: SpotifyClient
    spotify_auth: SpotifyAuth
    deezer: DeezerClient
    musicbrainz: MusicBrainzClient
    lastfm: LastfmClient
    reccobeats: ReccoBeatsClient
    https: list[httpx.AsyncClient] = field(default_factory=list)

    async def aclose(self) -> None:
        for http in self.https:
            await http.aclose()
