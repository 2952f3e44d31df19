"""The engine's small value types: one track to enrich, and what one provider step found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The eager steps, in the order a DJ needs their fields (BPM and key first, popularity last).
EAGER_STEPS: tuple[str, ...] = ("deezer", "reccobeats", "lastfm")


@dataclass(frozen=True, slots=True)
class TrackWork:
    """One library track as the waterfall sees it; ``ids`` already has pins applied."""

    track_id: int
    title: str
    artists: tuple[str, ...]
    album: str | None
    duration_ms: int | None
    ids: dict[str, str]
    #: Position of its first entry in the input: the order work is planned and streamed in.
    order: int = 0
    selected: bool = False
    #: What the last finished run stored: its inputs' fingerprint, the state it ended in, and
    #: what was missing and why (a track whose inputs are unchanged is not worked again).
    previous: str | None = None
    previous_state: str = "pending"
    previous_missing: tuple[str, ...] = ()
    previous_reason: str | None = None
    #: Providers whose stored evidence is a match decision (candidates scored): a read by a
    #: known id then keeps that evidence instead of replacing it (see ``waterfall._known``).
    matched: frozenset[str] = frozenset()

    @property
    def main_artist(self) -> str:
        return self.artists[0] if self.artists else ""


@dataclass(slots=True)
class StepOutcome:
    """One provider step's result for one track.

    ``readings`` are raw provider values by field name (fused later); ``ids`` are ids learned
    (to attach); ``evidence`` is the match decision when one was made; ``failure`` says why the
    step could not finish (provider down, paused, bad answer), ``deferred`` that the budget left
    it for a later run, ``skipped`` why it did not apply (no key, no mapping).
    """

    provider: str
    found: bool = False
    readings: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Any] | None = None
    payload: tuple[str, Any] | None = None
    failure: str | None = None
    deferred: bool = False
    skipped: str | None = None
