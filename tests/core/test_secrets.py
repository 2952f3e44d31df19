"""SecretStore on the in-memory keyring: round trips, refused backends, session-only, no leaks."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, PasswordDeleteError

from djdesk import APP_ID
from djdesk.core import logs
from djdesk.core.errors import SecretStoreError
from djdesk.core.paths import default_paths
from djdesk.core.secrets import (
    KNOWN_SECRETS,
    MAX_SECRET_CHARS,
    SESSION_ONLY_BACKEND,
    SecretStore,
)
from tests.conftest import MemoryKeyring

SECRET = "sk-3f9a1c77e0b24d5e9b8a6c4d2e1f0a9b"


class PlaintextKeyring(KeyringBackend):
    """Behaves like keyrings.alt.file.PlaintextKeyring: priority 0.5, writes a file."""

    priority = 0.5  # type: ignore[assignment]
    path: Path

    def get_password(self, service: str, username: str) -> str | None:
        return json.loads(self.path.read_text())[username] if self.path.exists() else None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({username: password}))

    def delete_password(self, service: str, username: str) -> None:
        self.path.unlink()


PlaintextKeyring.__module__ = "keyrings.alt.file"


class NotRecommendedKeyring(MemoryKeyring):
    priority = 0.5  # type: ignore[assignment]


class LockedKeyring(KeyringBackend):
    """A locked GNOME keyring whose errors (carelessly) echo what they were given."""

    priority = 5  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise InitError(f"Failed to unlock the collection for {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"Failed to unlock the collection! value={password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class FixedChainer(chainer.ChainerBackend):
    """A chainer with the members we choose instead of whatever is installed."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        super().__init__()
        self._members = members

    @property
    def backends(self) -> list[KeyringBackend]:  # type: ignore[override]
        return self._members


@pytest.fixture
def plaintext(tmp_path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.path = tmp_path / "python_keyring" / "keyring_pass.cfg"
    backend.path.parent.mkdir()
    return backend


@pytest.fixture
def clean_logging() -> Iterator[None]:
    yield
    logs.teardown_logging()
    logs.REDACTOR.forget_all()


def _files_containing(root: Path, value: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and value.encode() in p.read_bytes()]


def test_round_trip_under_the_app_service(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.available and store.why_unavailable == ""
    assert store.backend_name == "tests.conftest.MemoryKeyring"
    assert store.get("lastfm.api_key") is None
    store.set("lastfm.api_key", SECRET)
    assert memory_keyring.store == {(APP_ID, "lastfm.api_key"): SECRET}
    assert store.get("lastfm.api_key") == SECRET and store.has("lastfm.api_key")
    store.set("lastfm.api_key", SECRET + "2")
    assert store.get("lastfm.api_key") == SECRET + "2"
    assert store.delete("lastfm.api_key") is True
    assert store.delete("lastfm.api_key") is False
    assert store.get("lastfm.api_key") is None


def test_status_lists_known_names_without_values() -> None:
    store = SecretStore()
    store.set("spotify.token", '{"refresh_token": "r-0123456789", "expires_at": 1}')
    assert KNOWN_SECRETS == ("spotify.token", "lastfm.api_key")
    assert store.status() == {"spotify.token": True, "lastfm.api_key": False}


def test_difficult_characters_and_separate_names() -> None:
    store = SecretStore()
    tricky = 'pa$$ wörd\n日本語 \\ "quote" 🎧'
    store.set("spotify.token", tricky)
    store.set("lastfm.api_key", SECRET)
    assert store.get("spotify.token") == tricky
    assert store.get("lastfm.api_key") == SECRET
    assert store.get("lastfm.session_key") is None


@pytest.mark.parametrize("name", ["", "Spotify.Token", "a b", "x" * 65, "../etc"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(SecretStoreError, match="not a valid secret name"):
        SecretStore().get(name)


def test_size_limit_fits_windows_credential_manager() -> None:
    # 2,560 bytes of UTF-16 is Windows' CRED_MAX_CREDENTIAL_BLOB_SIZE (jaraco/keyring #355).
    assert len(("x" * MAX_SECRET_CHARS).encode("utf-16-le")) <= 2560
    token = json.dumps(
        {"refresh_token": "AQD" + "x" * 128, "expires_at": 1764590400, "scope": "user-read"}
    )
    store = SecretStore()
    store.set("spotify.token", token)
    with pytest.raises(SecretStoreError, match="limit is 1200") as err:
        store.set("spotify.token", SECRET * 40)
    assert SECRET not in str(err.value)
    assert store.get("spotify.token") == token


def test_fail_backend_raises_a_helpful_error_then_session_only_works(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    store = SecretStore()
    assert not store.available
    assert "no keyring backend" in store.why_unavailable
    with pytest.raises(SecretStoreError) as err:
        store.set("spotify.token", SECRET)
    message = str(err.value)
    assert "Secure storage is unavailable" in message and "'spotify.token'" in message
    assert "session only" in err.value.hint and "dbus-run-session" in err.value.hint
    assert SECRET not in message
    with pytest.raises(SecretStoreError):
        store.get("spotify.token")

    store.use_session_only()
    assert store.session_only and store.backend_name == SESSION_ONLY_BACKEND
    store.set("spotify.token", SECRET)
    assert store.get("spotify.token") == SECRET
    assert store.status() == {"spotify.token": True, "lastfm.api_key": False}
    # Never persisted: another store (a restart) knows nothing, and no file holds the value.
    keyring.set_keyring(MemoryKeyring())
    assert SecretStore().get("spotify.token") is None
    assert _files_containing(tmp_path, SECRET) == []
    assert store.delete("spotify.token") is True and store.get("spotify.token") is None


def test_null_backend_is_refused() -> None:
    store = SecretStore(null.Keyring())
    assert not store.available and "disabled" in store.why_unavailable
    with pytest.raises(SecretStoreError):
        store.set("lastfm.api_key", SECRET)


def test_plaintext_backend_is_refused_and_writes_nothing(
    plaintext: PlaintextKeyring, tmp_path: Path
) -> None:
    keyring.set_keyring(plaintext)
    store = SecretStore()
    assert not store.available
    assert "keyrings.alt.file.PlaintextKeyring" in store.why_unavailable
    with pytest.raises(SecretStoreError, match="Nothing was written to a file"):
        store.set("spotify.token", SECRET)
    assert not plaintext.path.exists()
    assert list((tmp_path / "python_keyring").iterdir()) == []


def test_backend_below_recommended_priority_is_refused() -> None:
    store = SecretStore(NotRecommendedKeyring())
    assert "not recommended" in store.why_unavailable


def test_chainer_skips_its_plaintext_member(plaintext: PlaintextKeyring) -> None:
    memory = MemoryKeyring()
    store = SecretStore(FixedChainer([memory, plaintext]))
    assert store.available and store.backend_name == "tests.conftest.MemoryKeyring"
    store.set("lastfm.api_key", SECRET)
    assert memory.store and not plaintext.path.exists()


def test_chainer_with_nothing_safe_is_refused(plaintext: PlaintextKeyring) -> None:
    for members in ([], [plaintext]):
        store = SecretStore(FixedChainer(members))
        assert not store.available and "no secure keyring" in store.why_unavailable


def test_locked_keyring_errors_never_echo_the_value() -> None:
    store = SecretStore(LockedKeyring())
    assert store.available
    with pytest.raises(SecretStoreError) as err:
        store.set("spotify.token", SECRET)
    assert "KeyringLocked" in str(err.value) and "'spotify.token'" in str(err.value)
    assert SECRET not in str(err.value) and SECRET not in repr(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    # Now known to be unusable: the front end can offer session-only.
    assert not store.available and "KeyringLocked" in store.why_unavailable
    assert store.reprobe() is True
    with pytest.raises(SecretStoreError, match="InitError"):
        store.get("spotify.token")


def test_missing_entry_delete_is_false_not_an_error() -> None:
    class Strict(MemoryKeyring):
        def delete_password(self, service: str, username: str) -> None:
            raise PasswordDeleteError("No such password!")

    assert SecretStore(Strict()).delete("lastfm.api_key") is False


async def test_async_wrappers_run_off_the_loop() -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    class Recording(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            seen.append(threading.get_ident())
            return super().get_password(service, username)

    store = SecretStore(Recording())
    await store.aset("lastfm.api_key", SECRET)
    assert await store.aget("lastfm.api_key") == SECRET
    assert await store.ahas("lastfm.api_key")
    assert await store.astatus() == {"spotify.token": False, "lastfm.api_key": True}
    assert await store.adelete("lastfm.api_key") is True
    assert seen and loop_thread not in seen


async def test_async_call_gives_up_on_a_hanging_keyring() -> None:
    release = threading.Event()

    class Hanging(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            release.wait()
            return None

    store = SecretStore(Hanging(), timeout=0.01)
    try:
        with pytest.raises(SecretStoreError, match="did not answer"):
            await store.aget("spotify.token")
    finally:
        release.set()


def test_values_are_registered_for_redaction() -> None:
    registered: list[str] = []
    store = SecretStore(register=registered.append)
    store.set("lastfm.api_key", SECRET)
    store.get("lastfm.api_key")
    assert registered == [SECRET, SECRET]


def test_store_secrets_never_reach_debug_logs_or_files(
    tmp_path: Path, clean_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    paths = default_paths().ensure()
    stream = io.StringIO()
    logs.setup_logging(paths, verbose=3, stream=stream)
    caplog.set_level(logging.DEBUG)
    store = SecretStore()
    store.set("lastfm.api_key", SECRET)
    value = store.get("lastfm.api_key")
    log = logging.getLogger("djdesk.test")
    log.debug("calling %s", f"https://ws.audioscrobbler.com/2.0/?method=x&key={value}")
    log.info("token is %r", {"the": value})
    try:
        raise RuntimeError(f"boom with {value}")
    except RuntimeError:
        log.exception("failed")
    with pytest.raises(SecretStoreError) as err:
        SecretStore(LockedKeyring()).set("lastfm.api_key", SECRET)
    logging.getLogger("djdesk").warning("error: %s", err.value)
    for handler in logs.djdesk_handlers():
        handler.flush()

    assert SECRET not in str(err.value)
    file_text = paths.log_file.read_text()
    assert "calling" in file_text and "failed" in file_text and "boom with ***" in file_text
    assert "keyring failed to save secret lastfm.api_key (KeyringLocked)" in file_text
    for captured in (stream.getvalue(), file_text, caplog.text):
        assert SECRET not in captured
    assert _files_containing(tmp_path, SECRET) == []
