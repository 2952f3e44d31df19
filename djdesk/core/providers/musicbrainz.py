"""MusicBrainz: ISRC lookup and recording search (candidates with scores and their ISRCs).

The slowest provider (1 request/s, an IP block for abusers), so DJDesk asks it only where
nothing cheaper gives an ISRC, always with a User-Agent naming the app and a contact. Search
items differ from lookups (absent vs null fields); the parser accepts both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from djdesk.core.clock import Clock, SystemClock
from djdesk.core.errors import NotFoundError, ProviderDownError, ProviderError
from djdesk.core.net.policy import Outcome, Verdict
from djdesk.core.providers.base import (
    USER_AGENT,
    Fields,
    rate_limited,
    read_body,
    retry_after_seconds,
    try_json,
)

PROVIDER = "musicbrainz"
#: Pause after a 503 when no Retry-After is sent: the documented budget is 1 request/s.
RATE_LIMIT_PAUSE_S = 2.0
HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


@dataclass(frozen=True, slots=True)
class MusicBrainzRecording:
    id: str
    title: str
    length_ms: int | None
    artist_credit: str | None
    artists: tuple[str, ...]
    isrcs: tuple[str, ...]
    first_release_date: str | None
    disambiguation: str | None
    #: Search relevance 0-100; None for lookups.
    score: int | None = None


@dataclass(frozen=True, slots=True)
class MusicBrainzSearch:
    count: int
    offset: int
    recordings: tuple[MusicBrainzRecording, ...]


def error_from(response: httpx.Response, now: float) -> ProviderError | None:
    status = response.status_code
    if status < 400:
        return None
    body = try_json(response)
    message = body.get("error") if isinstance(body, dict) else None
    if status == 404:
        return NotFoundError(PROVIDER, "MusicBrainz has no such recording or ISRC.")
    if status == 503:
        wait = retry_after_seconds(response) or RATE_LIMIT_PAUSE_S
        return rate_limited(PROVIDER, now, wait)
    if status >= 500:
        return ProviderDownError(PROVIDER, f"MusicBrainz answered HTTP {status}.")
    return ProviderError(PROVIDER, f"MusicBrainz refused the request ({status}: {message or '?'}).")


def classify(response: httpx.Response) -> Outcome | None:
    if response.status_code == 503:
        return Outcome(Verdict.RATE_LIMITED, retry_after_seconds(response), "musicbrainz 503")
    if response.status_code in (400, 404):
        return Outcome(Verdict.FAIL, None, f"musicbrainz {response.status_code}")
    return None


def parse_recording(data: Any, path: str = "") -> MusicBrainzRecording:
    f = Fields(PROVIDER, data, path)
    credits = list(f.objs("artist-credit", required=False))
    credit = "".join((c.opt_text("name") or "") + (c.opt_text("joinphrase") or "") for c in credits)
    return MusicBrainzRecording(
        id=f.text("id"),
        title=f.text("title"),
        length_ms=f.opt_integer("length"),
        artist_credit=credit or None,
        artists=tuple(c.opt_text("name") or "" for c in credits),
        isrcs=f.strings("isrcs"),
        first_release_date=f.opt_text("first-release-date"),
        disambiguation=f.opt_text("disambiguation"),
        score=f.opt_integer("score"),
    )


def parse_isrc(data: Any) -> list[MusicBrainzRecording]:
    f = Fields(PROVIDER, data)
    isrc = f.text("isrc")
    result = []
    for i, raw in enumerate(f.items("recordings")):
        rec = parse_recording(raw, f"recordings[{i}]")
        if isrc not in rec.isrcs:  # the lookup key belongs to every recording it returns
            rec = MusicBrainzRecording(**{**_as_kwargs(rec), "isrcs": (*rec.isrcs, isrc)})
        result.append(rec)
    return result


def _as_kwargs(rec: MusicBrainzRecording) -> dict[str, Any]:
    return {name: getattr(rec, name) for name in MusicBrainzRecording.__slots__}


def parse_search(data: Any) -> MusicBrainzSearch:
    f = Fields(PROVIDER, data)
    return MusicBrainzSearch(
        count=f.integer("count"),
        offset=f.opt_integer("offset") or 0,
        recordings=tuple(
            parse_recording(r, f"recordings[{i}]") for i, r in enumerate(f.items("recordings"))
        ),
    )


def lucene_phrase(text: str) -> str:
    return '"' + _LUCENE_SPECIAL.sub(r"\\\1", text) + '"'


def search_query(artist: str, title: str, duration_ms: int | None, tolerance_ms: int) -> str:
    query = f"recording:{lucene_phrase(title)} AND artist:{lucene_phrase(artist)}"
    if duration_ms:
        lo, hi = max(0, duration_ms - tolerance_ms), duration_ms + tolerance_ms
        query += f" AND dur:[{lo} TO {hi}]"
    return query


class MusicBrainzClient:
    def __init__(self, http: httpx.AsyncClient, *, clock: Clock | None = None) -> None:
        self._http = http
        self._clock = clock or SystemClock()

    async def _get(self, url: str, params: dict[str, Any]) -> Any:
        response = await self._http.get(url, params={**params, "fmt": "json"}, headers=HEADERS)
        error = error_from(response, self._clock.time())
        if error is not None:
            raise error
        return read_body(PROVIDER, response)

    async def by_isrc(self, isrc: str) -> list[MusicBrainzRecording]:
        """Recordings carrying this ISRC (several can share one); [] when none does."""
        try:
            body = await self._get(f"/isrc/{isrc.strip().upper()}", {"inc": "artist-credits+isrcs"})
        except NotFoundError:
            return []
        return parse_isrc(body)

    async def recording(self, mbid: str) -> MusicBrainzRecording:
        return parse_recording(
            await self._get(f"/recording/{mbid}", {"inc": "artist-credits+isrcs+releases"})
        )

    async def search_recordings(
        self,
        *,
        artist: str,
        title: str,
        duration_ms: int | None = None,
        tolerance_ms: int = 10_000,
        limit: int = 10,
    ) -> MusicBrainzSearch:
        """Candidates with scores and ISRCs; the duration window (``dur``) is UNVERIFIED on the
        live server per CONTRACT.md, so callers should still check lengths themselves."""
        query = search_query(artist, title, duration_ms, tolerance_ms)
        return parse_search(await self._get("/recording", {"query": query, "limit": limit}))
