"""The hostile profile (faults, outages, huge Retry-After): every track still ends in a named
state, with the reason kept, and the run itself finishes."""

from __future__ import annotations

import pytest

from djdesk.core.engine.enricher import EnrichOptions
from djdesk.core.library import TRACK_STATES
from djdesk.core.models import PROVIDERS
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime


@pytest.mark.parametrize("service", ["deezer", "spotify"])
async def test_hostile_profile_ends_every_track_in_a_named_state(service: str) -> None:
    with SandboxThread("hostile", 3) as sandbox:
        url = demo_url(catalog_of(sandbox), service, 25)
        rates = dict.fromkeys(PROVIDERS, 50.0)
        async with sandbox_runtime(sandbox.endpoints, rates=rates, http_timeout=1.0) as rt:
            try:
                result = await rt.engine.enrich(url, EnrichOptions(max_pause_s=2.0))
            except Exception as exc:  # the import itself may meet a fault: a typed error
                from djdesk.core.errors import DJDeskError

                assert isinstance(exc, DJDeskError), exc
                return
            rows = await rt.engine.report(result.playlist_id)
    assert rows
    for row in rows:
        assert row["state"] in set(TRACK_STATES) - {"pending"}, row
        if row["state"] in ("failed", "not_found"):
            assert row["reason"], row
