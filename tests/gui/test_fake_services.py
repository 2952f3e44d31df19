"""The fake engine behaves like the real one where the panels depend on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from djdesk.gui.fake_services import FakeEngine
from djdesk.gui.services import Services

LINK = "https://www.deezer.com/playlist/1313621735"


def test_remove_is_awaitable_and_then_stays_removed(
    services: Services, arun: Callable[..., Any]
) -> None:
    engine = services.control
    assert isinstance(engine, FakeEngine)
    pid = arun(engine.import_link(LINK))
    done = engine.remove(pid)
    assert pid not in {p.id for p in engine.playlists()}
    arun(done)
    arun(engine.refresh_playlists())
    assert pid not in {p.id for p in engine.playlists()}
    pid = arun(engine.import_link(LINK))
    engine.remove(pid)  # the old call shape (not awaited) removes it as well
    assert pid not in {p.id for p in engine.playlists()}
    assert engine.track_ids(pid) == []


def test_remove_without_a_loop_is_already_done(services: Services) -> None:
    engine = services.control
    assert isinstance(engine, FakeEngine)
    engine.add_playlist("deezer:playlist:1", "Crate", "me", [], "link")
    done = engine.remove("deezer:playlist:1")
    assert list(done.__await__()) == []  # finishes without suspending
    assert engine.playlists() == []
