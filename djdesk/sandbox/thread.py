"""``SandboxThread``: a Sandbox on its own event loop in a daemon thread, for the GUI and CLI demo.

The GUI runs qasync and the CLI its own loop; neither should host the sandbox's servers, so it
gets a private loop. ``start()`` blocks until the ports are bound (or re-raises the failure);
``stop()`` asks the loop to close the servers and joins the thread within a second or two.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from djdesk.sandbox.server import Sandbox


class SandboxThread:
    """Thread invariant: only the sandbox thread touches ``self.sandbox`` after ``start()``."""

    def __init__(self, profile: str = "fast", seed: int = 1, **sandbox_kwargs: Any) -> None:
        self._args = (profile, seed, sandbox_kwargs)
        self.sandbox: Sandbox | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._endpoints: dict[str, str] = {}

    @property
    def endpoints(self) -> dict[str, str]:
        return dict(self._endpoints)

    def start(self, timeout: float = 15.0) -> dict[str, str]:
        if self._thread is not None:
            return self.endpoints
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="djdesk-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()  # it must not come up later and serve unseen
            raise TimeoutError("the sandbox did not start in time")
        if self._error is not None:
            self._thread.join(timeout)
            self._thread = None  # a later start() tries again instead of returning nothing
            raise self._error
        return self.endpoints

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        profile, seed, kwargs = self._args
        try:
            self.sandbox = Sandbox(profile, seed, **kwargs)
            self._endpoints = loop.run_until_complete(self.sandbox.start())
        except BaseException as exc:  # handed to the starting thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.sandbox.stop())
            # Handlers still in flight (a stalled or slow-drip answer) are cancelled and drained,
            # so closing the loop never leaves "Task was destroyed but it is pending!" behind.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:  # gather() of nothing would look for this thread's (absent) loop
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def counters(self) -> dict[str, Any]:
        """Request counts, read on the sandbox's own loop."""
        if self._loop is None or self.sandbox is None:
            return {}
        sandbox = self.sandbox

        async def read() -> dict[str, Any]:
            return sandbox.counters()

        return asyncio.run_coroutine_threadsafe(read(), self._loop).result(5)

    def stop(self, timeout: float = 5.0) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if thread.is_alive() and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None
        self._endpoints = {}

    def __enter__(self) -> SandboxThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
