"""One row per real track: dedupe by provider id, ISRC kept but never merging on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk.core.library import LibraryStore, TrackInput
from tests.core.library.procs import finish, go, start_worker


def test_same_spotify_id_is_one_track(store: LibraryStore) -> None:
    a = store.upsert_track(TrackInput({"spotify": "sp1"}, "Nightvision", ["Daft Punk"]))
    b = store.upsert_track(TrackInput({"spotify": "sp1", "deezer": "3135558"}))
    assert a.created and not b.created
    assert a.track_id == b.track_id
    assert store.ids_for(a.track_id) == {"spotify": "sp1", "deezer": "3135558"}


def test_any_identity_id_finds_the_track(store: LibraryStore) -> None:
    tid = store.upsert_track(TrackInput({"deezer": "3135558", "isrc": "GBDUW0000061"})).track_id
    # A Spotify import that only shares the Deezer id joins the same row and adds its id.
    again = store.upsert_track(TrackInput({"spotify": "sp9", "deezer": "3135558"}))
    assert again.track_id == tid
    assert store.find_track({"spotify": "sp9"}) == tid
    assert store.find_track({"deezer": "3135558"}) == tid
    assert store.find_track({"reccobeats": "nope"}) is None


def test_isrc_alone_never_merges(store: LibraryStore) -> None:
    one = store.upsert_track(TrackInput({"spotify": "orig", "isrc": "USUG11904206"}, "Song"))
    two = store.upsert_track(TrackInput({"spotify": "remaster", "isrc": "USUG11904206"}, "Song"))
    assert one.track_id != two.track_id
    assert store.find_track({"isrc": "USUG11904206"}) is None
    assert store.tracks_by_id("isrc", "USUG11904206") == [one.track_id, two.track_id]


def test_conflicting_ids_are_reported_not_merged(store: LibraryStore) -> None:
    a = store.upsert_track(TrackInput({"spotify": "sA"})).track_id
    b = store.upsert_track(TrackInput({"deezer": "dB"})).track_id
    mixed = store.upsert_track(TrackInput({"spotify": "sA", "deezer": "dB"}))
    assert mixed.track_id == a  # Spotify wins by precedence
    assert mixed.conflicts == (("deezer", "dB", b),)
    assert store.find_track({"deezer": "dB"}) == b
    assert "deezer" not in store.ids_for(a)


def test_metadata_fills_blanks_but_keeps_first_spelling(store: LibraryStore) -> None:
    tid = store.upsert_track(TrackInput({"spotify": "s"}, "Title", None, None, None)).track_id
    store.upsert_track(TrackInput({"spotify": "s"}, "TITLE (Remastered)", ["X"], "Alb", 104000))
    (row,) = store.track_rows([tid])
    assert (row.title, row.artists, row.album, row.duration_ms) == ("Title", ["X"], "Alb", 104000)
    store.set_meta(tid, title="Canonical", artists=["Y", "Z"])
    (row,) = store.track_rows([tid])
    assert (row.title, row.artists, row.album) == ("Canonical", ["Y", "Z"], "Alb")


def test_attach_id_from_matching(store: LibraryStore) -> None:
    a = store.upsert_track(TrackInput({"spotify": "s1"})).track_id
    b = store.upsert_track(TrackInput({"spotify": "s2"})).track_id
    assert store.attach_id(a, "reccobeats", "25c8ca63-5895-4572-84eb-a7040bc08c4d") is None
    assert store.attach_id(b, "reccobeats", "25c8ca63-5895-4572-84eb-a7040bc08c4d") == a
    assert store.ids_for(a)["reccobeats"] == "25c8ca63-5895-4572-84eb-a7040bc08c4d"


def test_first_id_per_provider_wins_later_ones_are_aliases(store: LibraryStore) -> None:
    tid = store.upsert_track(TrackInput({"deezer": "100"})).track_id
    store.attach_id(tid, "deezer", "200")
    assert store.ids_for(tid)["deezer"] == "100"
    assert store.find_track({"deezer": "200"}) == tid


def test_unknown_provider_is_rejected(store: LibraryStore) -> None:
    with pytest.raises(ValueError, match="unknown id provider"):
        store.find_track({"spotfy": "x"})


def test_engine_can_join_an_isrc_match_explicitly(store: LibraryStore) -> None:
    deezer = store.upsert_track(
        TrackInput({"deezer": "3135558", "isrc": "GBDUW0000061"}, "Nightvision", None, None, 104000)
    ).track_id
    # The engine found the ISRC, compared title and duration, and decided: same track.
    (candidate,) = store.tracks_by_id("isrc", "GBDUW0000061")
    joined = store.upsert_track(
        TrackInput({"spotify": "sp-nv", "isrc": "GBDUW0000061"}, "Nightvision", same_as=candidate)
    )
    assert joined.track_id == deezer and not joined.created
    assert store.find_track({"spotify": "sp-nv"}) == deezer
    assert store.tracks_by_id("isrc", "GBDUW0000061") == [deezer]
    with pytest.raises(LookupError):
        store.upsert_track(TrackInput({"spotify": "x"}, same_as=424242))


def test_two_processes_importing_the_same_tracks_create_each_once(db_path: Path) -> None:
    LibraryStore.open(db_path).close()
    workers = [start_worker("import", str(db_path), name, "300") for name in ("a", "b")]
    for w in workers:
        go(w)
    for w in workers:
        assert finish(w) == ["done"]
    store = LibraryStore.open(db_path)
    assert len(store.query_track_ids()) == 300
    assert len(store.list_playlists()) == 10
    assert all(p.entries == 300 for p in store.list_playlists())
    store.close()
