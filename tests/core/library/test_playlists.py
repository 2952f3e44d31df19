"""Playlists and their ordered entries, with the raw input each entry came from."""

from __future__ import annotations

import json
from pathlib import Path

from djdesk.core.library import EntryInput, LibraryStore, PlaylistInput, TrackInput

# The headers Exportify-compatible apps read (research/mission.md §4.5).
CSV_ROW = {
    "Track URI": "spotify:track:0VjIjW4GlUZAMYd2vXMi3b",
    "Track Name": "Blinding Lights",
    "Artist Name(s)": "The Weeknd",
    "Tempo": "171.001",
    "Key": "1",
    "Mode": "1",
}


def _deezer_playlist(api_samples: Path) -> tuple[PlaylistInput, list[EntryInput]]:
    body = json.loads((api_samples / "deezer" / "playlist_908622995_2025-01-21.json").read_text())
    playlist = PlaylistInput(
        service="deezer",
        service_id=str(body["id"]),
        name=body["title"],
        owner=body["creator"]["name"],
        url=body["link"],
        track_count=body["nb_tracks"],
        snapshot_id=body.get("checksum"),
    )
    entries = [
        EntryInput(
            TrackInput(
                {"deezer": str(t["id"])},
                t["title"],
                [t["artist"]["name"]],
                t["album"]["title"],
                t["duration"] * 1000,
            ),
            source={"url": t["link"]},
            unavailable=not t.get("readable", True),
        )
        for t in body["tracks"]["data"]
    ]
    return playlist, entries


def test_real_deezer_playlist_keeps_order_and_source(
    store: LibraryStore, api_samples: Path
) -> None:
    playlist, entries = _deezer_playlist(api_samples)
    result = store.import_playlist(playlist, entries)
    assert len(result.track_ids) == len(entries) > 0
    assert store.playlist_track_ids(result.playlist_id) == list(result.track_ids)
    stored = store.playlist_entries(result.playlist_id)
    assert [e.source for e in stored] == [dict(e.source) for e in entries]
    assert [e.position for e in stored] == list(range(len(entries)))
    rows = store.track_rows([t for t in result.track_ids if t is not None])
    assert [r.title for r in rows] == [e.track.title for e in entries if e.track]
    (summary,) = store.list_playlists()
    assert summary.name == playlist.name
    assert summary.track_count == playlist.track_count
    assert summary.entries == len(entries)
    assert summary.states == {"pending": len(entries)}
    assert store.find_playlist("deezer", playlist.service_id) == summary


def test_track_in_two_playlists_is_one_track(store: LibraryStore) -> None:
    shared = TrackInput({"spotify": "0VjIjW4GlUZAMYd2vXMi3b"}, "Blinding Lights", ["The Weeknd"])
    other = TrackInput({"spotify": "other"}, "Other")
    first = store.import_playlist(
        PlaylistInput("spotify", "p1", "One"), [EntryInput(shared), EntryInput(other)]
    )
    second = store.import_playlist(
        PlaylistInput("csv", "/tmp/x.csv", "CSV"),
        [EntryInput(shared, source=CSV_ROW)],
    )
    assert second.track_ids[0] == first.track_ids[0]
    assert second.created_tracks == 0
    (entry,) = store.playlist_entries(second.playlist_id)
    assert entry.source["Track URI"] == "spotify:track:0VjIjW4GlUZAMYd2vXMi3b"


def test_flags_and_trackless_entries(store: LibraryStore) -> None:
    entries = [
        EntryInput(
            TrackInput({}, "My Local File", ["Me"]), source={"uri": "spotify:local:x"}, local=True
        ),
        EntryInput(None, source={"url": "https://open.spotify.com/track/gone"}, unavailable=True),
        EntryInput(TrackInput({"spotify": "s"}, "Fine"), added_at="2024-01-02T03:04:05Z"),
    ]
    result = store.import_playlist(PlaylistInput("spotify", "p", "P"), entries)
    local, gone, fine = store.playlist_entries(result.playlist_id)
    assert local.local and not local.unavailable and local.track_id is not None
    assert gone.unavailable and gone.track_id is None
    assert fine.added_at == "2024-01-02T03:04:05Z"
    assert store.playlist_track_ids(result.playlist_id)[1] is None


def test_reimport_replaces_entries_and_updates_snapshot(store: LibraryStore) -> None:
    p = PlaylistInput("spotify", "p", "Before", snapshot_id="s1")
    tracks = [TrackInput({"spotify": f"t{i}"}) for i in range(5)]
    first = store.import_playlist(p, [EntryInput(t) for t in tracks])
    p2 = PlaylistInput("spotify", "p", "After", snapshot_id="s2")
    second = store.import_playlist(p2, [EntryInput(t) for t in reversed(tracks[1:])])
    assert second.playlist_id == first.playlist_id
    assert store.playlist_track_ids(first.playlist_id) == list(reversed(first.track_ids[1:]))
    summary = store.get_playlist(first.playlist_id)
    assert summary is not None
    assert (summary.name, summary.snapshot_id, summary.track_count) == ("After", "s2", 4)


def test_state_and_delete(store: LibraryStore) -> None:
    r = store.import_playlist(
        PlaylistInput("deezer", "1", "x"), [EntryInput(TrackInput({"deezer": "9"}))]
    )
    store.set_playlist_state(r.playlist_id, "complete")
    assert store.list_playlists()[0].enrichment_state == "complete"
    assert store.delete_playlist(r.playlist_id)
    assert store.list_playlists() == []
    assert store.find_track({"deezer": "9"}) == r.track_ids[0]  # the track stays


def test_paged_entries(store: LibraryStore) -> None:
    r = store.import_playlist(
        PlaylistInput("deezer", "1", "x"),
        [EntryInput(TrackInput({"deezer": str(i)}), source={"i": i}) for i in range(30)],
    )
    page = store.playlist_entries(r.playlist_id, offset=10, limit=5)
    assert [e.source["i"] for e in page] == [10, 11, 12, 13, 14]


def test_playlist_view_pairs_entries_with_rows(store: LibraryStore) -> None:
    r = store.import_playlist(
        PlaylistInput("csv", "export.csv", "CSV"),
        [
            EntryInput(
                TrackInput({"spotify": "0VjIjW4GlUZAMYd2vXMi3b"}, "Blinding Lights"), CSV_ROW
            ),
            EntryInput(None, {"Track URI": "spotify:local:::x:1"}, local=True),
        ],
    )
    (first, row), (second, none) = store.playlist_view(r.playlist_id)
    assert first.source == CSV_ROW and row is not None and row.title == "Blinding Lights"
    assert row.ids == {"spotify": "0VjIjW4GlUZAMYd2vXMi3b"}
    assert second.local and none is None
