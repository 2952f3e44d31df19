"""Playlist → "Export playlist…": choose a file and a format, export on the core, say the result.

The export itself runs through ``EnrichmentControl.export_playlist`` as a task on the qasync
loop (the library read and the file write happen off the GUI thread), so a 10,000-track export
never freezes the window. The result is one status-bar line: how many tracks were written and
what the DJ still has to fix (no BPM, no key, no local file). The last folder and format are
remembered in the window state, so exporting the next playlist is one keypress and Enter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.export import FORMATS, default_filename
from djdesk.core.i18n import _
from djdesk.gui.dialogs.ask import ask_save_as, resolved
from djdesk.gui.services import EnrichmentControl, LibraryView
from djdesk.gui.tasks import TaskRegistry

if TYPE_CHECKING:
    from djdesk.core.export import ExportReport
    from djdesk.gui.ui_state import UiState

DEFAULT_FORMAT = "rekordbox"

#: Asks where to save and as what: ``(parent, title, start, filters, selected)`` to
#: ``(path, filter)``, ``("", "")`` when cancelled; answered at once (tests) or awaited.
Chooser = Callable[
    [QWidget | None, str, Path, Sequence[str], str],
    "Awaitable[tuple[str, str]] | tuple[str, str]",
]


def name_filters() -> dict[str, str]:
    """The file dialog's filter text for each format, e.g. "Rekordbox XML (*.xml)"."""
    return {name: f"{_(f.label)} (*{f.extension})" for name, f in FORMATS.items()}


def format_of(selected_filter: str, path: Path) -> str:
    """The chosen filter decides; without one, the typed extension; else the default."""
    for name, text in name_filters().items():
        if selected_filter == text:
            return name
    for name, f in FORMATS.items():
        if path.suffix.lower() == f.extension:
            return name
    return DEFAULT_FORMAT


def summary(report: ExportReport) -> str:
    """One status line: what was written and what is left to fix."""
    parts = [_("Exported {n} tracks to {path}").format(n=report.written, path=report.path)]
    if report.without_bpm:
        parts.append(_("{n} without BPM").format(n=len(report.without_bpm)))
    if report.without_key:
        parts.append(_("{n} without key").format(n=len(report.without_key)))
    if FORMATS[report.format].needs_files and report.not_local:
        parts.append(
            _("{n} without a local file (placeholder paths)").format(n=len(report.not_local))
        )
    elif report.format == "m3u8" and report.not_local:
        parts.append(_("{n} as streaming links").format(n=len(report.not_local)))
    if report.skipped:
        parts.append(_("{n} left out").format(n=len(report.skipped)))
    return " · ".join(parts)


class PlaylistExporter(QObject):
    """Owns the dialog and the export task; the window shows ``finished``/``failed`` messages."""

    finished = Signal(object)  # ExportReport
    failed = Signal(object)  # DJDeskError

    def __init__(
        self,
        control: EnrichmentControl,
        library: LibraryView,
        tasks: TaskRegistry,
        ui_state: UiState | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._control = control
        self._library = library
        self._tasks = tasks
        self._state = ui_state
        self._parent = parent
        self.choose: Chooser = ask_save_as

    def _remembered(self) -> tuple[Path, str]:
        folder, fmt = Path.home(), DEFAULT_FORMAT
        if self._state is not None:
            folder = Path(str(self._state.value("export/folder", folder)))
            fmt = str(self._state.value("export/format", fmt))
        return folder, fmt if fmt in FORMATS else DEFAULT_FORMAT

    def _remember(self, dest: Path, fmt: str) -> None:
        if self._state is not None:
            self._state.set_value("export/folder", str(dest.parent))
            self._state.set_value("export/format", fmt)

    def ask_and_export(self, playlist_id: str | None, notation: str) -> asyncio.Task[Any] | None:
        """Ask where and as what, then export, in one task. None when there is nothing to do."""
        if playlist_id is None:
            self.failed.emit(
                InputError(
                    _("No playlist is selected."),
                    hint=_("Select a playlist on the left, then export it."),
                )
            )
            return None
        return self._tasks.start(self._ask_then_export(playlist_id, notation), name="export")

    async def _ask_then_export(self, playlist_id: str, notation: str) -> None:
        """The chooser is awaited (``open()``, no nested loop: review 2 #13's crash class)."""
        name = next((p.name for p in self._library.playlists() if p.id == playlist_id), "")
        folder, fmt = self._remembered()
        filters = name_filters()
        chosen, selected = await resolved(
            self.choose(
                self._parent,
                _("Export playlist"),
                folder / default_filename(name or playlist_id, fmt),
                list(filters.values()),
                filters[fmt],
            )
        )
        if not chosen:
            return
        dest = Path(chosen)
        fmt = format_of(selected, dest)
        if dest.suffix.lower() != FORMATS[fmt].extension:
            dest = dest.with_name(dest.name + FORMATS[fmt].extension)
        self._remember(dest, fmt)
        await self.export(playlist_id, fmt, dest, notation)

    async def export(self, playlist_id: str, fmt: str, dest: Path, notation: str) -> None:
        try:
            report = await self._control.export_playlist(playlist_id, fmt, dest, notation)
        except DJDeskError as exc:
            self.failed.emit(exc)
            return
        self.finished.emit(report)
