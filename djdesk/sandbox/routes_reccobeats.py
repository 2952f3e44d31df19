"""reccobeats routes (being written)."""

from __future__ import annotations

from aiohttp import web

from djdesk.sandbox.server import SandboxContext


def setup(app: web.Application, ctx: SandboxContext) -> None:
    """Registers nothing yet."""
