"""A playlist's table grows as its pages land, and values stream in before the import ends.

The REAL engine over the sandbox; Spotify pages are 40 entries and the second one is held by
an ``asyncio.Event`` in the client, so the test sees the window while the import is mid-way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from djdesk.core.providers import spotify as spotify_mod
from djdesk.gui.main_window import MainWindow
from djdesk.gui.service_factory import Opened, demo_links
from djdesk.sandbox import SandboxThread

PAGE = 40


def test_the_table_grows_page_by_page_and_rows_fill_in_meanwhile(
    qtbot: Any,
    window: MainWindow,
    opened: Opened,
    sandbox: SandboxThread,
    monkeypatch: pytest.MonkeyPatch,
    arun: Callable[..., Any],
) -> None:
    monkeypatch.setattr(spotify_mod, "ITEMS_LIMIT", PAGE)
    spotify = opened.runtime.clients.spotify
    get = spotify._get
    release = asyncio.Event()

    async def gated(path: str, params: Any = None, **kw: Any) -> Any:
        if f"offset={PAGE}&" in path:
            await release.wait()
        return await get(path, params, **kw)

    monkeypatch.setattr(spotify, "_get", gated)
    url = next(d.url for d in demo_links(sandbox) if d.service == "spotify" and d.size == 200)
    panel = window.playlists
    imported: list[str] = []
    panel.playlist_imported.connect(imported.append)
    panel.import_text(url)
    model = panel.track_model
    # Listed and shown from its first page on, while the import waits for the second.
    qtbot.waitUntil(lambda: model.track_count == PAGE, timeout=10000)
    assert panel.playlist_model.rowCount() == 1 and imported == []
    assert "Importing" in panel.message.text()

    def filled() -> int:
        rows = [model.row_at(i) for i in range(model.rowCount())]
        return sum(1 for r in rows if r is not None and "bpm" in r.fields)

    # Page 2 is still held, yet the first page's rows get their values.
    qtbot.waitUntil(lambda: filled() >= PAGE // 2, timeout=20000)
    assert not release.is_set() and model.track_count == PAGE
    release.set()
    qtbot.waitUntil(lambda: model.track_count == 200, timeout=20000)
    qtbot.waitUntil(lambda: imported == [model.playlist_id], timeout=10000)
    # (the rest enriches at the app's real rates, ~40 s of Last.fm turns: not waited for here)
