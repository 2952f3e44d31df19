"""The details pane's "Matched candidates" table: provider groups, marks, Pin and Unpin.

Why apart from the pane: the pane is layout and the fields' provenance; this is the match
review, its rows and what its buttons and the window's Pin/Unpin entries do. A mixin, like the
cache inspector's ``CacheActions``, because its slots are the pane's own (the window's menu and
the tests call them there) and its signals are declared on the pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget, QTableWidgetItem, QToolButton

from djdesk.core.i18n import N_, _
from djdesk.core.provider_names import provider_label
from djdesk.gui import theme
from djdesk.gui.services import Candidate, TrackDetails

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


def fit_height(table: QTableWidget) -> None:
    """A table as tall as its rows: the pane scrolls as a whole, never a table inside it."""
    rows = sum(table.rowHeight(r) for r in range(table.rowCount())) or 22
    table.setFixedHeight(table.horizontalHeader().height() + rows + 4)


#: How a provider's record was reached (the evidence's ``via``).
_VIA = {
    "isrc": N_("found by ISRC"),
    "search": N_("found by search"),
    "musicbrainz": N_("found through MusicBrainz"),
    "search+isrc": N_("found by search, confirmed by ISRC"),
    "name": N_("Last.fm's answer for the name"),
    "known id": N_("read by a known id"),
    "pin": N_("pinned"),
    "pinned": N_("pinned"),
}

#: Candidate table columns.
C_TITLE, C_TIME, C_SCORE, C_MARK, C_PIN = range(5)


class CandidateTable:
    """The candidates' rows and their Pin/Unpin (mixed into ``TrackDetailsPane``)."""

    candidates: QTableWidget
    pin_button: QPushButton
    _details: TrackDetails | None
    _cand_rows: list[int]
    pin_requested: SignalInstance
    unpin_requested: SignalInstance
    candidate_selected: SignalInstance
    pinned_selected: SignalInstance

    def _fill_candidates(self, candidates: tuple[Candidate, ...]) -> None:
        """One group per provider (a heading row: the provider and how its record was found),
        then its candidates best first: title — artists, length, score, the mark, a Pin button."""
        table = self.candidates
        table.clearSpans()
        table.clearContents()
        groups: list[tuple[str, list[int]]] = []
        for i, cand in enumerate(candidates):
            if not groups or groups[-1][0] != cand.provider:
                groups.append((cand.provider, []))
            groups[-1][1].append(i)
        table.setRowCount(len(groups) + len(candidates))
        self._cand_rows = [0] * len(candidates)
        row = 0
        for provider, members in groups:
            self._fill_heading(row, provider, [candidates[i] for i in members])
            row += 1
            for i in members:
                self._cand_rows[i] = row
                self._fill_candidate(row, i, candidates[i])
                row += 1
        fit_height(table)
        self.pin_button.setEnabled(False)
        self.candidate_selected.emit(False)
        self.pinned_selected.emit(False)

    def _fill_heading(self, row: int, provider: str, members: list[Candidate]) -> None:
        """The provider and how the record in use was found; "nothing attached" says that
        none of these was good enough (a gap is shown, never a guess)."""
        name = provider_label(provider)
        in_use = next((c for c in members if c.chosen), None)
        if in_use is None:
            text = f"{name} · {_('nothing attached')}"
        elif in_use.pinned:
            text = f"{name} · {_('pinned')}"
        else:
            text = f"{name} · {_(_VIA[in_use.via])}" if in_use.via in _VIA else name
        item = QTableWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setToolTip(text)
        self.candidates.setItem(row, 0, item)
        self.candidates.setSpan(row, 0, 1, 5)
        self.candidates.setRowHeight(row, 22)

    def _fill_candidate(self, row: int, index: int, cand: Candidate) -> None:
        mark = _("pinned") if cand.pinned else (_("chosen") if cand.chosen else "")
        title = f"{cand.title} — {cand.artists}" if cand.artists else cand.title
        score = "—" if cand.score is None else f"{cand.score:.0%}"
        pin_provider, pin_id = cand.pin_target
        tip_lines = [
            title,
            _("{provider} id: {id}").format(provider=provider_label(pin_provider), id=pin_id),
        ]
        if cand.note:
            tip_lines.append(cand.note)
        if cand.why:
            tip_lines.append(_("Why: {reasons}").format(reasons=cand.why))
        tip = "\n".join(tip_lines)
        # Two lines, title over artists: both stay readable in a narrow pane.
        tick = "\u2713 " if cand.chosen else ""  # the one in use, even with the mark hidden
        two_lines = f"{tick}{cand.title}\n{cand.artists}" if cand.artists else tick + cand.title
        self.candidates.setRowHeight(row, 36 if cand.artists else 22)
        cells = (two_lines, _duration(cand.duration_s), score, mark)
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(tip)
            if c in (C_TIME, C_SCORE):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if cand.chosen or cand.pinned:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            elif cand.note:
                item.setForeground(theme.muted_color())
            self.candidates.setItem(row, c, item)
        button = QToolButton()
        button.setAutoRaise(True)
        name = provider_label(pin_provider)
        if cand.pinned:  # the same place undoes it: the track is matched (or read) again
            button.setText(_("Unpin"))
            button.setToolTip(
                _("Stop pinning this {provider} id for this track").format(provider=name)
            )
            button.clicked.connect(lambda _c=False, i=index: self.unpin_candidate(i))
        else:
            button.setText(_("Pin"))
            button.setEnabled(cand.pinnable)
            button.setToolTip(
                _("Always use this {provider} record for this track").format(provider=name)
                if cand.pinnable
                else _("Last.fm answers by name: there is no id to pin")
            )
            button.clicked.connect(lambda _c=False, i=index: self.pin_candidate(i))
        self.candidates.setCellWidget(row, C_PIN, button)

    def row_of(self, index: int) -> int:
        """The table row of candidate ``index`` (providers' heading rows sit between)."""
        return self._cand_rows[index]

    def select_candidate(self, index: int) -> None:
        self.candidates.selectRow(self.row_of(index))

    def selected_candidate(self) -> int | None:
        items = self.candidates.selectedItems()
        data = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        return data if isinstance(data, int) else None

    def _on_candidate_selected(self) -> None:
        index = self.selected_candidate()
        cand = None if index is None or self._details is None else self._details.candidates[index]
        ok = cand is not None and cand.pinnable and not cand.pinned
        self.pin_button.setEnabled(ok)
        self.candidate_selected.emit(ok)
        self.pinned_selected.emit(cand is not None and cand.pinned)

    def _on_pin_clicked(self) -> None:
        self.pin_selected()

    def pin_selected(self) -> bool:
        """Pin the selected candidate (the button, the menu entry); False when none applies."""
        index = self.selected_candidate()
        return index is not None and self.pin_candidate(index)

    def pin_candidate(self, index: int) -> bool:
        if self._details is None or not 0 <= index < len(self._details.candidates):
            return False
        cand = self._details.candidates[index]
        if not cand.pinnable:
            return False
        provider, value = cand.pin_target
        self.pin_requested.emit(self._details.row.id, provider, value)
        return True

    def unpin_selected(self) -> bool:
        """Unpin the selected candidate (the menu entry); False when it is not pinned."""
        index = self.selected_candidate()
        return index is not None and self.unpin_candidate(index)

    def unpin_candidate(self, index: int) -> bool:
        if self._details is None or not 0 <= index < len(self._details.candidates):
            return False
        cand = self._details.candidates[index]
        if not cand.pinned:
            return False
        self.unpin_requested.emit(self._details.row.id, cand.pin_target[0])
        return True


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"
