"""The narrow services the views need, as Protocols, plus the plain values they pass around.

Why Protocols: the widgets must not know the runtime (no god object; TagStudio's rule "pass the
Library, not the driver"). The engine, the cache and the in-memory fake each implement these, so
wiring the real engine is an adapter, not a rewrite.

Threading: every synchronous method here is called on the GUI thread and must return in a few
milliseconds (an in-memory lookup or one small indexed SQLite page). Anything that can wait on the
network is ``async`` and runs as a task on the qasync loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from djdesk.core.events import EventBus

if TYPE_CHECKING:
    from djdesk.core.export import ExportReport

# --- library values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One enriched value and where it came from. ``estimated`` marks defaults and guesses."""

    value: Any
    source: str = ""
    confidence: float = 1.0
    fetched_at: float | None = None
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class TrackRow:
    """What one table row shows. ``fields`` holds only what has been enriched so far."""

    id: int
    position: int
    title: str
    artists: str
    album: str = ""
    duration_s: float | None = None
    state: str = "pending"
    fields: dict[str, FieldValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlaylistInfo:
    id: str
    name: str
    owner: str
    track_count: int
    state: str = "imported"
    source: str = ""
    #: Its tracks in the "failed" / "partial" state, as the library counts them, so the list
    #: still says a finished playlist has gaps after a restart (0 where nobody counted).
    failed: int = 0
    partial: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A provider's match for a track, with its score; ``pinned`` when the user chose it.

    ``chosen``: the record in use (the pinned one when there is a pin). ``score`` is None for a
    record read by a known id that was not compared. ``why``: the matcher's reasons; ``note``:
    why it was turned down, or how it was reached. A pin of it sets ``pin_provider``'s id
    ``pin_id`` (default: its own provider and id; a ReccoBeats row pins its Spotify id);
    ``pinnable`` is False where no pin applies (Last.fm answers by name).
    """

    provider: str
    id: str
    title: str
    artists: str
    score: float | None
    chosen: bool = False
    pinned: bool = False
    duration_s: float | None = None
    why: str = ""
    note: str = ""
    via: str = ""
    pinnable: bool = True
    pin_provider: str = ""
    pin_id: str = ""

    @property
    def pin_target(self) -> tuple[str, str]:
        return (self.pin_provider or self.provider, self.pin_id or self.id)


@dataclass(frozen=True, slots=True)
class SimilarTrack:
    title: str
    artists: str
    match: float


@dataclass(frozen=True, slots=True)
class TrackDetails:
    row: TrackRow
    tags: tuple[str, ...] = ()
    similar: tuple[SimilarTrack, ...] = ()
    artist_info: str = ""
    candidates: tuple[Candidate, ...] = ()


# --- cache values --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamespaceStats:
    namespace: str
    entries: int
    bytes: int
    hits: int
    misses: int
    version: int = 1

    @property
    def hit_rate(self) -> float | None:
        total = self.hits + self.misses
        return self.hits / total if total else None


@dataclass(frozen=True, slots=True)
class CacheEntryRow:
    namespace: str
    key: str
    version: int
    size: int
    created_at: float
    expires_at: float | None
    hits: int
    negative: bool
    stale: bool


#: Columns a ``CacheBrowser.page`` may sort on: the ones the store has an index for.
CACHE_ORDER_COLUMNS: tuple[str, ...] = ("key", "size", "created_at", "expires_at", "hits")


# --- the protocols -------------------------------------------------------------------------------


class LibraryView(Protocol):
    """Read side of the library: a snapshot the views read synchronously, refreshed async.

    Why a snapshot: the table's ``data()`` runs on every paint and must not wait; the real
    library keeps SQLite on its own thread. So the async methods fill an in-memory snapshot of
    the playlist list and of the shown playlist's rows (``Library.playlist_view`` /
    ``track_rows`` for the real one), and the sync methods only read that snapshot. A 10,000-row
    playlist is ~100 MB with the whole window (``benchmarks/gui_bench.py``), and sorting and
    filtering then run on plain Python lists.
    """

    async def refresh_playlists(self) -> None:
        """Reload the playlist list snapshot."""
        ...

    async def load_playlist(self, playlist_id: str) -> None:
        """Load one playlist's ids and rows into the snapshot (before the table shows it)."""
        ...

    async def refresh_tracks(self, ids: Sequence[int]) -> None:
        """Re-read changed rows (after ``TrackEnriched``) into the snapshot."""
        ...

    async def details(self, track_id: int) -> TrackDetails | None:
        """Everything the details pane shows; read on selection, not kept."""
        ...

    def playlists(self) -> list[PlaylistInfo]: ...

    def track_ids(self, playlist_id: str) -> list[int]: ...

    def rows(self, ids: Sequence[int]) -> dict[int, TrackRow]: ...


class EnrichmentControl(Protocol):
    """Write side: import, run control and pins. Import errors are ``core.errors`` classes."""

    @property
    def events(self) -> EventBus: ...

    async def import_link(self, text: str) -> str:
        """Import a playlist link; returns the playlist id. Raises ``UnsupportedLinkError``."""
        ...

    async def import_csv(self, path: Path) -> str: ...

    async def enrich(self, playlist_id: str) -> None:
        """Run (or re-run) enrichment until done or cancelled; progress goes to ``events``."""
        ...

    def remove(self, playlist_id: str) -> Awaitable[None]:
        """Drop the playlist from the snapshot now and delete it from the library.

        The returned awaitable finishes once the library's delete has run (then a refresh no
        longer lists it) and raises its error. It runs whether or not it is awaited, so a
        caller that only fires it still removes the playlist.
        """
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def cancel(self) -> None:
        """Stop the run; finished work is kept and the run can resume later."""
        ...

    @property
    def paused(self) -> bool: ...

    async def pin(self, track_id: int, provider: str, candidate_id: str) -> None: ...

    async def unpin(self, track_id: int, provider: str) -> None:
        """Drop the track's pin for ``provider`` and enrich the track again at once."""
        ...

    async def export_playlist(
        self, playlist_id: str, fmt: str, dest: Path, notation: str
    ) -> ExportReport:
        """Write the playlist as ``fmt`` (a ``core.export.FORMATS`` name) to ``dest``.

        The file is replaced atomically; failures are ``core.errors`` classes (the old file
        stays). Async because it reads the library and writes the disk off the GUI thread.
        """
        ...

    async def aclose(self) -> None:
        """Cancel everything and release resources; must finish well under 3 s."""
        ...


class CacheBrowser(Protocol):
    """The cache inspector's view of the KV cache; paging and sorting happen in the store.

    Async because the real store keeps SQLite on its own thread; the models start these as
    tasks and fill in when they return, so the GUI thread never waits on the disk.
    """

    async def namespaces(self) -> list[NamespaceStats]: ...

    async def count(self, namespace: str | None, search: str) -> int: ...

    async def page(
        self,
        namespace: str | None,
        search: str,
        order_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[CacheEntryRow]:
        """``order_by`` is one of ``CACHE_ORDER_COLUMNS``."""
        ...

    async def entry_value(self, namespace: str, key: str) -> Any:
        """The stored JSON value (``None`` for a negative or missing entry)."""
        ...

    async def delete(self, namespace: str, key: str) -> bool: ...

    async def expire(self, namespace: str, key: str) -> bool: ...

    async def purge(self, namespace: str) -> int: ...

    async def bump(self, namespace: str) -> int: ...

    async def vacuum(self) -> dict[str, int]:
        """Sweep and compact: ``swept`` rows removed, ``bytes_before`` / ``bytes_after``."""
        ...

    async def export(self, path: Path) -> int: ...

    async def import_(self, path: Path) -> int: ...


class AccountService(Protocol):
    """Logins and keys for the settings dialog; values never come back out except status."""

    def spotify_status(self) -> str: ...

    async def spotify_login(self) -> None: ...

    def spotify_logout(self) -> None: ...

    def lastfm_key_set(self) -> bool: ...

    async def set_lastfm_key(self, key: str) -> None:
        """Check and store the key; raises ``InvalidKeyError`` for a bad one."""
        ...

    def clear_lastfm_key(self) -> None: ...

    def storage_note(self) -> str:
        """Where keys and tokens are really kept (keyring, this session only, nowhere)."""
        ...


@dataclass
class Services:
    """The bundle the window is built from (the real engine, or the fakes in tests)."""

    library: LibraryView
    control: EnrichmentControl
    cache: CacheBrowser
    accounts: AccountService
