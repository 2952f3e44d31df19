"""Modal questions without a nested event loop: ``open()`` the dialog and await its answer.

Why not ``exec()`` / ``QMessageBox.question``: those spin a second Qt event loop inside a
callback of the qasync loop. asyncio callbacks (a Last.fm key check, a run's events) then run
re-entrantly inside that callback, and closing the window afterwards and opening another runtime
in the same process crashed in qasync's timer (review 2, #13: 5 of 7 runs SIGSEGV). ``open()``
shows the same window-modal dialog and returns at once; its ``finished`` signal resolves a
future on the one loop, and ``WA_DeleteOnClose`` frees it, so nothing outlives the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

T = TypeVar("T")

#: Asks a yes/no question; may answer at once (tests) or later (the real, awaited dialog).
Confirm = Callable[[str, str], "Awaitable[bool] | bool"]


def answer_of(dialog: QDialog) -> asyncio.Future[int]:
    """A future resolved with ``dialog``'s result code when it finishes (or 0 if destroyed)."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not future.done():
            future.set_result(int(code))

    dialog.finished.connect(done)
    dialog.destroyed.connect(lambda *_a: done(QDialog.DialogCode.Rejected.value))
    return future


def open_dialog(dialog: QDialog) -> asyncio.Future[int]:
    """Show ``dialog`` window-modal with ``open()`` (deleted on close) and return its answer."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    future = answer_of(dialog)
    dialog.open()
    return future


async def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """A Yes/No question box; True only for Yes. Cancelling the awaiting task closes the box."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("confirmBox")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    said_yes: list[bool] = []
    box.buttonClicked.connect(
        lambda button: said_yes.append(box.standardButton(button) == QMessageBox.StandardButton.Yes)
    )
    try:
        await open_dialog(box)
    except asyncio.CancelledError:
        with contextlib.suppress(RuntimeError):  # already deleted with its parent
            box.close()
        raise
    return said_yes[-1:] == [True]


def confirm_dialog(parent: QWidget) -> Confirm:
    """The panels' default ``confirm``: the awaited Yes/No box over ``parent``."""

    def confirm(title: str, text: str) -> Awaitable[bool]:
        return ask_yes_no(parent, title, text)

    return confirm


async def resolved(answer: Awaitable[T] | T) -> T:
    """An answer given at once (a test's stand-in) or one to await (the real dialog)."""
    if inspect.isawaitable(answer):
        return await answer
    return answer


async def confirmed(confirm: Confirm, title: str, text: str) -> bool:
    """Ask through ``confirm`` whether it answers at once or has to be awaited."""
    return bool(await resolved(confirm(title, text)))


async def ask_file(
    parent: QWidget, title: str, pattern: str, *, save: bool, name: str = ""
) -> Path | None:
    """A file chooser opened with ``open()`` (not the static ``getSaveFileName``, which runs
    its own loop); the chosen path, or None when cancelled."""
    dialog = QFileDialog(parent, title, "", pattern)
    dialog.setObjectName("fileDialog")
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.selectFile(name)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen: list[str] = []
    dialog.fileSelected.connect(chosen.append)
    try:
        code = await open_dialog(dialog)
    except asyncio.CancelledError:
        with contextlib.suppress(RuntimeError):
            dialog.close()
        raise
    accepted = code == QDialog.DialogCode.Accepted.value
    return Path(chosen[-1]) if accepted and chosen else None


async def ask_save_as(
    parent: QWidget, title: str, start: Path, filters: Sequence[str], selected: str
) -> tuple[str, str]:
    """A save chooser with a choice of formats, opened with ``open()``; ``(path, filter)`` as
    ``QFileDialog.getSaveFileName`` answers (``("", "")`` when cancelled), without its loop."""
    dialog = QFileDialog(parent, title, str(start.parent))
    dialog.setObjectName("saveAsDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters(list(filters))
    dialog.selectNameFilter(selected)
    dialog.selectFile(start.name)
    # Read when chosen: the dialog deletes itself on close, before the await resumes.
    chosen: list[tuple[str, str]] = []
    dialog.fileSelected.connect(lambda path: chosen.append((path, dialog.selectedNameFilter())))
    try:
        code = await open_dialog(dialog)
    except asyncio.CancelledError:
        with contextlib.suppress(RuntimeError):
            dialog.close()
        raise
    if code != QDialog.DialogCode.Accepted.value or not chosen:
        return "", ""
    return chosen[-1]
