"""Every real sample in shared/api-samples against the sandbox's answer to the same request.

Structure is compared key for key and JSON type for type (tests/sandbox/structure.py). Each
difference must be listed, with its reason, in the allow-list of docs/SANDBOX.md; anything else
fails. A new sample file adds a case; without a rule in fidelity_cases.py it fails too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from djdesk.core.clock import FakeClock
from djdesk.sandbox import Catalog, Sandbox, SandboxThread
from tests.conftest import API_SAMPLES
from tests.sandbox.fidelity_cases import Case, case_for
from tests.sandbox.structure import allowed, differences, shape_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "SANDBOX.md"
PROVIDERS = ("spotify", "deezer", "musicbrainz", "lastfm", "reccobeats")
NOT_SAMPLES = {"INDEX.json"}


def _samples() -> list[str]:
    out = []
    for provider in PROVIDERS:
        for path in sorted((API_SAMPLES / provider).iterdir()):
            if path.suffix in (".json", ".txt") and path.name not in NOT_SAMPLES:
                out.append(f"{provider}/{path.name}")
    return out


def _allow_list() -> list[tuple[str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- fidelity-allow-list:start -->")[1].split(
        "<!-- fidelity-allow-list:end -->"
    )[0]
    rows = []
    for line in block.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] not in ("sample", "") and not set(cells[0]) <= {"-"}:
            rows.append((cells[0], cells[1], cells[2]))
    return rows


ALLOW = _allow_list()


async def _ask(case: Case, endpoints: dict[str, str], advance: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as c:
        if case.inject:
            await c.post(
                f"{endpoints['deezer']}/_sandbox/inject",
                json={"provider": case.provider, "fault": case.inject},
            )
        if case.run is not None:
            return await case.run(c, endpoints, advance)
        url = endpoints[case.provider] + case.path
        params = case.params
        if isinstance(params, dict) and "_upload" in params:
            name = params["_upload"]
            return await c.post(url, files={"audioFile": (name, b"ID3fake-audio-bytes")})
        return await c.get(url, params=params, headers=case.headers)


@pytest.mark.parametrize("sample", _samples(), ids=lambda s: s.replace("+", "_"))
async def test_sandbox_matches_sample_structure(
    sample: str, sandbox: SandboxThread, catalog: Catalog
) -> None:
    provider, name = sample.split("/", 1)
    try:
        case = case_for(provider, name, catalog)
    except LookupError:
        pytest.fail(f"no fidelity rule for {sample}: add one to tests/sandbox/fidelity_cases.py")
    if case.sandbox is not None:
        clock = FakeClock()
        async with Sandbox(catalog=catalog, clock=clock, **case.sandbox) as private:
            response = await _ask(case, private.endpoints, clock.advance)
    else:
        response = await _ask(case, sandbox.endpoints, lambda s: None)
    raw = (API_SAMPLES / sample).read_text(encoding="utf-8")
    if case.status is not None:
        assert response.status_code == case.status, response.text[:300]
    if name.endswith(".txt"):
        assert "json" not in response.headers["content-type"]
        assert response.text.strip() == raw.strip()
        return
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body = response.json()
    if case.extract is not None:
        body = case.extract(body)
    diffs = differences(shape_of(json.loads(raw)), shape_of(body))
    undocumented = [d for d in diffs if not allowed(d, sample, ALLOW)]
    assert not undocumented, (
        f"{sample}: differences not in docs/SANDBOX.md allow-list:\n  " + "\n  ".join(undocumented)
    )


def test_allow_list_rows_are_well_formed() -> None:
    assert ALLOW, "docs/SANDBOX.md has no fidelity allow-list"
    for sample, path, kinds in ALLOW:
        assert "/" in sample and path.startswith("$"), (sample, path)
        assert set(kinds.split("/")) <= {"missing", "extra", "type", "null", "nullable"}, kinds
        assert re.fullmatch(r"[\w./*?\[\]-]+", sample), sample
