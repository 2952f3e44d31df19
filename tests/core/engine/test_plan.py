"""The plan is pure: a fake cache view decides hits, and the numbers follow from the rates."""

from __future__ import annotations

from djdesk.core.engine import cachekeys as ck
from djdesk.core.engine.plan import first_lookups, make_plan
from djdesk.core.engine.work import TrackWork

RATES = {"deezer": 10.0, "reccobeats": 5.0, "lastfm": 4.0, "musicbrainz": 1.0}


def work(i: int, **ids: str) -> TrackWork:
    return TrackWork(
        track_id=i,
        title=f"Song {i} (feat. Guest)",
        artists=(f"Artist {i}",),
        album=None,
        duration_ms=200_000,
        ids=dict(ids),
        order=i,
    )


def spotify_works(n: int) -> list[TrackWork]:
    return [work(i, spotify=f"sp{i:020d}", isrc=f"US{i:010d}") for i in range(n)]


def test_cold_plan_counts_calls_and_time_per_provider() -> None:
    plan = make_plan("j", spotify_works(80), lambda ns, key: False, rates=RATES)
    # Deezer by ISRC: one call a track; ReccoBeats: 40 ids a call; Last.fm: one a track.
    assert plan.calls_needed == {"deezer": 80, "reccobeats": 2, "lastfm": 80}
    assert plan.cache_hits == {"deezer": 0, "reccobeats": 0, "lastfm": 0}
    assert plan.estimated_s == 80 / 4.0  # the slowest lane bounds the run
    assert plan.summary() == "needs 162 calls, about 20 s"
    assert not plan.deferred


def test_cached_answers_are_not_planned_again() -> None:
    works = spotify_works(10)
    cached = {(look.namespace, look.key) for w in works[:6] for look in first_lookups(w)}
    plan = make_plan("j", works, lambda ns, key: (ns, key) in cached, rates=RATES)
    assert plan.cache_hits["deezer"] == 6 and plan.cache_misses["deezer"] == 4
    assert plan.calls_needed == {"deezer": 4, "reccobeats": 1, "lastfm": 4}


def test_a_cached_no_mapping_spares_the_features_call() -> None:
    works = spotify_works(3)
    plan = make_plan(
        "j", works, lambda ns, key: ns == ck.RB_MAP_SPOTIFY, rates=RATES, steps=("reccobeats",)
    )
    assert plan.calls_needed == {"reccobeats": 0}
    assert plan.cache_hits == {"reccobeats": 3}


def test_without_isrc_a_search_and_a_detail_are_planned() -> None:
    plan = make_plan("j", [work(1)], lambda ns, key: False, rates=RATES, steps=("deezer",))
    assert plan.calls_needed == {"deezer": 2}
    (look,) = first_lookups(work(1))[:1]
    assert look.namespace == ck.DEEZER_SEARCH and "song 1" in look.key and "feat" not in look.key


def test_deezer_tracks_are_read_by_id_and_found_on_reccobeats_by_search() -> None:
    looks = {lk.provider: lk for lk in first_lookups(work(1, deezer="42", isrc="GB0000000001"))}
    assert looks["deezer"].key == "id:42"
    assert looks["reccobeats"].namespace == ck.RB_SEARCH


def test_budget_serves_selected_tracks_first_and_defers_the_rest() -> None:
    works = spotify_works(10)
    chosen = TrackWork(
        track_id=works[7].track_id,
        title=works[7].title,
        artists=works[7].artists,
        album=None,
        duration_ms=200_000,
        ids=works[7].ids,
        order=7,
        selected=True,
    )
    works[7] = chosen
    plan = make_plan("j", works, lambda ns, key: False, rates=RATES, budgets={"lastfm": 3})
    assert plan.calls_needed["lastfm"] == 3
    assert plan.order[0] == 7
    deferred = {t for t, providers in plan.deferred.items() if "lastfm" in providers}
    assert deferred == {2, 3, 4, 5, 6, 8, 9}  # served: 7 (selected), then 0 and 1
    assert plan.event().deferred == 7


def test_a_total_budget_goes_to_the_fields_a_dj_needs_most() -> None:
    plan = make_plan(
        "j", spotify_works(10), lambda ns, key: False, rates=RATES, budgets={"total": 12}
    )
    # Deezer (BPM) first, then ReccoBeats (key, energy); Last.fm gets what is left.
    assert plan.calls_needed == {"deezer": 10, "reccobeats": 1, "lastfm": 1}
    assert sum(1 for p in plan.deferred.values() if "lastfm" in p) == 9


def test_a_track_is_up_to_date_only_with_the_same_inputs_all_cached() -> None:
    from dataclasses import replace

    from djdesk.core.engine.plan import fingerprint, up_to_date

    w = spotify_works(1)[0]
    all_cached = fingerprint(w, lambda ns, key: True, "bpm:70-180")
    assert all_cached is not None
    assert fingerprint(w, lambda ns, key: ns != ck.LASTFM_TRACK) is None  # a call is due
    done = replace(w, previous=all_cached, previous_state="complete")
    assert up_to_date(done, lambda ns, key: True, "bpm:70-180")
    assert not up_to_date(done, lambda ns, key: True, "bpm:80-160")  # settings changed
    pinned = replace(done, ids={**done.ids, "deezer": "99"})  # a pin changes the lookups
    assert not up_to_date(pinned, lambda ns, key: True, "bpm:70-180")
    assert not up_to_date(replace(done, previous_state="deferred"), lambda ns, key: True)
