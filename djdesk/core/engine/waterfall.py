"""The enrichment waterfall: per track, the cheapest way to each provider's record, then its data.

Deezer: by the ISRCs of a pinned MusicBrainz recording (its MBID read by lookup, no search);
by its id when the track came from Deezer (or the id is pinned/known); else ISRC ->
``/track/isrc:``; no ISRC (or nothing there) -> search by artist, title and a duration window,
then the detail; still nothing -> MusicBrainz recording search -> Deezer by the ISRC it gives.
ReccoBeats: a pinned ReccoBeats id is read by that id (``/track/{id}/audio-features``); else
features by Spotify id, 40 a call; without a Spotify id, a ReccoBeats search whose row carries
the track's ISRC gives it; a cached "no mapping" skips the call. Last.fm:
``track.getInfo`` with autocorrect. Every record not reached by an id is checked with
``matching.best_match`` and nothing below its threshold is attached: a wrong match is worse than
none. Provider errors end only that provider's step, with the reason kept. Each step also
leaves its evidence (``engine.evidence``): the best few candidates it scored, the one chosen and
why the others were not, so a person can review the match and pin another.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from djdesk.core.engine.candidates import (
    deezer_candidate,
    mb_candidate,
    plain_title,
    rb_candidate,
    wanted_of,
)
from djdesk.core.engine.evidence import KEPT, evidence_of, known, pinned, scored, top
from djdesk.core.engine.matching import DEFAULT_THRESHOLD, Candidate, Match, Wanted, best_match
from djdesk.core.engine.sources import Sources, as_json
from djdesk.core.engine.work import StepOutcome, TrackWork
from djdesk.core.errors import (
    BudgetExhaustedError,
    DJDeskError,
    InvalidKeyError,
    RateLimitedError,
)
from djdesk.core.providers.deezer import DeezerTrack
from djdesk.core.providers.lastfm import LastfmTrackInfo
from djdesk.core.providers.musicbrainz import MusicBrainzRecording
from djdesk.core.providers.reccobeats import ReccoBeatsFeatures, ReccoBeatsTrack


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
    """A pinned MusicBrainz recording comes first (unless Deezer itself is pinned): Deezer by
    its ISRCs, taken as the person's word (scored, not gated), and no MusicBrainz search."""
    mbid = src.pinned(work.track_id, "musicbrainz")
    if not mbid or src.pinned(work.track_id, "deezer"):
        return await _deezer(src, work, search_mb=True)
    wanted = wanted_of(work)
    rec = await src.mb_recording(mbid)
    mb_ev = _mb_pinned(wanted, mbid, rec)
    for isrc in rec.isrcs[:3] if rec is not None else ():
        t = await src.deezer_isrc(isrc)
        if t is not None:
            reason = f"by the ISRC {isrc} of the pinned MusicBrainz recording"
            entry = {**scored(wanted, deezer_candidate(t)), "reasons": [reason]}
            evidence = {**pinned("deezer", entry, mbid, reason), "via": "musicbrainz"}
            evidence["candidates"][0]["via"] = "musicbrainz"
            evidence["musicbrainz"] = mb_ev
            outcome = _deezer_outcome(t, evidence)
            # No id is attached from a pinned record: a Deezer id or ISRC the track kept would
            # read that record again after an unpin (an ISRC match scores as the same track).
            # Each run reaches it through the pin again, from the cache.
            outcome.ids = {}
            return outcome
    outcome = await _deezer(src, work, search_mb=False)
    if outcome.evidence is not None:  # None: a match stored before stays, as it is
        outcome.evidence["musicbrainz"] = mb_ev
    return outcome


def _mb_pinned(wanted: Wanted, mbid: str, rec: MusicBrainzRecording | None) -> dict[str, Any]:
    if rec is None:
        return pinned("musicbrainz", None, mbid, f"MusicBrainz has no recording {mbid}")
    entry = {**scored(wanted, mb_candidate(rec)), "isrcs": list(rec.isrcs)}
    reason = "pinned: read by its MusicBrainz id"
    if not rec.isrcs:
        reason += "; it has no ISRC to find Deezer's record by"
    return pinned("musicbrainz", entry, mbid, reason)


async def _deezer(src: Sources, work: TrackWork, *, search_mb: bool) -> StepOutcome:
    wanted = wanted_of(work)
    tried: list[tuple[str, Match]] = []
    deezer_id = work.ids.get("deezer")
    if deezer_id:
        t = await src.deezer_track(deezer_id)
        if t is not None:
            entry = scored(wanted, deezer_candidate(t))
            return _deezer_outcome(t, known(work, "deezer", "deezer", entry))
    isrc = work.ids.get("isrc")
    if isrc:
        t = await src.deezer_isrc(isrc)
        if t is not None:
            match = best_match(wanted, [deezer_candidate(t)])
            if match:
                return _deezer_outcome(t, evidence_of(("isrc", match), tried))
            tried.append(("isrc", match))
    artist, title = work.main_artist, plain_title(work.title)
    if not (artist and title):
        return StepOutcome("deezer", evidence=evidence_of(None, tried, "nothing to search with"))
    hits = await src.deezer_search(artist, title, work.duration_ms)
    match = best_match(wanted, [deezer_candidate(h) for h in hits])
    if match and match.candidate is not None:
        t = await src.deezer_track(match.candidate.id)
        if t is not None:
            return _deezer_outcome(t, evidence_of(("search", match), tried))
    tried.append(("search", match))
    if not search_mb:
        return StepOutcome("deezer", evidence=evidence_of(None, tried))
    found, mb_match = await _via_musicbrainz(src, work, wanted, tried)
    if found is not None:
        return found
    evidence = evidence_of(None, tried)
    if mb_match is not None:
        evidence["musicbrainz"] = {**mb_match.to_dict(kept=KEPT, via="search"), "via": "search"}
    return StepOutcome("deezer", evidence=evidence)


async def _via_musicbrainz(
    src: Sources, work: TrackWork, wanted: Wanted, tried: list[tuple[str, Match]]
) -> tuple[StepOutcome | None, Match | None]:
    """Deezer by an ISRC from the MusicBrainz recording that matches; MusicBrainz's own match
    comes back too, for the evidence, whatever happened after it."""
    recordings = await src.mb_search(work.main_artist, plain_title(work.title), work.duration_ms)
    if not recordings:
        return None, None
    match = best_match(wanted, [mb_candidate(r) for r in recordings])
    if not match or match.candidate is None:
        return None, match
    rec = next(r for r in recordings if r.id == match.candidate.id)
    for isrc in rec.isrcs[:3]:
        t = await src.deezer_isrc(isrc)
        if t is None:
            continue
        again = best_match(wanted, [deezer_candidate(t)])
        if again:
            evidence = evidence_of(("musicbrainz", again), tried)
            evidence["musicbrainz"] = {**match.to_dict(kept=KEPT, via="search"), "via": "search"}
            return _deezer_outcome(t, evidence, {"musicbrainz": rec.id, "isrc": isrc}), match
    return None, match


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
    rb_id = src.pinned(work.track_id, "reccobeats")
    if rb_id:
        return await _reccobeats_pinned(src, work, rb_id)
    spotify_id = work.ids.get("spotify")
    evidence: dict[str, Any] | None = None
    by_id = bool(spotify_id)
    # Found by a pinned recording's ISRC: nothing is attached (see ``deezer_step``).
    by_pin = not spotify_id and not work.ids.get("isrc")
    if not spotify_id:
        isrc = work.ids.get("isrc") or await _pinned_isrc(src, work)
        if not isrc:
            return StepOutcome("reccobeats", skipped="no Spotify id or ISRC to find it by")
        text = f"{work.main_artist} {plain_title(work.title)}".strip()
        found = await src.rb_search(text)
        rows = [r for r in found if r.isrc == isrc and r.spotify_id]
        match = best_match(wanted_of(work), [rb_candidate(r) for r in rows])
        evidence = _rb_evidence(work, match, [r for r in found if r not in rows], isrc)
        if not match or match.candidate is None:
            return StepOutcome("reccobeats", evidence=evidence, skipped="no mapping")
        row = next(r for r in rows if r.reccobeats_id == match.candidate.id)
        spotify_id = str(row.spotify_id)
        await src.store_mappings({spotify_id: (row.reccobeats_id, row.isrc)})
    features = await src.rb_features(spotify_id, hold=hold)
    if by_id:
        entry = {
            "provider": "reccobeats",
            "id": (features.reccobeats_id if features else None) or spotify_id,
            "title": work.title,
            "artists": list(work.artists),
            "duration_ms": work.duration_ms,
            "spotify_id": spotify_id,
            "total": None,
            "reasons": ["the features of its Spotify id"],
        }
        evidence = known(work, "reccobeats", "spotify", entry)
        if evidence is not None and features is None:
            evidence.update(chosen=None, reason="ReccoBeats knows no features for its Spotify id")
            evidence["candidates"][0].update(chosen=False, rejected="no features")
    ids = {} if by_pin else {"spotify": spotify_id}
    if features is None:
        return StepOutcome("reccobeats", ids=ids, evidence=evidence, skipped="no mapping")
    outcome = _features_outcome(features, spotify_id, evidence)
    if by_pin:
        outcome.ids = {}
    return outcome


async def _pinned_isrc(src: Sources, work: TrackWork) -> str | None:
    """The pinned MusicBrainz recording's first ISRC (its lookup is cached: Deezer's step made
    it), so a track known only by that pin still finds its ReccoBeats row."""
    mbid = src.pinned(work.track_id, "musicbrainz")
    rec = await src.mb_recording(mbid) if mbid else None
    return rec.isrcs[0] if rec is not None and rec.isrcs else None


async def _reccobeats_pinned(src: Sources, work: TrackWork, rb_id: str) -> StepOutcome:
    """A pinned ReccoBeats id is read by that id (one call, outside the Spotify-id batches)
    and wins over the track's Spotify id and any search."""
    features = await src.rb_features_by_id(rb_id)
    if features is None:
        reason = f"ReccoBeats knows no features for the pinned id {rb_id}"
        return StepOutcome(
            "reccobeats",
            evidence=pinned("reccobeats", None, rb_id, reason),
            skipped="no features for the pinned id",
        )
    spotify_id = features.spotify_id or work.ids.get("spotify") or ""
    entry = {
        "provider": "reccobeats",
        "id": features.reccobeats_id or rb_id,
        "title": work.title,
        "artists": list(work.artists),
        "duration_ms": work.duration_ms,
        "isrc": features.isrc,
        "spotify_id": features.spotify_id,
        "total": None,
        "reasons": ["the features of its pinned ReccoBeats id"],
    }
    evidence = pinned("reccobeats", entry, rb_id, "pinned: read by its ReccoBeats id")
    outcome = _features_outcome(features, spotify_id, evidence)
    # No id is attached from the pinned record: a Spotify id learned here would keep reading
    # this record after an unpin. The pin itself is the track's ReccoBeats id.
    outcome.ids = {}
    return outcome


def _rb_evidence(
    work: TrackWork, match: Match, others: list[ReccoBeatsTrack], isrc: str
) -> dict[str, Any]:
    """The search's evidence. Only rows carrying the track's ISRC and a Spotify id could be
    chosen; the rest are scored too, so a person sees what was there and why it was not used."""
    out = evidence_of(("search+isrc", match), [])
    wanted = wanted_of(work)
    for row in others:
        entry = scored(wanted, rb_candidate(row))
        reason = "no Spotify id" if not row.spotify_id else "not the track's ISRC"
        entry.update(chosen=False, rejected=reason, via="search")
        out["candidates"].append(entry)
    out["candidates"] = top(out["candidates"])
    if not match.evidence and others:
        out["reason"] = f"no search result carries the ISRC {isrc} and a Spotify id"
    return out


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
        evidence=_lastfm_evidence(work, info),
        payload=("track_info", as_json(info)),
    )


def _lastfm_evidence(work: TrackWork, info: LastfmTrackInfo) -> dict[str, Any]:
    """Last.fm answers a name, not a list: its (autocorrected) answer, scored for review. The
    score is shown, never a gate: Last.fm's tags and listeners were always taken as answered."""
    cand = Candidate(
        provider="lastfm",
        id=f"{info.artist} - {info.name}",
        title=info.name,
        artists=(info.artist,),
        duration_ms=info.duration_ms,
        album=info.album,
        extra={"mbid": info.mbid} if info.mbid else {},
    )
    entry = scored(wanted_of(work), cand)
    return {
        "via": "name",
        "chosen": {"provider": "lastfm", "id": cand.id},
        "score": entry["total"],
        "reason": "Last.fm's answer for the artist and title (autocorrected)",
        "threshold": DEFAULT_THRESHOLD,
        "candidates": [{**entry, "chosen": True, "rejected": None, "via": "name"}],
    }
