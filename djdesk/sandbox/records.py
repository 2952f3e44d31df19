"""The catalog's records: artists, albums, tracks and playlists, one dataclass each.

Fields are the truth every provider view is drawn from; provider-specific quirks (Deezer's
``bpm`` 0, ReccoBeats' tempo and key) are stored next to the truth rather than computed per
request, so every request for the same thing answers the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Artist:
    key: int
    name: str
    sort_name: str
    country: str
    genre: str
    spotify_id: str
    deezer_id: int
    mbid: str
    rb_uuid: str
    listeners: int
    playcount: int
    kind: str = "Group"
    similar: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Album:
    key: int
    title: str
    artist: int
    album_type: str  # album | single | compilation
    release_date: str
    spotify_id: str
    deezer_id: int
    mbid: str
    rg_mbid: str
    upc: str
    label: str
    genre: str
    tracks: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Track:
    key: int
    title: str  # base title, without version or featuring
    version: str  # "" or e.g. "Radio Edit"
    kind: str  # original | remix | radio_edit | extended | live | remaster | cover | karaoke
    artists: list[int]  # main first, then featured
    feat_style: str
    album: int
    track_number: int
    duration_ms: int
    isrc: str
    spotify_id: str
    deezer_id: int
    mbid: str | None  # None: not in MusicBrainz
    rb_uuid: str | None  # None: ReccoBeats does not know it
    explicit: bool
    genre: str
    tempo: float
    key_pc: int
    mode: int
    energy: float
    danceability: float
    valence: float
    acousticness: float
    instrumentalness: float
    liveness: float
    speechiness: float
    loudness: float
    deezer_bpm: float  # 0 means unknown, as Deezer serves it
    deezer_release_date: str  # may be the 1900-01-01 placeholder
    rb_tempo: float
    rb_key: int
    rb_mode: int
    rank: int
    listeners: int
    playcount: int
    tags: list[str]
    spotify_isrc_missing: bool = False
    deezer_embed_missing: bool = False
    readable: bool = True
    in_lastfm: bool = True
    version_of: int | None = None
    similar: list[int] = field(default_factory=list)


@dataclass(slots=True)
class SpotifyPlaylist:
    id: str
    name: str
    owned: bool
    collaborative: bool
    owner_id: str
    owner_name: str
    entries: list[int]
    snapshot_id: str


@dataclass(slots=True)
class DeezerPlaylist:
    id: int
    title: str
    entries: list[int]
    checksum: str
    creator_id: int
    creator_name: str


@dataclass(frozen=True, slots=True)
class DemoPlaylist:
    """One line of ``djdesk sandbox --list``."""

    service: str
    id: str
    name: str
    size: int
    owned: bool
    url: str
