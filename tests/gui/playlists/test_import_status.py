"""An import says how far it got in the progress panel and the status bar (review 2, #12):
a 100 s import read "Ready." and "No enrichment running." there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from djdesk.core.events import ImportProgress, JobStateChanged
from djdesk.gui.fake_services import FakeEngine, fake_services
from djdesk.gui.main_window import MainWindow
from djdesk.gui.progress.panel import EnrichmentProgressPanel
from djdesk.gui.services import Services

SPOTIFY = "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"
DEEZER = "https://www.deezer.com/en/playlist/908622995"


def test_a_long_import_shows_in_the_panel_and_the_status_bar(
    qtbot: Any, window: MainWindow, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = services.control
    assert isinstance(engine, FakeEngine)
    real = engine.import_link
    gates: dict[str, asyncio.Future[None]] = {}
    loop = asyncio.get_running_loop()

    async def paged_import(text: str) -> str:
        await gates.setdefault(text, loop.create_future())
        return await real(text)

    monkeypatch.setattr(engine, "import_link", paged_import)
    status = window.progress.status
    bar = window.statusBar()
    window.playlists.import_text(SPOTIFY)
    qtbot.waitUntil(lambda: status.text() == "Importing…", timeout=3000)
    engine.events.publish(ImportProgress(SPOTIFY, 700, 1000))  # as the core does, per page
    qtbot.waitUntil(lambda: status.text() == "Importing 700 of 1,000 tracks…", timeout=3000)
    assert bar.currentMessage() == "Importing 700 of 1,000 tracks…"
    assert window.progress.count.text() == ""  # no "0 of 0 tracks"
    window.playlists.import_text(DEEZER)  # a second one at once
    engine.events.publish(ImportProgress(DEEZER, 40, None))  # a total the service never says
    qtbot.waitUntil(
        lambda: status.text() == "Importing 2 playlists: 740 tracks read…", timeout=3000
    )
    qtbot.waitUntil(lambda: len(gates) == 2, timeout=3000)
    for gate in gates.values():
        gate.set_result(None)
    # both imported: the fake enriches them at once; the import line is gone
    qtbot.waitUntil(lambda: "Importing" not in status.text(), timeout=5000)
    assert "Importing" not in bar.currentMessage()


def test_status_bar_keeps_a_message_that_replaced_the_import_line(window: MainWindow) -> None:
    window._show_import_status("Importing…")
    window.statusBar().showMessage("Settings saved.")
    window._show_import_status("")
    assert window.statusBar().currentMessage() == "Settings saved."


def test_panel_puts_the_import_after_a_runs_words(qtbot: Any) -> None:
    panel = EnrichmentProgressPanel(fake_services(step_s=0.0).control, clock=lambda: 0.0)
    qtbot.addWidget(panel)
    panel.show_import("Importing 700 of 1,000 tracks…")
    assert panel.status.text() == "Importing 700 of 1,000 tracks…"
    panel.on_job_state(JobStateChanged("a", "running", 0, 0, "importing"))  # no total yet
    assert panel.status.text() == "Importing 700 of 1,000 tracks…"
    panel.on_job_state(JobStateChanged("b", "running", 3, 25))  # another playlist enriching
    assert panel.status.text() == "Enriching 2 playlists · Importing 700 of 1,000 tracks…"
    panel.show_import("")
    assert panel.status.text() == "Enriching 2 playlists"
