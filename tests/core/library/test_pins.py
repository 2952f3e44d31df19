"""Pins: the user's id for a track on a provider persists and wins in every lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk.core.library import LibraryStore, TrackInput


def test_pin_wins_over_matched_id_and_persists(store: LibraryStore, db_path: Path) -> None:
    tid = store.upsert_track(TrackInput({"spotify": "s1", "deezer": "wrong"})).track_id
    store.pin(tid, "deezer", "right")
    assert store.ids_for(tid)["deezer"] == "right"
    assert store.pins_for(tid) == {"deezer": "right"}
    assert store.find_track({"deezer": "right"}) == tid
    assert store.track_rows([tid])[0].ids["deezer"] == "right"
    # A later import that brings the wrong id again does not undo the pin.
    store.upsert_track(TrackInput({"spotify": "s1", "deezer": "wrong"}))
    assert store.ids_for(tid)["deezer"] == "right"
    store.close()
    reopened = LibraryStore.open(db_path)
    assert reopened.ids_for(tid)["deezer"] == "right"
    reopened.close()


def test_pin_takes_the_id_from_another_track(store: LibraryStore) -> None:
    a = store.upsert_track(TrackInput({"spotify": "sa", "deezer": "777"})).track_id
    b = store.upsert_track(TrackInput({"spotify": "sb"})).track_id
    store.pin(b, "deezer", "777")
    assert store.find_track({"deezer": "777"}) == b
    assert "deezer" not in store.ids_for(a)
    # Pinning the same id to a third track moves the pin too: one id, one track.
    c = store.upsert_track(TrackInput({"spotify": "sc"})).track_id
    store.pin(c, "deezer", "777")
    assert store.pins_for(b) == {}
    assert store.find_track({"deezer": "777"}) == c


def test_unpin_restores_the_matched_id(store: LibraryStore) -> None:
    tid = store.upsert_track(TrackInput({"spotify": "s1", "deezer": "matched"})).track_id
    store.pin(tid, "deezer", "pinned")
    assert store.unpin(tid, "deezer") is True
    assert store.unpin(tid, "deezer") is False
    assert store.ids_for(tid)["deezer"] == "matched"
    assert store.find_track({"deezer": "pinned"}) is None


def test_pin_unknown_track_is_an_error(store: LibraryStore) -> None:
    with pytest.raises(LookupError):
        store.pin(999, "deezer", "1")
