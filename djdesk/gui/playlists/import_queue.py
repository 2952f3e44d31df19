"""ImportQueue: runs the imports a drop, a paste or a click asks for, one per link or file.

Why it keeps a set of what is in flight: a 10,000-track import takes tens of seconds, and a
DJ who sees nothing happen clicks the suggestion again; the second click must not import the
playlist twice. So a link (or CSV path) already being imported is skipped, and the inline
message says what is running until the last import ends. Imports run as tasks in the window's
``TaskRegistry``; an import error never raises out of a slot, it becomes the message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from djdesk.core.errors import DJDeskError, UnsupportedLinkError
from djdesk.core.events import ImportProgress
from djdesk.core.i18n import _
from djdesk.gui.playlists import links
from djdesk.gui.playlists.inline_message import InlineMessage
from djdesk.gui.services import EnrichmentControl
from djdesk.gui.tasks import TaskRegistry

OnImported = Callable[[str], Awaitable[None]]


class ImportQueue(QObject):
    failed = Signal(str)  # the message shown
    in_flight_changed = Signal(int)  # how many imports are running
    #: One line for the progress panel and the status bar ("Importing 700 of 1,000 tracks…";
    #: "" once the last import ended): a 100 s import read "Ready." and "No enrichment
    #: running." there, its progress only in the small inline message.
    status_changed = Signal(str)

    def __init__(
        self,
        control: EnrichmentControl,
        tasks: TaskRegistry,
        message: InlineMessage,
        on_imported: OnImported,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._control = control
        self._tasks = tasks
        self._message = message
        self._on_imported = on_imported
        self._in_flight: set[str] = set()
        self._progress: dict[str, ImportProgress] = {}
        self.status = ""  # the last line ``status_changed`` sent
        message.expired.connect(self._show_importing)

    @property
    def importing(self) -> frozenset[str]:
        """The links (and CSV paths) whose import has not finished yet."""
        return frozenset(self._in_flight)

    def handle_dropped(self, dropped: links.Dropped) -> bool:
        """Start one import per new link or file; ones already being imported are skipped."""
        if not dropped:
            self._message.show_text(
                _("Nothing to import: drop a playlist link or an Exportify CSV file.")
            )
            return False
        started = 0
        for link in dropped.links:
            started += self._start(link, link, None)
        for path in dropped.files:
            started += self._start(str(path), None, path)
        if started:
            self._show_importing()
        elif self._in_flight:
            self._show_importing(_("Already importing that playlist."))
        return True

    def _start(self, key: str, link: str | None, path: Path | None) -> bool:
        if key in self._in_flight:
            return False
        self._in_flight.add(key)
        self.in_flight_changed.emit(len(self._in_flight))
        self._send_status()
        name = f"import {path.name}" if path is not None else f"import {link}"
        self._tasks.start(self._import(key, link, path), name=name)
        return True

    def on_progress(self, events: Iterable[ImportProgress]) -> None:
        """Entries read so far per source, from the engine as pages arrive; a finished list
        drops out, so the line counts only what is still coming."""
        for event in events:
            if event.total is not None and event.read >= event.total:
                self._progress.pop(event.source, None)
            else:
                self._progress[event.source] = event
        if self._in_flight and self._message.kind == "info":
            self._show_importing()
        self._send_status()

    def status_text(self) -> str:
        """ "Importing 700 of 1,000 tracks…" (with how many playlists when several), or ""."""
        n = len(self._in_flight)
        if not n:
            return ""
        read = sum(e.read for e in self._progress.values())
        totals = [e.total for e in self._progress.values()]
        if not self._progress:
            tracks = ""
        elif None in totals:
            tracks = _("{read} tracks read").format(read=f"{read:,}")
        else:
            total = sum(t for t in totals if t is not None)
            tracks = _("{read} of {total} tracks").format(read=f"{read:,}", total=f"{total:,}")
        if n == 1:
            return _("Importing {tracks}…").format(tracks=tracks) if tracks else _("Importing…")
        if tracks:
            return _("Importing {n} playlists: {tracks}…").format(n=n, tracks=tracks)
        return _("Importing {n} playlists…").format(n=n)

    def _send_status(self) -> None:
        text = self.status_text()
        if text != self.status:
            self.status = text
            self.status_changed.emit(text)

    def _show_importing(self, note: str = "") -> None:
        n = len(self._in_flight)
        if n == 0:
            return
        text = (
            _("Importing the playlist… Its tracks are enriched as they arrive.")
            if n == 1
            else _("Importing {n} playlists…").format(n=n)
        )
        lines = [note] if note else []
        lines.append(text)
        if self._progress:
            lines.append(self._read_so_far())
        self._message.show_text("\n".join(lines), "info")

    def _read_so_far(self) -> str:
        read = sum(e.read for e in self._progress.values())
        totals = [e.total for e in self._progress.values()]
        if None in totals:
            return _("{read:,} tracks read so far").format(read=read)
        total = sum(t for t in totals if t is not None)
        return _("{read:,} of {total:,} tracks read").format(read=read, total=total)

    def _done(self, key: str) -> None:
        self._in_flight.discard(key)
        if not self._in_flight:
            self._progress.clear()
        self.in_flight_changed.emit(len(self._in_flight))
        self._send_status()
        if self._message.kind == "info":
            if self._in_flight:
                self._show_importing()
            else:
                self._message.show_text("")

    def _fail(self, text: str) -> None:
        self._message.show_text(text)
        self.failed.emit(text)

    async def _import(self, key: str, link: str | None, path: Path | None) -> None:
        try:
            pid = await self._fetch(link, path)
        except DJDeskError as exc:
            self._done(key)
            self._fail(f"{exc.message}\n{exc.hint}" if exc.hint else exc.message)
            return
        except BaseException:  # cancelled (window closing) or a bug: never stuck "in flight"
            self._done(key)
            raise
        self._done(key)
        self._message.clear_error()
        await self._on_imported(pid)

    async def _fetch(self, link: str | None, path: Path | None) -> str:
        if path is None:
            return await self._control.import_link(link or "")
        if path.suffix.lower() != ".csv":
            raise UnsupportedLinkError(
                _("{name} is not a CSV file.").format(name=path.name),
                hint=_("Drop an Exportify playlist CSV."),
            )
        return await self._control.import_csv(path)
