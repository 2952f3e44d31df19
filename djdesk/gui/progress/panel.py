"""EnrichmentProgressPanel: overall progress + ETA, run controls, provider table and the log.

Everything here is driven by the bridge's coalesced signals; nothing polls the engine.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.events import JobStateChanged
from djdesk.core.i18n import _
from djdesk.gui import theme
from djdesk.gui.progress.eta import EtaEstimator, format_eta
from djdesk.gui.progress.log_model import LogFilterProxy, LogListModel
from djdesk.gui.progress.outcome import advice, gaps_text, has_gaps
from djdesk.gui.progress.stats_model import (
    COLUMN,
    COLUMNS,
    HIDDEN_BY_DEFAULT,
    ProviderStatsModel,
)
from djdesk.gui.services import EnrichmentControl
from djdesk.gui.widgets.column_menu import install_column_menu
from djdesk.gui.widgets.progress_bar import LazyProgressBar

PROVIDERS = ("deezer", "musicbrainz", "lastfm", "reccobeats")
_ACTIVE = ("running", "paused")
#: Seconds of progress before its pace counts in the ETA: the first tracks wait for every
#: provider's first answer, and their pace said "12 min" for a 5 min run.
SETTLE_S = 10.0
RATE_REFRESH_MS = 500


class EnrichmentProgressPanel(QWidget):
    def __init__(
        self,
        control: EnrichmentControl,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._control = control
        self._clock = clock
        self._eta = EtaEstimator()
        self._job: JobStateChanged | None = None  # the latest event (any run)
        self._jobs: dict[str, JobStateChanged] = {}  # the runs the bar sums, by playlist id
        self.stats_model = ProviderStatsModel(PROVIDERS, self, clock=clock)
        self.log_model = LogListModel(parent=self)
        self.log_proxy = LogFilterProxy(self)
        self.log_proxy.setSourceModel(self.log_model)
        # Rate/s is measured to now: a provider that stops calling must read 0 within a few
        # seconds even though no snapshot of it comes (only while a run goes).
        self._rate_timer = QTimer(self)
        self._rate_timer.setInterval(RATE_REFRESH_MS)
        self._rate_timer.timeout.connect(self._tick)

        self.status = QLabel(_("No enrichment running."))
        self._base = self.status.text()  # the runs' words, before an import's
        self._import = ""  # ImportQueue.status: what the imports going have read
        # Not a QProgressBar: it repaints synchronously on every change (see LazyProgressBar).
        self.bar = LazyProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.count = QLabel()
        self.eta = QLabel()
        self.pause_button = QPushButton(_("Pause"))
        self.cancel_button = QPushButton(_("Stop"))
        self.cancel_button.setToolTip(
            _("Stop the run; finished work is kept and it can resume later")
        )
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button.clicked.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addWidget(self.bar, 1)
        top.addWidget(self.count)
        top.addWidget(self.eta)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)

        self.table = QTableView()
        self.table.setModel(self.stats_model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Fixed widths, not ResizeToContents: that mode re-measures every cell on each dataChanged,
        # i.e. thousands of data() calls per frame during a run.
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        # Retries, 429s and Shared rarely pass 9,999; the rest can on a 10,000-track run.
        samples = {
            "provider": "musicbrainz",
            "done": "9,999 / 9,999",
            "shared": "9,999",
            "rate": "10.25 / 10.25",
            "retries": "9,999",
            "rate_limited": "9,999",
            "hedged": "99 (99 won)",
            "breaker": "half-open",
            "p50": "999 ms",
            "p95": "999 ms",
        }
        for col, key in enumerate(COLUMNS):
            title = str(self.stats_model.headerData(col, Qt.Orientation.Horizontal))
            sample = samples.get(key, "99,999")
            width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample))
            hh.resizeSection(col, width + 14)
        for col in HIDDEN_BY_DEFAULT:
            hh.hideSection(col)
        # Right-click a header to show a hidden column (Hedged) or hide one; ui_state keeps it.
        install_column_menu(hh, always_shown=(COLUMN["provider"],))

        self.level = QComboBox()
        for label, level in (
            (_("Debug"), logging.DEBUG),
            (_("Info"), logging.INFO),
            (_("Warnings"), logging.WARNING),
            (_("Errors"), logging.ERROR),
        ):
            self.level.addItem(label, level)
        self.level.setCurrentIndex(1)
        self.level.currentIndexChanged.connect(
            lambda _i: self.log_proxy.set_min_level(int(self.level.currentData()))
        )
        self.log_view = QListView()
        self.log_view.setModel(self.log_proxy)
        self.log_view.setUniformItemSizes(True)
        self.log_view.setObjectName("runLog")
        log_box = QWidget()
        lb = QVBoxLayout(log_box)
        lb.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Log")))
        row.addStretch(1)
        row.addWidget(QLabel(_("Show")))
        row.addWidget(self.level)
        lb.addLayout(row)
        lb.addWidget(self.log_view)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("progressSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(log_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([880, 380])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(top)
        lay.addWidget(self.splitter, 1)
        self._update_buttons()

    # --- bridge slots ----------------------------------------------------------------------------

    def on_job_state(self, event: JobStateChanged) -> None:
        """Sum over every run counted now: two imports at once add up, they never take turns.

        A run that starts while none is going begins a new count (finished and stopped runs
        drop out); one that starts while another is going joins it.
        """
        self._job = event
        jobs = self._jobs
        before = jobs.get(event.job_id)
        if event.state in _ACTIVE and (before is None or before.state not in _ACTIVE):
            if not any(j.state in _ACTIVE for j in jobs.values()):
                jobs.clear()
            self._eta.reset()  # the sums jump: the recent rate starts over
        jobs[event.job_id] = event
        done = sum(j.done for j in jobs.values())
        total = sum(j.total for j in jobs.values())
        states = {j.state for j in jobs.values()}
        bar_max = max(total, 1)
        if self.bar.maximum() != bar_max:
            self.bar.setRange(0, bar_max)
        self.bar.setValue(min(done, bar_max))
        # A run still importing has no total yet: no "0 of 0 tracks" (the status says more)
        self.count.setText(
            _("{done} of {total} tracks").format(done=f"{done:,}", total=f"{total:,}")
            if total
            else ""
        )
        if "running" in states:
            self._eta.update(self._clock(), done)
            self.eta.setText(format_eta(self._seconds_left(total)))
            active = sum(j.state in _ACTIVE for j in jobs.values())
            self._set_status(
                _("Enriching {n} playlists").format(n=active) if active > 1 else _("Enriching")
            )
        else:
            self._eta.reset()
            self.eta.setText("")
            self._set_status(self._idle_text(states))
        self._status_color(states)
        self.stats_model.set_running(self.running)
        self._time_rates()
        self._update_buttons()

    def show_import(self, text: str) -> None:
        """An import's progress ("Importing 700 of 1,000 tracks…", "" when it ended): the
        status shows it while no enrichment counts tracks, and after the run's words when one
        does (a 100 s import read "No enrichment running.")."""
        self._import = text
        self._set_status(self._base)
        self._time_rates()

    def _time_rates(self) -> None:
        """Re-measure rates on a timer while calls go out: a run, or an import's pages."""
        if self.running or self._import:
            if not self._rate_timer.isActive():
                self._rate_timer.start()
        else:
            self._rate_timer.stop()
            self.stats_model.refresh_rates()

    def _set_status(self, text: str) -> None:
        self._base = text
        if not self._import:
            self.status.setText(text)
        elif any(j.state in _ACTIVE and j.total for j in self._jobs.values()):
            self.status.setText(f"{text} · {self._import}")
        else:
            self.status.setText(self._import)

    def _tick(self) -> None:
        """Between track events: rates decay and the ETA counts down (a run waiting on one
        slow answer sends no event for seconds, and its ETA must not freeze)."""
        self.stats_model.refresh_rates()
        if any(j.state == "running" for j in self._jobs.values()):
            total = sum(j.total for j in self._jobs.values())
            self.eta.setText(format_eta(self._seconds_left(total)))

    def _seconds_left(self, total: int) -> float | None:
        """One ETA: never below the plan's floor (what the run log's plan line said, counted
        down), and the recent pace once it has run long enough to mean something."""
        pace = self._eta.seconds_left(total) if self._eta.span_s >= SETTLE_S else None
        known = [s for s in (pace, self.stats_model.floor_s()) if s is not None]
        return max(known) if known else None

    def _idle_text(self, states: set[str]) -> str:
        """What the bar's runs came to; a finish that left tracks failed or partial says how
        many and what retries them, never a bare "Finished"."""
        for state in ("paused", "failed", "cancelled"):
            if state not in states:
                continue
            if state == "cancelled":
                stopped = sum(j.state == "cancelled" for j in self._jobs.values())
                if stopped > 1:
                    return _("{n} runs stopped · Re-enrich (Ctrl+R) resumes one").format(n=stopped)
                return _("Stopped · Re-enrich (Ctrl+R) resumes it")
            return {"paused": _("Paused"), "failed": _("Failed")}[state]
        done = [j for j in self._jobs.values() if j.state == "done"]
        summed = JobStateChanged(
            "", "done",
            failed=sum(j.failed for j in done),
            partial=sum(j.partial for j in done),
            retry=sum(j.retry for j in done),
        )  # fmt: skip
        if has_gaps(summed):
            return _("Finished — {gaps} · {advice}").format(
                gaps=gaps_text(summed), advice=advice(summed, sentence=True)
            )
        return _("Finished")

    def _status_color(self, states: set[str]) -> None:
        """The status in the state's colour when it needs a look: failed, stopped, or finished
        with tracks a new run would retry."""
        retry = any(has_gaps(j) and j.retry for j in self._jobs.values())
        key = next((s for s in ("failed", "cancelled", "paused") if s in states), "")
        if not key and retry and "running" not in states:
            key = "partial"
        color = theme.state_color(key) if key else None
        self.status.setStyleSheet(f"color: {color.name()};" if color is not None else "")

    def on_log(self, messages: list) -> None:
        at_bottom = (
            self.log_view.verticalScrollBar().value()
            >= self.log_view.verticalScrollBar().maximum() - 2
        )
        self.log_model.append(messages)
        if at_bottom:
            self.log_view.scrollToBottom()

    # --- controls --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A run is under way (paused counts: Resume and Stop must stay enabled)."""
        return any(j.state in _ACTIVE for j in self._jobs.values())

    def toggle_pause(self) -> None:
        if self._control.paused:
            self._control.resume()
        else:
            self._control.pause()
        self._update_buttons()

    def cancel(self) -> None:
        self._control.cancel()

    def _update_buttons(self) -> None:
        self.pause_button.setText(_("Resume") if self._control.paused else _("Pause"))
        self.pause_button.setEnabled(self.running)
        self.cancel_button.setEnabled(self.running)
        if self._control.paused and self.running:
            self._set_status(_("Paused"))
