"""``EngineServices`` on the REAL engine (Runtime + Library + cache over the loopback sandbox).

No window: these drive the adapter the way the panels do and check what the library and the
bus say afterwards. Waits are on conditions (``qtbot.waitUntil``), never sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.service_factory import Opened, demo_links, open_services
from djdesk.sandbox import SandboxThread


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    thread = SandboxThread("fast", 1)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def opened(sandbox: SandboxThread, qloop: Any, arun: Callable[..., Any]) -> Iterator[Opened]:
    o = open_services(
        demo=True, paths=default_paths().ensure(), settings=Settings(), sandbox=sandbox
    )
    arun(o.start(), 15000)
    yield o
    arun(o.aclose())


@pytest.fixture
def seen(opened: Opened) -> list[Any]:
    """Every event the adapter publishes for the GUI, in order."""
    events: list[Any] = []
    opened.engine.events.subscribe(None, events.append)
    return events


def _url(sandbox: SandboxThread, service: str, size: int = 25) -> str:
    return next(d.url for d in demo_links(sandbox) if d.service == service and d.size == size)


def _ids(engine: EngineServices) -> set[str]:
    return {p.id for p in engine.playlists()}


def test_awaited_remove_has_deleted_the_playlist(
    opened: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    engine = opened.engine
    pid = arun(engine.import_link(_url(sandbox, "deezer")), 10000)
    arun(engine.refresh_playlists())
    assert pid in _ids(engine)
    done = engine.remove(pid)
    assert pid not in _ids(engine)  # the snapshot drops it at once
    arun(done)  # ... and once awaited, the library has deleted it too
    arun(engine.refresh_playlists())
    assert pid not in _ids(engine)
    assert arun(opened.runtime.library.get_playlist(int(pid))) is None


def test_remove_fired_without_await_still_deletes(
    qtbot: Any, opened: Opened, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    engine = opened.engine
    pid = arun(engine.import_link(_url(sandbox, "deezer")), 10000)
    engine.remove(pid)  # the old call shape: nobody waits on it
    lib = opened.runtime.library
    qtbot.waitUntil(lambda: arun(lib.get_playlist(int(pid))) is None, timeout=5000)
