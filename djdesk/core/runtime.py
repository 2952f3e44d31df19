"""The one composition root: ``async with Runtime.open() as rt`` wires the whole core.

CLI and GUI are thin front ends over a ``Runtime``; nothing below it knows a front end exists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from djdesk.core import settings as settings_mod
from djdesk.core.events import EventBus
from djdesk.core.paths import Paths, default_paths


@dataclass
class Runtime:
    paths: Paths
    settings: settings_mod.Settings
    events: EventBus

    @classmethod
    @asynccontextmanager
    async def open(
        cls, *, paths: Paths | None = None, settings: settings_mod.Settings | None = None
    ) -> AsyncIterator[Runtime]:
        paths = (paths or default_paths()).ensure()
        settings = settings or settings_mod.load(paths.settings_file)
        yield cls(paths=paths, settings=settings, events=EventBus())
