"""A library playlist enriched the way the engine does it, from real recorded provider bodies.

The provider bodies in shared/api-samples are parsed by the real parsers, turned into step
outcomes and fused by the engine's ``assemble``, so the stored fields have exactly the shape a
real run leaves (key as a dict of notations, provenance per field).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from djdesk.core.engine.assemble import assemble
from djdesk.core.engine.work import StepOutcome
from djdesk.core.library import EntryInput, Library, PlaylistInput, TrackInput
from djdesk.core.providers import deezer, lastfm, reccobeats

NOW = 1_790_000_000.0
#: Not a provider body: a name built to break naive writers (quotes, <, &, accents, a control
#: character and a line break).
HOSTILE_TITLE = 'Café "Déjà" <Vu> & Friends\x01\nPart 2'


def _load(root: Path, rel: str) -> Any:
    return json.loads((root / rel).read_text(encoding="utf-8"))


def _deezer_outcome(t: deezer.DeezerTrack) -> StepOutcome:
    readings = {"bpm": t.bpm, "gain": t.gain, "rank": t.rank, "release_date": t.release_date}
    return StepOutcome("deezer", found=True, readings=readings)


def _features_outcome(f: reccobeats.ReccoBeatsFeatures) -> StepOutcome:
    names = ("tempo", "key", "mode", "energy", "danceability", "valence", "acousticness")
    names += ("instrumentalness", "liveness", "speechiness", "loudness")
    return StepOutcome("reccobeats", found=True, readings={n: getattr(f, n) for n in names})


@pytest.fixture
def real_tmp(tmp_path: Path) -> Path:
    """``tmp_path`` with symlinks resolved, as the exports write placeholder folders."""
    return tmp_path.resolve()


@dataclass
class Crate:
    library: Library
    playlist_id: int
    track_ids: list[int]


async def fill_crate(library: Library, api_samples: Path) -> tuple[int, list[int]]:
    """Import the test playlist into ``library``; returns (playlist id, the 4 track ids)."""
    maneater = deezer.parse_track(_load(api_samples, "deezer/track_detail_541999.json"))
    nightvision = deezer.parse_track(_load(api_samples, "deezer/track_isrc_GBDUW0000061.json"))
    lights = reccobeats.parse_content(
        _load(api_samples, "reccobeats/audio_features_batch_spotify_id_blinding_lights.json"),
        reccobeats.parse_features,
    )[0]
    quiet = reccobeats.parse_content(
        _load(api_samples, "reccobeats/audio_features_batch_spotify_id_nothing_new.json"),
        reccobeats.parse_features,
    )[0]
    believe = lastfm.parse_track_info(_load(api_samples, "lastfm/track_getInfo_cher_believe.json"))

    m = maneater.to_record()
    # The ReccoBeats features body has no title, album or duration, and Cher's Last.fm body
    # no Deezer id: those few identity values are set here; every measured value is parsed.
    inputs: list[tuple[TrackInput | None, dict[str, StepOutcome]]] = [
        (
            TrackInput(
                ids={"deezer": m.id or "", "isrc": m.isrc or ""},
                title=m.title,
                artists=m.artists,
                album=m.album,
                duration_ms=m.duration_ms,
            ),
            {"deezer": _deezer_outcome(maneater)},
        ),
        (
            TrackInput(
                ids={"spotify": lights.spotify_id or "", "isrc": lights.isrc or ""},
                title="Blinding Lights",
                artists=("The Weeknd",),
                album="After Hours",
                duration_ms=200040,
            ),
            {"reccobeats": _features_outcome(lights)},
        ),
        (
            TrackInput(
                ids={"deezer": "3130000"},
                title=believe.name,
                artists=(believe.artist,),
                duration_ms=believe.duration_ms,
            ),
            {"lastfm": StepOutcome("lastfm", found=True, readings={"tags": list(believe.tags)})},
        ),
        (
            TrackInput(
                ids={"deezer": str(nightvision.id), "spotify": quiet.spotify_id or ""},
                title=HOSTILE_TITLE,
                artists=("Sigur Rós", "Ólafur Arnalds"),
                album="Ágætis byrjun",
                duration_ms=nightvision.duration_ms,
            ),
            {"deezer": _deezer_outcome(nightvision), "reccobeats": _features_outcome(quiet)},
        ),
    ]
    entries = [
        EntryInput(track=t, source={"input": "test", "position": i})
        for i, (t, _o) in enumerate(inputs)
    ]
    entries.append(EntryInput(track=None, source={"input": "test", "position": 4}, local=True))
    entries.append(EntryInput(track=inputs[1][0], source={"input": "test", "position": 5}))

    imported = await library.import_playlist(
        PlaylistInput("deezer", "908622995", name="Peak / Set: “Été” 2026"), entries
    )
    ids = [i for i in imported.track_ids if i is not None]
    for track_id, (_t, outcomes) in zip(ids, inputs, strict=False):
        fields, outcome = assemble(outcomes, now=NOW)
        await library.set_fields(track_id, fields)
        await library.set_state(track_id, str(outcome.state), missing=outcome.missing)
    return imported.playlist_id, ids[:4]


@pytest.fixture
async def crate(tmp_path: Path, api_samples: Path) -> AsyncIterator[Crate]:
    library = await Library.open(tmp_path / "library.sqlite3")
    try:
        playlist_id, ids = await fill_crate(library, api_samples)
        yield Crate(library, playlist_id, ids)
    finally:
        await library.aclose()
