"""SettingsDialog: accounts (Spotify login, Last.fm key) and the typed core ``Settings``.

Bound to ``djdesk.core.settings.Settings``: the rates form has one row per provider in
``DEFAULT_RATES``, the TTL table edits ``Settings.ttl``, and ``result_settings`` builds a new
validated ``Settings`` (a bad value becomes an inline message, the dialog stays open). Keys and
tokens go only through the ``AccountService``; the key field is masked and never read back.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.cache.policy import (
    DEFAULT_NEGATIVE_TTL,
    DEFAULT_NEGATIVE_TTLS,
    DEFAULT_TTLS,
    NEGATIVE_KEY,
    NEGATIVE_SUFFIX,
)
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import provider_label
from djdesk.core.settings import DEFAULT_RATES, KEY_NOTATIONS, Settings
from djdesk.gui import theme
from djdesk.gui.services import AccountService
from djdesk.gui.tasks import TaskRegistry

#: Marked with ``N_`` and translated where shown, so a language set after import still applies.
_NOTATION_LABELS = {
    "camelot": N_("Camelot (8A)"),
    "open_key": N_("Open Key (1m)"),
    "classic": N_("Classic (Am)"),
}


#: The TTL table's editable column (0: namespace, 1: its default, greyed).
TTL_VALUE_COLUMN = 2
_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def default_ttl(key: str) -> float | None:
    """The lifetime in seconds a ``Settings.ttl`` key has when left empty (None: unknown)."""
    if key == NEGATIVE_KEY:
        return DEFAULT_NEGATIVE_TTL
    if key.endswith(NEGATIVE_SUFFIX):
        return DEFAULT_NEGATIVE_TTLS.get(key[: -len(NEGATIVE_SUFFIX)], DEFAULT_NEGATIVE_TTL)
    return DEFAULT_TTLS.get(key)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        accounts: AccountService,
        tasks: TaskRegistry,
        parent: QWidget | None = None,
        *,
        running_demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        #: This process runs on the sandbox (``--demo``) whatever the saved setting says.
        self._running_demo = running_demo
        self.setObjectName("settingsDialog")
        self._settings = settings
        self._accounts = accounts
        self._tasks = tasks
        self._result: Settings | None = None
        #: False once the dialog finished: a key check or login still running (its call goes on)
        #: must not touch widgets that ``WA_DeleteOnClose`` is about to delete.
        self.showing = True
        self._kinds: dict[QLabel, str] = {}  # message label -> its banner kind
        self.finished.connect(self._on_finished)
        tabs = QTabWidget()
        tabs.addTab(self._accounts_tab(), _("Accounts"))
        tabs.addTab(self._general_tab(), _("General"))
        tabs.addTab(self._rates_tab(), _("Rate limits"))
        tabs.addTab(self._ttl_tab(), _("Cache lifetimes"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.resize(560, 460)

    # --- tabs ------------------------------------------------------------------------------------

    def _accounts_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        spotify = QGroupBox(_("Spotify"))
        sl = QHBoxLayout(spotify)
        self.spotify_status = QLabel(self._accounts.spotify_status())
        self.login_button = QPushButton(_("Log in with browser…"))
        self.logout_button = QPushButton(_("Log out"))
        self.login_button.clicked.connect(self._on_login)
        self.logout_button.clicked.connect(self._on_logout)
        sl.addWidget(self.spotify_status, 1)
        sl.addWidget(self.login_button)
        sl.addWidget(self.logout_button)
        lastfm = QGroupBox(_("Last.fm"))
        ll = QFormLayout(lastfm)
        self.lastfm_key = QLineEdit()
        self.lastfm_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.lastfm_key.setPlaceholderText(
            _("a key is stored") if self._accounts.lastfm_key_set() else _("32-character API key")
        )
        self.save_key_button = QPushButton(_("Check and save key"))
        self.clear_key_button = QPushButton(_("Remove key"))
        self.save_key_button.clicked.connect(self._on_save_key)
        self.clear_key_button.clicked.connect(self._on_clear_key)
        self.key_message = QLabel()
        self.key_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.lastfm_key, 1)
        row.addWidget(self.save_key_button)
        row.addWidget(self.clear_key_button)
        ll.addRow(_("API key"), row)
        ll.addRow("", self.key_message)
        self.storage_note = QLabel(self._accounts.storage_note())
        self.storage_note.setWordWrap(True)
        lay.addWidget(spotify)
        lay.addWidget(lastfm)
        lay.addWidget(self.storage_note)
        lay.addStretch(1)
        self._refresh_accounts()
        return page

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.notation = QComboBox()
        for name in KEY_NOTATIONS:
            self.notation.addItem(_(_NOTATION_LABELS.get(name, name)), name)
        self.notation.setCurrentIndex(max(0, self.notation.findData(self._settings.key_notation)))
        self.bpm_min = QDoubleSpinBox()
        self.bpm_max = QDoubleSpinBox()
        for spin, value in (
            (self.bpm_min, self._settings.bpm_min),
            (self.bpm_max, self._settings.bpm_max),
        ):
            spin.setRange(20, 400)
            spin.setDecimals(0)
            spin.setValue(value)
        bpm = QHBoxLayout()
        bpm.addWidget(self.bpm_min)
        bpm.addWidget(QLabel("–"))
        bpm.addWidget(self.bpm_max)
        self.demo = QCheckBox(_("Use the offline demo sandbox instead of the real services"))
        # Shown as this window runs: a --demo window is a demo, whatever settings.toml says.
        self._demo_shown = self._settings.demo or self._running_demo
        self.demo.setChecked(self._demo_shown)
        if self._running_demo:
            note = _(
                "This window was started with --demo, so it runs on the sandbox for this "
                "session. The box is what DJDesk uses when started without --demo; a change "
                "takes effect the next time DJDesk starts."
            )
        else:
            note = _("Demo mode takes effect the next time DJDesk starts.")
        self.demo_note = QLabel(note)
        self.demo_note.setWordWrap(True)
        form.addRow(_("Key notation"), self.notation)
        form.addRow(_("Fold tempos into BPM range"), bpm)
        form.addRow(_("Demo mode"), self.demo)
        form.addRow("", self.demo_note)
        return page

    def _saved_demo(self) -> bool:
        """A box left as shown keeps the saved setting (--demo is this run's choice only)."""
        checked = self.demo.isChecked()
        return self._settings.demo if checked == self._demo_shown else checked

    def _rates_tab(self) -> QWidget:
        """The rates the engine plans (``runtime.planned_rates``), not the raw settings.

        A default rate is planned from the provider's published window, so showing
        ``Settings.rates`` would show numbers the engine never uses. A spin box left as shown
        keeps the setting as it was (a default stays a default and keeps its planning).
        """
        from djdesk.core.runtime import planned_rates

        page = QWidget()
        form = QFormLayout(page)
        note = QLabel(
            _(
                "What DJDesk plans for each service: just under its published limit. "
                "A rate you change is used as you set it (kept under a published limit)."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        planned = planned_rates(self._settings)
        self.rates: dict[str, QDoubleSpinBox] = {}
        self._shown_rates: dict[str, float] = {}
        for name in DEFAULT_RATES:
            spin = QDoubleSpinBox()
            spin.setRange(0.01, 100.0)
            spin.setDecimals(2)
            spin.setSuffix(_(" requests/s"))
            spin.setValue(planned.get(name, DEFAULT_RATES[name]))
            spin.setToolTip(name)  # the id settings.toml uses
            self._shown_rates[name] = spin.value()  # as rounded by the spin box
            self.rates[name] = spin
            form.addRow(provider_label(name), spin)
        return page

    def _changed_rates(self) -> dict[str, float]:
        return {
            name: spin.value()
            for name, spin in self.rates.items()
            if spin.value() != self._shown_rates[name]
        }

    def _ttl_tab(self) -> QWidget:
        """Namespace, its default lifetime (greyed, read-only) and the override to edit."""
        page = QWidget()
        lay = QVBoxLayout(page)
        names = sorted(set(DEFAULT_TTLS) | set(self._settings.ttl))
        self.ttl_table = QTableWidget(len(names), 3)
        self.ttl_table.setHorizontalHeaderLabels(
            [_("Namespace"), _("Default (days)"), _("Lifetime (days, empty = default)")]
        )
        self.ttl_table.verticalHeader().hide()
        header = self.ttl_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        muted = theme.muted_color()
        #: The text shown per namespace: one left as shown keeps its exact seconds (a
        #: 60 s lifetime reads "0.000694444" days, which would not give 60 s back).
        self._shown_ttl: dict[str, str] = {}
        for r, ns in enumerate(names):
            name_item = QTableWidgetItem(ns)
            name_item.setFlags(name_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            default = default_ttl(ns)
            default_item = QTableWidgetItem("" if default is None else f"{default / 86400:g}")
            default_item.setFlags(default_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            default_item.setForeground(muted)
            default_item.setTextAlignment(_NUMBER)
            seconds = self._settings.ttl.get(ns)
            value_item = QTableWidgetItem("" if seconds is None else f"{seconds / 86400:g}")
            self._shown_ttl[ns] = value_item.text()
            value_item.setTextAlignment(_NUMBER)
            self.ttl_table.setItem(r, 0, name_item)
            self.ttl_table.setItem(r, 1, default_item)
            self.ttl_table.setItem(r, TTL_VALUE_COLUMN, value_item)
        lay.addWidget(self.ttl_table)
        return page

    def _on_finished(self, _code: int) -> None:
        self.showing = False

    # --- accounts --------------------------------------------------------------------------------

    def _refresh_accounts(self) -> None:
        status = self._accounts.spotify_status()
        self.spotify_status.setText(status)
        logged_in = status != _("Not logged in")  # the services all say exactly this
        self.login_button.setEnabled(not logged_in)
        self.logout_button.setEnabled(logged_in)
        self.clear_key_button.setEnabled(self._accounts.lastfm_key_set())

    def _on_login(self) -> None:
        async def login() -> None:
            try:
                await self._accounts.spotify_login()
            except DJDeskError as exc:
                if self.showing:
                    self.spotify_status.setText(f"{exc.message} {exc.hint}".strip())
                return
            if self.showing:
                self._refresh_accounts()

        self.spotify_status.setText(_("Waiting for the browser…"))
        self._tasks.start(login(), name="spotify login")

    def _on_logout(self) -> None:
        self._accounts.spotify_logout()
        self._refresh_accounts()

    def _on_save_key(self) -> None:
        key = self.lastfm_key.text()

        async def save() -> None:
            try:
                await self._accounts.set_lastfm_key(key)
            except DJDeskError as exc:
                if self.showing:
                    self._key_message(f"{exc.message} {exc.hint}".strip(), "error")
                return
            if not self.showing:
                return
            self.lastfm_key.clear()
            self.lastfm_key.setPlaceholderText(_("a key is stored"))
            self._key_message(_("Last.fm accepted the key; it is stored."), "info")
            self._refresh_accounts()

        self._key_message(_("Checking the key with Last.fm…"), "info")
        self._tasks.start(save(), name="lastfm key")

    def _on_clear_key(self) -> None:
        self._accounts.clear_lastfm_key()
        self.lastfm_key.setPlaceholderText(_("32-character API key"))
        self._key_message(_("Key removed."), "info")
        self._refresh_accounts()

    def _key_message(self, text: str, kind: str) -> None:
        self._kinds[self.key_message] = kind
        self.key_message.setStyleSheet(theme.banner_style(kind))
        self.key_message.setText(text)

    def restyle(self) -> None:
        """The palette changed while open: the messages' colours follow (the window calls it)."""
        for label, kind in self._kinds.items():
            label.setStyleSheet(theme.banner_style(kind))

    # --- result ----------------------------------------------------------------------------------

    def build_settings(self) -> Settings:
        ttl: dict[str, float] = {}
        for r in range(self.ttl_table.rowCount()):
            ns = self.ttl_table.item(r, 0).text()
            item = self.ttl_table.item(r, TTL_VALUE_COLUMN)
            text = item.text().strip() if item else ""
            if ns in self._settings.ttl and text == self._shown_ttl.get(ns):
                ttl[ns] = self._settings.ttl[ns]
            elif text:
                try:
                    ttl[ns] = float(text) * 86400
                except ValueError:
                    raise DJDeskError(
                        _("The lifetime for {ns} is not a number: {text!r}.").format(
                            ns=ns, text=text
                        ),
                        hint=_("Enter a number of days, or leave it empty for the default."),
                    ) from None
        return replace(
            self._settings,
            key_notation=str(self.notation.currentData()),
            bpm_min=self.bpm_min.value(),
            bpm_max=self.bpm_max.value(),
            demo=self._saved_demo(),
            rates={**self._settings.rates, **self._changed_rates()},
            ttl=ttl,
        ).validate()

    def _on_accept(self) -> None:
        try:
            self._result = self.build_settings()
        except DJDeskError as exc:
            self._kinds[self.message] = "error"
            self.message.setStyleSheet(theme.banner_style("error"))
            self.message.setText(f"{exc.message} {exc.hint}".strip())
            self.message.show()
            return
        self.accept()

    def result_settings(self) -> Settings | None:
        return self._result
