"""Library layer: playlists, tracks with every provider id, per-field enrichment, pins and jobs.

Open it with ``await Library.open(paths.library_db)`` (async, one DB thread) or, on a single
thread, ``LibraryStore.open(path)``. The file is the user's data: it is migrated in place, a
newer schema is refused untouched, and it is never deleted or replaced by DJDesk.
"""

from __future__ import annotations

from djdesk.core.library.library import Library
from djdesk.core.library.records import (
    FIELD_KINDS,
    ID_PROVIDERS,
    IDENTITY_PROVIDERS,
    JOB_STATES,
    SORT_COLUMNS,
    TRACK_STATES,
    Entry,
    EntryInput,
    FieldLike,
    FieldValue,
    ImportResult,
    Job,
    Payload,
    PlaylistInput,
    PlaylistSummary,
    TrackInput,
    TrackRow,
    UnitDone,
    UpsertResult,
)
from djdesk.core.library.schema import SCHEMA_VERSION
from djdesk.core.library.store import LibraryStore

__all__ = [
    "FIELD_KINDS",
    "IDENTITY_PROVIDERS",
    "ID_PROVIDERS",
    "JOB_STATES",
    "SCHEMA_VERSION",
    "SORT_COLUMNS",
    "TRACK_STATES",
    "Entry",
    "EntryInput",
    "FieldLike",
    "FieldValue",
    "ImportResult",
    "Job",
    "Library",
    "LibraryStore",
    "Payload",
    "PlaylistInput",
    "PlaylistSummary",
    "TrackInput",
    "TrackRow",
    "UnitDone",
    "UpsertResult",
]
