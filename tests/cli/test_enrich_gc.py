"""``djdesk enrich`` runs with full garbage-collection passes deferred, and gives them back."""

from __future__ import annotations

import argparse
import gc

import pytest

from djdesk.cli.commands import enrich
from djdesk.cli.main import main
from djdesk.core.engine.enricher import EnrichOptions
from djdesk.core.gc_deferral import MAX_DEFERRED


def test_the_run_has_the_start_up_heap_frozen_and_full_passes_deferred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int]] = []

    async def run(args: argparse.Namespace, options: EnrichOptions) -> int:
        seen.append((gc.get_threshold()[2], gc.get_freeze_count()))
        return 0

    monkeypatch.setattr(enrich, "_enrich", run)
    assert main(["enrich", "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M"]) == 0
    ((old_threshold, frozen),) = seen
    assert old_threshold == MAX_DEFERRED and frozen > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
