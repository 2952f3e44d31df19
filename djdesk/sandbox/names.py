"""Word lists and id formats the catalog draws from, so fake music looks like real music.

Every function takes the caller's ``random.Random``: the catalog is reproducible only if nothing
here touches global randomness.
"""

from __future__ import annotations

import random
import string

BASE62 = string.digits + string.ascii_letters
_REGISTRANT = string.ascii_uppercase + string.digits

#: Genre -> (BPM mean, BPM spread, energy mean, Last.fm tags): BPM clusters by genre.
GENRES: dict[str, tuple[float, float, float, tuple[str, ...]]] = {
    "house": (124.0, 2.5, 0.75, ("house", "deep house", "electronic", "dance")),
    "techno": (130.0, 4.0, 0.82, ("techno", "electronic", "minimal")),
    "drum and bass": (174.0, 2.0, 0.88, ("drum and bass", "dnb", "jungle", "electronic")),
    "hip-hop": (92.0, 7.0, 0.65, ("hip-hop", "rap", "hip hop")),
    "pop": (116.0, 14.0, 0.66, ("pop", "dance", "female vocalists")),
    "disco": (118.0, 5.0, 0.78, ("disco", "funk", "70s")),
    "reggaeton": (95.0, 3.0, 0.74, ("reggaeton", "latin", "urbano")),
    "dubstep": (140.0, 1.5, 0.86, ("dubstep", "bass", "electronic")),
    "ambient": (88.0, 18.0, 0.22, ("ambient", "chillout", "downtempo")),
    "rock": (126.0, 20.0, 0.72, ("rock", "alternative", "indie")),
    "soul": (100.0, 12.0, 0.5, ("soul", "rnb", "motown")),
    "trance": (138.0, 3.0, 0.84, ("trance", "progressive trance", "electronic")),
}

DEEZER_GENRE_IDS: dict[str, int] = {
    "house": 113,
    "techno": 106,
    "drum and bass": 106,
    "hip-hop": 116,
    "pop": 132,
    "disco": 113,
    "reggaeton": 122,
    "dubstep": 106,
    "ambient": 106,
    "rock": 152,
    "soul": 165,
    "trance": 106,
}

_FIRST = [
    "Neon",
    "Midnight",
    "Velvet",
    "Silver",
    "Golden",
    "Broken",
    "Electric",
    "Hidden",
    "Lost",
    "Crystal",
    "Burning",
    "Quiet",
    "Wild",
    "Endless",
    "Paper",
    "Northern",
    "Solar",
    "Lunar",
    "Cosmic",
    "Urban",
    "Glass",
    "Deep",
    "Crimson",
    "Faded",
    "Sacred",
    "Hollow",
    "Ocean",
    "Desert",
    "Summer",
    "Winter",
    "Blue",
    "Violet",
    "Amber",
    "Iron",
    "Dream",
    "Shadow",
    "Fever",
    "Liquid",
    "Frozen",
]
_SECOND = [
    "Lights",
    "Hearts",
    "Rivers",
    "Nights",
    "Echoes",
    "Waves",
    "Machines",
    "Ghosts",
    "Signals",
    "Horizons",
    "Mirrors",
    "Roads",
    "Gardens",
    "Satellites",
    "Kingdoms",
    "Bridges",
    "Voices",
    "Fires",
    "Stars",
    "Tides",
    "Dancers",
    "Cities",
    "Skies",
    "Lovers",
    "Rhythms",
    "Engines",
    "Storms",
    "Pulses",
    "Visions",
    "Wolves",
    "Birds",
    "Souls",
]
_PERSON_FIRST = [
    "Maya",
    "Leo",
    "Nina",
    "Omar",
    "Jules",
    "Ava",
    "Felix",
    "Zara",
    "Theo",
    "Lina",
    "Marco",
    "Iris",
    "Sami",
    "Elena",
    "Kofi",
    "Noor",
    "Hugo",
    "Ines",
    "Ravi",
    "Clara",
    "Mateo",
    "Yara",
    "Oskar",
    "Lea",
    "Dario",
    "Amara",
    "Tomas",
    "Sofia",
    "Kai",
    "Freya",
]
_PERSON_LAST = [
    "Santos",
    "Berg",
    "Okafor",
    "Laurent",
    "Novak",
    "Reyes",
    "Lindqvist",
    "Moreau",
    "Haddad",
    "Rossi",
    "Kowalski",
    "Tanaka",
    "Fischer",
    "Dubois",
    "Costa",
    "Nguyen",
    "Silva",
    "Jansen",
    "Petrov",
    "Walsh",
    "Romero",
    "Keller",
    "Adeyemi",
    "Marsh",
]
_TITLE_A = [
    "Don't Let Go",
    "Into the Night",
    "Feel It",
    "Higher Ground",
    "Stay With Me",
    "Lose Control",
    "Run Away",
    "Falling",
    "Golden Hour",
    "One More Time",
    "Move Your Body",
    "Heartbeat",
    "Sunrise",
    "After Dark",
    "Paradise",
    "Never Enough",
    "Hold On",
    "Breathe",
    "Satellite",
    "Gravity",
    "Daydream",
    "Wildfire",
    "Electric Love",
    "Mirage",
    "Overdrive",
    "Slow Motion",
    "Ghost Town",
    "Starlight",
    "Wanderlust",
    "Renegade",
    "Echo",
    "Horizon",
    "Sweet Release",
    "Take Me Home",
    "Believe",
    "Cold Water",
    "Fever Dream",
    "Last Dance",
    "Lifeline",
    "Paper Planes",
    "Resonance",
]
_TITLE_B = ("Tonight", "Again", "Forever", "in Blue", "of Mine", "for You", "2.0", "Now", "")

#: Real-world scripts and diacritics: matching must survive them (MusicBrainz has aliases for them).
NON_LATIN_ARTISTS: tuple[tuple[str, str, str], ...] = (
    ("倖田來未", "Koda, Kumi", "JP"),
    ("東方神起", "Tohoshinki", "KR"),
    ("Кино", "Kino", "RU"),
    ("Σωκράτης Μάλαμας", "Malamas, Sokratis", "GR"),
    ("방탄소년단", "BTS", "KR"),
    ("宇多田ヒカル", "Utada, Hikaru", "JP"),
    ("Ólafur Arnalds", "Arnalds, Ólafur", "IS"),
    ("Sigur Rós", "Sigur Rós", "IS"),
    ("Beyoncé", "Beyoncé", "US"),
    ("Mötley Crüe", "Mötley Crüe", "US"),
    ("Zé Ramalho", "Ramalho, Zé", "BR"),
    ("عمرو دياب", "Diab, Amr", "EG"),
)

COUNTRIES = ("US", "GB", "DE", "FR", "NL", "SE", "BR", "JP", "AU", "CA", "ES", "IT", "NG")
LABELS = ("Nightshift Records", "Blue Room Music", "Kinetic Sound", "Aurora Audio", "Deepwater")


def base62_id(rng: random.Random, length: int = 22) -> str:
    """A Spotify-style id: 22 base62 characters."""
    return "".join(rng.choices(BASE62, k=length))


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID drawn from ``rng`` (ReccoBeats ids, MBIDs)."""
    n = rng.getrandbits(128)
    n &= ~(0xC000 << 48)
    n |= 0x8000 << 48
    n &= ~(0xF000 << 64)
    n |= 4 << 76
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def isrc(rng: random.Random, country: str, year: int) -> str:
    """CC-XXX-YY-NNNNN without dashes, as every API serves it."""
    registrant = "".join(rng.choices(_REGISTRANT, k=3))
    return f"{country}{registrant}{year % 100:02d}{rng.randrange(100000):05d}"


def band_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return f"{rng.choice(_PERSON_FIRST)} {rng.choice(_PERSON_LAST)}"
    if roll < 0.75:
        return f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"
    if roll < 0.9:
        return f"The {rng.choice(_SECOND)}"
    return f"DJ {rng.choice(_FIRST)}"


def song_title(rng: random.Random) -> str:
    a = rng.choice(_TITLE_A)
    b = rng.choice(_TITLE_B) if rng.random() < 0.35 else ""
    return f"{a} {b}".strip()


def album_title(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"


def sort_name(name: str) -> str:
    """MusicBrainz-style sort name: "Last, First" for two-word person-like names."""
    parts = name.split()
    if len(parts) == 2 and parts[0] in _PERSON_FIRST:
        return f"{parts[1]}, {parts[0]}"
    if name.startswith("The "):
        return f"{name[4:]}, The"
    return name
