"""``djdesk auth``: keys from stdin (never argv), status without values, a CLI Spotify login."""

from __future__ import annotations

import http.client
import io
import json
import webbrowser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import respx

from djdesk.cli.main import build_parser, main
from djdesk.core.models import DEFAULT_ENDPOINTS
from djdesk.core.providers.spotify_auth import TOKEN_NAME, TokenSet
from djdesk.core.secrets import SecretStore

KEY = "0123456789abcdef0123456789abcdef"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_key_reads_stdin_and_status_never_shows_it(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    code, out, _ = run(capsys, "auth", "lastfm", "set-key", "--no-check")
    assert code == 0 and "saved" in out and KEY not in out
    assert SecretStore().get("lastfm.api_key") == KEY

    code, out, _ = run(capsys, "auth", "status", "--json")
    report = json.loads(out)
    assert code == 0 and report["secrets"] == {"spotify.token": False, "lastfm.api_key": True}
    assert KEY not in out

    code, out, _ = run(capsys, "auth", "status")
    assert code == 0 and "lastfm.api_key" in out and KEY not in out

    code, out, _ = run(capsys, "auth", "lastfm", "remove-key")
    assert code == 0 and SecretStore().get("lastfm.api_key") is None


@pytest.mark.parametrize(
    ("sample", "status", "saved", "said"),
    [
        ("artist_getInfo_cher.json", 200, True, "saved"),
        ("error_6_artist_not_found.json", 200, True, "saved"),  # the key itself was accepted
        ("error_10_invalid_api_key.json", 403, False, "did not accept that API key"),
        ("error_26_api_key_suspended.json", 403, False, "did not accept that API key"),
        ("error_29_rate_limit_exceeded.json", 200, False, "rate limited"),
    ],
)
def test_set_key_asks_lastfm_first(
    capsys, monkeypatch, api_samples: Path, sample: str, status: int, saved: bool, said: str
) -> None:
    body = (api_samples / "lastfm" / sample).read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(url__startswith=DEFAULT_ENDPOINTS["lastfm"]).respond(status, content=body)
        code, out, err = run(capsys, "auth", "lastfm", "set-key")
    assert route.call_count >= 1
    assert route.calls[0].request.url.params["api_key"] == KEY  # asked with the key itself
    assert (code == 0) is saved and said in out + err and KEY not in out + err
    assert (SecretStore().get("lastfm.api_key") == KEY) is saved


def test_set_key_has_no_argv_form() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["auth", "lastfm", "set-key", KEY])


@pytest.mark.parametrize(
    ("given", "message"),
    [("\n", "No key was given."), ("not-a-key\n", "does not look like a Last.fm API key")],
)
def test_set_key_rejects_bad_input(capsys, monkeypatch, given: str, message: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(given))
    code, _, err = run(capsys, "auth", "lastfm", "set-key")
    assert code == 1 and message in err


def test_spotify_status_and_logout(capsys) -> None:
    code, out, _ = run(capsys, "auth", "spotify", "status", "--json")
    assert json.loads(out)["logged_in"] is False
    tokens = TokenSet(
        "ACCESS-SECRET-123", "REFRESH-SECRET-456", 1_900_000_000.0, "playlist-read-private"
    )
    SecretStore().set(TOKEN_NAME, tokens.to_json())
    code, out, _ = run(capsys, "auth", "spotify", "status", "--json")
    report = json.loads(out)
    assert report["logged_in"] is True and report["scope"] == "playlist-read-private"
    assert "SECRET" not in out
    code, out, _ = run(capsys, "auth", "spotify", "logout")
    assert code == 0 and "Logged out" in out and SecretStore().get(TOKEN_NAME) is None


def test_login_without_client_id_explains(capsys) -> None:
    code, _, err = run(capsys, "auth", "spotify", "login")
    assert code == 1 and "No Spotify client id" in err and "developer.spotify.com" in err


def visit_redirect(url: str) -> bool:
    """The browser: follows the authorize URL straight back to the loopback with a code."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    redirect = urlsplit(query["redirect_uri"])
    conn = http.client.HTTPConnection("127.0.0.1", redirect.port, timeout=10)
    conn.request("GET", f"{redirect.path}?code=CLI-CODE-789&state={query['state']}")
    conn.getresponse().read()
    conn.close()
    return True


@respx.mock
def test_cli_login_end_to_end(capsys, monkeypatch, djdesk_home: Path, api_samples: Path) -> None:
    config = djdesk_home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text('spotify_client_id = "cli-client"\n', encoding="utf-8")
    body = json.loads((api_samples / "spotify" / "token_authorization_code.json").read_text())
    route = respx.post("https://accounts.spotify.com/api/token").respond(json=body)
    monkeypatch.setattr(webbrowser, "open", visit_redirect)

    code, out, err = run(capsys, "auth", "spotify", "login", "--timeout", "30")
    assert code == 0, err
    assert "Logged in to Spotify" in out
    assert "accounts.spotify.com/authorize?" in err  # shown in case no browser opens
    form = parse_qs(route.calls.last.request.content.decode())
    assert form["code"] == ["CLI-CODE-789"] and form["client_id"] == ["cli-client"]
    stored = TokenSet.from_json(SecretStore().get(TOKEN_NAME))
    assert stored is not None and stored.refresh_token == body["refresh_token"]
    assert body["access_token"] not in out + err and "CLI-CODE-789" not in out + err
