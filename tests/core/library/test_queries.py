"""The read side at 10,000 rows: import, page, sort and filter in SQL on indexed columns."""

from __future__ import annotations

import pytest

from djdesk.core.library import EntryInput, FieldValue, LibraryStore, PlaylistInput, TrackInput

KEYS = ("8A", "9A", "10B")


def _big_playlist(store: LibraryStore, n: int = 10_000) -> tuple[int, list[int]]:
    entries = [
        EntryInput(
            TrackInput(
                {"spotify": f"sp{i:05d}", "isrc": f"ISRC{i:08d}"},
                f"Track {i}",
                [f"Artist {i % 97}"],
            ),
            source={"Track URI": f"spotify:track:sp{i:05d}"},
        )
        for i in range(n)
    ]
    result = store.import_playlist(PlaylistInput("spotify", "big", "Big"), entries)
    ids = [t for t in result.track_ids if t is not None]
    store.set_fields_many(
        {
            tid: {
                "bpm": FieldValue(float(80 + i % 100), "deezer"),
                "energy": FieldValue((i % 10) / 10, "reccobeats"),
                "key": FieldValue(KEYS[i % 3], "reccobeats"),
                "year": FieldValue(1990 + i % 30, "deezer"),
            }
            for i, tid in enumerate(ids)
            if i % 50  # every 50th track stays without values
        }
    )
    return result.playlist_id, ids


def test_ten_thousand_track_playlist(store: LibraryStore) -> None:
    playlist_id, ids = _big_playlist(store)
    assert len(set(ids)) == 10_000
    (summary,) = store.list_playlists()
    assert summary.entries == 10_000 and summary.states == {"pending": 10_000}
    assert store.playlist_track_ids(playlist_id) == ids

    # Lazy table paging: a page of ids, then rows for just that page.
    page = store.playlist_track_ids(playlist_id)[5_000:5_050]
    rows = store.track_rows(page)
    assert [r.id for r in rows] == page
    assert rows[0].title == "Track 5000" and rows[1].doc["bpm"]["value"] == 81.0
    assert rows[0].ids == {"spotify": "sp05000", "isrc": "ISRC00005000"}

    by_bpm = store.query_track_ids(playlist_id=playlist_id, sort="bpm", descending=True)
    assert len(by_bpm) == 10_000
    rows = store.track_rows(by_bpm[:3] + by_bpm[-3:])
    assert [r.doc["bpm"]["value"] for r in rows[:3]] == [179.0] * 3
    assert all("bpm" not in r.doc for r in rows[3:])  # no value sorts last, even descending

    house = store.query_track_ids(
        playlist_id=playlist_id, ranges={"bpm": (120, 130)}, keys=["8A"], sort="energy"
    )
    got = store.track_rows(house)
    assert got and all(120 <= r.doc["bpm"]["value"] <= 130 for r in got)
    assert all(r.doc["key"]["value"] == "8A" for r in got)
    energies = [r.doc["energy"]["value"] for r in got]
    assert energies == sorted(energies)

    assert store.query_track_ids(playlist_id=playlist_id, text="Track 9999") == [ids[9999]]
    assert len(store.query_track_ids(playlist_id=playlist_id, text="artist 96")) == 103
    assert store.query_track_ids(text="100%") == []
    recent = [i for i in range(10_000) if i % 50 and 1990 + i % 30 >= 2019]
    assert store.query_track_ids(ranges={"year": (2019, None)}) == [ids[i] for i in recent]


def test_library_wide_sorts_use_the_indexes(store: LibraryStore) -> None:
    conn = store._conn
    for column in ("bpm", "energy", "key", "year", "state"):
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM tracks WHERE {column} > ? ORDER BY {column}",
                (0,),
            )
        )
        assert f"tracks_{column}" in plan, plan


def test_bad_sort_and_filter_are_refused(store: LibraryStore) -> None:
    with pytest.raises(ValueError):
        store.query_track_ids(sort="title; DROP TABLE tracks")
    with pytest.raises(ValueError):
        store.query_track_ids(ranges={"doc": (0, 1)})


def test_key_sorts_round_the_camelot_wheel_and_accepts_the_engine_shape(
    store: LibraryStore,
) -> None:
    from djdesk.core.dj.keys import Key
    from djdesk.core.engine.fusion import FieldValue as EngineFieldValue

    ids = [
        r.track_id for r in store.upsert_tracks([TrackInput({"deezer": str(i)}) for i in range(4)])
    ]
    store.set_fields(ids[0], {"key": FieldValue("10A", "user")})
    store.set_fields(ids[1], {"key": FieldValue("2B", "user")})
    # The engine's own FieldValue stores the key as an object with every notation.
    a_minor = EngineFieldValue(Key(9, 0), "reccobeats", 0.6, "measured", fetched_at=7.0)
    store.set_fields(ids[2], {"key": a_minor})
    store.set_fields(ids[3], {"key": {"value": "1A", "source": "user", "kind": "measured"}})
    assert store.query_track_ids(sort="key") == [ids[3], ids[1], ids[2], ids[0]]
    assert store.query_track_ids(keys=["8A"]) == [ids[2]]
    doc = store.track_rows([ids[2]])[0].doc
    assert doc["key"]["value"]["camelot"] == "8A" and doc["key"]["fetched_at"] == 7.0
    with pytest.raises(ValueError, match="kind"):
        store.set_fields(ids[0], {"key": {"value": "1A", "source": "user", "kind": "guess"}})


def test_year_falls_back_to_release_date(store: LibraryStore) -> None:
    (a, b) = [
        r.track_id
        for r in store.upsert_tracks([TrackInput({"deezer": "1"}), TrackInput({"deezer": "2"})])
    ]
    store.set_fields(a, {"release_date": FieldValue("2001-03-12", "deezer")})
    store.set_fields(
        b,
        {
            "release_date": FieldValue("1999-01-01", "deezer"),
            "year": FieldValue(1998, "musicbrainz"),
        },
    )
    assert store.query_track_ids(sort="year") == [b, a]
    assert store.query_track_ids(ranges={"year": (2000, 2005)}) == [a]
