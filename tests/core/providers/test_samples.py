"""Every recorded body in shared/api-samples goes through its parser: successes into models,
errors into the right typed error. Parametrised over the directory listing, so a new sample
file is a new test case (and fails until a parser is mapped to it here)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from djdesk.core.errors import (
    BadResponseError,
    ConfigError,
    DJDeskError,
    ForbiddenError,
    InvalidKeyError,
    LoginRequiredError,
    NotFoundError,
    ProviderDownError,
    ProviderError,
    RateLimitedError,
)
from djdesk.core.providers import deezer, lastfm, musicbrainz, reccobeats, spotify, spotify_auth
from tests.conftest import API_SAMPLES

NOW = 1_767_225_600.0
NOT_SAMPLES = {"CONTRACT.md", "PROVENANCE.md", "INDEX.json"}
SAMPLES = sorted(
    p.relative_to(API_SAMPLES).as_posix()
    for p in API_SAMPLES.glob("*/*")
    if p.is_file() and p.name not in NOT_SAMPLES
)
SPOTIFY_INDEX = {
    f["file"]: f for f in json.loads((API_SAMPLES / "spotify" / "INDEX.json").read_text())["files"]
}


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def response(path: Path, status: int) -> httpx.Response:
    return httpx.Response(status, content=path.read_bytes())


# --- success checks: each returns normally or fails the test ------------------------------------


def deezer_success(path: Path) -> None:
    body, name = load(path), path.name
    if re.fullmatch(r"(track_detail|track_isrc)_.*", name):
        track = deezer.parse_track(body)
        assert track.bpm is None or track.bpm > 0  # 0 means unknown
        assert track.release_date != "1900-01-01"
        assert track.contributors and track.gain is not None and track.isrc
    elif re.fullmatch(r"album_\d+(_[\d-]+)?\.json", name):
        album = deezer.parse_album(body)
        assert album.nb_tracks >= 1 and album.upc
        assert deezer.parse_track_page(body["tracks"]).items
    elif re.fullmatch(r"playlist_\d+(_[\d-]+)?\.json", name):
        playlist = deezer.parse_playlist(body)
        embedded = deezer.parse_track_page(body["tracks"])
        assert 0 < len(embedded.items) <= playlist.nb_tracks
        assert all(t.bpm is None for t in embedded.items)
    elif "_tracks" in name or name.startswith("search_"):
        page = deezer.parse_track_page(body)
        assert page.total is not None and len(page.items) <= page.total
    else:
        pytest.fail(f"no Deezer parser mapped to {name}")


def deezer_error(path: Path) -> None:
    error = deezer.error_from(response(path, 200), NOW)  # Deezer errors come with HTTP 200
    expected: type[DJDeskError] = ProviderError
    if "quota" in path.name:
        expected = RateLimitedError
    elif "no_data" in path.name:
        expected = NotFoundError
    assert type(error) is expected, error


def spotify_case(path: Path) -> None:
    name = path.name
    meta = SPOTIFY_INDEX.get(name)
    assert meta is not None, f"{name} is missing from spotify/INDEX.json"
    status = meta["status"] or 200
    if name.startswith("token_error."):
        error = spotify_auth.token_error_from(response(path, status), NOW, refreshing=True)
        grant = name.split(".")[1]
        expected = {"invalid_grant": LoginRequiredError, "invalid_client": ConfigError}.get(
            grant, LoginRequiredError
        )
        assert type(error) is expected and "refresh_token" not in str(error)
    elif name.startswith("token_"):
        tokens = spotify_auth.parse_token(load(path), NOW, previous_refresh="OLD")
        assert tokens.access_token and tokens.expires_at == NOW + 3600
        assert (tokens.refresh_token == "OLD") == ("no_refresh_token" in name)
    elif name.startswith("error_"):
        is_items = meta["url"].endswith("/items")
        error = spotify.error_from(response(path, status), NOW, playlist_items=is_items)
        expected = {
            400: ProviderError,
            401: LoginRequiredError,
            403: ForbiddenError,
            404: NotFoundError,
            429: RateLimitedError,
        }[status]
        assert type(error) is expected, error
        if isinstance(error, ForbiddenError):
            assert error.reason == ("not_owner" if is_items else "app_not_allowed")
    elif name.startswith("get_me_playlists"):
        page = spotify.parse_playlists_page(load(path))
        assert page.items and all(p.total is not None for p in page.items)
    elif name.startswith("get_me"):
        assert spotify.parse_user(load(path)).id
    elif name.startswith("get_playlist."):
        playlist = spotify.parse_playlist(load(path))
        assert playlist.first_items and playlist.total == len(playlist.first_items)
    elif name.startswith(("get_playlist_items", "get_playlist_tracks")):
        page = spotify.parse_entries_page(load(path))
        assert page.items and len(page.items) <= (page.total or 0)
    elif name.startswith("track_object"):
        track = spotify.parse_track(load(path))
        assert track.isrc and track.id and track.artists
    elif name.startswith("playlist_item."):
        entry = spotify.parse_entry(load(path), 0)
        kind = name.split(".")[1]
        assert {
            "local_track": entry.is_local and entry.track is not None and entry.track.id is None,
            "null_track": entry.kind == "unavailable" and entry.unavailable,
            "unavailable_track": entry.track is not None and entry.unavailable,
        }[kind]
    else:
        pytest.fail(f"no Spotify parser mapped to {name}")


def lastfm_case(path: Path) -> None:
    name, body = path.name, load(path)
    if m := re.match(r"error_(\d+)_", name):
        code = int(m.group(1))
        error = lastfm.error_from(response(path, 200), NOW)  # status ignored: the body decides
        expected = {
            10: InvalidKeyError,
            26: InvalidKeyError,
            29: RateLimitedError,
            6: NotFoundError,
            8: ProviderDownError,
        }.get(code, ProviderError)
        assert type(error) is expected
    elif name.startswith("track_getInfo"):
        info = lastfm.parse_track_info(body)
        assert info.listeners and info.playcount and info.tags
    elif name.startswith("track_getSimilar"):
        similar = lastfm.parse_similar(body)
        assert similar and similar[0].match == 1.0
    elif name.startswith("track_getTopTags"):
        assert lastfm.parse_top_tags(body)[0].count == 100
    elif name.startswith("track_search"):
        total, hits = lastfm.parse_search(body)
        assert total and hits
    elif "getCorrection" in name:
        correction = lastfm.parse_correction(body)
        assert correction is not None and correction.artist == "Guns N' Roses"
    elif name.startswith("artist_getInfo"):
        assert lastfm.parse_artist_info(body).listeners
    else:
        pytest.fail(f"no Last.fm parser mapped to {name}")


def musicbrainz_case(path: Path) -> None:
    name = path.name
    if m := re.match(r"error_(\d+)_", name):
        status = int(m.group(1))
        error = musicbrainz.error_from(response(path, status), NOW)
        expected = {404: NotFoundError, 503: RateLimitedError}.get(status, ProviderError)
        assert type(error) is expected
    elif name.startswith("isrc_"):
        recordings = musicbrainz.parse_isrc(load(path))
        assert recordings and all("GBAAA9900303" in r.isrcs for r in recordings)
    elif name.startswith("recording_"):
        assert musicbrainz.parse_recording(load(path)).title
    elif name.startswith("search_recording"):
        result = musicbrainz.parse_search(load(path))
        assert result.recordings and all(r.score is not None for r in result.recordings)
    else:
        pytest.fail(f"no MusicBrainz parser mapped to {name}")


def reccobeats_case(path: Path) -> None:
    name, body = path.name, load(path)
    if "error" in name:
        status = 415 if "unsupported_file_type" in name else 400
        error = reccobeats.error_from(response(path, status), NOW)
        assert type(error) is ProviderError and "ReccoBeats refused" in error.message
    elif name.startswith("audio_features_batch"):
        rows = reccobeats.parse_content(body, reccobeats.parse_features)
        assert all(r.spotify_id and r.isrc for r in rows)
    elif name.startswith("audio_features_content_row"):
        assert reccobeats.parse_features(body).spotify_id == "4Ub8UsjWuewQrPhuepfVpd"
    elif name == "docs_example_analysis_audio_features_extraction.json":
        features = reccobeats.parse_features(body)
        assert features.reccobeats_id is None and features.key is None and features.tempo > 0
    elif name.startswith("docs_example_track_object"):
        assert reccobeats.parse_track(body).spotify_id
    elif name.startswith("docs_example_album"):
        assert reccobeats.parse_album(body).spotify_id == "1MPAXuTVL2Ej5x0JHiSPq8"
    elif name.startswith("docs_example_artist"):
        assert reccobeats.parse_artist(body).spotify_id == "06HL4z0CvFAxyc27GXpf02"
    elif name.startswith("track_batch"):
        rows = reccobeats.parse_content(body, reccobeats.parse_track)
        assert rows and rows[0].isrc == "USUG12103683"
    else:
        pytest.fail(f"no ReccoBeats parser mapped to {name}")


HANDLERS: dict[str, Callable[[Path], None]] = {
    "deezer": lambda p: deezer_error(p) if p.name.startswith("error_") else deezer_success(p),
    "spotify": spotify_case,
    "lastfm": lastfm_case,
    "musicbrainz": musicbrainz_case,
    "reccobeats": reccobeats_case,
}


def test_every_provider_folder_has_samples() -> None:
    assert {s.split("/")[0] for s in SAMPLES} == set(HANDLERS)


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_parses(sample: str) -> None:
    provider = sample.split("/")[0]
    assert provider in HANDLERS, f"no parser for provider folder {provider!r}"
    HANDLERS[provider](API_SAMPLES / sample)


# --- bodies that do not fit raise BadResponseError naming the field -----------------------------


def _sample(rel: str) -> Any:
    return load(API_SAMPLES / rel)


@pytest.mark.parametrize(
    ("parse", "rel", "mutate", "field"),
    [
        (deezer.parse_track, "deezer/track_detail_541999.json", ("title", None), "title"),
        (deezer.parse_track, "deezer/track_detail_541999.json", ("bpm", "fast"), "bpm"),
        (deezer.parse_track, "deezer/track_detail_541999.json", ("artist", []), "artist"),
        (spotify.parse_track, "spotify/track_object.2026-03.json", ("name", 3), "name"),
        (
            lastfm.parse_track_info,
            "lastfm/track_getInfo_cher_believe.json",
            ("track", "x"),
            "track",
        ),
        (
            musicbrainz.parse_search,
            "musicbrainz/search_recording_isrc_GBAHT1600302.json",
            ("count", "many"),
            "count",
        ),
        (
            reccobeats.parse_features,
            "reccobeats/audio_features_content_row_only_4Ub8UsjWuewQrPhuepfVpd.json",
            ("energy", None),
            "energy",
        ),
    ],
)
def test_misfit_body_is_bad_response_not_keyerror(
    parse: Callable[[Any], Any], rel: str, mutate: tuple[str, Any], field: str
) -> None:
    body = _sample(rel)
    key, value = mutate
    if value is None:
        del body[key]
    else:
        body[key] = value
    with pytest.raises(BadResponseError) as info:
        parse(body)
    assert info.value.field == field


def test_nested_misfit_names_the_path() -> None:
    body = _sample("spotify/get_playlist_items.owned.2026-03-transitional.json")
    body["items"][0]["item"]["artists"] = "nobody"
    body["items"][0]["track"] = None
    with pytest.raises(BadResponseError) as info:
        spotify.parse_entries_page(body)
    assert info.value.field == "items[0].item.artists"


def test_unknown_extra_fields_are_ignored() -> None:
    body = _sample("deezer/track_detail_541999.json")
    body["brand_new_field"] = {"anything": [1, 2]}
    assert deezer.parse_track(body).bpm == 88.7


def test_non_json_body_is_bad_response() -> None:
    with pytest.raises(BadResponseError):
        deezer.parse_track(None)
