"""Turn one track's step outcomes into fields with provenance and a named end state.

Pure: no I/O, no clock (``now`` is passed in). BPM fuses Deezer's ``bpm`` (0 already means
unknown) with ReccoBeats' ``tempo`` folded into the DJ range, genre-aware via Last.fm tags; the
key comes from ReccoBeats in every notation; everything else passes through as measured with
its source. Nothing missing is invented: a missing field stays missing and the state says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from djdesk.core.dj.keys import from_spotify
from djdesk.core.engine.fusion import (
    DJ_FIELDS,
    FieldValue,
    Reading,
    TrackOutcome,
    decide_state,
    fuse_bpm,
    fuse_key,
    measured,
)
from djdesk.core.engine.work import StepOutcome

#: Field name -> (provider, reading name) for the values that pass through unchanged.
PASS_THROUGH: tuple[tuple[str, str, str], ...] = (
    ("energy", "reccobeats", "energy"),
    ("danceability", "reccobeats", "danceability"),
    ("valence", "reccobeats", "valence"),
    ("acousticness", "reccobeats", "acousticness"),
    ("instrumentalness", "reccobeats", "instrumentalness"),
    ("liveness", "reccobeats", "liveness"),
    ("speechiness", "reccobeats", "speechiness"),
    ("loudness", "reccobeats", "loudness"),
    ("gain", "deezer", "gain"),
    ("rank", "deezer", "rank"),
    ("release_date", "deezer", "release_date"),
    ("listeners", "lastfm", "listeners"),
    ("playcount", "lastfm", "playcount"),
    ("tags", "lastfm", "tags"),
)


def _get(outcomes: Mapping[str, StepOutcome], provider: str, name: str) -> Any:
    step = outcomes.get(provider)
    return None if step is None else step.readings.get(name)


def assemble(
    outcomes: Mapping[str, StepOutcome],
    *,
    now: float,
    bpm_min: float = 70.0,
    bpm_max: float = 180.0,
    needed: tuple[str, ...] = DJ_FIELDS,
) -> tuple[dict[str, FieldValue], TrackOutcome]:
    tags = _get(outcomes, "lastfm", "tags") or None
    fields: dict[str, FieldValue] = {}
    bpm = fuse_bpm(
        [
            Reading("deezer", _get(outcomes, "deezer", "bpm"), now),
            Reading("reccobeats", _get(outcomes, "reccobeats", "tempo"), now),
        ],
        bpm_min=bpm_min,
        bpm_max=bpm_max,
        genres=tags,
    )
    if bpm is not None:
        fields["bpm"] = bpm
    key = fuse_key(
        [
            Reading(
                "reccobeats",
                from_spotify(
                    _get(outcomes, "reccobeats", "key"), _get(outcomes, "reccobeats", "mode")
                ),
                now,
            )
        ]
    )
    if key is not None:
        fields["key"] = key
    for name, provider, reading in PASS_THROUGH:
        value = measured(provider, _get(outcomes, provider, reading), fetched_at=now)
        if value is not None:
            fields[name] = value
    failures = [s.failure for s in outcomes.values() if s.failure]
    outcome = decide_state(
        fields,
        needed,
        found=any(s.found for s in outcomes.values()),
        failure="; ".join(failures) or None,
        deferred=any(s.deferred for s in outcomes.values()),
    )
    if outcome.missing and outcome.reason is None:
        # Name which provider had nothing, so the missing-tracks report says why.
        why = [
            f"{s.provider}: {s.skipped or 'no match'}"
            for s in outcomes.values()
            if not s.found and not s.deferred
        ]
        outcome = dataclasses.replace(outcome, reason="; ".join(why) or None)
    return fields, outcome
