"""Translate the library's rows into the GUI's plain values (TrackRow, PlaylistInfo, details).

Pure functions, no Qt and no I/O, so the mapping from the core's enrichment document (a field
dict with value/source/confidence/kind/fetched_at) to what a cell shows is tested on its own.
Beware: the key is stored as a dict of notations; the table wants Camelot and converts itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from djdesk.core.i18n import _
from djdesk.gui.services import Candidate, FieldValue, PlaylistInfo, SimilarTrack, TrackRow

if TYPE_CHECKING:
    from djdesk.core.library import PlaylistSummary
    from djdesk.core.library import TrackRow as LibraryRow

#: The engine's bookkeeping field (``engine.plan.FINGERPRINT_FIELD``: what the last run's inputs
#: were), not a value a DJ reads. Named here, not imported: the engine is loaded after the
#: window shows.
BOOKKEEPING_FIELDS = frozenset({"enrichment_inputs"})

#: Kinds that are not measurements: shown muted and italic, never passed off as measured.
ESTIMATED_KINDS = frozenset({"estimated", "default"})

#: GUI column name → the enrichment document fields that feed it, first present wins.
#: Deezer's ``rank`` is its popularity measure (Spotify's own popularity is not fetched).
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "popularity": ("popularity", "rank"),
    "genres": ("tags", "artist_tags"),
    "year": ("release_date",),
}

#: Library track states → the table's state labels (``complete`` reads as "done").
TRACK_STATES = {"complete": "done"}

#: Library playlist states → the playlist list's job states.
PLAYLIST_STATES = {"enriched": "done", "enriching": "cancelled", "imported": "imported"}


def field_value(data: Any) -> FieldValue | None:
    """One stored field as the GUI's ``FieldValue``; None for anything without a value."""
    if not isinstance(data, Mapping) or data.get("value") is None:
        return None
    value = data["value"]
    if isinstance(value, Mapping):  # the key: {"camelot": "8A", "classic": ..., ...}
        value = value.get("camelot")
        if value is None:
            return None
    note = data.get("note")
    return FieldValue(
        value=value,
        source=str(data.get("source") or "") + (f" ({note})" if note else ""),
        confidence=float(data.get("confidence") or 0.0),
        fetched_at=data.get("fetched_at"),
        estimated=data.get("kind") in ESTIMATED_KINDS,
    )


def _derived(name: str, fv: FieldValue) -> FieldValue | None:
    """Reshape a stored field for a column (a date → its year, a tag list → one string)."""
    value = fv.value
    if name == "year":
        try:
            value = int(str(value)[:4])
        except ValueError:
            return None
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value[:5])
    return FieldValue(value, fv.source, fv.confidence, fv.fetched_at, fv.estimated)


def fields_of(doc: Mapping[str, Any]) -> dict[str, FieldValue]:
    """Every stored field (for the details pane) plus the derived column fields."""
    out: dict[str, FieldValue] = {}
    for name, data in doc.items():
        if name.startswith("_") or name in BOOKKEEPING_FIELDS:
            continue
        fv = field_value(data)
        if fv is not None:
            out[name] = fv
    for column, names in FIELD_SOURCES.items():
        for name in names:
            fv = out.get(name)
            if fv is not None:
                derived = _derived(column, fv)
                if derived is not None:
                    out[column] = derived
                break
    return out


def track_row(row: LibraryRow, position: int) -> TrackRow:
    """``position`` is 1-based, as the table's # column shows it."""
    return TrackRow(
        id=row.id,
        position=position,
        title=row.title or "",
        artists=", ".join(row.artists),
        album=row.album or "",
        duration_s=None if row.duration_ms is None else row.duration_ms / 1000,
        state=TRACK_STATES.get(row.state, row.state),
        fields=fields_of(row.doc),
    )


def missing_row(row_id: int, position: int, source: Mapping[str, Any], local: bool) -> TrackRow:
    """An entry nothing is known about (a local file, a removed track): it keeps its place."""
    title = str(source.get("Track Name") or source.get("name") or source.get("url") or "")
    reason = "local file" if local else "unavailable or removed"
    return TrackRow(
        id=row_id, position=position, title=title or reason, artists="", state="not_found"
    )


def playlist_info(summary: PlaylistSummary, running: bool = False) -> PlaylistInfo:
    state = "running" if running else PLAYLIST_STATES.get(summary.enrichment_state, "imported")
    return PlaylistInfo(
        id=str(summary.id),
        name=summary.name or summary.service_id,
        owner=summary.owner or summary.service.title(),
        track_count=summary.entries or summary.track_count,
        state=state,
        source=summary.url or f"{summary.service}:{summary.service_id}",
        failed=int(summary.states.get("failed", 0)),
        partial=int(summary.states.get("partial", 0)),
    )


#: The order providers are listed in (the waterfall's), then any other.
PROVIDER_ORDER = ("deezer", "musicbrainz", "reccobeats", "lastfm")
#: Pins shown even when no stored candidate carries that id: every pinnable id (the pin form's
#: choices), ISRC too, so each pin made can be seen and undone (Unpin) in the window.
PINNED_ALONE = ("deezer", "musicbrainz", "spotify", "isrc", "reccobeats")


def candidates(evidence: Mapping[str, Any], pins: Mapping[str, str]) -> tuple[Candidate, ...]:
    """Each provider's scored candidates from the stored match evidence, best first.

    MusicBrainz's match is stored inside Deezer's (it is how Deezer was reached) and listed on
    its own here. The one in use is the pinned one when a pin exists, else the matcher's choice.
    """
    sections: list[tuple[str, Mapping[str, Any]]] = []
    for provider, ev in evidence.items():
        if isinstance(ev, Mapping):
            sections.append((provider, ev))
            nested = ev.get("musicbrainz")
            if isinstance(nested, Mapping):
                sections.append(("musicbrainz", nested))
    rank = {p: i for i, p in enumerate(PROVIDER_ORDER)}
    sections.sort(key=lambda item: rank.get(item[0], len(rank)))
    out: list[Candidate] = []
    for provider, ev in sections:
        found = [_candidate(provider, ev, c, pins) for c in ev.get("candidates") or ()]
        kept = [c for c in found if c is not None]
        out += sorted(kept, key=lambda c: -(c.score if c.score is not None else 2.0))
    for provider, value in pins.items():
        if provider in PINNED_ALONE and not any(c.pin_target == (provider, value) for c in out):
            # Pinned by id (``djdesk pin``) and never among the candidates: still say so.
            out.append(
                Candidate(
                    provider=provider,
                    id=value,
                    title=value,
                    artists="",
                    score=None,
                    chosen=True,
                    pinned=True,
                    note=_("pinned by its id"),
                    via="pin",
                )
            )
    return tuple(out)


def _candidate(
    provider: str, ev: Mapping[str, Any], cand: Any, pins: Mapping[str, str]
) -> Candidate | None:
    if not isinstance(cand, Mapping) or cand.get("id") is None:
        return None
    cid = str(cand["id"])
    pin_provider, pin_id = provider, cid
    if provider == "reccobeats" and pins.get("reccobeats") != cid:
        # Features are read by Spotify id: a row pins its Spotify id (unless its own
        # ReccoBeats id is pinned: then it is that pin's record, and unpins it).
        pin_provider, pin_id = "spotify", str(cand.get("spotify_id") or "")
    pinnable = provider != "lastfm" and bool(pin_id)
    pinned = pinnable and pins.get(pin_provider) == pin_id
    has_pin = pin_provider in pins and provider != "lastfm"
    if "chosen" not in cand:  # stored before candidates carried their own mark
        cand = {**cand, "chosen": (ev.get("chosen") or {}).get("id") == cid}
    chosen = pinned if has_pin else bool(cand.get("chosen"))
    via = str(cand.get("via") or ev.get("via") or "")
    note = str(cand.get("rejected") or "")  # the engine's words, stored with the evidence
    if not note and via == "known id":
        note = str(ev.get("reason") or "")
    if has_pin and cand.get("chosen") and not pinned:
        note = _("the match, but another one is pinned")
    duration = cand.get("duration_ms")
    total = cand.get("total")
    artists = cand.get("artists")
    return Candidate(
        provider=provider,
        id=cid,
        # Older evidence held the score's title part (a number) under "title": show the id.
        title=title if isinstance(title := cand.get("title"), str) and title else cid,
        artists=", ".join(str(a) for a in artists) if isinstance(artists, list) else "",
        score=None if total is None else float(total),
        chosen=chosen,
        pinned=pinned,
        duration_s=duration / 1000 if isinstance(duration, int | float) and duration else None,
        why="; ".join(str(r) for r in cand.get("reasons") or ()),
        note=note,
        via=via,
        pinnable=pinnable,
        pin_provider=pin_provider,
        pin_id=pin_id,
    )


def similar_tracks(doc: Mapping[str, Any]) -> tuple[SimilarTrack, ...]:
    """Last.fm's similar tracks are stored as "artist - title", most similar first."""
    stored = doc.get("similar")
    value = stored.get("value") if isinstance(stored, Mapping) else None
    out = []
    for i, text in enumerate(value or ()):
        artist, sep, title = str(text).partition(" - ")
        out.append(SimilarTrack(title if sep else artist, artist if sep else "", 1.0 - i / 10))
    return tuple(out)


def tags_of(doc: Mapping[str, Any]) -> tuple[str, ...]:
    for name in ("tags", "artist_tags"):
        fv = field_value(doc.get(name))
        if fv is not None and isinstance(fv.value, list):
            return tuple(str(t) for t in fv.value)
    return ()


def artist_info(row: LibraryRow) -> str:
    doc = row.doc
    parts = []
    listeners = field_value(doc.get("artist_listeners"))
    if listeners is not None:
        parts.append(f"{listeners.value:,} listeners on Last.fm")
    tags = field_value(doc.get("artist_tags"))
    if tags is not None and isinstance(tags.value, list) and tags.value:
        parts.append("tags: " + ", ".join(str(t) for t in tags.value[:6]))
    if not parts:
        return ""
    return f"{row.artists[0] if row.artists else ''}: " + "; ".join(parts)
