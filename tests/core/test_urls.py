"""Link, URI, short-link and Exportify CSV parsing, table-driven over real link shapes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx

from djdesk.core.errors import InputError, UnsupportedLinkError
from djdesk.core.models import RefKind, Service, SourceRef
from djdesk.core.urls import parse_exportify_csv, parse_source, read_exportify_csv, resolve_source

SP = Service.SPOTIFY
DZ = Service.DEEZER
PID = "37i9dQZF1DXcBWIGoYBM5M"

GOOD = [
    (f"https://open.spotify.com/playlist/{PID}?si=abc123", SP, RefKind.PLAYLIST, PID),
    (f"https://open.spotify.com/intl-de/playlist/{PID}", SP, RefKind.PLAYLIST, PID),
    (f"https://open.spotify.com/intl-pt/album/{PID}?si=x&nd=1", SP, RefKind.ALBUM, PID),
    (f"open.spotify.com/track/{PID}", SP, RefKind.TRACK, PID),
    (f"spotify:playlist:{PID}", SP, RefKind.PLAYLIST, PID),
    (f"spotify:user:someone:playlist:{PID}", SP, RefKind.PLAYLIST, PID),
    (f"https://open.spotify.com/user/someone/playlist/{PID}", SP, RefKind.PLAYLIST, PID),
    (f"  <https://open.spotify.com/album/{PID}>  ", SP, RefKind.ALBUM, PID),
    ("https://www.deezer.com/fr/playlist/908622995", DZ, RefKind.PLAYLIST, "908622995"),
    ("https://www.deezer.com/en/album/302127?utm_source=x", DZ, RefKind.ALBUM, "302127"),
    ("deezer.com/playlist/9200461", DZ, RefKind.PLAYLIST, "9200461"),
    ("https://www.deezer.com/track/3135556", DZ, RefKind.TRACK, "3135556"),
    ("https://www.deezer.com/pt-br/track/3135556", DZ, RefKind.TRACK, "3135556"),
]


@pytest.mark.parametrize(("text", "service", "kind", "ident"), GOOD)
def test_parses_real_link_shapes(text: str, service: Service, kind: RefKind, ident: str) -> None:
    assert parse_source(text) == SourceRef(service, kind, ident)


BAD = [
    ("", "Nothing to import: the text is empty."),
    ("hello there", "'hello there' is not a link DJDesk recognises."),
    ("https://www.youtube.com/watch?v=x", "Links from www.youtube.com are not supported."),
    (
        "https://open.spotify.com/artist/0OdUWJ0sBjDrqHygGUXeCF",
        "This is a Spotify artist link; DJDesk imports playlists, albums and tracks.",
    ),
    (
        "https://open.spotify.com/playlist/tooshort",
        "The Spotify playlist id 'tooshort' is not valid (expected 22 letters and digits).",
    ),
    ("spotify:local:a:b:c:123", "This is a Spotify local file; it exists only on one device."),
    ("spotify:playlist", "'spotify:playlist' is not a Spotify URI DJDesk recognises."),
    (
        "https://open.spotify.com/",
        "This Spotify link does not point at a playlist, album or track.",
    ),
    (
        "https://www.deezer.com/fr/artist/27",
        "This is a Deezer artist link; DJDesk imports playlists, albums and tracks.",
    ),
    ("https://www.deezer.com/playlist/abc", "The Deezer playlist id 'abc' is not a number."),
    ("https://deezer.com/fr/", "This Deezer link does not point at a playlist, album or track."),
    (
        "https://developer.spotify.com/dashboard",
        "Links from developer.spotify.com are not playlist, album or track links.",
    ),
    (
        "https://spotify.link/AbCdEf",
        "This is a short share link; it has to be expanded over the network first.",
    ),
    ("/nonexistent/dir/list.csv", "The file '/nonexistent/dir/list.csv' does not exist."),
    ("/tmp/", "'tmp' is not a CSV file."),
    ("/tmp/playlist.txt", "'playlist.txt' is not a CSV file."),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_says_what_and_what_to_paste(text: str, message: str) -> None:
    with pytest.raises(UnsupportedLinkError) as info:
        parse_source(text)
    assert info.value.message == message
    assert info.value.hint  # every refusal tells the user what to do instead


def test_csv_path_becomes_a_file_ref(tmp_path: Path) -> None:
    f = tmp_path / "My Set.csv"
    f.write_text("Track URI,Track Name,Artist Name(s)\n", encoding="utf-8")
    assert parse_source(str(f)) == SourceRef(Service.CSV, RefKind.FILE, str(f))


@respx.mock
async def test_spotify_short_link_follows_redirects() -> None:
    respx.get("https://spotify.link/AbCdEf").respond(
        307, headers={"Location": "https://spotify.app.link/AbCdEf?_p=c1"}
    )
    respx.get("https://spotify.app.link/AbCdEf?_p=c1").respond(
        302, headers={"Location": f"https://open.spotify.com/playlist/{PID}?si=zz"}
    )
    async with httpx.AsyncClient() as http:
        ref = await resolve_source("https://spotify.link/AbCdEf", http)
    assert ref == SourceRef(SP, RefKind.PLAYLIST, PID)


@respx.mock
async def test_spotify_short_link_with_javascript_page_is_scanned() -> None:
    page = f'<html><script>window.location="https://open.spotify.com/album/{PID}?si=1"</script>'
    respx.get("https://spotify.link/Js").respond(200, text=page)
    async with httpx.AsyncClient() as http:
        ref = await resolve_source("spotify.link/Js", http)
    assert ref == SourceRef(SP, RefKind.ALBUM, PID)


@respx.mock
async def test_deezer_short_links_follow_through_page_link() -> None:
    respx.get("https://link.deezer.com/s/30abc").respond(
        302, headers={"Location": "https://deezer.page.link/xyz"}
    )
    respx.get("https://deezer.page.link/xyz").respond(
        301, headers={"Location": "https://www.deezer.com/fr/playlist/908622995?deferredFl=1"}
    )
    async with httpx.AsyncClient() as http:
        ref = await resolve_source("https://link.deezer.com/s/30abc", http)
    assert ref == SourceRef(DZ, RefKind.PLAYLIST, "908622995")


@respx.mock
async def test_short_link_that_leads_nowhere_is_explained() -> None:
    respx.get("https://deezer.page.link/dead").respond(404, text="not found")
    async with httpx.AsyncClient() as http:
        with pytest.raises(UnsupportedLinkError) as info:
            await resolve_source("https://deezer.page.link/dead", http)
    assert "did not lead to a Spotify or Deezer" in info.value.message


@respx.mock
async def test_short_link_network_failure_is_explained() -> None:
    respx.get("https://spotify.link/x").mock(side_effect=httpx.ConnectError("boom"))
    async with httpx.AsyncClient() as http:
        with pytest.raises(UnsupportedLinkError, match="could not be expanded"):
            await resolve_source("https://spotify.link/x", http)


async def test_resolve_passes_full_links_through_without_network() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: 1 / 0)) as http:
        ref = await resolve_source("https://www.deezer.com/album/302127", http)
    assert ref == SourceRef(DZ, RefKind.ALBUM, "302127")


EXPORTIFY = (
    "\ufeffTrack URI,Track Name,Artist Name(s),Album Name,Duration (ms),ISRC,Tempo,Key\n"
    'spotify:track:3ZL9gPzeCnKG9l5SB1SlcZ,All I Need,"Maribou State,Andreya Triana",'
    "All I Need,227934,gbcfb2300770,120.003,5\n"
    'spotify:local:Fugees:The+Score:No+Woman:273,"No Woman, No Cry",Fugees,The Score,273000,,,\n'
)


def test_exportify_csv_rows_become_track_records() -> None:
    first, local = parse_exportify_csv(EXPORTIFY)
    assert first.id == "3ZL9gPzeCnKG9l5SB1SlcZ"
    assert first.artists == ("Maribou State", "Andreya Triana")
    assert first.duration_ms == 227934
    assert first.isrc == "GBCFB2300770"
    assert first.extra == {"Tempo": "120.003", "Key": "5"}
    assert local.is_local and local.id is None and local.title == "No Woman, No Cry"
    assert local.isrc is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.csv is empty."),
        (
            "Name,Artist\nA,B\n",
            "x.csv is not an Exportify CSV: missing column(s) Track URI, Track Name, "
            "Artist Name(s) (found Name, Artist).",
        ),
        (
            "Track URI,Track Name,Artist Name(s)\nspotify:album:x,A,B\n",
            "x.csv, line 2: 'spotify:album:x' is not a Spotify track URI.",
        ),
        (
            "Track URI,Track Name,Artist Name(s),Duration (ms)\n,A,B,long\n",
            "x.csv, line 2: duration 'long' is not a number.",
        ),
        ("Track URI,Track Name,Artist Name(s)\n,,B\n", "x.csv, line 2: the track has no name."),
        (
            "Track URI,Track Name,Artist Name(s),Duration (ms)\n,A,B,1e400\n",
            "x.csv, line 2: duration '1e400' is not a number.",
        ),
        (
            'Track URI,Track Name,Artist Name(s)\n,A,B\n,"' + "x" * 200_000 + '",B\n',
            "x.csv, near line 3: the CSV cannot be read (field larger than field limit (131072)).",
        ),
    ],
)
def test_bad_exportify_csv_is_explained(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_exportify_csv(text, source="x.csv")
    assert info.value.message == message


def test_read_exportify_csv_from_file(tmp_path: Path) -> None:
    f = tmp_path / "set.csv"
    f.write_text(EXPORTIFY, encoding="utf-8")
    assert len(read_exportify_csv(f)) == 2
    f.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not a UTF-8 text file"):
        read_exportify_csv(f)


def test_a_folder_named_like_a_csv_is_called_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "set.csv"
    folder.mkdir()
    with pytest.raises(UnsupportedLinkError, match="is a folder, not a file"):
        parse_source(str(folder))
