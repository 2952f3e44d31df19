"""Names and small value types shared across the core (providers, priorities, references)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: Every outbound endpoint DJDesk knows, by the name used in settings and ``DJDESK_ENDPOINTS``.
PROVIDERS: tuple[str, ...] = (
    "spotify",
    "spotify_accounts",
    "deezer",
    "musicbrainz",
    "lastfm",
    "reccobeats",
)

#: The real base URLs; settings and ``DJDESK_ENDPOINTS`` may point them elsewhere (the sandbox).
DEFAULT_ENDPOINTS: dict[str, str] = {
    "spotify": "https://api.spotify.com/v1",
    "spotify_accounts": "https://accounts.spotify.com",
    "deezer": "https://api.deezer.com",
    "musicbrainz": "https://musicbrainz.org/ws/2",
    "lastfm": "https://ws.audioscrobbler.com/2.0",
    "reccobeats": "https://api.reccobeats.com/v1",
}


class Priority(enum.IntEnum):
    """Lower runs first: a click beats background enrichment, which beats prefetch."""

    INTERACTIVE = 0
    BACKGROUND = 1
    PREFETCH = 2


class Service(enum.StrEnum):
    """Where a playlist or track link comes from."""

    SPOTIFY = "spotify"
    DEEZER = "deezer"
    CSV = "csv"


class RefKind(enum.StrEnum):
    PLAYLIST = "playlist"
    ALBUM = "album"
    TRACK = "track"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What a pasted link or dropped file points at, after parsing (see ``core.urls``)."""

    service: Service
    kind: RefKind
    id: str

    @property
    def uri(self) -> str:
        return f"{self.service}:{self.kind}:{self.id}"
