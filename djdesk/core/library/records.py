"""The value types that go in and out of the library: inputs to write, rows to read.

They are frozen dataclasses so a row handed to the GUI or the engine cannot be changed behind
the library's back; JSON-shaped parts (raw input, enrichment documents, evidence) are plain
dicts decoded fresh for every read, so one reader's changes never reach another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

#: Providers whose ids a track can be known by. ISRC is listed but is NOT an identity: several
#: recordings (and several Deezer records) can share one, so it never dedupes on its own.
ID_PROVIDERS: tuple[str, ...] = ("isrc", "spotify", "deezer", "reccobeats", "musicbrainz")

#: Provider ids that identify exactly one track: the same value always means the same track.
#: Order is the precedence used when a track's ids point at different rows.
IDENTITY_PROVIDERS: tuple[str, ...] = ("spotify", "deezer", "reccobeats", "musicbrainz")

#: The named end states of a track (issue 7, "every track ends in a named state").
TRACK_STATES: tuple[str, ...] = (
    "pending",
    "complete",
    "partial",
    "not_found",
    "failed",
    "deferred",
)

#: How a field's value came about; a default is never passed off as measured.
FIELD_KINDS: tuple[str, ...] = ("measured", "fused", "estimated", "default")

JOB_STATES: tuple[str, ...] = ("planned", "running", "paused", "done", "cancelled", "failed")

#: Columns the read side may sort and filter on (generated from the enrichment doc, indexed).
SORT_COLUMNS: tuple[str, ...] = (
    "position",
    "title",
    "duration_ms",
    "bpm",
    "energy",
    "key",
    "year",
    "state",
)


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One enrichment field with its provenance, stored under ``doc[name]``.

    ``fetched_at`` is Unix time; ``None`` lets the library stamp it with its clock.
    """

    value: Any
    source: str
    confidence: float = 1.0
    kind: str = "measured"
    fetched_at: float | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"kind must be one of {FIELD_KINDS}, not {self.kind!r}")

    def to_json(self, now: float) -> dict[str, Any]:
        return {
            "value": self.value,
            "source": self.source,
            "confidence": self.confidence,
            "kind": self.kind,
            "fetched_at": now if self.fetched_at is None else self.fetched_at,
            "note": self.note,
        }


@runtime_checkable
class SupportsToDict(Protocol):
    """The engine's own field type (``engine.fusion.FieldValue``) fits here unchanged."""

    def to_dict(self) -> dict[str, Any]: ...


#: What ``set_fields`` accepts per field: ours, anything with ``to_dict()``, or a plain mapping
#: that already has the stored shape (value, source, confidence, kind, fetched_at, note).
FieldLike = FieldValue | SupportsToDict | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TrackInput:
    """What an importer knows about one track before enrichment.

    ``same_as``: the engine has decided (e.g. same ISRC and title/duration agree) that this is
    an existing track; its ids are attached to that row instead of being looked up.
    """

    ids: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None
    artists: Sequence[str] | None = None
    album: str | None = None
    duration_ms: int | None = None
    same_as: int | None = None


@dataclass(frozen=True, slots=True)
class EntryInput:
    """One position of a playlist: the track plus the raw input it came from.

    ``source`` is the raw input, e.g. ``{"url": ...}`` or the Exportify CSV row (with its
    ``Track URI``). ``track`` may be ``None`` for an entry nothing can be known about.
    """

    track: TrackInput | None
    source: Mapping[str, Any] = field(default_factory=dict)
    local: bool = False
    unavailable: bool = False
    added_at: str | None = None


@dataclass(frozen=True, slots=True)
class PlaylistInput:
    service: str
    service_id: str
    name: str = ""
    owner: str | None = None
    owned: bool = False
    snapshot_id: str | None = None
    url: str | None = None
    track_count: int | None = None


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """``conflicts`` lists ``(provider, value, other_track_id)`` ids left on another track."""

    track_id: int
    created: bool
    conflicts: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    playlist_id: int
    track_ids: tuple[int | None, ...]
    created_tracks: int


@dataclass(frozen=True, slots=True)
class PlaylistSummary:
    id: int
    service: str
    service_id: str
    name: str
    owner: str | None
    owned: bool
    snapshot_id: str | None
    url: str | None
    track_count: int
    imported_at: float | None
    enrichment_state: str
    entries: int
    states: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Entry:
    position: int
    track_id: int | None
    source: dict[str, Any]
    local: bool
    unavailable: bool
    added_at: str | None


@dataclass(frozen=True, slots=True)
class TrackRow:
    """A track as the GUI table and the CLI show it; ``ids`` already has pins applied."""

    id: int
    title: str
    artists: list[str]
    album: str | None
    duration_ms: int | None
    ids: dict[str, str]
    doc: dict[str, Any]
    state: str
    missing: list[str]
    reason: str | None
    evidence: dict[str, Any]
    updated_at: float | None


@dataclass(frozen=True, slots=True)
class Payload:
    track_id: int
    provider: str
    kind: str
    payload: Any
    fetched_at: float


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    input: str
    options: dict[str, Any]
    state: str
    created_at: float
    updated_at: float
    totals: dict[str, Any]
    playlist_id: int | None
    error: str | None


@dataclass(frozen=True, slots=True)
class UnitDone:
    """A finished work unit and the results it produced, written in ONE transaction.

    The journal row and its results commit together, so the journal never runs ahead of (or
    behind) what was saved: after a kill -9 a unit is either fully there or not at all.
    """

    track_id: int
    step: str
    outcome: str = "ok"
    fields: Mapping[str, FieldLike] = field(default_factory=dict)
    payloads: Sequence[tuple[str, str, Any]] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    state: str | None = None
    missing: Sequence[str] = ()
    reason: str | None = None
