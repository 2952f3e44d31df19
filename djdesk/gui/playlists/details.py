"""The details pane for the selected track: provenance per field, tags, similar, candidates.

Built from one ``TrackDetails`` value each time the selection (or that track) changes; it holds
at most a few dozen rows, so plain item widgets are fine here (the big table is a model).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import source_label
from djdesk.gui import theme
from djdesk.gui.playlists.columns import COLUMNS, Column, format_key
from djdesk.gui.playlists.details_candidates import (
    C_MARK,
    C_SCORE,
    C_TIME,
    CandidateTable,
    fit_height,
)
from djdesk.gui.playlists.details_pin import PinIdForm
from djdesk.gui.playlists.track_model import provenance_text
from djdesk.gui.services import TrackDetails


def _table(headers: list[str], stretch: int = 1) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(22)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setAlternatingRowColors(True)
    return table


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


#: Fields the pane shows in their own sections (or that feed a column already listed).
_SHOWN_ELSEWHERE = frozenset({"tags", "similar", "artist_tags", "artist_listeners", "rank"})

#: Labels of stored fields that have no table column; marked here, translated when shown.
#: A field not listed (a provider added one) shows its stored name as is: it is data.
_FIELD_LABELS = {
    "acousticness": N_("Acousticness"),
    "instrumentalness": N_("Instrumentalness"),
    "liveness": N_("Liveness"),
    "speechiness": N_("Speechiness"),
    "loudness": N_("Loudness dB"),
    "playcount": N_("Last.fm plays"),
    "release_date": N_("Release date"),
    "tempo": N_("Tempo"),
    "mode": N_("Mode"),
    "lastfm_name": N_("Last.fm name"),
}


def _plain(value: Any) -> str:
    """A stored field without a column: counts get thousands separators like the columns'."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class TrackDetailsPane(CandidateTable, QScrollArea):
    pin_requested = Signal(int, str, str)  # track id, provider, candidate id
    unpin_requested = Signal(int, str)  # track id, provider
    #: Whether a pinnable candidate is selected (the window's "Pin selected match" action).
    candidate_selected = Signal(bool)
    #: Whether a pinned candidate is selected (the window's "Unpin selected match" action).
    pinned_selected = Signal(bool)

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._details: TrackDetails | None = None
        self.key_notation = "camelot"
        self.setWidgetResizable(True)
        # The body follows the pane's width (columns give way, see _fit_columns): a sideways
        # scroll bar would hide the scores and Pin buttons at the right.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(180)
        self._cand_rows: list[int] = []  # candidate index -> table row (providers head groups)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)
        self._body_layout = lay
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.empty = QLabel(_("Select a track to see where each value came from."))
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Source stretches and elides (a fused source carries its note); confidence keeps a
        # column of its own so it is never the part cut off; tooltips have it all.
        self.fields = _table([_("Field"), _("Value"), _("Source"), _("Conf.")], stretch=2)
        header = self.fields.horizontalHeader()
        for col, width in ((0, 104), (1, 80)):  # long labels and values elide; tooltips have them
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.fields.setColumnWidth(col, width)
        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.artist = QLabel()
        self.artist.setWordWrap(True)
        self.similar = _table([_("Similar track"), _("Artist"), _("Match")], stretch=0)
        self.candidates = _table([_("Candidate"), _("Time"), _("Score"), "", ""], stretch=0)
        self.candidates.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.pin_button = QPushButton(_("Pin this match"))
        self.pin_button.setToolTip(_("Always use the selected candidate for this track"))
        self.pin_button.setEnabled(False)
        self.pin_button.clicked.connect(self._on_pin_clicked)
        self.candidates.itemSelectionChanged.connect(self._on_candidate_selected)
        self._sections: list[QWidget] = []
        lay.addWidget(self.title)
        lay.addWidget(self.empty)
        for title, widget in (
            (_("Fields and provenance"), self.fields),
            (_("Last.fm tags"), self.tags),
            (_("Artist"), self.artist),
            (_("Similar tracks"), self.similar),
            (_("Matched candidates"), self.candidates),
        ):
            head = _section(title)
            lay.addWidget(head)
            lay.addWidget(widget)
            self._sections += [head, widget]
        lay.addWidget(self.pin_button)
        self.pin_other = PinIdForm()  # a record no run listed, by its id or link
        self.pin_other.submitted.connect(self._on_pin_other)
        lay.addWidget(self.pin_other)
        self._sections += [self.pin_button, self.pin_other]
        lay.addStretch(1)
        self.setWidget(body)
        self.show_details(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns(self.viewport().width())

    def _fit_columns(self, width: int) -> None:
        """A narrow pane drops the columns a tooltip can carry, so the rest stay readable:
        the source (below 280 px; the value takes its room), the candidates' length (below
        340 px) and their mark (below 320 px; the one in use keeps its tick and bold type)."""
        narrow = width < 280
        self.fields.setColumnHidden(2, narrow)
        self.fields.horizontalHeader().setSectionResizeMode(
            1 if narrow else 2, QHeaderView.ResizeMode.Stretch
        )
        self.fields.horizontalHeader().setSectionResizeMode(
            2 if narrow else 1, QHeaderView.ResizeMode.Interactive
        )
        # The label column gives way first: a long label elides, its tooltip has it.
        side = 10 if width >= 240 else 4  # at the narrowest every pixel goes to the columns
        self._body_layout.setContentsMargins(side, 8, side, 8)
        self.fields.setColumnWidth(0, 104 if width >= 360 else max(48, int(width * 0.32)))
        self.fields.horizontalHeader().setSectionResizeMode(
            3,
            QHeaderView.ResizeMode.Fixed if narrow else QHeaderView.ResizeMode.ResizeToContents,
        )
        if narrow:
            self.fields.setColumnWidth(3, 46)  # "100%" fits; the header elides
        if not narrow:
            self.fields.setColumnWidth(1, 80)
        compact = width < 340
        self.candidates.setColumnHidden(C_TIME, compact)
        self.candidates.setColumnHidden(C_MARK, width < 320)
        header = self.candidates.horizontalHeader()
        fixed, fit = QHeaderView.ResizeMode.Fixed, QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(C_SCORE, fixed if compact else fit)
        if compact:
            self.candidates.setColumnWidth(C_SCORE, 56)  # the score fits; "Score" elides

    @property
    def details(self) -> TrackDetails | None:
        return self._details

    def show_details(self, details: TrackDetails | None) -> None:
        if details is None or self._details is None or details.row.id != self._details.row.id:
            self.pin_other.reset()  # another track; the same one refreshed keeps what is typed
        self._details = details
        for w in self._sections:
            w.setVisible(details is not None)
        self.empty.setVisible(details is None)
        if details is None:
            self.title.clear()
            return
        row = details.row
        self.title.setText(
            f"<b style='font-size:13pt'>{_esc(row.title)}</b><br>{_esc(row.artists)}"
            f"<br><span style='color:{theme.muted_color().name()}'>{_esc(row.album)}</span>"
        )
        self._fill_fields(details)
        self.tags.setText(", ".join(details.tags) if details.tags else _("No tags yet."))
        self.artist.setText(details.artist_info or _("No artist info yet."))
        self.similar.setRowCount(len(details.similar))
        for r, s in enumerate(details.similar):
            for c, text in enumerate((s.title, s.artists, f"{s.match:.2f}")):
                self.similar.setItem(r, c, QTableWidgetItem(text))
        fit_height(self.similar)
        self._fill_candidates(details.candidates)

    def _fill_fields(self, details: TrackDetails) -> None:
        now = self._clock()
        cols = [c for c in COLUMNS if c.enriched]
        # Every other stored field too (acousticness, loudness, playcount, ...): provenance for all.
        shown = {c.field for c in cols} | _SHOWN_ELSEWHERE
        extra = [n for n in sorted(details.row.fields) if n not in shown]
        rows = [(_(c.header), c) for c in cols]
        rows += [
            (_(_FIELD_LABELS[n]) if n in _FIELD_LABELS else n, Column(n, n, 0, fmt=_plain))
            for n in extra
        ]
        self.fields.setRowCount(len(rows))
        for r, (label, col) in enumerate(rows):
            fv = details.row.fields.get(col.field)
            tip = ""
            if fv is None:
                cells = [label, "—", "", ""]
            else:
                value = fv.value
                text = format_key(str(value), self.key_notation) if col.field == "key" else value
                try:
                    text = col.fmt(text) if col.field != "key" else text
                except (TypeError, ValueError):
                    text = str(value)
                tip = provenance_text(fv, now)
                # The provider(s); a fused value's note is in the tooltip with the rest.
                cells = [
                    label,
                    str(text),
                    source_label(fv.source.split(" (")[0]),
                    f"{fv.confidence:.0%}",
                ]
            for c, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                item.setToolTip(tip)
                if c == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if fv is not None and fv.estimated:
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setForeground(theme.muted_color())
                self.fields.setItem(r, c, item)
        fit_height(self.fields)

    def _on_pin_other(self, provider: str, value: str) -> None:
        if self._details is not None:
            self.pin_requested.emit(self._details.row.id, provider, value)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
