"""Test isolation for the whole suite: private DJDESK_HOME, an in-memory keyring, offscreen Qt.

No test may reach the network beyond loopback; no test may touch the user's real files or keyring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[2] / "shared"
API_SAMPLES = SHARED / "api-samples"


class MemoryKeyring(KeyringBackend):
    """A keyring backend that lives in a dict, for unit tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def djdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "djdesk-home"
    monkeypatch.setenv("DJDESK_HOME", str(home))
    monkeypatch.delenv("DJDESK_ENDPOINTS", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[MemoryKeyring | None]:
    if request.node.get_closest_marker("secret_service"):
        yield None
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def api_samples() -> Path:
    """The real recorded provider bodies (see shared/api-samples/*/PROVENANCE.md)."""
    if not API_SAMPLES.is_dir():
        pytest.fail(f"recorded API samples not found at {API_SAMPLES}")
    return API_SAMPLES
