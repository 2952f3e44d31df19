"""SecretStore against a REAL Secret Service over D-Bus (gnome-keyring in `dbus-run-session`).

`bash packaging/dev.sh test` starts the session bus and an unlocked gnome-keyring-daemon. Without
them this test skips, unless DJDESK_REQUIRE_SECRET_SERVICE=1 (CI), where a skip would hide a
broken set-up, so it fails instead.
"""

from __future__ import annotations

import os
import threading

import pytest
from keyring.backends import SecretService

from djdesk import APP_ID
from djdesk.core.secrets import SecretStore

pytestmark = pytest.mark.secret_service

# A separate service, so running the tests can never touch a user's real DJDesk secrets.
TEST_SERVICE = f"{APP_ID}.tests"
PROBE_TIMEOUT_S = 20.0


def _unavailable_reason() -> str | None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session bus (run under `dbus-run-session`)"
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            SecretService.Keyring.priority  # noqa: B018 - raises when the service is missing
            collection = SecretService.Keyring().get_preferred_collection()
            outcome.append("the default collection is locked" if collection.is_locked() else None)
        except Exception as exc:
            outcome.append(f"Secret Service not reachable ({type(exc).__name__}: {exc})")

    # A locked collection can block forever on an unlock prompt (secretstorage #33).
    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(PROBE_TIMEOUT_S)
    return outcome[0] if outcome else f"Secret Service did not answer in {PROBE_TIMEOUT_S:g} s"


@pytest.fixture
def real_backend() -> SecretService.Keyring:
    reason = _unavailable_reason()
    if reason is not None:
        if os.environ.get("DJDESK_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"{reason}, but DJDESK_REQUIRE_SECRET_SERVICE=1")
        pytest.skip(reason)
    return SecretService.Keyring()


def test_store_read_overwrite_delete_through_the_real_secret_service(
    real_backend: SecretService.Keyring,
) -> None:
    store = SecretStore(real_backend, service=TEST_SERVICE)
    assert store.available, store.why_unavailable
    assert store.backend_name == "keyring.backends.SecretService.Keyring"
    name = "lastfm.api_key"
    store.delete(name)  # a leftover from an interrupted run
    first, second = "real-secret-ü-0123456789abcdef", "real-secret-2-fedcba9876543210"
    try:
        store.set(name, first)
        # A fresh connection reads it back from the daemon, not from any cache of ours.
        assert SecretService.Keyring().get_password(TEST_SERVICE, name) == first
        assert store.get(name) == first and store.has(name)

        store.set(name, second)
        assert store.get(name) == second
        assert SecretService.Keyring().get_password(TEST_SERVICE, name) == second

        assert store.delete(name) is True
        assert store.get(name) is None
        assert SecretService.Keyring().get_password(TEST_SERVICE, name) is None
        assert store.delete(name) is False
    finally:
        store.delete(name)
