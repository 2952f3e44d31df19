"""Choose the services the window runs on: the real engine when it exists, else the fake.

This is the single place that decides, so the fake stays out of the real code path: when
``djdesk.core.runtime`` grows an engine adapter, ``open_services`` returns it and the window
drops its "preview" banner. Demo mode also starts the offline sandbox (if it is built yet) and
points every provider at it through ``DJDESK_ENDPOINTS``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

from djdesk.gui.fake_services import fake_services
from djdesk.gui.services import Services

log = logging.getLogger(__name__)


@dataclass
class Opened:
    services: Services
    sandbox: Any = None

    def close(self) -> None:
        if self.sandbox is not None:
            with contextlib.suppress(Exception):
                self.sandbox.stop()
            self.sandbox = None


def start_sandbox(seed: int = 7) -> Any:
    """Start ``djdesk.sandbox.SandboxThread`` if the sandbox is built; None otherwise."""
    try:
        from djdesk.sandbox import SandboxThread  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        sandbox = SandboxThread("realistic", seed)
        sandbox.start()
    except Exception:  # the sandbox is optional for the window; say so and go on
        log.exception("could not start the sandbox")
        return None
    endpoints = getattr(sandbox, "endpoints", None)
    if isinstance(endpoints, dict) and endpoints:
        os.environ["DJDESK_ENDPOINTS"] = json.dumps(endpoints)
    return sandbox


def open_services(*, demo: bool) -> Opened:
    """Build the services; the sandbox (slow to seed) is started after the window shows."""
    # The engine adapter lands with the engine issue; until then the fake backs the window.
    return Opened(services=fake_services())
