"""A long import says how far it got as its pages arrive, on both paged providers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from djdesk.core.events import ImportProgress
from djdesk.sandbox import SandboxThread
from tests.core.engine.sandbox_env import catalog_of, demo_url, sandbox_runtime


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread("fast", 1) as thread:
        yield thread


@pytest.mark.parametrize("service", ["spotify", "deezer"])
async def test_each_page_of_a_1000_track_import_is_announced(
    sandbox: SandboxThread, service: str
) -> None:
    url = demo_url(catalog_of(sandbox), service, 1000)
    async with sandbox_runtime(sandbox.endpoints) as rt:
        seen: list[ImportProgress] = []
        rt.events.subscribe(ImportProgress, seen.append)
        imported = await rt.engine.import_only(url)
        assert len(seen) > 1
        assert {e.source for e in seen} == {url}
        reads = [e.read for e in seen]
        assert reads == sorted(set(reads))  # one event a page, always further
        assert seen[-1].read == seen[-1].total == 1000 == len(imported.track_ids)

        seen.clear()
        await rt.engine.import_only(url)  # cached: no pages, nothing to announce
        assert seen == []
