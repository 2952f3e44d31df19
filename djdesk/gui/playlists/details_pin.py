"""The details pane's "Pin another id…": pin a record the matcher never offered, by its id or link.

Why: the pane lists only the candidates a run found (one per provider when an ISRC answered), so
the right record was out of reach in the window while ``djdesk pin TRACK PROVIDER ID`` could set
it. The id is checked here, per provider, before anything is stored: a typo would otherwise
become a pin that wins everywhere and silently finds nothing. Links and URIs are accepted too
(what a DJ has on the clipboard), parsed by ``core.urls`` where it knows the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.errors import DJDeskError, InputError
from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import provider_label
from djdesk.gui import theme

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True, slots=True)
class IdFormat:
    """What one provider's track id looks like; ``shape`` and ``where`` are marked strings."""

    pattern: re.Pattern[str]
    example: str
    shape: str  # what the id is, for the message when it is not that
    where: str  # where a DJ finds it, the message's hint
    lowercase: bool = False  # UUIDs are stored lower-case, as the providers answer them


#: The ids a pin can set: ``djdesk pin``'s choices (``core.library.ID_PROVIDERS``), Deezer first
#: (the one every run reads by id). Each is offered because enrichment reads a pinned id by that
#: id (``engine.waterfall``): Deezer's track, Spotify's features, the ISRC's lookups, the
#: MusicBrainz recording (its ISRCs lead to Deezer) and ReccoBeats' features by its own UUID.
#: An id no step could read would be a pin that changes nothing: it must not be listed here.
#: Examples are real records from ``api-samples``.
ID_FORMATS: dict[str, IdFormat] = {
    "deezer": IdFormat(
        re.compile(r"[0-9]{1,20}"),
        "3135556",
        N_("A Deezer track id is a number"),
        N_("Paste the track's link (deezer.com/track/…) or the number at its end."),
    ),
    "spotify": IdFormat(
        re.compile(r"[0-9A-Za-z]{22}"),
        "00aqkszH1FdUiJJWvX6iEl",
        N_("A Spotify track id is 22 letters and digits"),
        N_("Paste the track's link (Share → Copy Song Link) or the id after /track/."),
    ),
    "isrc": IdFormat(
        re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}"),
        "USUM72104140",
        N_("An ISRC is 12 characters: country, registrant, year and number"),
        N_("Dashes and spaces are fine; it is printed in the release's credits."),
    ),
    "musicbrainz": IdFormat(
        re.compile(_UUID),
        "b9ad642e-b012-41c7-b72a-42cf4911f9ff",
        N_("A MusicBrainz recording id is a UUID (8-4-4-4-12 hexadecimal digits)"),
        N_("Paste the recording's link (musicbrainz.org/recording/…) or its id."),
        lowercase=True,
    ),
    "reccobeats": IdFormat(
        re.compile(_UUID),
        "8212bab8-5911-48a0-b177-24923ef2329a",
        N_("A ReccoBeats track id is a UUID (8-4-4-4-12 hexadecimal digits)"),
        N_("ReccoBeats names it in its API's answers; a Spotify id is pinned as Spotify."),
        lowercase=True,
    ),
}


def parse_pin_id(provider: str, text: str) -> str:
    """The id ``text`` gives for ``provider`` (an id, a link or a URI), in the form the library
    stores; raises ``InputError`` saying what that provider's ids look like."""
    fmt = ID_FORMATS.get(provider)
    if fmt is None:
        raise InputError(_("DJDesk cannot pin {provider} ids.").format(provider=provider))
    value = text.strip().strip("<>\"'")
    if not value:
        raise InputError(_("Type or paste the id to pin."), hint=_(fmt.where))
    if provider in ("spotify", "deezer") and ("/" in value or value.lower().startswith("spotify:")):
        value = _track_id_from_link(provider, value)
    elif provider == "isrc":
        value = value.replace("-", "").replace(" ", "").upper()
    elif "/" in value:  # a MusicBrainz or ReccoBeats link: the id is its UUID
        if provider == "musicbrainz" and "/recording/" not in value:
            raise InputError(_("That MusicBrainz link is not a recording."), hint=_(fmt.where))
        found = re.findall(_UUID, value)
        value = found[-1] if found else value
    if not fmt.pattern.fullmatch(value):
        shown = value if len(value) <= 40 else value[:37] + "…"
        raise InputError(
            _("{shape}, like {example}; {value!r} is not one.").format(
                shape=_(fmt.shape), example=fmt.example, value=shown
            ),
            hint=_(fmt.where),
        )
    return value.lower() if fmt.lowercase else value


def _track_id_from_link(provider: str, text: str) -> str:
    """A Spotify or Deezer track link or URI, read by the importer's own parser."""
    from djdesk.core import urls  # loaded on first use, as the other link readers do
    from djdesk.core.models import RefKind

    where = _(ID_FORMATS[provider].where)
    try:
        ref = urls.parse_source(text)
    except DJDeskError as exc:
        raise InputError(exc.message, hint=where) from None
    if ref.service.value != provider:
        raise InputError(
            _("That is a {service} link; the id to pin is a {provider} one.").format(
                service=provider_label(ref.service.value), provider=provider_label(provider)
            ),
            hint=where,
        )
    if ref.kind is not RefKind.TRACK:
        raise InputError(
            _("That {provider} link is not a track.").format(provider=provider_label(provider)),
            hint=where,
        )
    return ref.id


class PinIdForm(QWidget):
    """A "Pin another id…" toggle over a provider choice, an id field and Pin; a bad id is
    answered under the field (the form stays open with the text, to correct it)."""

    submitted = Signal(str, str)  # provider, id (checked)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setText(_("Pin another id…"))
        self.toggle.setToolTip(
            _("Pin a record the matcher did not list, by its id or link on that provider")
        )
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._on_toggled)
        self.form = QWidget()
        row = QHBoxLayout(self.form)
        row.setContentsMargins(0, 0, 0, 0)
        self.provider = QComboBox()
        for name in ID_FORMATS:
            self.provider.addItem(provider_label(name), name)
        self.provider.currentIndexChanged.connect(self._on_provider_changed)
        self.id_field = QLineEdit()
        self.id_field.setClearButtonEnabled(True)
        self.id_field.returnPressed.connect(self.submit)
        self.id_field.textEdited.connect(lambda _text: self.message.hide())
        self.pin = QPushButton(_("Pin"))
        self.pin.clicked.connect(self.submit)
        row.addWidget(self.provider)
        row.addWidget(self.id_field, 1)
        row.addWidget(self.pin)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.toggle)
        lay.addWidget(self.form)
        lay.addWidget(self.message)
        self._on_provider_changed()
        self.reset()

    def current_provider(self) -> str:
        return str(self.provider.currentData())

    def set_provider(self, provider: str) -> None:
        self.provider.setCurrentIndex(self.provider.findData(provider))

    def reset(self) -> None:
        """Another track: folded, empty, no message (the provider choice stays)."""
        self.id_field.clear()
        self.message.hide()
        self.toggle.setChecked(False)
        self._on_toggled(False)

    def submit(self) -> bool:
        """Check the id and emit ``submitted``; False (and the reason shown) when it is bad."""
        provider = self.current_provider()
        try:
            value = parse_pin_id(provider, self.id_field.text())
        except InputError as exc:
            self.message.setText(f"{exc.message} {exc.hint}".strip())
            self.message.setStyleSheet(f"color: {theme.state_color('failed').name()}")
            self.message.show()
            self.id_field.setFocus()
            self.id_field.selectAll()
            return False
        self.submitted.emit(provider, value)
        self.reset()
        return True

    def _on_toggled(self, open_: bool) -> None:
        self.form.setVisible(open_)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        if not open_:
            self.message.hide()
        else:
            self.id_field.setFocus()

    def _on_provider_changed(self) -> None:
        fmt = ID_FORMATS[self.current_provider()]
        self.id_field.setPlaceholderText(
            _("id or link, e.g. {example}").format(example=fmt.example)
        )
        self.id_field.setToolTip(f"{_(fmt.shape)}.\n{_(fmt.where)}")
        self.message.hide()
