"""The settings dialog on the real engine over the sandbox (demo mode): the sandbox answers.

The Last.fm key check goes through the window's runtime to the sandbox's Last.fm, which refuses
its documented bad key with error 10; the demo's session-only secrets read as logged in.
"""

from __future__ import annotations

from typing import Any

from djdesk.gui.dialogs.settings_dialog import SettingsDialog
from djdesk.gui.service_factory import Opened
from djdesk.gui.tasks import TaskRegistry


def test_demo_accounts_read_the_session_store_and_check_keys_with_the_sandbox(
    qtbot: Any, started: Opened
) -> None:
    tasks = TaskRegistry()
    dialog = SettingsDialog(started.settings, started.services.accounts, tasks)
    qtbot.addWidget(dialog)
    assert dialog.spotify_status.text().startswith("Logged in"), "the demo user is logged in"
    assert dialog.logout_button.isEnabled() and not dialog.login_button.isEnabled()
    assert "this session only" in dialog.storage_note.text()
    assert "system keyring" not in dialog.storage_note.text()
    lanes = started.runtime.orchestrator
    before = lanes.stats("lastfm").calls
    dialog.lastfm_key.setText("0" * 32)  # well formed, but the sandbox's documented bad key
    dialog.save_key_button.click()
    qtbot.waitUntil(lambda: "did not accept" in dialog.key_message.text(), timeout=5000)
    assert "Invalid API key - You must be granted a valid key by last.fm" in (
        dialog.key_message.text()
    )
    assert lanes.stats("lastfm").calls == before + 1, "checked through the window's runtime"
    dialog.lastfm_key.setText("0123456789abcdef0123456789abcdef")
    dialog.save_key_button.click()
    qtbot.waitUntil(lambda: "accepted" in dialog.key_message.text(), timeout=5000)
    assert started.secrets.get("lastfm.api_key") == "0123456789abcdef0123456789abcdef"
