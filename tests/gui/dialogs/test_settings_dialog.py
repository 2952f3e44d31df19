"""SettingsDialog: bound to core Settings; accounts through the service; bad key message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from djdesk.core.settings import Settings
from djdesk.gui import theme
from djdesk.gui.dialogs.settings_dialog import TTL_VALUE_COLUMN, SettingsDialog
from djdesk.gui.fake_services import FakeAccounts
from djdesk.gui.tasks import TaskRegistry


def _dialog(
    qtbot: Any,
    accounts: FakeAccounts | None = None,
    settings: Settings | None = None,
    *,
    running_demo: bool = False,
) -> SettingsDialog:
    dialog = SettingsDialog(
        settings or Settings(key_notation="open_key"),
        accounts or FakeAccounts(),
        TaskRegistry(),
        running_demo=running_demo,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_builds_validated_settings_from_the_form(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    assert dialog.notation.currentData() == "open_key"
    dialog.notation.setCurrentIndex(dialog.notation.findData("classic"))
    dialog.rates["musicbrainz"].setValue(0.5)
    dialog.demo.setChecked(True)
    row = next(
        r for r in range(dialog.ttl_table.rowCount())
        if dialog.ttl_table.item(r, 0).text() == "deezer.track"
    )  # fmt: skip
    dialog.ttl_table.item(row, TTL_VALUE_COLUMN).setText("30")
    new = dialog.build_settings()
    assert new.key_notation == "classic"
    assert new.rates["musicbrainz"] == 0.5
    assert new.demo is True
    assert new.ttl == {"deezer.track": 30 * 86400}


def test_bad_ttl_is_an_inline_message_and_the_dialog_stays(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.ttl_table.item(0, TTL_VALUE_COLUMN).setText("soon")
    dialog._on_accept()
    assert dialog.result_settings() is None
    assert "not a number" in dialog.message.text()


def test_lastfm_key_is_masked_and_a_bad_key_says_so(qtbot: Any, qloop: Any) -> None:
    accounts = FakeAccounts()
    dialog = _dialog(qtbot, accounts)
    assert dialog.lastfm_key.echoMode() == dialog.lastfm_key.EchoMode.Password
    dialog.lastfm_key.setText("bad-key")
    dialog.save_key_button.click()
    qtbot.waitUntil(lambda: "did not accept" in dialog.key_message.text(), timeout=3000)
    assert "bad-key" not in dialog.key_message.text(), "never echo the secret"
    dialog.lastfm_key.setText("a" * 32)
    dialog.save_key_button.click()
    qtbot.waitUntil(lambda: accounts.lastfm_key_set(), timeout=3000)
    assert dialog.lastfm_key.text() == ""
    assert dialog.clear_key_button.isEnabled()


def test_spotify_login_and_logout_go_through_the_service(qtbot: Any, qloop: Any) -> None:
    dialog = _dialog(qtbot)
    assert dialog.spotify_status.text() == "Not logged in"
    dialog.login_button.click()
    qtbot.waitUntil(lambda: dialog.spotify_status.text().startswith("Logged in"), timeout=3000)
    assert dialog.logout_button.isEnabled() and not dialog.login_button.isEnabled()
    dialog.logout_button.click()
    assert dialog.spotify_status.text() == "Not logged in"


def test_rate_tab_shows_the_planned_rates_and_keeps_untouched_defaults(qtbot: Any) -> None:
    """The tab shows what the engine plans (``runtime.planned_rates``), not Settings.rates."""
    from djdesk.core.runtime import planned_rates

    dialog = _dialog(qtbot)
    planned = planned_rates(Settings())
    assert dialog.rates["lastfm"].value() == 4.75  # 95 % of 5 per second
    assert dialog.rates["deezer"].value() == 9.5  # 95 % of 50 per 5 s
    assert dialog.rates["reccobeats"].value() == round(planned["reccobeats"], 2)  # its window
    assert dialog.rates["lastfm"].decimals() == 2, "4.75 must not read as 4.8"
    new = dialog.build_settings()
    assert new.rates == Settings().rates, "a rate left as shown stays the default"
    assert planned_rates(new) == planned
    dialog.rates["lastfm"].setValue(2.0)
    assert dialog.build_settings().rates["lastfm"] == 2.0


def test_storage_note_comes_from_the_account_service(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    assert dialog.storage_note.text() == FakeAccounts().storage_note()


def test_notation_labels_are_translated_when_shown(qtbot: Any, monkeypatch: Any) -> None:
    from djdesk.gui.dialogs import settings_dialog

    monkeypatch.setattr(settings_dialog, "_", lambda text: f"<{text}>")
    dialog = _dialog(qtbot)
    assert dialog.notation.itemText(dialog.notation.findData("camelot")) == "<Camelot (8A)>"


def test_ttl_tab_shows_each_default_greyed_beside_the_override(qtbot: Any) -> None:
    dialog = _dialog(qtbot, settings=Settings(ttl={"deezer.track": 10 * 86400, "negative": 60}))
    table = dialog.ttl_table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    track, playlist, negative = rows["deezer.track"], rows["deezer.playlist"], rows["negative"]
    assert table.item(track, 1).text() == "90"  # DEFAULT_TTLS: 90 days
    assert table.item(track, TTL_VALUE_COLUMN).text() == "10"
    assert table.item(playlist, 1).text() == "1" and table.item(playlist, 2).text() == ""
    assert table.item(negative, 1).text() == f"{300 / 86400:g}"  # 5 minutes
    default = table.item(track, 1)
    assert not default.flags() & Qt.ItemFlag.ItemIsEditable
    assert default.foreground().color() == theme.muted_color()
    assert dialog.build_settings().ttl == {"deezer.track": 10 * 86400, "negative": 60}


def test_rate_rows_are_named_as_people_read_them(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    form = dialog.rates["lastfm"].parentWidget().layout()
    labels = {form.labelForField(spin).text(): name for name, spin in dialog.rates.items()}
    assert labels["Last.fm"] == "lastfm" and labels["ReccoBeats"] == "reccobeats"
    assert labels["Spotify accounts"] == "spotify_accounts"
    assert "lastfm" not in labels


def test_demo_box_shows_a_demo_run_and_a_kept_box_saves_nothing_new(qtbot: Any) -> None:
    dialog = _dialog(qtbot, settings=Settings(demo=False), running_demo=True)
    assert dialog.demo.isChecked()
    assert "started with --demo" in dialog.demo_note.text()
    assert dialog.build_settings().demo is False, "--demo is this run's choice, not a setting"
    dialog.demo.setChecked(False)
    dialog.demo.setChecked(True)
    assert dialog.build_settings().demo is False
    plain = _dialog(qtbot, settings=Settings(demo=False))
    assert not plain.demo.isChecked() and "--demo" not in plain.demo_note.text()
    plain.demo.setChecked(True)
    assert plain.build_settings().demo is True
