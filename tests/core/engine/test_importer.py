"""The importer with a stand-in Spotify client: albums import like playlists, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import SystemClock
from djdesk.core.engine.clients import Clients
from djdesk.core.engine.fetcher import Fetcher
from djdesk.core.engine.importer import Importer
from djdesk.core.library import Library
from djdesk.core.net.orchestrator import Orchestrator
from djdesk.core.providers.spotify_models import SpotifyAlbum
from djdesk.core.providers.types import TrackRecord

ALBUM = "4aawyAB9vmqN3uQ7FjRGTy"


class FakeSpotify:
    def __init__(self) -> None:
        self.calls = 0

    async def album(self, album_id: str) -> SpotifyAlbum:
        self.calls += 1
        return SpotifyAlbum(album_id, "Discovery", ("Daft Punk",), "2001-03-12", 2, None)

    async def album_tracks(
        self, album_id: str, album_name: str | None = None, *, on_page: Any = None
    ) -> list[Any]:
        self.calls += 1
        return [
            TrackRecord("spotify", f"{i:022d}", f"Song {i}", ("Daft Punk",), album_name, 200_000)
            for i in range(2)
        ]


async def test_a_spotify_album_imports_in_order_and_is_cached(tmp_path: Path) -> None:
    fake = FakeSpotify()
    clients = Clients(fake, None, None, None, None, None)  # type: ignore[arg-type]
    cache = await CacheStore.open(tmp_path / "cache.sqlite3")
    library = await Library.open(tmp_path / "library.sqlite3")
    orchestrator = Orchestrator()
    try:
        url = f"https://open.spotify.com/album/{ALBUM}"
        for _ in range(2):
            fetcher = Fetcher(cache, orchestrator, SystemClock())
            imported = await Importer(clients, fetcher, library).run(url)
        assert fake.calls == 2  # the second import came from the cache
        assert imported.name == "Discovery" and len(imported.track_ids) == 2
        view = await library.playlist_view(imported.playlist_id)
        assert [e.source["uri"] for e, _ in view] == [f"spotify:track:{i:022d}" for i in range(2)]
        assert [row.album for _, row in view if row] == ["Discovery", "Discovery"]
    finally:
        await orchestrator.aclose()
        await library.aclose()
        await cache.aclose()
