"""dialogs.ask: questions shown with open() and awaited, never a nested exec() loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QWidget

from djdesk.gui.dialogs.ask import ask_file, ask_save_as, ask_yes_no, confirmed


def _open_box(qtbot: Any) -> QMessageBox:
    found: list[QMessageBox] = []

    def find() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "confirmBox" and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(find, timeout=3000)
    return found[0]


def _boxes() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "confirmBox"]


def test_yes_and_no_are_answered_and_the_box_is_deleted(qtbot: Any, qloop: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    for button, expected in (
        (QMessageBox.StandardButton.Yes, True),
        (QMessageBox.StandardButton.No, False),
    ):
        task = asyncio.ensure_future(ask_yes_no(parent, "Title", "Really?"))
        box = _open_box(qtbot)
        assert box.isModal() and box.text() == "Really?"
        assert not task.done(), "the caller waits for the answer without a nested loop"
        box.button(button).click()
        qtbot.waitUntil(task.done, timeout=3000)
        assert task.result() is expected
        qtbot.waitUntil(lambda: not _boxes(), timeout=3000)  # WA_DeleteOnClose


def test_escape_and_a_cancelled_caller_mean_no(qtbot: Any, qloop: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    task = asyncio.ensure_future(ask_yes_no(parent, "Title", "Really?"))
    _open_box(qtbot).reject()  # Esc / the close button
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() is False

    task = asyncio.ensure_future(ask_yes_no(parent, "Title", "Really?"))
    _open_box(qtbot)
    task.cancel()
    qtbot.waitUntil(task.done, timeout=3000)
    qtbot.waitUntil(lambda: not _boxes(), timeout=3000)


def test_confirmed_takes_an_immediate_or_an_awaited_answer(arun: Any) -> None:
    async def later(_t: str, _x: str) -> bool:
        return True

    assert arun(confirmed(lambda _t, _x: False, "t", "x")) is False
    assert arun(confirmed(later, "t", "x")) is True


def _file_dialog(qtbot: Any) -> QFileDialog:
    found: list[QFileDialog] = []

    def find() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QFileDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(find, timeout=3000)
    return found[0]


def test_a_file_is_chosen_without_a_nested_loop(qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    task = asyncio.ensure_future(
        ask_file(parent, "Export cache", "Cache export (*.jsonl)", save=True, name="c.jsonl")
    )
    dialog = _file_dialog(qtbot)
    assert dialog.isModal() and not task.done()
    assert dialog.findChild(QLineEdit, "fileNameEdit").text() == "c.jsonl"  # the suggestion
    dialog.findChild(QLineEdit, "fileNameEdit").setText(str(tmp_path / "out.jsonl"))
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() == tmp_path / "out.jsonl"

    task = asyncio.ensure_future(ask_file(parent, "Import", "*.jsonl", save=False))
    _file_dialog(qtbot).reject()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() is None


def test_save_as_offers_the_formats_and_answers_the_chosen_one(
    qtbot: Any, qloop: Any, tmp_path: Path
) -> None:
    """The export chooser: getSaveFileName's answer, ``(path, filter)``, without its loop."""
    parent = QWidget()
    qtbot.addWidget(parent)
    filters = ["Rekordbox XML (*.xml)", "Traktor NML (*.nml)"]
    start = tmp_path / "Peak set.xml"
    task = asyncio.ensure_future(ask_save_as(parent, "Export playlist", start, filters, filters[0]))
    dialog = _file_dialog(qtbot)
    assert dialog.isModal() and not task.done()
    assert dialog.nameFilters() == filters and dialog.selectedNameFilter() == filters[0]
    assert dialog.findChild(QLineEdit, "fileNameEdit").text() == "Peak set.xml"
    dialog.selectNameFilter(filters[1])
    dialog.findChild(QLineEdit, "fileNameEdit").setText(str(tmp_path / "set.nml"))
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() == (str(tmp_path / "set.nml"), filters[1])

    task = asyncio.ensure_future(ask_save_as(parent, "Export", start, filters, filters[0]))
    _file_dialog(qtbot).reject()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.result() == ("", "")
