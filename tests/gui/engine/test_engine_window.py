"""The window on the REAL engine: Runtime + Library + cache on the sandbox (fast, loopback).

One sandbox for the module (its catalog takes ~0.4 s to build); every test gets its own
``DJDESK_HOME`` (tests/conftest.py), so its library and cache start empty. Waits are on Qt
signals and conditions (``qtbot.waitUntil``), never sleeps.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.modeltest import ModelTester

from djdesk.core import settings as settings_mod
from djdesk.core.events import JobStateChanged, ProviderPaused
from djdesk.core.logs import MASK, register_secret
from djdesk.core.models import DEFAULT_ENDPOINTS
from djdesk.gui.dialogs.settings_dialog import SettingsDialog
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists import links
from djdesk.gui.playlists.columns import COLUMN_INDEX
from djdesk.gui.service_factory import Opened, demo_links
from djdesk.sandbox import SandboxThread


def _url(sandbox: SandboxThread, service: str, size: int = 25) -> str:
    return next(d.url for d in demo_links(sandbox) if d.service == service and d.size == size)


def _drop(window: MainWindow, url: str) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl(url)])
    mime.setText(url)
    assert links.accepts(mime)
    event = QDropEvent(
        QPoint(200, 200).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert event.isAccepted()


def test_first_run_offers_the_demo_playlists(
    qtbot: Any, window: MainWindow, sandbox: SandboxThread
) -> None:
    panel = window.playlists
    assert panel.empty_box.isVisible()
    labels = [b.text() for b in panel.suggestion_buttons]
    assert labels and "Demo crate 25" in labels[0]
    assert {b.toolTip() for b in panel.suggestion_buttons} >= {_url(sandbox, "deezer")}
    assert "Demo mode — offline sandbox" in window.banner.text()
    assert "Preview" not in window.banner.text()
    # one click imports it and enrichment starts
    panel.suggestion_buttons[0].click()
    qtbot.waitUntil(lambda: panel.track_model.rowCount() == 25, timeout=10000)
    assert panel.playlist_model.rowCount() == 1 and not panel.empty_box.isVisible()
    qtbot.waitUntil(lambda: window.progress.running, timeout=10000)


def test_dropped_sandbox_link_streams_into_table_and_panel(
    qtbot: Any, window: MainWindow, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    streamed: list[int] = []
    window.bridge.tracks_changed.connect(streamed.extend)
    plans: list[Any] = []
    window.bridge.plan_ready.connect(plans.append)
    _drop(window, _url(sandbox, "spotify"))
    table = window.playlists.track_model
    qtbot.waitUntil(lambda: table.rowCount() == 25, timeout=10000)
    assert window.playlists.playlist_model.rowCount() == 1
    assert window.playlists.playlist_model.index(0, 2).data() == 25
    ModelTester(None).check(table)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(plans), timeout=10000)
    assert sum(plans[0].calls_needed.values()) > 0
    # the panel is live while the run streams: some rows in, not all
    qtbot.waitUntil(lambda: window.progress.bar.value() > 0, timeout=20000)
    qtbot.waitUntil(lambda: window.progress.status.text().startswith("Finished"), timeout=30000)
    assert window.progress.bar.value() == 25
    assert len(set(streamed)) >= 25
    bpm, key = COLUMN_INDEX["bpm"], COLUMN_INDEX["key"]
    with_bpm = [r for r in range(25) if table.index(r, bpm).data()]
    with_key = [r for r in range(25) if table.index(r, key).data()]
    assert len(with_bpm) >= 15 and len(with_key) >= 10  # the rest are named partial states
    states = {table.index(r, COLUMN_INDEX["state"]).data() for r in range(25)}
    assert "done" in states and states <= {"done", "partial", "not found", "pending"}
    tip = table.index(with_bpm[0], bpm).data(Qt.ItemDataRole.ToolTipRole)
    assert "Source: Deezer" in tip or "Source: ReccoBeats" in tip  # display names
    stats = window.progress.stats_model
    deezer = next(
        stats.provider_at(r)
        for r in range(stats.rowCount())
        if stats.provider_at(r).provider == "deezer"  # type: ignore[union-attr]
    )
    assert deezer is not None and deezer.calls > 0
    # the fast sandbox answers every call; its catalog lacks some fields: the list and panel
    # count those partial rows, and say re-enriching would not help (no lookup failed)
    column = COLUMN_INDEX["state"]
    partial = sum(table.index(r, column).data() == "partial" for r in range(25))
    assert partial > 0
    assert window.playlists.playlist_model.index(0, 3).data() == f"enriched · {partial} partial"
    assert window.progress.status.text() == (
        f"Finished — {partial} partial · No source had the missing fields"
    )
    log = window.progress.log_model
    lines = [str(log.index(r, 0).data()) for r in range(log.rowCount())]
    assert any("Plan:" in line for line in lines), lines

    # details pane: provenance per field and the stored candidates with their scores
    shown: list[int] = []
    window.playlists.details_shown.connect(shown.append)
    window.playlists.table.selectRow(with_bpm[0])
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    details = window.playlists.details.details
    assert details is not None and details.row.fields["bpm"].source
    assert details.candidates and all(
        c.score is None or 0.0 <= c.score <= 1.0 for c in details.candidates
    )
    assert any(c.chosen for c in details.candidates)
    # per provider, with the record's own title (never a number) and how it was found
    assert {c.provider for c in details.candidates} >= {"deezer", "reccobeats"}
    assert all(c.title and not c.title.replace(".", "").isdigit() for c in details.candidates)
    assert all(c.via for c in details.candidates)


def test_bad_link_shows_what_was_wrong(
    qtbot: Any, window: MainWindow, arun: Callable[..., Any]
) -> None:
    failed: list[str] = []
    window.playlists.import_failed.connect(failed.append)
    window.playlists.add_field.setText("https://open.spotify.com/playlist/nope")
    window.playlists.add_button.click()
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert window.playlists.message.isVisible()
    assert "Spotify" in failed[0] and "\n" in failed[0]  # what was wrong + what to do
    assert window.playlists.playlist_model.rowCount() == 0


def test_inspector_shows_expires_and_deletes_a_real_entry(
    qtbot: Any,
    window: MainWindow,
    opened: Opened,
    sandbox: SandboxThread,
    arun: Callable[..., Any],
) -> None:
    # Import only (a link dropped on the window is enriched as it imports): the counts
    # below need a cache nobody else writes to meanwhile.
    arun(opened.runtime.engine.import_only(_url(sandbox, "spotify")), timeout_ms=10000)
    window.tabs.setCurrentWidget(window.cache)
    cache = window.cache
    qtbot.waitUntil(lambda: cache.entries_model.total > 0, timeout=5000)
    ModelTester(None).check(cache.entries_model)  # type: ignore[arg-type]
    ModelTester(None).check(cache.ns_model)  # type: ignore[arg-type]
    model = cache.entries_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    shown: list[object] = []
    cache.entry_shown.connect(shown.append)
    cache.select_entry(0)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    entry = model.entry_at(0)
    assert entry is not None and entry.namespace.startswith("spotify")
    browser = window.services.cache

    assert arun(browser.expire(entry.namespace, entry.key))
    rows = arun(browser.page(entry.namespace, entry.key, "key", False, 0, 5))
    assert rows and rows[0].stale
    before = arun(browser.count(None, ""))
    assert arun(browser.delete(entry.namespace, entry.key))
    assert arun(browser.count(None, "")) == before - 1
    cache.refresh()
    qtbot.waitUntil(lambda: model.total == before - 1, timeout=5000)


def test_closing_mid_run_stops_cleanly_and_the_job_resumes(
    qtbot: Any,
    window: MainWindow,
    opened: Opened,
    sandbox: SandboxThread,
    arun: Callable[..., Any],
) -> None:
    # Spotify tracks stream one by one (a Deezer-only crate lands in ReccoBeats batches)
    _drop(window, _url(sandbox, "spotify"))
    qtbot.waitUntil(lambda: window.progress.bar.value() >= 2, timeout=20000)
    assert window.progress.running, window.progress._job
    progress = window.progress
    progress.toggle_pause()  # pause: the engine's gate holds the run, Resume stays available
    qtbot.waitUntil(lambda: progress.status.text() == "Paused", timeout=3000)
    assert progress.pause_button.text() == "Resume" and progress.pause_button.isEnabled()
    assert progress.bar.value() >= 2  # done/total kept through the pause
    progress.toggle_pause()
    qtbot.waitUntil(lambda: progress.status.text() == "Enriching", timeout=3000)
    rt = opened.runtime
    assert rt is not None
    states: list[str] = []
    rt.events.subscribe(JobStateChanged, lambda e: states.append(e.state))
    window.close()
    qtbot.waitUntil(lambda: window.is_closed, timeout=3000)
    assert window.tasks.pending == 0
    qtbot.waitUntil(lambda: "cancelled" in states, timeout=3000)
    (job,) = arun(rt.library.list_jobs())
    assert job.state == "cancelled"  # resumable: re-enrich picks it up
    units = arun(rt.library.finished_units(job.id))
    assert 2 <= len(units) < 25  # finished work was kept, the rest is left to do


def test_settings_saved_in_demo_mode_write_no_sandbox_endpoint(
    qtbot: Any, window: MainWindow
) -> None:
    # the window edits the settings the process runs with: the sandbox's loopback endpoints
    assert all(u.startswith("http://127.0.0.1:") for u in window.settings.endpoints.values())
    shown: list[SettingsDialog] = []

    def accept_the_dialog() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog))
        shown.append(dialog)
        dialog.bpm_min.setValue(80)  # a real edit, saved with the rest
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()

    window.open_settings()  # open(), not exec(): returns with the dialog showing
    qtbot.waitUntil(
        lambda: window.settings_dialog is not None and window.settings_dialog.isVisible()
    )
    assert window.settings_dialog.isModal()
    with qtbot.waitSignal(window.settings_dialog.finished, timeout=3000):
        accept_the_dialog()
    assert shown and window.settings_dialog is None
    qtbot.waitUntil(
        lambda: not any(isinstance(w, SettingsDialog) for w in QApplication.topLevelWidgets())
    )
    text = window.paths.settings_file.read_text(encoding="utf-8")
    assert "127.0.0.1" not in text
    saved = settings_mod.load(window.paths.settings_file)
    assert saved.endpoints == DEFAULT_ENDPOINTS and saved.bpm_min == 80
    assert not saved.demo  # --demo is this run's choice, not a saved setting


def test_a_registered_secret_never_reaches_the_log_panel(
    qtbot: Any, window: MainWindow, opened: Opened
) -> None:
    secret = f"lfm-{uuid.uuid4().hex}"
    register_secret(secret)
    # a core module logging a URL with the key (what a provider's warning would quote)
    logging.getLogger("djdesk.core.providers.lastfm").warning(
        "marker-1 GET /2.0/?method=track.getInfo&key=%s failed", secret
    )
    # a record made without the scrubbing record factory: the relay's own redactor masks it
    raw = logging.LogRecord(
        "djdesk.core.net", logging.WARNING, __file__, 1, f"marker-2 token {secret}", None, None
    )
    logging.getLogger("djdesk.core.net").handle(raw)
    # an engine event whose text quotes it (the adapter's own log lines)
    assert opened.runtime is not None
    opened.runtime.events.publish(ProviderPaused("lastfm", 0.0, f"marker-3 refused {secret}"))

    log_model = window.progress.log_model

    def lines() -> list[str]:
        return [str(log_model.index(r, 0).data()) for r in range(log_model.rowCount())]

    qtbot.waitUntil(
        lambda: all(any(f"marker-{n}" in line for line in lines()) for n in (1, 2, 3)),
        timeout=5000,
    )
    marked = [line for line in lines() if "marker-" in line]
    assert len(marked) == 3 and all(MASK in line for line in marked), marked
    assert not any(secret in line for line in lines())
