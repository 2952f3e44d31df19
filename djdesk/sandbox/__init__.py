"""Simulated provider APIs on 127.0.0.1 for the offline demo, tests and benchmarks.

Public API: ``Sandbox`` (async start/stop on the caller's loop), ``SandboxThread`` (its own loop in
a daemon thread), ``demo_login`` (browserless PKCE login) and ``Catalog`` (the seeded world).
"""

from __future__ import annotations

from djdesk.sandbox.catalog import Catalog, DemoPlaylist
from djdesk.sandbox.login import demo_login
from djdesk.sandbox.server import DEMO_USER_TOKEN, Sandbox
from djdesk.sandbox.thread import SandboxThread

__all__ = ["DEMO_USER_TOKEN", "Catalog", "DemoPlaylist", "Sandbox", "SandboxThread", "demo_login"]
