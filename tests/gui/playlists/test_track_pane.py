"""TrackPane on its own (fake services): streamed ids merge into rounds, the count follows."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from djdesk.gui.playlists.track_filter import TrackFilter
from djdesk.gui.playlists.track_model import TrackTableModel
from djdesk.gui.playlists.track_pane import TrackPane
from djdesk.gui.services import Services
from djdesk.gui.tasks import TaskRegistry

DEEZER = "https://www.deezer.com/en/playlist/908622995"


@pytest.fixture
def pane(qtbot: Any, qloop: Any, services: Services) -> TrackPane:
    pane = TrackPane(services, TaskRegistry(), TrackTableModel(services.library))
    qtbot.addWidget(pane.centre)
    qtbot.addWidget(pane.details)
    return pane


def test_ids_streamed_during_a_refresh_join_the_next_round(
    qtbot: Any, pane: TrackPane, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[list[int]] = []
    gate = asyncio.Event()
    library = services.library

    async def refresh(ids: Sequence[int]) -> None:
        rounds.append(list(ids))
        await gate.wait()  # a slow library read

    monkeypatch.setattr(library, "refresh_tracks", refresh)
    pane.on_tracks_changed([1, 2])
    qtbot.waitUntil(lambda: len(rounds) == 1, timeout=3000)
    for batch in ([3], [2, 4], [5]):  # the bridge keeps sending while the first round reads
        pane.on_tracks_changed(batch)
    gate.set()
    qtbot.waitUntil(lambda: len(rounds) == 2, timeout=3000)
    assert rounds == [[1, 2], [3, 2, 4, 5]], "one more round with every id once, not three"


def test_count_says_how_many_tracks_the_filter_keeps(
    qtbot: Any, pane: TrackPane, services: Services
) -> None:
    imported: list[str] = []

    async def import_one() -> None:
        imported.append(await services.control.import_link(DEEZER))

    TaskRegistry().start(import_one())
    qtbot.waitUntil(lambda: bool(imported), timeout=3000)
    library, pid = services.library, imported[0]
    assert pane.count_label.text() == ""  # no playlist shown yet
    pane.track_model.set_playlist(pid)
    total = len(library.track_ids(pid))
    assert pane.count_label.text() == f"{total} tracks"
    title = library.rows(library.track_ids(pid))[library.track_ids(pid)[0]].title
    pane.track_model.set_filter(TrackFilter(text=title))
    shown = pane.track_model.rowCount()
    assert 0 < shown < total
    assert pane.count_label.text() == f"{shown} of {total} tracks match the filter"
