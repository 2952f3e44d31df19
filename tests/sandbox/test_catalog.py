"""The catalog is reproducible and carries the traps real data has."""

from __future__ import annotations

from collections import Counter

from djdesk.sandbox.catalog import CRATE_COVERED, DEMO_SIZES, LOCAL_ITEM, NULL_ITEM, Catalog


def test_same_seed_same_catalog_other_seed_differs(catalog: Catalog) -> None:
    again = Catalog(1)
    assert [t.spotify_id for t in again.tracks] == [t.spotify_id for t in catalog.tracks]
    assert [p.id for p in again.demo_playlists()] == [p.id for p in catalog.demo_playlists()]
    assert Catalog(2).tracks[0].spotify_id != catalog.tracks[0].spotify_id


def test_ids_have_the_real_formats(catalog: Catalog) -> None:
    t = catalog.tracks[0]
    assert len(t.spotify_id) == 22 and t.spotify_id.isalnum()
    assert len(t.isrc) == 12 and t.isrc[:2].isalpha()
    assert all(len(x.spotify_id) == 22 for x in catalog.tracks)
    assert len({t.spotify_id for t in catalog.tracks}) == len(catalog.tracks)
    uuid = next(t.rb_uuid for t in catalog.tracks if t.rb_uuid)
    assert uuid[14] == "4" and len(uuid) == 36


def test_traps_are_present(catalog: Catalog) -> None:
    tracks = catalog.tracks
    n = len(tracks)
    assert 0.35 < sum(t.deezer_bpm == 0 for t in tracks) / n < 0.55
    assert 0.5 < sum(t.rb_uuid is not None for t in tracks) / n < 0.7
    assert any(
        abs(t.rb_tempo - 2 * t.tempo) < 0.01 or abs(2 * t.rb_tempo - t.tempo) < 0.01 for t in tracks
    )
    assert any(t.rb_key != t.key_pc and t.rb_mode != t.mode for t in tracks)
    assert any(len(v) > 1 for v in catalog.by_isrc.values())  # shared ISRCs
    kinds = Counter(t.kind for t in tracks)
    for kind in ("remix", "radio_edit", "extended", "live", "remaster", "cover", "karaoke"):
        assert kinds[kind] > 0, kind
    assert any(t.spotify_isrc_missing for t in tracks)
    assert any(t.deezer_release_date == "1900-01-01" for t in tracks)
    assert any(not a.name.isascii() for a in catalog.artists)
    assert len({t.feat_style for t in tracks if len(t.artists) > 1}) >= 4
    karaoke = [t for t in tracks if t.kind == "karaoke"]
    median_rank = sorted(t.rank for t in tracks)[n // 2]
    assert all(t.rank > median_rank for t in karaoke)


def test_bpm_clusters_by_genre(catalog: Catalog) -> None:
    dnb = [t.tempo for t in catalog.tracks if t.genre == "drum and bass" and t.kind == "original"]
    house = [t.tempo for t in catalog.tracks if t.genre == "house" and t.kind == "original"]
    assert 165 < sum(dnb) / len(dnb) < 180
    assert 118 < sum(house) / len(house) < 130
    assert len({t.key_pc for t in catalog.tracks}) == 12


def test_demo_playlists_cover_both_services_and_modes(catalog: Catalog) -> None:
    demos = catalog.demo_playlists()
    for service in ("spotify", "deezer"):
        sizes = sorted(d.size for d in demos if d.service == service and d.owned)
        assert sizes == list(DEMO_SIZES)
    assert any(d.service == "spotify" and not d.owned for d in demos)
    big = next(p for p in catalog.spotify_playlists.values() if len(p.entries) == 10_000)
    assert NULL_ITEM in big.entries and LOCAL_ITEM in big.entries


def test_demo_crates_are_mostly_covered_tracks_but_keep_the_traps(catalog: Catalog) -> None:
    """Owned crates are popular tracks (ReccoBeats knows ~95 %); the catalog keeps ~60 %."""
    everything = sum(t.rb_uuid is not None for t in catalog.tracks) / len(catalog.tracks)
    assert 0.55 < everything < 0.65
    crates = [p.entries for p in catalog.spotify_playlists.values() if p.owned]
    crates += [p.entries for p in catalog.deezer_playlists.values()]
    for entries in crates:
        tracks = [catalog.tracks[k] for k in entries if k >= 0]
        if len(entries) == 10_000:
            continue  # more than the covered tracks there are
        covered = sum(t.rb_uuid is not None for t in tracks) / len(tracks)
        assert CRATE_COVERED - 0.03 <= covered < 1.0 or len(tracks) < 100, covered
        if len(tracks) >= 200:
            assert sum(t.deezer_bpm == 0 for t in tracks) / len(tracks) > 0.35
            assert any(t.rb_tempo != t.tempo for t in tracks if t.rb_uuid)
            assert any((t.rb_key, t.rb_mode) != (t.key_pc, t.mode) for t in tracks if t.rb_uuid)
            assert any(t.spotify_isrc_missing for t in tracks)
            assert any(t.kind != "original" for t in tracks)
    followed = [p for p in catalog.spotify_playlists.values() if not p.owned]
    for p in followed:  # someone else's playlist: the long tail as it is
        tracks = [catalog.tracks[k] for k in p.entries]
        assert sum(t.rb_uuid is not None for t in tracks) / len(tracks) < 0.8
