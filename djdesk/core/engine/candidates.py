"""What the waterfall matches: the playlist entry as wanted, and each provider's record as a
candidate, in the one shape ``matching`` scores (and the evidence keeps).

Apart from the waterfall so its steps (by id, search, pins) stay readable; ``plain_title`` is
also what the plan and the details wave build their search keys with.
"""

from __future__ import annotations

import re

from djdesk.core.engine.matching import Candidate, Wanted
from djdesk.core.engine.work import TrackWork
from djdesk.core.providers.deezer import DeezerTrack
from djdesk.core.providers.musicbrainz import MusicBrainzRecording
from djdesk.core.providers.reccobeats import ReccoBeatsTrack

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


def deezer_candidate(t: DeezerTrack) -> Candidate:
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


def rb_candidate(t: ReccoBeatsTrack) -> Candidate:
    return Candidate(
        provider="reccobeats",
        id=t.reccobeats_id,
        title=t.title,
        artists=tuple(t.artists),
        duration_ms=t.duration_ms,
        isrc=t.isrc,
        extra={"spotify_id": t.spotify_id} if t.spotify_id else {},
    )


def mb_candidate(r: MusicBrainzRecording) -> Candidate:
    return Candidate(
        provider="musicbrainz",
        id=r.id,
        title=r.title,
        artists=tuple(r.artists) or ((r.artist_credit,) if r.artist_credit else ()),
        duration_ms=r.length_ms,
        isrc=r.isrcs[0] if r.isrcs else None,
    )
