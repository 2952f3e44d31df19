"""SandboxThread: a failed start raises each time (it once returned {} the second time)."""

from __future__ import annotations

import socket

import pytest

from djdesk.sandbox import SandboxThread


def test_a_failed_start_raises_again_on_retry_and_leaves_no_thread() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        thread = SandboxThread(port_base=port)
        for _attempt in range(2):
            with pytest.raises(OSError):
                thread.start()
        assert thread.endpoints == {}
    thread.stop()
