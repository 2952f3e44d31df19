"""Turn what a DJ pastes or drops (links, URIs, short links, Exportify CSV files) into a SourceRef.

Parsing is strict and explains itself: a wrong link gets a message saying what was recognised
and what to paste instead, because a silent "nothing found" is the worst answer to a paste.
Short links (spotify.link, link.deezer.com, deezer.page.link) need one network hop, so they are
resolved in ``resolve_source`` with an injected httpx client; ``parse_source`` never touches the
network.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from djdesk.core.errors import InputError, UnsupportedLinkError
from djdesk.core.models import RefKind, Service, SourceRef
from djdesk.core.providers.types import TrackRecord

_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_DEEZER_ID = re.compile(r"^[0-9]{1,20}$")
_KINDS = {"playlist": RefKind.PLAYLIST, "album": RefKind.ALBUM, "track": RefKind.TRACK}
_OTHER_KINDS = {"artist", "show", "episode", "user", "profile", "podcast", "genre", "radio"}
SHORT_HOSTS = frozenset({"spotify.link", "spotify.app.link", "link.deezer.com", "deezer.page.link"})
_DEEZER_HOSTS = frozenset({"deezer.com", "www.deezer.com", "m.deezer.com"})
_SPOTIFY_HOSTS = frozenset({"open.spotify.com", "play.spotify.com"})
_EMBEDDED_LINK = re.compile(
    r"https?://(?:open\.spotify\.com|(?:www\.)?deezer\.com)/[A-Za-z0-9_/\-]+"
)
_MAX_HOPS = 5

EXPORTIFY_REQUIRED = ("Track URI", "Track Name", "Artist Name(s)")
EXPORTIFY_OPTIONAL = ("Album Name", "Duration (ms)", "ISRC")


def _unsupported(message: str, hint: str | None = None) -> UnsupportedLinkError:
    return UnsupportedLinkError(message, hint=hint)


def is_short_link(text: str) -> bool:
    host = (urlsplit(_with_scheme(text.strip())).hostname or "").lower()
    return host in SHORT_HOSTS or (
        host == "open.spotify.com" and urlsplit(_with_scheme(text.strip())).path.startswith("/s/")
    )


def _with_scheme(text: str) -> str:
    if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.I):
        return text
    return "https://" + text


def parse_source(text: str) -> SourceRef:
    """Parse a link, URI or CSV path without any network access (see ``resolve_source``)."""
    text = text.strip().strip("<>\"'")
    if not text:
        raise _unsupported("Nothing to import: the text is empty.")
    if text.lower().startswith("spotify:"):
        return _parse_spotify_uri(text)
    if text.lower().endswith(".csv") or text.startswith(("/", "~", "file:")) or "\\" in text:
        return _parse_csv_path(text)
    if " " in text or "." not in text:
        raise _unsupported(f"{_short(text)!r} is not a link DJDesk recognises.")
    if is_short_link(text):
        raise _unsupported(
            "This is a short share link; it has to be expanded over the network first.",
            hint="Import it from the app, or open it in a browser and paste the full link.",
        )
    parts = urlsplit(_with_scheme(text))
    host = (parts.hostname or "").lower()
    if host in _SPOTIFY_HOSTS:
        return _parse_spotify_path(parts.path)
    if host in _DEEZER_HOSTS:
        return _parse_deezer_path(parts.path)
    if host.endswith("spotify.com") or host.endswith("deezer.com"):
        raise _unsupported(f"Links from {host} are not playlist, album or track links.")
    raise _unsupported(f"Links from {host or 'this site'} are not supported.")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_spotify_uri(text: str) -> SourceRef:
    parts = text.split(":")
    # spotify:playlist:ID, and the legacy spotify:user:NAME:playlist:ID
    if len(parts) == 5 and parts[1] == "user" and parts[3] == "playlist":
        parts = ["spotify", "playlist", parts[4]]
    if len(parts) != 3:
        if len(parts) > 1 and parts[1] == "local":
            raise _unsupported("This is a Spotify local file; it exists only on one device.")
        raise _unsupported(f"{_short(text)!r} is not a Spotify URI DJDesk recognises.")
    return _spotify_ref(parts[1], parts[2])


def _parse_spotify_path(path: str) -> SourceRef:
    segments = [unquote(s) for s in path.split("/") if s]
    if segments and segments[0].startswith("intl-"):
        segments = segments[1:]
    if len(segments) >= 4 and segments[0] == "user" and segments[2] == "playlist":
        segments = segments[2:]
    if len(segments) >= 2:
        return _spotify_ref(segments[0], segments[1])
    raise _unsupported("This Spotify link does not point at a playlist, album or track.")


def _spotify_ref(kind: str, ident: str) -> SourceRef:
    if kind in _OTHER_KINDS:
        raise _unsupported(
            f"This is a Spotify {kind} link; DJDesk imports playlists, albums and tracks."
        )
    if kind not in _KINDS:
        raise _unsupported(f"Spotify {kind!r} links are not supported.")
    if not _SPOTIFY_ID.match(ident):
        raise _unsupported(
            f"The Spotify {kind} id {_short(ident)!r} is not valid "
            "(expected 22 letters and digits).",
            hint="Copy the link again with Share → Copy link.",
        )
    return SourceRef(Service.SPOTIFY, _KINDS[kind], ident)


def _parse_deezer_path(path: str) -> SourceRef:
    segments = [s for s in path.split("/") if s]
    # /xx/playlist/ID or /xx-yy/playlist/ID: a language prefix
    if segments and re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", segments[0]):
        segments = segments[1:]
    if len(segments) < 2:
        raise _unsupported("This Deezer link does not point at a playlist, album or track.")
    kind, ident = segments[0], segments[1]
    if kind in _OTHER_KINDS:
        raise _unsupported(
            f"This is a Deezer {kind} link; DJDesk imports playlists, albums and tracks."
        )
    if kind not in _KINDS:
        raise _unsupported(f"Deezer {kind!r} links are not supported.")
    if not _DEEZER_ID.match(ident):
        raise _unsupported(f"The Deezer {kind} id {_short(ident)!r} is not a number.")
    return SourceRef(Service.DEEZER, _KINDS[kind], ident)


def _parse_csv_path(text: str) -> SourceRef:
    if text.startswith("file:"):
        text = unquote(urlsplit(text).path)
    path = Path(text).expanduser()
    if path.suffix.lower() != ".csv":
        raise _unsupported(f"{path.name!r} is not a CSV file.")
    if not path.is_file():
        problem = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise _unsupported(
            f"The file {str(path)!r} {problem}.", hint="Check the path, or drop the file."
        )
    return SourceRef(Service.CSV, RefKind.FILE, str(path.absolute()))


async def resolve_source(text: str, http: httpx.AsyncClient) -> SourceRef:
    """Like ``parse_source``, but expands short links by following their redirects.

    Redirects are followed by hand, one hop at a time, stopping at the first link we can
    parse: the last hop of a Spotify short link is often an app page that only redirects by
    JavaScript, so its body is scanned for an embedded open.spotify.com link as a fallback.
    """
    if not is_short_link(text):
        return parse_source(text)
    url = _with_scheme(text.strip())
    for _ in range(_MAX_HOPS):
        try:
            response = await http.get(url, follow_redirects=False)
        except httpx.HTTPError:
            raise _unsupported(
                "The short link could not be expanded (no answer from the link service).",
                hint="Open it in a browser and paste the full link it leads to.",
            ) from None
        location = response.headers.get("location")
        if response.is_redirect and location:
            target = str(response.url.join(location))
            for candidate in _candidates(target):
                ref = _try_parse(candidate)
                if ref is not None:
                    return ref
            url = target
            continue
        for candidate in _EMBEDDED_LINK.findall(response.text[:65536]):
            ref = _try_parse(candidate)
            if ref is not None:
                return ref
        break
    raise _unsupported(
        "The short link did not lead to a Spotify or Deezer playlist, album or track.",
        hint="Open it in a browser and paste the full link it leads to.",
    )


def _candidates(url: str) -> Iterable[str]:
    yield url
    for _, value in parse_qsl(urlsplit(url).query):
        if value.startswith("http"):
            yield value


def _try_parse(url: str) -> SourceRef | None:
    if is_short_link(url):
        return None
    try:
        return parse_source(url)
    except UnsupportedLinkError:
        return None


def parse_exportify_csv(text: str, *, source: str = "CSV") -> list[TrackRecord]:
    """Rows of an Exportify-style CSV as Spotify TrackRecords (local files get ``id`` None).

    Exportify joins several artists with commas inside one cell; names that themselves contain
    a comma are rare and cannot be told apart, so they split too (a known, accepted loss).
    Columns we do not model (Tempo, Key, Energy ...) are kept in ``extra`` as text.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    if not headers:
        raise InputError(f"{source} is empty.", hint="Export the playlist again with Exportify.")
    missing = [c for c in EXPORTIFY_REQUIRED if c not in headers]
    if missing:
        raise InputError(
            f"{source} is not an Exportify CSV: missing column(s) {', '.join(missing)} "
            f"(found {', '.join(headers[:8]) or 'none'}).",
            hint="Export the playlist with Exportify (exportify.net) and drop that file.",
        )
    records: list[TrackRecord] = []
    known = set(EXPORTIFY_REQUIRED) | set(EXPORTIFY_OPTIONAL)
    try:
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            records.append(_csv_record(row, line, source, known))
    except csv.Error as exc:  # a cell over the csv module's field limit, a NUL byte ...
        raise InputError(
            f"{source}, near line {reader.line_num + 1}: the CSV cannot be read ({exc}).",
            hint="Export the playlist again with Exportify (exportify.net).",
        ) from None
    return records


def _csv_record(row: dict[str, str], line: int, source: str, known: set[str]) -> TrackRecord:
    uri = row["Track URI"]
    is_local = uri.startswith("spotify:local:")
    track_id: str | None = None
    if uri and not is_local:
        match = re.fullmatch(r"spotify:track:([0-9A-Za-z]{22})", uri)
        if match is None:
            raise InputError(f"{source}, line {line}: {uri!r} is not a Spotify track URI.")
        track_id = match.group(1)
    duration: int | None = None
    if row.get("Duration (ms)"):
        try:
            duration = int(float(row["Duration (ms)"]))
        except (ValueError, OverflowError):  # "abc", "nan", "inf"
            raise InputError(
                f"{source}, line {line}: duration {row['Duration (ms)']!r} is not a number."
            ) from None
    title = row["Track Name"]
    if not title:
        raise InputError(f"{source}, line {line}: the track has no name.")
    artists = tuple(a.strip() for a in row["Artist Name(s)"].split(",") if a.strip())
    return TrackRecord(
        provider="spotify",
        id=track_id,
        title=title,
        artists=artists,
        album=row.get("Album Name") or None,
        duration_ms=duration,
        isrc=(row.get("ISRC") or "").upper() or None,
        is_local=is_local,
        extra={k: v for k, v in row.items() if k not in known and v},
    )


def read_exportify_csv(path: Path) -> list[TrackRecord]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not a UTF-8 text file.") from None
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror}).") from None
    return parse_exportify_csv(text, source=path.name)
