"""``djdesk sandbox``: the list, and the one-line endpoint JSON then a clean stop on SIGINT."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx
import pytest

from djdesk.cli.main import main


def test_list_prints_every_demo_playlist(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["sandbox", "--list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[1:]
    assert len(lines) == 10
    assert sum("not owned" in line for line in lines) == 2
    assert all("https://" in line for line in lines)


def test_list_json(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["sandbox", "--list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["service"] for r in rows} == {"spotify", "deezer"}
    assert {r["size"] for r in rows if r["owned"]} == {25, 200, 1000, 10_000}


def test_serve_prints_endpoints_then_stops_on_sigint() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "djdesk", "sandbox", "--seed", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        endpoints = json.loads(proc.stdout.readline())
        assert set(endpoints) == {
            "spotify",
            "spotify_accounts",
            "deezer",
            "musicbrainz",
            "lastfm",
            "reccobeats",
        }
        assert all(url.startswith("http://127.0.0.1:") for url in endpoints.values())
        assert endpoints["musicbrainz"].endswith("/ws/2")
        assert httpx.get(endpoints["deezer"] + "/genre/132", timeout=5).json()["id"] == 132
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_port_base_in_use_is_a_message_not_a_traceback(capsys) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        if port > 65530:  # never in Linux's ephemeral range, but a port-base needs six
            pytest.skip("the free port is too high to be a port base")
        assert main(["sandbox", "--port-base", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"ports {port}-{port + 5}" in err and "--port-base" in err


def test_a_port_base_out_of_range_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        main(["sandbox", "--port-base", "70000"])
    assert exc.value.code == 2
    assert "is not a port" in capsys.readouterr().err
