"""Field fusion and provenance: provider readings become one value a DJ can trust, or say why not.

Providers are hints, not truth (apis.md): Deezer's ``bpm`` is often 0, ReccoBeats tempos can be
double-time and its keys swapped with their relative major/minor. So BPM readings are compared
after folding half/double-time, agreement raises confidence, disagreement lowers it and is
flagged in ``note``/``flags`` instead of hidden, and a default is always marked ``kind="default"``
so it can never pass for a measurement. ``decide_state`` names how each track ended.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from djdesk.core.dj.keys import Key, format_key, is_relative_swap, parse_key
from djdesk.core.dj.tempo import (
    DEFAULT_TOLERANCE,
    dj_range,
    fold,
    genre_range,
    octave_of,
    relation,
)

Kind = Literal["measured", "fused", "estimated", "default"]
KINDS: tuple[Kind, ...] = ("measured", "fused", "estimated", "default")

#: How much one provider's BPM is worth on its own. Deezer's non-zero bpm is usually right;
#: ReccoBeats is often double-time (apis.md).
BPM_CONFIDENCE: Mapping[str, float] = {"user": 1.0, "deezer": 0.75, "reccobeats": 0.6}
#: ReccoBeats keys are sometimes the relative major/minor.
KEY_CONFIDENCE: Mapping[str, float] = {"user": 1.0, "reccobeats": 0.6}
#: Pass-through fields (energy, genres, label, release date, ...).
SOURCE_CONFIDENCE: Mapping[str, float] = {
    "user": 1.0,
    "spotify": 0.9,
    "deezer": 0.85,
    "musicbrainz": 0.85,
    "reccobeats": 0.7,
    "lastfm": 0.6,
    "analysis": 0.5,
}
FALLBACK_CONFIDENCE = 0.5
_MAX_FUSED = 0.97


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One enrichment field with its provenance, as stored per track in the library."""

    value: Any
    source: str
    confidence: float
    kind: Kind
    fetched_at: float | None = None
    note: str | None = None
    #: Machine-readable marks: "folded", "disagree", "relative_swap".
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence!r} is outside 0..1")

    @property
    def is_default(self) -> bool:
        return self.kind == "default"

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Key):
            value = {
                "pitch_class": value.pitch_class,
                "mode": value.mode,
                "classic": format_key(*value, "classic"),
                "camelot": format_key(*value, "camelot"),
                "open_key": format_key(*value, "open_key"),
            }
        out: dict[str, Any] = {
            "value": value,
            "source": self.source,
            "confidence": round(self.confidence, 3),
            "kind": self.kind,
            "fetched_at": self.fetched_at,
        }
        if self.note:
            out["note"] = self.note
        if self.flags:
            out["flags"] = list(self.flags)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldValue:
        value = data.get("value")
        if isinstance(value, Mapping) and "pitch_class" in value and "mode" in value:
            value = Key(int(value["pitch_class"]), int(value["mode"]))
        return cls(
            value=value,
            source=str(data["source"]),
            confidence=float(data["confidence"]),
            kind=data["kind"],
            fetched_at=data.get("fetched_at"),
            note=data.get("note"),
            flags=tuple(data.get("flags", ())),
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """One provider's raw value for a field, before fusion. ``confidence`` overrides the table."""

    source: str
    value: Any
    fetched_at: float | None = None
    confidence: float | None = None


# --- pass-through, estimates and defaults ------------------------------------------------------


def measured(
    source: str,
    value: Any,
    *,
    fetched_at: float | None = None,
    confidence: float | None = None,
    note: str | None = None,
) -> FieldValue | None:
    """A provider's value as is; None stays missing (never turned into a default here)."""
    if value is None or value == "" or value == [] or value == ():
        return None
    conf = confidence if confidence is not None else _conf(SOURCE_CONFIDENCE, source)
    return FieldValue(value, source, conf, "measured", fetched_at, note)


def estimated(
    source: str,
    value: Any,
    *,
    confidence: float = 0.4,
    fetched_at: float | None = None,
    note: str | None = None,
) -> FieldValue | None:
    """A value we computed (preview analysis, derived energy): shown, but marked as a guess."""
    if value is None:
        return None
    return FieldValue(value, source, confidence, "estimated", fetched_at, note)


def default(value: Any, *, note: str = "no source had this; default value") -> FieldValue:
    """A placeholder, explicitly flagged: confidence 0, kind "default", source "default"."""
    return FieldValue(value, "default", 0.0, "default", None, note)


_KIND_RANK = {"fused": 3, "measured": 3, "estimated": 1, "default": 0}


def prefer(*values: FieldValue | None) -> FieldValue | None:
    """The most trustworthy of several values: measured/fused over estimated over default."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return max(present, key=lambda v: (_KIND_RANK[v.kind], v.confidence))


# --- BPM -----------------------------------------------------------------------------------------


def clean_bpm(raw: Any) -> float | None:
    """A usable tempo or None: Deezer's 0, negatives, NaN, booleans and junk are "unknown"."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        bpm = float(raw)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(bpm) or bpm < 20 or bpm > 400:
        return None
    return bpm


def _conf(table: Mapping[str, float], source: str, override: float | None = None) -> float:
    return override if override is not None else table.get(source, FALLBACK_CONFIDENCE)


def _combine(confidences: Iterable[float]) -> float:
    """Independent agreeing sources: 1 - Π(1 - c), capped below certainty."""
    doubt = 1.0
    for c in confidences:
        doubt *= 1.0 - c
    return min(_MAX_FUSED, 1.0 - doubt)


def _latest(readings: Iterable[Reading]) -> float | None:
    stamps = [r.fetched_at for r in readings if r.fetched_at is not None]
    return max(stamps) if stamps else None


def _fmt_bpm(bpm: float) -> str:
    return f"{bpm:.1f}".rstrip("0").rstrip(".")


def fuse_bpm(
    readings: Sequence[Reading],
    *,
    bpm_min: float = 70.0,
    bpm_max: float = 180.0,
    genres: Iterable[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> FieldValue | None:
    """Fuse BPM readings (e.g. Deezer ``bpm`` and ReccoBeats ``tempo``) into one value.

    Readings that agree up to half/double time form a group; the group with the most confidence
    wins. Its value is the confidence-weighted mean, brought to the octave of its most trusted
    reading, then folded into the DJ range (``bpm_min``/``bpm_max``, or the genre's range when a
    genre is known). Returns None when no reading is usable: the caller decides on a default.
    """
    rng = dj_range(bpm_min, bpm_max, genres)
    usable = [
        (r, bpm, _conf(BPM_CONFIDENCE, r.source, r.confidence))
        for r in readings
        if (bpm := clean_bpm(r.value)) is not None
    ]
    if not usable:
        return None
    usable.sort(key=lambda t: -t[2])  # stable: input order breaks confidence ties

    groups = []
    for anchor in usable:
        members = [t for t in usable if relation(anchor[1], t[1], tolerance) is not None]
        groups.append((sum(t[2] for t in members), anchor, members))
    _, anchor, members = max(groups, key=lambda g: g[0])  # first max: most trusted anchor
    outsiders = [t for t in usable if t not in members]

    # Bring every member to the anchor's octave before averaging.
    aligned: list[tuple[float, float]] = []
    octave_notes: list[str] = []
    for r, bpm, conf in members:
        rel = relation(anchor[1], bpm, tolerance)
        factor = {"same": 1.0, "double": 2.0, "half": 0.5}[rel or "same"]
        aligned.append((bpm / factor, conf))
        if rel in ("double", "half"):
            octave_notes.append(f"{r.source} {_fmt_bpm(bpm)} is {rel}-time; folded")
    mean = sum(b * c for b, c in aligned) / sum(c for _, c in aligned)
    value = fold(mean, rng)
    folded = octave_of(value, mean)

    notes: list[str] = []
    flags: list[str] = []
    if folded:
        within = rng.label() if genre_range(genres) else f"{rng.lo:g}-{rng.hi:g}"
        notes.append(f"{folded} into {within}")
    notes += octave_notes
    if folded or octave_notes:
        flags.append("folded")
    if len(members) > 1:
        kind: Kind = "fused"
        confidence = _combine(c for *_, c in members)
        if octave_notes:
            confidence *= 0.9  # they agree on the grid, less on which octave counts
    else:
        kind = "measured"
        confidence = anchor[2] * (0.9 if folded else 1.0)
    if outsiders:
        flags.append("disagree")
        confidence *= 0.5
        theirs = ", ".join(f"{r.source} {_fmt_bpm(b)}" for r, b, _ in outsiders)
        notes.insert(0, f"sources disagree: {anchor[0].source} {_fmt_bpm(anchor[1])} vs {theirs}")
    return FieldValue(
        value=round(value, 2),
        source="+".join(r.source for r, _, _ in members),
        confidence=round(confidence, 3),
        kind=kind,
        fetched_at=_latest(r for r, _, _ in members),
        note="; ".join(notes) or None,
        flags=tuple(flags),
    )


# --- key -----------------------------------------------------------------------------------------


def clean_key(raw: Any) -> Key | None:
    """A Key from a Key, a (pitch_class, mode) pair or any notation text; -1/junk → None."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        return parse_key(raw)
    if isinstance(raw, Sequence) and len(raw) == 2:
        pc, mode = raw
        if isinstance(pc, int) and 0 <= pc <= 11 and mode in (0, 1) and not isinstance(pc, bool):
            return Key(pc, int(mode))
    return None


def _fmt_key(key: Key) -> str:
    return f"{format_key(*key, 'camelot')}/{format_key(*key, 'classic')}"


def fuse_key(readings: Sequence[Reading]) -> FieldValue | None:
    """Fuse key readings (ReccoBeats ``key``/``mode`` via ``keys.from_spotify``, tags, analysis).

    The key with the most summed confidence wins. Agreement fuses; a relative major/minor swap is
    recognised (same Camelot number, so mixing advice barely changes) and flagged with a milder
    confidence cut than an outright disagreement.
    """
    usable = [
        (r, k, _conf(KEY_CONFIDENCE, r.source, r.confidence))
        for r in readings
        if (k := clean_key(r.value)) is not None
    ]
    if not usable:
        return None
    usable.sort(key=lambda t: -t[2])
    totals: dict[Key, float] = {}
    for _, k, c in usable:
        totals[k] = totals.get(k, 0.0) + c
    winner = max(totals, key=lambda k: totals[k])  # dicts keep order: most trusted first on ties
    members = [t for t in usable if t[1] == winner]
    others = [t for t in usable if t[1] != winner]

    if len(members) > 1:
        kind: Kind = "fused"
        confidence = _combine(c for *_, c in members)
    else:
        kind = "measured"
        confidence = members[0][2]
    note = None
    flags: tuple[str, ...] = ()
    if others:
        theirs = ", ".join(f"{_fmt_key(k)} ({r.source})" for r, k, _ in others)
        mine = f"{_fmt_key(winner)} ({'+'.join(r.source for r, _, _ in members)})"
        if all(is_relative_swap(winner, k) for _, k, _ in others):
            confidence *= 0.75
            note = f"relative major/minor swap: {mine} vs {theirs}"
            flags = ("relative_swap",)
        else:
            confidence *= 0.5
            note = f"sources disagree: {mine} vs {theirs}"
            flags = ("disagree",)
    return FieldValue(
        value=winner,
        source="+".join(r.source for r, _, _ in members),
        confidence=round(confidence, 3),
        kind=kind,
        fetched_at=_latest(r for r, _, _ in members),
        note=note,
        flags=flags,
    )


# --- track state ---------------------------------------------------------------------------------

#: What a DJ needs most; a track with all of these is complete.
DJ_FIELDS: tuple[str, ...] = ("bpm", "key", "energy")


class TrackState(enum.StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    DEFERRED = "deferred"


@dataclass(frozen=True, slots=True)
class TrackOutcome:
    state: TrackState
    missing: tuple[str, ...] = ()
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"state": str(self.state), "missing": list(self.missing), "reason": self.reason}


def decide_state(
    fields: Mapping[str, FieldValue | None],
    needed: Iterable[str] = DJ_FIELDS,
    *,
    found: bool = True,
    failure: str | None = None,
    deferred: bool = False,
) -> TrackOutcome:
    """Name how a track ended. A default never counts as having the field.

    ``found``: some provider identified the track. ``failure``: why work stopped (provider down,
    bad response), if it did. ``deferred``: the run's budget left work for a later run.
    Precedence: complete > deferred > partial > failed > not found.
    """
    needed = tuple(dict.fromkeys(needed))
    missing = tuple(
        name for name in needed if (fv := fields.get(name)) is None or fv.kind == "default"
    )
    if not missing:
        return TrackOutcome(TrackState.COMPLETE)
    if deferred:
        return TrackOutcome(TrackState.DEFERRED, missing, "budget: left for a later run")
    have_some = len(missing) < len(needed)
    if have_some:
        return TrackOutcome(TrackState.PARTIAL, missing, failure)
    if failure:
        return TrackOutcome(TrackState.FAILED, missing, failure)
    if not found:
        return TrackOutcome(TrackState.NOT_FOUND, missing, "no provider matched this track")
    return TrackOutcome(TrackState.PARTIAL, missing, "found, but no source had these fields")
