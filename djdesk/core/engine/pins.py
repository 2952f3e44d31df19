"""The user's pins as runs use them: one map shared by every run, re-read from the library.

Why one shared map, changed in place: a run reads its tracks' ids when it starts, so a pin made
(or removed) in the window while a run goes on must reach that run too; every ``Run`` and its
``Sources`` hold this same object. Why re-read at each run's start: the library is the truth,
and ``djdesk pin`` (another process) may have pinned or unpinned while the window was open.
"""

from __future__ import annotations

from djdesk.core.library import Library


class PinMap(dict[int, dict[str, str]]):
    """Track id -> {provider: pinned id}."""

    async def reload(self, library: Library) -> None:
        fresh = await library.all_pins()
        self.clear()
        self.update(fresh)

    def put(self, track_id: int, provider: str, value: str) -> None:
        self.setdefault(track_id, {})[provider] = value

    def drop(self, track_id: int, provider: str) -> bool:
        """Forget one pin; True if it was held."""
        held = self.get(track_id, {})
        dropped = held.pop(provider, None) is not None
        if not held:
            self.pop(track_id, None)
        return dropped
