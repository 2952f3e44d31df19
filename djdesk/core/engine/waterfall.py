"""The enrichment waterfall: per track, the cheapest way to each provider's record, then its data.

Deezer: by its id when the track came from Deezer (or the id is pinned/known); else ISRC ->
``/track/isrc:``; no ISRC (or nothing there) -> search by artist, title and a duration window,
then the detail; still nothing -> MusicBrainz recording search -> Deezer by the ISRC it gives.
ReccoBeats: features by Spotify id, 40 a call; without a Spotify id, a ReccoBeats search whose
row carries the track's ISRC gives it; a cached "no mapping" skips the call. Last.fm:
``track.getInfo`` with autocorrect. Every record not reached by an id is checked with
``matching.best_match`` and nothing below its threshold is attached: a wrong match is worse than
none. Provider errors end only that provider's step, with the reason kept.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from djdesk.core.engine.matching import Candidate, Match, Wanted, best_match
from djdesk.core.engine.sources import Sources, as_json
from djdesk.core.engine.work import StepOutcome, TrackWork
from djdesk.core.errors import (
    BudgetExhaustedError,
    DJDeskError,
    InvalidKeyError,
    RateLimitedError,
)
from djdesk.core.providers.deezer import DeezerTrack
from djdesk.core.providers.musicbrainz import MusicBrainzRecording
from djdesk.core.providers.reccobeats import ReccoBeatsFeatures, ReccoBeatsTrack

_CUT = re.compile(r"\s+[-\u2013\u2014]\s+|\s*[(\[]")
_FEAT = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+.*$", re.IGNORECASE)


def plain_title(title: str) -> str:
    """The title without brackets, dash parts or featuring credits: what searches match best."""
    base = _CUT.split(title, maxsplit=1)[0]
    return _FEAT.sub("", base).strip() or title.strip()


def wanted_of(work: TrackWork) -> Wanted:
    return Wanted(
        title=work.title,
        artists=work.artists,
        duration_ms=work.duration_ms,
        isrc=work.ids.get("isrc"),
        album=work.album,
    )


def _deezer_candidate(t: DeezerTrack) -> Candidate:
    record = t.to_record()
    return Candidate(
        provider="deezer",
        id=str(t.id),
        title=record.title,
        artists=tuple(record.artists),
        duration_ms=t.duration_ms,
        isrc=t.isrc,
        album=t.album,
        rank=t.rank,
    )


def _rb_candidate(t: ReccoBeatsTrack) -> Candidate:
    return Candidate(
        provider="reccobeats",
        id=t.reccobeats_id,
        title=t.title,
        artists=tuple(t.artists),
        duration_ms=t.duration_ms,
        isrc=t.isrc,
    )


def _mb_candidate(r: MusicBrainzRecording) -> Candidate:
    return Candidate(
        provider="musicbrainz",
        id=r.id,
        title=r.title,
        artists=tuple(r.artists) or ((r.artist_credit,) if r.artist_credit else ()),
        duration_ms=r.length_ms,
        isrc=r.isrcs[0] if r.isrcs else None,
    )


def _known(reason: str, provider: str, value: str) -> None:
    """No new evidence when a record is read by an id we already had: the match that found
    the id (kept from the run that made it) or the pin stays the evidence."""
    return None


async def guarded(provider: str, step: Callable[[], Awaitable[StepOutcome]]) -> StepOutcome:
    """Run a step; a provider error ends the step with its reason, never the track or run."""
    try:
        return await step()
    except InvalidKeyError as exc:
        return StepOutcome(provider, skipped=exc.message)
    except BudgetExhaustedError:
        return StepOutcome(provider, deferred=True)
    except RateLimitedError as exc:
        until = exc.until.astimezone().strftime("%H:%M")
        return StepOutcome(provider, failure=f"{provider} paused until {until}")
    except DJDeskError as exc:
        return StepOutcome(provider, failure=exc.message)


# --- Deezer ------------------------------------------------------------------------------------


def _deezer_outcome(
    t: DeezerTrack, evidence: dict[str, object] | None, ids: dict[str, str] | None = None
) -> StepOutcome:
    found_ids = {"deezer": str(t.id), **(ids or {})}
    if t.isrc:
        found_ids.setdefault("isrc", t.isrc)
    return StepOutcome(
        "deezer",
        found=True,
        readings={
            "bpm": t.bpm,
            "gain": t.gain,
            "rank": t.rank,
            "release_date": t.release_date,
            "deezer_album": t.album,
        },
        ids=found_ids,
        evidence=evidence,
        payload=("track", as_json(t)),
    )


async def deezer_step(src: Sources, work: TrackWork) -> StepOutcome:
    wanted = wanted_of(work)
    tried: list[Match] = []
    deezer_id = work.ids.get("deezer")
    if deezer_id:
        t = await src.deezer_track(deezer_id)
        if t is not None:
            return _deezer_outcome(t, _known("known id", "deezer", deezer_id))
    isrc = work.ids.get("isrc")
    if isrc:
        t = await src.deezer_isrc(isrc)
        if t is not None:
            match = best_match(wanted, [_deezer_candidate(t)])
            if match:
                return _deezer_outcome(t, {**match.to_dict(), "via": "isrc"})
            tried.append(match)
    artist, title = work.main_artist, plain_title(work.title)
    if artist and title:
        hits = await src.deezer_search(artist, title, work.duration_ms)
        match = best_match(wanted, [_deezer_candidate(h) for h in hits])
        if match and match.candidate is not None:
            t = await src.deezer_track(match.candidate.id)
            if t is not None:
                return _deezer_outcome(t, {**match.to_dict(), "via": "search"})
        tried.append(match)
        found = await _via_musicbrainz(src, work, wanted)
        if found is not None:
            return found
    evidence = tried[-1].to_dict() if tried else {"reason": "nothing to search with"}
    return StepOutcome("deezer", evidence=evidence)


async def _via_musicbrainz(src: Sources, work: TrackWork, wanted: Wanted) -> StepOutcome | None:
    recordings = await src.mb_search(work.main_artist, plain_title(work.title), work.duration_ms)
    match = best_match(wanted, [_mb_candidate(r) for r in recordings])
    if not match or match.candidate is None:
        return None
    rec = next(r for r in recordings if r.id == match.candidate.id)
    for isrc in rec.isrcs[:3]:
        t = await src.deezer_isrc(isrc)
        if t is None:
            continue
        again = best_match(wanted, [_deezer_candidate(t)])
        if again:
            evidence = {**again.to_dict(), "via": "musicbrainz", "musicbrainz": match.to_dict()}
            return _deezer_outcome(t, evidence, {"musicbrainz": rec.id, "isrc": isrc})
    return None


# --- ReccoBeats --------------------------------------------------------------------------------


def _features_outcome(
    f: ReccoBeatsFeatures, spotify_id: str, evidence: dict[str, object] | None
) -> StepOutcome:
    ids = {"spotify": spotify_id}
    if f.reccobeats_id:
        ids["reccobeats"] = f.reccobeats_id
    return StepOutcome(
        "reccobeats",
        found=True,
        readings={
            "tempo": f.tempo,
            "key": f.key,
            "mode": f.mode,
            "energy": f.energy,
            "danceability": f.danceability,
            "valence": f.valence,
            "acousticness": f.acousticness,
            "instrumentalness": f.instrumentalness,
            "liveness": f.liveness,
            "speechiness": f.speechiness,
            "loudness": f.loudness,
        },
        ids=ids,
        evidence=evidence,
        payload=("audio_features", as_json(f)),
    )


async def reccobeats_step(src: Sources, work: TrackWork, *, held: bool = False) -> StepOutcome:
    """``held``: the caller did ``src.features.hold()`` for this track; released exactly once."""
    hold = [held]
    try:
        return await _reccobeats(src, work, hold)
    finally:
        if hold[0]:
            src.features.release()


async def _reccobeats(src: Sources, work: TrackWork, hold: list[bool]) -> StepOutcome:
    spotify_id = work.ids.get("spotify")
    evidence: dict[str, object] | None = _known("known id", "spotify", spotify_id or "")
    if not spotify_id:
        isrc = work.ids.get("isrc")
        if not isrc:
            return StepOutcome("reccobeats", skipped="no Spotify id or ISRC to find it by")
        text = f"{work.main_artist} {plain_title(work.title)}".strip()
        rows = [r for r in await src.rb_search(text) if r.isrc == isrc and r.spotify_id]
        match = best_match(wanted_of(work), [_rb_candidate(r) for r in rows])
        if not match or match.candidate is None:
            return StepOutcome("reccobeats", evidence=match.to_dict(), skipped="no mapping")
        row = next(r for r in rows if r.reccobeats_id == match.candidate.id)
        spotify_id = str(row.spotify_id)
        await src.store_mappings({spotify_id: (row.reccobeats_id, row.isrc)})
        evidence = {**match.to_dict(), "via": "search+isrc"}
    features = await src.rb_features(spotify_id, hold=hold)
    if features is None:
        return StepOutcome("reccobeats", ids={"spotify": spotify_id}, skipped="no mapping")
    return _features_outcome(features, spotify_id, evidence)


# --- Last.fm -----------------------------------------------------------------------------------


async def lastfm_step(src: Sources, work: TrackWork) -> StepOutcome:
    if src.lastfm_disabled:
        return StepOutcome("lastfm", skipped=src.lastfm_disabled)
    artist, title = work.main_artist, plain_title(work.title)
    if not artist or not title:
        return StepOutcome("lastfm", skipped="no artist or title")
    info = await src.lastfm_track(artist, title)
    if info is None:
        return StepOutcome("lastfm")
    return StepOutcome(
        "lastfm",
        found=True,
        readings={
            "listeners": info.listeners,
            "playcount": info.playcount,
            "tags": list(info.tags),
            "lastfm_name": f"{info.artist} - {info.name}",
        },
        payload=("track_info", as_json(info)),
    )
