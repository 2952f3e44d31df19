"""Deterministic made-up tracks and enrichment results for the in-memory fake services.

The fake exists for tests, screenshots, benchmarks and the window before the engine is wired;
it never touches the network. Everything is derived from a seed so a test sees the same data
every run. Values are plausible (BPM 70-180, Camelot keys, 0..1 audio features) so the views are
exercised the way real data will exercise them.
"""

from __future__ import annotations

import random
import zlib

from djdesk.gui.services import Candidate, FieldValue, SimilarTrack, TrackRow

_ADJ = [
    "Midnight",
    "Velvet",
    "Electric",
    "Golden",
    "Neon",
    "Silent",
    "Broken",
    "Lunar",
    "Crystal",
    "Wild",
    "Hidden",
    "Endless",
    "Burning",
    "Frozen",
    "Distant",
    "Restless",
    "Hollow",
    "Paper",
    "Solar",
    "Marble",
    "Liquid",
    "Violet",
    "Static",
]
_NOUN = [
    "Drive",
    "Horizon",
    "Signal",
    "Garden",
    "Echo",
    "Parade",
    "Mirror",
    "Motion",
    "Harbor",
    "Frequency",
    "Pulse",
    "Avenue",
    "Orbit",
    "Fever",
    "Shadow",
    "Rhythm",
    "Voyage",
    "Skyline",
    "Tide",
    "Machine",
    "Waves",
    "Memory",
    "Current",
    "Station",
]
_FIRST = [
    "Nova",
    "Kid",
    "Lena",
    "Marco",
    "Aya",
    "Theo",
    "Iris",
    "Sol",
    "Juno",
    "Kai",
    "Mira",
    "Otto",
    "Zara",
    "Felix",
    "Noor",
    "Remy",
]
_LAST = [
    "Vega",
    "Lind",
    "Okafor",
    "Santos",
    "Moreau",
    "Novak",
    "Ishikawa",
    "Berg",
    "Castell",
    "Reyes",
    "Dahl",
    "Fontaine",
]
_GROUP = [
    "Collective",
    "Sound",
    "System",
    "Orchestra",
    "Trio",
    "Club",
    "Project",
    "Unit",
    "Brothers",
    "Society",
]
_GENRES = [
    "house",
    "deep-house",
    "techno",
    "tech-house",
    "disco",
    "nu-disco",
    "electronic",
    "funk",
    "soul",
    "hip-hop",
    "afrobeat",
    "drum-and-bass",
    "garage",
    "ambient",
    "synthpop",
    "indie-dance",
    "electro",
    "minimal",
]
PLAYLIST_NAMES = (
    "Warm-up Deep Cuts",
    "Peak Time Techno",
    "Sunday Disco Edits",
    "Afterhours Minimal",
    "Festival Main Stage",
)
_OWNERS = ("dj.aurora", "selector_kai", "Deezer Editors", "night.shift", "spotify")


def _rng(*parts: object) -> random.Random:
    """A stable RNG per (seed, thing): ``hash()`` is salted per process, crc32 is not."""
    return random.Random(zlib.crc32(repr(parts).encode()))


def artist_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if roll < 0.8:
        return f"The {rng.choice(_ADJ)} {rng.choice(_GROUP)}"
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, {rng.choice(_FIRST)} {rng.choice(_LAST)}"


def playlist_meta(seed: int, ref: str) -> tuple[str, str, int]:
    """(name, owner, track count) for a playlist reference."""
    rng = _rng(seed, "playlist", ref)
    return rng.choice(PLAYLIST_NAMES), rng.choice(_OWNERS), rng.randint(40, 140)


def make_tracks(seed: int, ref: str, count: int, first_id: int) -> list[TrackRow]:
    rng = _rng(seed, "tracks", ref)
    rows = []
    for i in range(count):
        title = f"{rng.choice(_ADJ)} {rng.choice(_NOUN)}"
        if rng.random() < 0.25:
            title += f" ({rng.choice(['Extended Mix', 'Radio Edit', 'Dub', 'Remix'])})"
        rows.append(
            TrackRow(
                id=first_id + i,
                position=i + 1,
                title=title,
                artists=artist_name(rng),
                album=f"{rng.choice(_NOUN)} {rng.choice(['EP', 'LP', 'Sessions', 'Vol. 2'])}",
                duration_s=float(rng.randint(150, 480)),
            )
        )
    return rows


def enrichment(
    seed: int, row: TrackRow, now: float
) -> tuple[dict[str, FieldValue], str, tuple[str, ...]]:
    """(fields, state, tags) that the fake providers find for ``row``."""
    rng = _rng(seed, "enrich", row.id)
    fields: dict[str, FieldValue] = {}
    age = now - rng.uniform(0, 30 * 86400) if rng.random() < 0.4 else now

    def put(name: str, value: object, source: str, conf: float = 1.0, est: bool = False) -> None:
        fields[name] = FieldValue(value, source, conf, age, est)

    found_deezer = rng.random() > 0.06
    if found_deezer:
        bpm = round(rng.uniform(92, 132), 1)
        if rng.random() < 0.12:
            put("bpm", 120.0, "default", 0.2, est=True)
        else:
            put("bpm", bpm, "deezer", 0.95)
        put("gain", round(rng.uniform(-14.0, -6.0), 1), "deezer", 0.9)
        put("popularity", rng.randint(50_000, 1_000_000), "deezer", 1.0)  # a Deezer rank
        put("year", rng.randint(1978, 2025), "deezer", 0.9)
    if rng.random() > 0.1:
        put("key", f"{rng.randint(1, 12)}{rng.choice('AB')}", "reccobeats", 0.8)
        put("energy", round(rng.random(), 2), "reccobeats", 0.85)
        put("danceability", round(rng.uniform(0.3, 0.95), 2), "reccobeats", 0.85)
        put("valence", round(rng.random(), 2), "reccobeats", 0.85)
        if "bpm" not in fields:
            put("bpm", round(rng.uniform(95, 128), 1), "reccobeats", 0.6, est=True)
    tags = tuple(rng.sample(_GENRES, rng.randint(1, 4)))
    if rng.random() > 0.15:
        put("genres", ", ".join(tags), "lastfm", 0.7)
        put("listeners", rng.randint(200, 2_500_000), "lastfm", 1.0)
    else:
        tags = ()
    state = "done" if len(fields) >= 8 else ("partial" if fields else "not_found")
    return fields, state, tags


def similar(seed: int, track_id: int) -> tuple[SimilarTrack, ...]:
    rng = _rng(seed, "similar", track_id)
    return tuple(
        SimilarTrack(f"{rng.choice(_ADJ)} {rng.choice(_NOUN)}", artist_name(rng), round(m, 2))
        for m in sorted((rng.uniform(0.2, 1.0) for _ in range(rng.randint(0, 6))), reverse=True)
    )


def candidates(seed: int, row: TrackRow) -> tuple[Candidate, ...]:
    rng = _rng(seed, "candidates", row.id)
    out: list[Candidate] = []
    for provider in ("deezer", "musicbrainz", "reccobeats"):
        scores = sorted((rng.uniform(0.35, 1.0) for _ in range(rng.randint(1, 3))), reverse=True)
        for i, score in enumerate(scores):
            title = row.title if i == 0 else f"{row.title} ({rng.choice(['Live', 'Remaster'])})"
            out.append(
                Candidate(
                    provider=provider,
                    id=str(rng.randint(10_000, 9_999_999)),
                    title=title,
                    artists=row.artists,
                    score=round(score, 2),
                    chosen=i == 0,
                )
            )
    return tuple(out)


def artist_info(seed: int, row: TrackRow) -> str:
    rng = _rng(seed, "artist", row.artists)
    return (
        f"{row.artists} — {rng.randint(2, 900)}k listeners on Last.fm. "
        f"Often tagged {', '.join(rng.sample(_GENRES, 3))}."
    )
