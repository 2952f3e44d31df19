"""Playlist → Export playlist… (Ctrl+E): file dialog, export on the loop, status-bar result.

The dialog is replaced by a stub returning what a user would pick; the export runs through the
fake engine's ``export_playlist``, which uses the real core writers, so the file is read back.
The last test runs ``EngineServices.export_playlist`` on a real ``Runtime`` and library.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtGui import QAction, QKeySequence

from djdesk.core.errors import InputError, StorageError
from djdesk.core.export import ExportReport
from djdesk.core.runtime import Runtime
from djdesk.gui.engine_adapter import EngineServices
from djdesk.gui.export_action import format_of, name_filters, summary
from djdesk.gui.main_window import MainWindow
from djdesk.gui.playlists import links
from djdesk.gui.services import Services
from tests.core.export.conftest import fill_crate

DEEZER = "https://www.deezer.com/en/playlist/908622995"


class DialogStub:
    """Stands in for the save-as chooser (``exporter.choose``); records what the window offered."""

    def __init__(self, answer: tuple[str, str]) -> None:
        self.answer = answer
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.calls.append(args)
        return self.answer


@pytest.fixture
def window(qtbot: Any, qloop: Any, services: Services) -> MainWindow:
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    return w


def _import_and_enrich(qtbot: Any, window: MainWindow) -> str:
    window.playlists.handle_dropped(links.from_text(DEEZER))
    qtbot.waitUntil(lambda: window.playlists.current_playlist() is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.progress.status.text() == "Finished", timeout=10000)
    pid = window.playlists.current_playlist()
    assert pid is not None
    return pid


def test_ctrl_e_is_export_and_nothing_else_claims_it(window: MainWindow) -> None:
    assert window.export_action.shortcut() == QKeySequence("Ctrl+E")
    assert window.export_action.text() == "Export playlist…"
    owners = [a for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+E")]
    assert owners == [window.export_action]  # an ambiguous shortcut would fire neither


def test_export_writes_the_chosen_format_and_reports_in_the_status_bar(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _import_and_enrich(qtbot, window)
    dialog = DialogStub((str(tmp_path / "peak set"), name_filters()["nml"]))
    monkeypatch.setattr(window.exporter, "choose", dialog)
    with qtbot.waitSignal(window.exporter.finished, timeout=5000) as blocker:
        window.export_action.trigger()
    report = blocker.args[0]
    assert isinstance(report, ExportReport)
    assert report.path == tmp_path / "peak set.nml"  # the format's extension was added
    # What the dialog offered: all four formats, the default one preselected.
    _parent, caption, start, filters, selected = dialog.calls[0]
    assert caption == "Export playlist"
    assert filters == list(name_filters().values())
    assert selected == name_filters()["rekordbox"]
    name = {p.id: p.name for p in window.services.library.playlists()}[pid]
    assert Path(start).name.startswith(name[:10])
    # The file is a real NML with one collection entry per exported track.
    root = ET.parse(report.path).getroot()
    entries = root.findall("COLLECTION/ENTRY")
    assert len(entries) == report.written > 0
    keys = [e.find("MUSICAL_KEY") for e in entries]
    assert any(k is not None and 0 <= int(k.get("VALUE", "-1")) <= 23 for k in keys)
    status = window.statusBar().currentMessage()
    assert status.startswith(f"Exported {report.written} tracks to {report.path}")
    assert "without a local file" in status
    # The folder and the format are remembered for the next export.
    dialog2 = DialogStub((str(tmp_path / "again.csv"), name_filters()["csv"]))
    monkeypatch.setattr(window.exporter, "choose", dialog2)
    with qtbot.waitSignal(window.exporter.finished, timeout=5000) as blocker2:
        window.export_playlist()
    assert Path(dialog2.calls[0][2]).parent == tmp_path
    assert dialog2.calls[0][4] == name_filters()["nml"]
    rows = list(csv.DictReader(blocker2.args[0].path.open(encoding="utf-8", newline="")))
    assert len(rows) == report.written


def test_cancelling_the_dialog_writes_nothing(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _import_and_enrich(qtbot, window)
    asked: list[Any] = []
    monkeypatch.setattr(window.services.control, "export_playlist", lambda *a: asked.append(a))
    monkeypatch.setattr(window.exporter, "choose", DialogStub(("", "")))
    task = window.exporter.ask_and_export(pid, "camelot")
    assert task is not None
    qtbot.waitUntil(task.done)
    assert asked == []


def test_no_playlist_selected_says_so(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = DialogStub(("", ""))
    monkeypatch.setattr(window.exporter, "choose", dialog)
    assert not window.export_action.isEnabled()  # greyed out: the menu never offers it
    with qtbot.waitSignal(window.exporter.failed, timeout=1000) as blocker:
        window.export_playlist()  # still safe if reached another way
    assert isinstance(blocker.args[0], InputError)
    assert dialog.calls == []
    assert "No playlist is selected." in window.statusBar().currentMessage()


def test_a_failed_export_is_an_inline_message_not_a_crash(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_and_enrich(qtbot, window)
    dest = tmp_path / "gone" / "set.xml"
    monkeypatch.setattr(
        window.exporter, "choose", DialogStub((str(dest), name_filters()["rekordbox"]))
    )
    with qtbot.waitSignal(window.exporter.failed, timeout=5000) as blocker:
        window.export_action.trigger()
    assert isinstance(blocker.args[0], StorageError)
    status = window.statusBar().currentMessage()
    assert "does not exist" in status and "Choose a folder" in status
    assert not dest.exists()


def test_format_follows_the_filter_then_the_extension() -> None:
    filters = name_filters()
    assert format_of(filters["csv"], Path("a.xml")) == "csv"
    assert format_of("", Path("a.NML")) == "nml"
    assert format_of("", Path("a")) == "rekordbox"


async def test_engine_services_export_reads_the_real_library(
    tmp_path: Path, api_samples: Path
) -> None:
    async with Runtime.open(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as rt:
        playlist_id, _ids = await fill_crate(rt.library, api_samples)
        engine = EngineServices()
        engine.attach(rt)
        try:
            report = await engine.export_playlist(
                str(playlist_id), "rekordbox", tmp_path / "rb.xml", "open_key"
            )
        finally:
            await engine.aclose()
    assert report.written == 5 and report.path == tmp_path / "rb.xml"
    comments = [t.get("Comments") for t in ET.parse(report.path).getroot().iter("TRACK")]
    assert "8d - Energy 8" in comments


def test_summary_names_what_is_left_to_fix_per_format(tmp_path: Path) -> None:
    base = ExportReport(
        "rekordbox",
        tmp_path / "a.xml",
        "P",
        3,
        without_bpm=("A - 1",),
        without_key=(),
        not_local=("A - 1", "B - 2"),
        skipped=("#4 (local file)",),
    )
    assert summary(base) == (
        f"Exported 3 tracks to {tmp_path / 'a.xml'} · 1 without BPM · "
        "2 without a local file (placeholder paths) · 1 left out"
    )
    assert summary(replace(base, format="m3u8")).endswith("· 2 as streaming links · 1 left out")
    assert "local" not in summary(replace(base, format="csv"))
