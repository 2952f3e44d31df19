"""The playlist browser on the REAL engine over the sandbox: remove, and a repeated import.

Why on the real engine: the review's remove bug lived in the gap between the GUI snapshot and
the library's delete on its own thread, which the in-memory fake cannot show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from djdesk.core.errors import StorageError
from djdesk.gui.main_window import MainWindow
from djdesk.gui.service_factory import demo_links
from djdesk.sandbox import SandboxThread


def _url(sandbox: SandboxThread, service: str, size: int) -> str:
    return next(d.url for d in demo_links(sandbox) if d.service == service and d.size == size)


def test_removed_playlist_is_gone_from_the_list_and_the_library(
    qtbot: Any, window: MainWindow, sandbox: SandboxThread, arun: Callable[..., Any]
) -> None:
    panel = window.playlists
    with qtbot.waitSignal(panel.playlist_imported, timeout=10000) as imported:
        panel.import_text(_url(sandbox, "deezer", 25))
    pid = imported.args[0]
    qtbot.waitUntil(lambda: window.progress.status.text().startswith("Finished"), timeout=20000)
    panel.confirm = lambda _title, _text: True
    with qtbot.waitSignal(panel.playlist_removed, timeout=10000):
        window.remove_action.trigger()
    assert panel.playlist_model.rowCount() == 0 and panel.empty_box.isVisible()
    assert not window.remove_action.isEnabled()
    arun(window.services.library.refresh_playlists())  # what the library itself says now
    assert [p.id for p in window.services.library.playlists()] == []  # type: ignore[attr-defined]
    panel.reload_playlists()
    assert panel.playlist_model.row_of(pid) is None


def test_a_second_click_on_a_suggestion_imports_once(
    qtbot: Any, window: MainWindow, sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    control = window.services.control
    real = control.import_link
    calls: list[str] = []

    async def counted(text: str) -> str:
        calls.append(text)
        return await real(text)

    monkeypatch.setattr(control, "import_link", counted)
    panel = window.playlists
    button = panel.suggestion_buttons[0]
    button.click()
    assert panel.message.isVisible() and "Importing" in panel.message.text()
    assert not button.isEnabled()  # greyed while its import runs
    panel.import_text(button.toolTip())  # and the same link pasted meanwhile is ignored
    qtbot.waitUntil(lambda: panel.playlist_model.rowCount() == 1, timeout=10000)
    qtbot.waitUntil(lambda: not panel.importing, timeout=10000)
    assert panel.playlist_model.rowCount() == 1
    assert calls == [button.toolTip()], "the second click was ignored, not imported again"
    assert not panel.message.isVisible()


def test_a_failed_remove_lists_the_playlist_again_and_says_so(
    qtbot: Any, window: MainWindow, sandbox: SandboxThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.playlists
    with qtbot.waitSignal(panel.playlist_imported, timeout=10000) as imported:
        panel.import_text(_url(sandbox, "deezer", 25))
    pid = imported.args[0]
    control = window.services.control
    real = control.remove

    async def refused() -> None:
        raise StorageError("The library is busy.", hint="Try again.")

    def remove(playlist_id: str) -> Any:
        real(playlist_id).cancel()  # drops it from the snapshot, like a real remove
        return refused()

    monkeypatch.setattr(control, "remove", remove)
    panel.confirm = lambda _title, _text: True
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    qtbot.waitUntil(lambda: window.remove_action.isEnabled(), timeout=5000)  # table shows it
    window.remove_action.trigger()
    qtbot.waitUntil(lambda: any("library is busy" in m for m in said), timeout=5000)
    listed = window.services.library.playlists  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: pid in {p.id for p in listed()}, timeout=5000)  # re-read
    qtbot.waitUntil(lambda: panel.current_playlist() == pid, timeout=5000)  # and shown again
    assert panel.playlist_model.row_of(pid) is not None
