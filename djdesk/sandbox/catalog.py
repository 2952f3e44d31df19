"""The sandbox's music world: artists, albums, tracks and demo playlists, all drawn from one seed.

Each track exists once and is seen through every provider (Spotify id, Deezer id, MBID,
ReccoBeats UUID), with the traps real data has built in on purpose: Deezer ``bpm`` 0, partial
ReccoBeats coverage, double-time tempos, relative-key swaps, missing and shared ISRCs,
near-identical versions (remix, radio/extended edit, live, remaster), covers and karaoke that
rank high in search, featuring-artist spelling variants, non-Latin names,
local and unavailable Spotify entries.
The same seed always gives the same catalog (one ``random.Random``, drawn in a fixed order).
"""

from __future__ import annotations

import random

from djdesk.sandbox import names
from djdesk.sandbox.records import (
    Album,
    Artist,
    DeezerPlaylist,
    DemoPlaylist,
    SpotifyPlaylist,
    Track,
)

#: Spotify entry codes in ``SpotifyPlaylist.entries`` besides track keys.
NULL_ITEM = -1
LOCAL_ITEM = -2

VERSIONS = {
    "remix": ("Remix", 1.15),
    "radio_edit": ("Radio Edit", 0.72),
    "extended": ("Extended Mix", 1.55),
    "live": ("Live", 1.08),
    "remaster": ("Remastered 2015", 1.0),
}
FEAT_STYLES = ("feat.", "ft.", "featuring", "&", "with")
DEMO_SIZES = (25, 200, 1000, 10000)
#: Share of a demo crate drawn from tracks ReccoBeats covers (the catalog as a whole: ~60 %).
CRATE_COVERED = 0.95

__all__ = [
    "CRATE_COVERED",
    "DEMO_SIZES",
    "LOCAL_ITEM",
    "NULL_ITEM",
    "Album",
    "Artist",
    "Catalog",
    "DeezerPlaylist",
    "DemoPlaylist",
    "SpotifyPlaylist",
    "Track",
]


class Catalog:
    """Everything the sandbox serves, built eagerly (well under a second for ~11k tracks)."""

    USER_ID = "djdesk-demo"
    USER_NAME = "DJDesk Demo"
    OTHER_USER_ID = "radio-curator"

    def __init__(self, seed: int = 1, *, n_tracks: int = 10_500) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.artists: list[Artist] = []
        self.albums: list[Album] = []
        self.tracks: list[Track] = []
        self.spotify_playlists: dict[str, SpotifyPlaylist] = {}
        self.deezer_playlists: dict[int, DeezerPlaylist] = {}
        self._build_artists(max(60, n_tracks // 7))
        self._build_originals(n_tracks)
        self._build_versions()
        self._build_covers_and_karaoke()
        self._build_similar()
        self._index()
        self._build_playlists()

    # ------------------------------------------------------------------ building
    def _build_artists(self, count: int) -> None:
        rng = self.rng
        genres = list(names.GENRES)
        non_latin = list(names.NON_LATIN_ARTISTS)
        seen: set[str] = set()
        for key in range(count):
            if non_latin and rng.random() < 0.03:
                name, sort, country = non_latin.pop(0)
            else:
                name = names.band_name(rng)
                while name in seen:
                    name = f"{names.band_name(rng)}"
                    if name in seen:
                        name = f"{name} {rng.randrange(2, 99)}"
                sort, country = names.sort_name(name), rng.choice(names.COUNTRIES)
            seen.add(name)
            listeners = int(rng.paretovariate(1.2) * 3_000)
            self.artists.append(
                Artist(
                    key=key,
                    name=name,
                    sort_name=sort,
                    country=country,
                    genre=rng.choice(genres),
                    spotify_id=names.base62_id(rng),
                    deezer_id=rng.randrange(1_000, 90_000_000),
                    mbid=names.uuid4(rng),
                    rb_uuid=names.uuid4(rng),
                    listeners=listeners,
                    playcount=listeners * rng.randrange(5, 40),
                    kind="Person" if "," in sort else "Group",
                )
            )

    def _new_album(self, artist: Artist, album_type: str, title: str, year: int) -> Album:
        rng = self.rng
        album = Album(
            key=len(self.albums),
            title=title,
            artist=artist.key,
            album_type=album_type,
            release_date=f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            spotify_id=names.base62_id(rng),
            deezer_id=rng.randrange(100_000, 900_000_000),
            mbid=names.uuid4(rng),
            rg_mbid=names.uuid4(rng),
            upc=f"{rng.randrange(10**11, 10**12)}",
            label=rng.choice(names.LABELS),
            genre=artist.genre,
        )
        self.albums.append(album)
        return album

    def _new_track(
        self,
        album: Album,
        artists: list[int],
        title: str,
        *,
        kind: str = "original",
        version: str = "",
        base: Track | None = None,
        duration_factor: float = 1.0,
    ) -> Track:
        rng = self.rng
        genre = self.artists[artists[0]].genre
        bpm_mean, bpm_sd, energy_mean, tags = names.GENRES[genre]
        year = int(album.release_date[:4])
        if base is None:
            tempo = round(max(60.0, rng.gauss(bpm_mean, bpm_sd)), 3)
            key_pc, mode = rng.randrange(12), 1 if rng.random() < 0.58 else 0
            duration = int(max(95_000, rng.gauss(215_000, 45_000)))
            energy = min(1.0, max(0.02, rng.gauss(energy_mean, 0.12)))
        else:
            tempo, key_pc, mode = base.tempo, base.key_pc, base.mode
            duration = int(base.duration_ms * duration_factor) + rng.randrange(-3000, 3000)
            energy = min(1.0, max(0.02, base.energy + rng.gauss(0, 0.05)))
        # ReccoBeats' view: double-time tempos and relative major/minor swaps, as observed.
        rb_tempo, rb_key, rb_mode = tempo, key_pc, mode
        roll = rng.random()
        if roll < 0.08:
            rb_tempo = round(tempo * 2 if tempo < 100 else tempo / 2, 3)
        elif roll < 0.18:
            rb_key, rb_mode = ((key_pc + 9) % 12, 0) if mode == 1 else ((key_pc + 3) % 12, 1)
        rank = int(min(950_000, rng.paretovariate(1.1) * 60_000))
        if kind == "karaoke" and base is not None:
            # The trap: karaoke outranks the original it copies in search results.
            rank = min(999_999, base.rank + 5_000 + rng.randrange(40_000))
        listeners = max(0, int(rank * rng.uniform(0.3, 1.5)))
        country = self.artists[artists[0]].country
        track = Track(
            key=len(self.tracks),
            title=title,
            version=version,
            kind=kind,
            artists=artists,
            feat_style=rng.choice(FEAT_STYLES),
            album=album.key,
            track_number=len(album.tracks) + 1,
            duration_ms=duration,
            isrc=names.isrc(rng, country if country.isalpha() else "US", year),
            spotify_id=names.base62_id(rng),
            deezer_id=rng.randrange(1_000_000, 3_500_000_000),
            mbid=names.uuid4(rng) if rng.random() < 0.85 else None,
            rb_uuid=names.uuid4(rng) if rng.random() < 0.6 else None,
            explicit=rng.random() < 0.12,
            genre=genre,
            tempo=tempo,
            key_pc=key_pc,
            mode=mode,
            energy=round(energy, 3),
            danceability=round(min(1.0, max(0.05, rng.gauss(0.65, 0.13))), 3),
            valence=round(rng.random(), 3),
            acousticness=round(rng.random() ** 3, 5),
            instrumentalness=round(rng.random() ** 4, 6) if rng.random() < 0.6 else 0.0,
            liveness=round(0.05 + rng.random() * 0.3, 4),
            speechiness=round(0.025 + rng.random() ** 3 * 0.3, 4),
            loudness=round(-14 + energy * 10 + rng.gauss(0, 1), 3),
            deezer_bpm=0 if rng.random() < 0.45 else round(tempo, 1),
            deezer_release_date="1900-01-01" if rng.random() < 0.06 else album.release_date,
            rb_tempo=rb_tempo,
            rb_key=rb_key,
            rb_mode=rb_mode,
            rank=rank,
            listeners=listeners,
            playcount=listeners * rng.randrange(3, 12),
            tags=list(rng.sample(tags, k=min(len(tags), 3))) + ["seen live"] * (rng.random() < 0.1),
            spotify_isrc_missing=rng.random() < 0.03,
            deezer_embed_missing=rng.random() < 0.05,
            readable=rng.random() > 0.03,
            in_lastfm=rng.random() < 0.92,
            version_of=base.key if base else None,
        )
        self.tracks.append(track)
        album.tracks.append(track.key)
        return track

    def _build_originals(self, target: int) -> None:
        rng = self.rng
        n_versions = int(target * 0.12)
        n_extra = n_versions + 2 * 40  # versions + covers + karaoke
        goal = max(50, target - n_extra)
        while len(self.tracks) < goal:
            for artist in self.artists:
                if len(self.tracks) >= goal:
                    break
                album_type = rng.choices(("album", "single"), (0.45, 0.55))[0]
                year = rng.randrange(1975, 2026)
                title = names.album_title(rng)
                album = self._new_album(artist, album_type, title, year)
                for i in range(1 if album_type == "single" else rng.randrange(6, 13)):
                    feats = [artist.key]
                    if rng.random() < 0.15:
                        feats.append(rng.randrange(len(self.artists)))
                    song = title if (album_type == "single" and i == 0) else names.song_title(rng)
                    self._new_track(album, feats, song)

    def _build_versions(self) -> None:
        rng = self.rng
        originals = [t for t in self.tracks if t.kind == "original"]
        for base in rng.sample(originals, k=int(len(originals) * 0.13)):
            kind = rng.choice(list(VERSIONS))
            label, factor = VERSIONS[kind]
            artist = self.artists[base.artists[0]]
            year = min(2026, int(self.albums[base.album].release_date[:4]) + rng.randrange(0, 20))
            album = self._new_album(artist, "single", f"{base.title} ({label})", year)
            t = self._new_track(
                album,
                list(base.artists),
                base.title,
                kind=kind,
                version=label,
                base=base,
                duration_factor=factor,
            )
            if kind == "remaster" and rng.random() < 0.5:
                t.isrc = base.isrc  # several records sharing one ISRC, as on real services

    def _build_covers_and_karaoke(self) -> None:
        rng = self.rng
        popular = sorted((t for t in self.tracks if t.kind == "original"), key=lambda t: -t.rank)[
            :40
        ]
        karaoke_artist = Artist(
            key=len(self.artists),
            name="Karaoke Hits Band",
            sort_name="Karaoke Hits Band",
            country="GB",
            genre="pop",
            spotify_id=names.base62_id(rng),
            deezer_id=rng.randrange(1_000, 90_000_000),
            mbid=names.uuid4(rng),
            rb_uuid=names.uuid4(rng),
            listeners=900,
            playcount=4_000,
        )
        self.artists.append(karaoke_artist)
        k_album = self._new_album(karaoke_artist, "compilation", "Karaoke Party Hits", 2019)
        for base in popular:
            coverer = self.artists[rng.randrange(len(self.artists))]
            c_album = self._new_album(coverer, "single", base.title, 2021)
            self._new_track(c_album, [coverer.key], base.title, kind="cover", base=base)
            self._new_track(
                k_album,
                [karaoke_artist.key],
                base.title,
                kind="karaoke",
                version="Karaoke Version",
                base=base,
                duration_factor=1.02,
            )

    def _build_similar(self) -> None:
        """Genre pools only; the neighbours themselves are drawn on first use (see below)."""
        self._tracks_by_genre: dict[str, list[int]] = {}
        for t in self.tracks:
            self._tracks_by_genre.setdefault(t.genre, []).append(t.key)
        self._artists_by_genre: dict[str, list[int]] = {}
        for a in self.artists:
            self._artists_by_genre.setdefault(a.genre, []).append(a.key)

    def similar_tracks(self, t: Track) -> list[int]:
        """Up to 10 same-genre neighbours, drawn from (seed, track): order of use is irrelevant."""
        if not t.similar:
            rng = random.Random(f"{self.seed}:similar:{t.key}")
            pool = self._tracks_by_genre[t.genre]
            t.similar = [k for k in rng.sample(pool, k=min(12, len(pool))) if k != t.key][:10]
        return t.similar

    def similar_artists(self, a: Artist) -> list[int]:
        if not a.similar:
            rng = random.Random(f"{self.seed}:similar-artist:{a.key}")
            pool = self._artists_by_genre[a.genre]
            a.similar = [k for k in rng.sample(pool, k=min(6, len(pool))) if k != a.key][:5]
        return a.similar

    def _index(self) -> None:
        self.by_spotify = {t.spotify_id: t for t in self.tracks}
        self.by_deezer = {t.deezer_id: t for t in self.tracks}
        self.by_rb = {t.rb_uuid: t for t in self.tracks if t.rb_uuid}
        self.by_mbid = {t.mbid: t for t in self.tracks if t.mbid}
        self.by_isrc: dict[str, list[Track]] = {}
        for t in self.tracks:
            self.by_isrc.setdefault(t.isrc, []).append(t)
        self.albums_by_deezer = {a.deezer_id: a for a in self.albums}
        self.albums_by_spotify = {a.spotify_id: a for a in self.albums}
        self.albums_by_rb = {a.mbid: a for a in self.albums}
        self.artists_by_rb = {a.rb_uuid: a for a in self.artists}
        self.artists_by_name = {a.name.casefold(): a for a in self.artists}

    def _crate(self, size: int) -> list[int]:
        """A DJ's crate: popular tracks, which ReccoBeats covers far better than the long tail.

        ``CRATE_COVERED`` of the crate comes from the tracks ReccoBeats knows, the rest from the
        ones it does not (so the no-coverage trap stays in every crate), shuffled together;
        the whole catalog keeps its partial coverage. See docs/SANDBOX.md "Demo crates".
        """
        rng = self.rng
        covered = [t.key for t in self.tracks if t.rb_uuid]
        tail = [t.key for t in self.tracks if not t.rb_uuid]
        size = min(size, len(self.tracks))
        n_covered = min(len(covered), max(0, size - len(tail), round(size * CRATE_COVERED)))
        picked = rng.sample(covered, k=n_covered) + rng.sample(tail, k=size - n_covered)
        rng.shuffle(picked)
        return picked

    def _build_playlists(self) -> None:
        rng = self.rng
        keys = [t.key for t in self.tracks]
        for size in DEMO_SIZES:
            picked = self._crate(size)
            entries = list(picked)
            if size >= 200:  # local files and removed tracks keep their positions
                for pos in rng.sample(range(len(entries)), k=max(2, size // 100)):
                    entries[pos] = rng.choice((NULL_ITEM, LOCAL_ITEM))
            pid = names.base62_id(rng)
            self.spotify_playlists[pid] = SpotifyPlaylist(
                id=pid,
                name=f"Demo crate {size:,}",
                owned=True,
                collaborative=size == 200,
                owner_id=self.USER_ID,
                owner_name=self.USER_NAME,
                entries=entries,
                snapshot_id=names.base62_id(rng, 32),
            )
            did = rng.randrange(1_000_000_000, 13_000_000_000)
            self.deezer_playlists[did] = DeezerPlaylist(
                id=did,
                title=f"Demo crate {size:,}",
                entries=self._crate(size),
                checksum=f"{rng.getrandbits(128):032x}",
                creator_id=rng.randrange(10**6, 10**9),
                creator_name="DJDesk Demo",
            )
        for size, name in ((50, "Radio Curator Picks"), (200, "Festival Warmup (followed)")):
            pid = names.base62_id(rng)
            self.spotify_playlists[pid] = SpotifyPlaylist(
                id=pid,
                name=name,
                owned=False,
                collaborative=False,
                owner_id=self.OTHER_USER_ID,
                owner_name="Radio Curator",
                entries=rng.sample(keys, k=size),
                snapshot_id=names.base62_id(rng, 32),
            )

    # ------------------------------------------------------------------ queries
    def demo_playlists(self) -> list[DemoPlaylist]:
        out = [
            DemoPlaylist(
                "spotify",
                p.id,
                p.name,
                len(p.entries),
                p.owned,
                f"https://open.spotify.com/playlist/{p.id}",
            )
            for p in self.spotify_playlists.values()
        ]
        out += [
            DemoPlaylist(
                "deezer",
                str(p.id),
                p.title,
                len(p.entries),
                True,
                f"https://www.deezer.com/playlist/{p.id}",
            )
            for p in self.deezer_playlists.values()
        ]
        return out

    def artist_credit(self, track: Track) -> str:
        """The display artist with the track's own featuring spelling ("A ft. B")."""
        names_ = [self.artists[a].name for a in track.artists]
        if len(names_) == 1:
            return names_[0]
        return f"{names_[0]} {track.feat_style} {', '.join(names_[1:])}"

    def feat_suffix(self, track: Track) -> str:
        if len(track.artists) < 2:
            return ""
        return f" (feat. {', '.join(self.artists[a].name for a in track.artists[1:])})"
