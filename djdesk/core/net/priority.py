"""Which priority the current task's requests carry, without threading it through every call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from djdesk.core.models import Priority

#: Read by the policy transport; ``request.extensions["djdesk.priority"]`` overrides it.
current_priority: ContextVar[Priority] = ContextVar("djdesk_priority", default=Priority.BACKGROUND)


@contextmanager
def priority(level: Priority) -> Iterator[Priority]:
    """``with priority(Priority.INTERACTIVE): await client.get(...)`` jumps the queues."""
    token = current_priority.set(level)
    try:
        yield level
    finally:
        current_priority.reset(token)
