"""End to end on the sandbox (fast profile, loopback): import, plan, waterfall, fusion, cache.

Every attached id and every BPM/key is checked against the sandbox catalog's truth, so a wrong
match fails the test even when the output looks plausible.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from djdesk.core.dj.keys import format_key, relative
from djdesk.core.engine.enricher import EnrichOptions
from djdesk.core.library import TRACK_STATES
from djdesk.sandbox import SandboxThread
from djdesk.sandbox.catalog import Catalog, Track
from tests.core.engine.sandbox_env import (
    catalog_of,
    demo_url,
    provider_calls,
    sandbox_runtime,
    truth_entries,
)

NAMED_STATES = set(TRACK_STATES) - {"pending"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


def _same_recording(attached: Track | None, truth: Track) -> bool:
    """The attached record is the truth, or a record of the same recording (a remaster
    sharing its ISRC: same audio, same BPM and key)."""
    if attached is None:
        return False
    if attached.key == truth.key:
        return True
    return attached.isrc == truth.isrc and {attached.kind, truth.kind} <= {"original", "remaster"}


def _key_ok(value: dict[str, Any], truth: Track) -> bool:
    camelot = value["camelot"]
    rel = relative(truth.key_pc, truth.mode)
    return camelot in (
        format_key(truth.key_pc, truth.mode, "camelot"),
        format_key(rel.pitch_class, rel.mode, "camelot"),
    )


def _bpm_ok(bpm: float, truth: Track) -> bool:
    return any(abs(bpm - truth.tempo * f) <= 0.03 * truth.tempo * f for f in (0.5, 1, 2))


def check_against_truth(
    catalog: Catalog, rows: list[dict[str, Any]], truth: list[Track | None]
) -> dict[str, float]:
    assert len(rows) == len(truth)
    reach_bpm = reach_key = got_bpm = got_key = got_both = 0
    for row, t in zip(rows, truth, strict=True):
        assert row["state"] in NAMED_STATES, row
        got_both += {"bpm", "key"} <= set(row["fields"])
        if t is None:
            assert row["state"] == "not_found"
            continue
        ids = row["ids"]
        if ids["deezer"]:
            attached = catalog.by_deezer.get(int(ids["deezer"]))
            assert _same_recording(attached, t), (row["title"], ids, t)
        if ids["reccobeats"]:
            attached = catalog.by_rb.get(ids["reccobeats"])
            assert _same_recording(attached, t), (row["title"], ids, t)
        fields = row["fields"]
        key_known = t.rb_uuid is not None and int(t.rb_uuid[-2:], 16) >= 4
        if t.deezer_bpm or t.rb_uuid:
            reach_bpm += 1
            if "bpm" in fields:
                got_bpm += 1
                assert _bpm_ok(fields["bpm"]["value"], t), (fields["bpm"], t.tempo)
        if key_known:
            reach_key += 1
            if "key" in fields:
                got_key += 1
                assert _key_ok(fields["key"]["value"], t), (fields["key"], t.key_pc, t.mode)
        for name, field in fields.items():
            assert {"value", "source", "confidence", "kind"} <= set(field), name
        if row["state"] == "complete":
            assert {"bpm", "key", "energy"} <= set(fields)
    return {
        "bpm": got_bpm / reach_bpm,
        "key": got_key / reach_key,
        "bpm_and_key_of_all": got_both / len(rows),
    }


@pytest.mark.parametrize("service", ["deezer", "spotify"])
async def test_200_track_playlist_enriches_then_a_second_run_makes_no_call(
    sandbox: SandboxThread, service: str
) -> None:
    catalog = catalog_of(sandbox)
    url = demo_url(catalog, service, 200)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        cold = await rt.engine.enrich(url)
        rows = await rt.engine.report(cold.playlist_id)
        coverage = check_against_truth(catalog, rows, truth_entries(catalog, url))
        # Issue 7, literally: >= 90 % of the 200 entries get BPM and key. Demo crates are
        # popular tracks (ReccoBeats, the only source of keys, covers ~95 % of them; the
        # catalog as a whole ~60 %, docs/SANDBOX.md "Demo crates"), so this is reachable only
        # if the engine finds nearly every covered track, Deezer-sourced ones by search.
        assert coverage["bpm_and_key_of_all"] >= 0.9, coverage
        # And of what the providers can describe, nearly all of it.
        assert coverage["bpm"] >= 0.95 and coverage["key"] >= 0.95, coverage
        assert cold.plan.total_calls > 0

        before = provider_calls(sandbox)
        warm = await rt.engine.enrich(url)
        assert provider_calls(sandbox) == before
        assert warm.plan.total_calls == 0
        assert sum(warm.calls.values()) == 0
        again = await rt.engine.report(warm.playlist_id)
        assert _diff(again, rows) == []


def _without_times(rows: list[dict[str, Any]], rt: Any) -> Any:
    return pytest.approx(rows) if False else _Stamped(rows)


class _Stamped:
    """Equal to report rows that differ only in ``fetched_at`` stamps."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = _strip(rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and _strip(other) == self.rows


def _strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        fields = {
            k: {kk: vv for kk, vv in v.items() if kk != "fetched_at"}
            for k, v in row["fields"].items()
        }
        out.append({**row, "fields": fields})
    return out


async def test_same_track_in_two_playlists_is_one_track(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    small = demo_url(catalog, "spotify", 25)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        first = await rt.engine.import_only(small)
        again = await rt.engine.import_only(small)
        assert first.track_ids == again.track_ids
        assert again.created_tracks == 0


async def test_not_owned_spotify_playlist_explains_the_2026_rule(sandbox: SandboxThread) -> None:
    from djdesk.core.errors import ForbiddenError

    catalog = catalog_of(sandbox)
    url = demo_url(catalog, "spotify", 50, owned=False)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        with pytest.raises(ForbiddenError) as err:
            await rt.engine.enrich(url)
    assert "own" in err.value.message and "Deezer" in (err.value.hint or "")
    jobs_state = None
    assert jobs_state is None


async def test_budget_defers_work_and_the_plan_says_so(sandbox: SandboxThread) -> None:
    catalog = catalog_of(sandbox)
    url = demo_url(catalog, "deezer", 25)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        result = await rt.engine.enrich(url, EnrichOptions(budgets={"lastfm": 5, "deezer": 10}))
        rows = await rt.engine.report(result.playlist_id)
    assert result.plan.calls_needed["lastfm"] == 5
    assert result.calls.get("lastfm", 0) <= 5
    assert result.plan.deferred
    assert any(r["state"] == "deferred" for r in rows)
    assert all(r["state"] in NAMED_STATES for r in rows)


def _diff(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[tuple[int, str]]:
    out = []
    for i, (x, y) in enumerate(zip(_strip(a), _strip(b), strict=True)):
        out += [(i, k) for k in x if x[k] != y.get(k)]
    return out
