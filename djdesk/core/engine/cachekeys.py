"""Cache namespaces and keys for every provider answer the engine stores, in one place.

The plan looks keys up before any call and the fetchers write under the same keys, so both
must build them identically: names are folded (case, accents, punctuation) so "Daft Punk" and
"daft punk" share one entry, and a search key carries every parameter that shapes the answer.
"""

from __future__ import annotations

from djdesk.core.engine.text import fold_text

DEEZER_TRACK = "deezer.track"
DEEZER_SEARCH = "deezer.search"
DEEZER_PLAYLIST = "deezer.playlist"
DEEZER_ALBUM = "deezer.album"
MB_SEARCH = "musicbrainz.search"
MB_RECORDING = "musicbrainz.recording"
LASTFM_TRACK = "lastfm.track"
LASTFM_ARTIST = "lastfm.artist"
LASTFM_SIMILAR = "lastfm.similar"
RB_FEATURES = "reccobeats.features"
RB_MAP_SPOTIFY = "reccobeats.idmap.spotify"
RB_MAP_RECCOBEATS = "reccobeats.idmap.reccobeats"
RB_SEARCH = "reccobeats.search"
SPOTIFY_PLAYLIST = "spotify.playlist"
SPOTIFY_ITEMS = "spotify.playlist_items"
SPOTIFY_TRACK = "spotify.track"


def provider_of(namespace: str) -> str:
    return namespace.split(".", 1)[0]


def deezer_id(track_id: str | int) -> str:
    return f"id:{track_id}"


def deezer_isrc(isrc: str) -> str:
    return f"isrc:{isrc.strip().upper()}"


def _dur_s(duration_ms: int | None) -> int:
    return round(duration_ms / 1000) if duration_ms else 0


def search(artist: str, title: str, duration_ms: int | None = None) -> str:
    """Deezer and MusicBrainz searches: folded artist and title, duration in whole seconds."""
    return f"{fold_text(artist)}|{fold_text(title)}|{_dur_s(duration_ms)}"


def lastfm_track(artist: str, title: str) -> str:
    return f"{fold_text(artist)}|{fold_text(title)}"


def lastfm_artist(artist: str) -> str:
    return fold_text(artist)


def rb_id(reccobeats_id: str) -> str:
    """Features read by a ReccoBeats UUID (a pin), beside those read by Spotify id."""
    return f"rb:{reccobeats_id.strip().lower()}"


def rb_search(text: str) -> str:
    return " ".join(text.casefold().split())


def spotify_items(playlist_id: str, snapshot_id: str | None) -> str:
    return f"{playlist_id}:{snapshot_id or '-'}"
