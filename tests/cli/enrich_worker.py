"""Runs ``djdesk ARGS`` in a subprocess for the crash and concurrency tests.

With ``DJDESK_TEST_KILL_AFTER=N`` the process SIGKILLs itself right after the Nth
``TrackEnriched`` event, i.e. after N tracks are committed: a deterministic crash point (no
sleeps, no timing), exactly as hard as ``kill -9``.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _arm(after: int) -> None:
    from djdesk.core import events

    original = events.EventBus.publish
    seen = [0]

    def publish(self: events.EventBus, event: Any) -> None:
        original(self, event)
        if isinstance(event, events.TrackEnriched):
            seen[0] += 1
            if seen[0] >= after:
                os.kill(os.getpid(), signal.SIGKILL)

    events.EventBus.publish = publish  # type: ignore[method-assign]


if __name__ == "__main__":
    kill_after = int(os.environ.get("DJDESK_TEST_KILL_AFTER", "0"))
    if kill_after:
        _arm(kill_after)
    from djdesk.cli.main import main

    sys.exit(main(sys.argv[1:]))
