"""The track table's filter: the core ``TrackFilter`` read from the window's ``TrackRow``.

The logic lives in ``djdesk.core.dj.track_query`` (shared with ``djdesk show``); this adds
``matches(row)`` for the GUI's row type and keeps the names the views import.
"""

from __future__ import annotations

from typing import Any

from djdesk.core.dj.track_query import Range
from djdesk.core.dj.track_query import TrackFilter as CoreTrackFilter
from djdesk.gui.services import TrackRow

__all__ = ["Range", "TrackFilter"]


class TrackFilter(CoreTrackFilter):
    __slots__ = ()

    def matches(self, row: TrackRow) -> bool:
        fields = row.fields

        def value(name: str) -> Any:
            fv = fields.get(name)
            return None if fv is None else fv.value

        if self.text.strip():
            genres = fields.get("genres")
            hay = f"{row.title}\n{row.artists}\n{row.album}\n{genres.value if genres else ''}"
        else:
            hay = ""
        return self.matches_values(hay, value)
