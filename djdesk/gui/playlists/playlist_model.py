"""PlaylistListModel: imported playlists (name, owner, track count, enrichment state).

Small (tens of rows), so it simply mirrors ``LibraryView.playlists()`` and updates one row's
state and progress when a ``JobStateChanged`` arrives.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from djdesk.core.events import JobStateChanged
from djdesk.core.i18n import N_, _
from djdesk.core.library.states import run_state_label
from djdesk.core.provider_names import provider_label
from djdesk.gui import theme
from djdesk.gui.flat_table_model import FlatTableModel
from djdesk.gui.progress.outcome import advice, gaps_text, has_gaps, worst_gap
from djdesk.gui.services import LibraryView, PlaylistInfo

PlaylistIdRole = Qt.ItemDataRole.UserRole + 1
_HEADERS = (N_("Playlist"), N_("Owner"), N_("Tracks"), N_("State"))
_Index = QModelIndex | QPersistentModelIndex
_SERVICES = ("spotify", "deezer")


def service_label(source: str) -> str:
    """Which service a playlist came from, by name, so one crate imported twice tells apart.

    ``source`` is the playlist's link (``https://open.spotify.com/…``), a ``service:id``
    reference or a CSV file's path; an Exportify CSV names no service of its own.
    """
    text = source.strip().lower()
    if text.endswith(".csv"):
        return _("CSV file")
    for key in _SERVICES:
        if key in text:
            return provider_label(key)
    return ""


class PlaylistListModel(FlatTableModel):
    headers = _HEADERS

    def __init__(self, library: LibraryView, parent: Any = None) -> None:
        super().__init__(parent)
        self._library = library
        self._items: list[PlaylistInfo] = []
        self._progress: dict[str, tuple[int, int]] = {}
        self._ends: dict[str, JobStateChanged] = {}  # the latest counts, by playlist id
        #: Show the owner under the name (the list view hides the owner column to save width).
        self.two_line = False

    def reload(self) -> None:
        self.beginResetModel()
        self._items = self._library.playlists()
        self.endResetModel()

    def row_of(self, playlist_id: str) -> int | None:
        for i, item in enumerate(self._items):
            if item.id == playlist_id:
                return i
        return None

    def playlist_at(self, row: int) -> PlaylistInfo | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def on_job_state(self, event: JobStateChanged) -> None:
        row = self.row_of(event.job_id)
        if row is None:
            return
        from dataclasses import replace

        self._items[row] = replace(self._items[row], state=event.state)
        self._progress[event.job_id] = (event.done, event.total)
        if event.state in ("running", "paused", "done"):
            self._ends[event.job_id] = event
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))

    def finish(self, item: PlaylistInfo) -> JobStateChanged | None:
        """The end of the playlist's last run when it finished with gaps (failed, partial):
        this session's run, else the library's counts (a run before a restart)."""
        if item.state != "done":
            return None
        end = self._ends.get(item.id)
        if end is None and (item.failed or item.partial):
            # A "failed" track always had a lookup fail; which partial ones did is not kept.
            return JobStateChanged(
                item.id, "done", failed=item.failed, partial=item.partial, retry=item.failed
            )
        return end if end is not None and has_gaps(end) else None

    @staticmethod
    def subtitle(item: PlaylistInfo) -> str:
        """The name's second line: "Spotify · owner" (the owner alone when no service shows).

        The service comes first so a narrow list, which elides the line's end, still tells a
        crate imported from Deezer from the same one imported from Spotify.
        """
        service = service_label(item.source)
        if not service or service.casefold() == item.owner.casefold():
            return item.owner  # an owner-less playlist is shown as owned by its service
        return " · ".join(p for p in (service, item.owner) if p)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        col = index.column()
        if role == PlaylistIdRole:
            return item.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{item.name}\n{self.subtitle(item)}" if self.two_line else item.name
            if col == 1:
                return item.owner
            if col == 2:
                return item.track_count
            if col == 3:
                label = run_state_label(item.state)
                done, total = self._progress.get(item.id, (0, 0))
                if item.state in ("running", "paused") and total:
                    return f"{label} {done * 100 // total}%"
                end = self.finish(item)
                return f"{label} · {worst_gap(end)}" if end is not None else label
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{item.name} — {self.subtitle(item)}\n{item.source}".strip()
            end = self.finish(item)
            if end is not None and item.id in self._ends:
                tip += "\n" + _("Last run: {gaps}. {advice}.").format(
                    gaps=gaps_text(end), advice=advice(end, sentence=True)
                )
            elif end is not None:
                tip += "\n" + _("In the library: {gaps}.").format(gaps=gaps_text(end))
                if end.failed:
                    tip += " " + _("Re-enrich (Ctrl+R) tries the failed ones again.")
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            end = self.finish(item)
            return theme.state_color("partial" if end is not None and end.retry else item.state)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
