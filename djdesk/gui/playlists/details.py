"""The details pane for the selected track: provenance per field, tags, similar, candidates.

Built from one ``TrackDetails`` value each time the selection (or that track) changes; it holds
at most a few dozen rows, so plain item widgets are fine here (the big table is a model).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
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

from djdesk.core.i18n import _
from djdesk.gui import theme
from djdesk.gui.playlists.columns import COLUMNS, Column, format_key
from djdesk.gui.playlists.track_model import provenance_text
from djdesk.gui.services import Candidate, TrackDetails


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


def _fit_height(table: QTableWidget) -> None:
    rows = table.rowCount()
    table.setFixedHeight(table.horizontalHeader().height() + 22 * max(rows, 1) + 4)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


#: Fields the pane shows in their own sections (or that feed a column already listed).
_SHOWN_ELSEWHERE = frozenset({"tags", "similar", "artist_tags", "artist_listeners", "rank"})


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class TrackDetailsPane(QScrollArea):
    pin_requested = Signal(int, str, str)  # track id, provider, candidate id

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self._clock = clock
        self._details: TrackDetails | None = None
        self.key_notation = "camelot"
        self.setWidgetResizable(True)
        self.setMinimumWidth(280)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.empty = QLabel(_("Select a track to see where each value came from."))
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Source stretches and elides (a fused source carries its note); tooltips have it all.
        self.fields = _table([_("Field"), _("Value"), _("Source")], stretch=2)
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.fields.setColumnWidth(1, 96)  # long values (tags) elide; the tooltip has them
        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.artist = QLabel()
        self.artist.setWordWrap(True)
        self.similar = _table([_("Similar track"), _("Artist"), _("Match")], stretch=0)
        self.candidates = _table([_("Provider"), _("Candidate"), _("Score"), ""])
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
        self._sections.append(self.pin_button)
        lay.addStretch(1)
        self.setWidget(body)
        self.show_details(None)

    @property
    def details(self) -> TrackDetails | None:
        return self._details

    def show_details(self, details: TrackDetails | None) -> None:
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
        _fit_height(self.similar)
        self._fill_candidates(details.candidates)

    def _fill_fields(self, details: TrackDetails) -> None:
        now = self._clock()
        cols = [c for c in COLUMNS if c.enriched]
        # Every other stored field too (acousticness, loudness, playcount, ...): provenance for all.
        shown = {c.field for c in cols} | _SHOWN_ELSEWHERE
        cols += [
            Column(name, name.replace("_", " ").capitalize(), 0, fmt=_plain)
            for name in sorted(details.row.fields)
            if name not in shown
        ]
        self.fields.setRowCount(len(cols))
        for r, col in enumerate(cols):
            fv = details.row.fields.get(col.field)
            tip = ""
            if fv is None:
                cells = [_(col.header), "—", ""]
            else:
                value = fv.value
                shown = format_key(str(value), self.key_notation) if col.field == "key" else value
                try:
                    shown = col.fmt(shown) if col.field != "key" else shown
                except (TypeError, ValueError):
                    shown = str(value)
                tip = provenance_text(fv, now)
                cells = [_(col.header), str(shown), f"{fv.source} · {fv.confidence:.0%}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if fv is not None and fv.estimated:
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setForeground(theme.muted_color())
                self.fields.setItem(r, c, item)
        _fit_height(self.fields)

    def _fill_candidates(self, candidates: tuple[Candidate, ...]) -> None:
        self.candidates.setRowCount(len(candidates))
        for r, cand in enumerate(candidates):
            mark = _("pinned") if cand.pinned else (_("chosen") if cand.chosen else "")
            cells = (cand.provider, f"{cand.title} — {cand.artists}", f"{cand.score:.2f}", mark)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (cand.provider, cand.id))
                item.setToolTip(f"{cand.provider} id {cand.id}")
                self.candidates.setItem(r, c, item)
        _fit_height(self.candidates)
        self.pin_button.setEnabled(False)

    def select_candidate(self, row: int) -> None:
        self.candidates.selectRow(row)

    def _on_candidate_selected(self) -> None:
        self.pin_button.setEnabled(bool(self.candidates.selectedItems()))

    def _on_pin_clicked(self) -> None:
        items = self.candidates.selectedItems()
        if not items or self._details is None:
            return
        provider, cand_id = items[0].data(Qt.ItemDataRole.UserRole)
        self.pin_requested.emit(self._details.row.id, provider, cand_id)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
