"""The window makes no outbound HTTP of its own: every call goes through the core's orchestrator.

A grep, on purpose: an ``httpx.AsyncClient(...)`` in a slot is how a short-link expansion once
bypassed the rate limits, breakers and stats; the way in is ``Runtime.orchestrator.client``.
"""

from __future__ import annotations

import re
from pathlib import Path

import djdesk.gui

GUI = Path(djdesk.gui.__file__).parent
DIRECT = re.compile(
    r"httpx\.(Async)?Client\(|import requests|urllib\.request|aiohttp|QNetworkAccessManager"
)


def test_no_module_in_the_gui_opens_its_own_http_client() -> None:
    offenders = [
        f"{path.relative_to(GUI)}:{n}: {line.strip()}"
        for path in sorted(GUI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert not offenders, offenders
