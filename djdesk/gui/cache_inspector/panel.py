"""CacheInspectorPanel: namespaces, paged entries with search, the JSON of one entry.

The panel lays these out and keeps them in step; what its buttons and menus do (delete,
expire, purge, bump, vacuum, export, import) is ``actions.CacheActions``'. Tests replace
``confirm`` and ``ask_path`` instead of clicking modal dialogs.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from djdesk.core.i18n import _
from djdesk.gui.cache_inspector.actions import CacheActions, path_dialog
from djdesk.gui.cache_inspector.entries_model import CacheEntriesModel
from djdesk.gui.cache_inspector.json_model import build_json_model
from djdesk.gui.cache_inspector.namespace_model import NamespaceListModel, NamespaceRole
from djdesk.gui.dialogs.ask import Confirm, confirm_dialog
from djdesk.gui.services import CacheBrowser, CacheEntryRow
from djdesk.gui.tasks import TaskRegistry

#: Below this height the entries and the JSON view sit side by side instead of stacked.
SHORT_PANEL_PX = 420


class CacheInspectorPanel(CacheActions, QWidget):
    action_done = Signal(str)  # the message shown after an action and the refresh
    entry_shown = Signal(object)  # the JSON value now in the detail view

    def __init__(
        self, cache: CacheBrowser, tasks: TaskRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._cache = cache
        self._tasks = tasks
        self._shown: tuple[str, str] | None = None
        self.confirm: Confirm = confirm_dialog(self)
        self.ask_path = path_dialog(self)
        self.ns_model = NamespaceListModel(cache, self)
        self.entries_model = CacheEntriesModel(cache, tasks, parent=self)
        self.entries_model.loaded.connect(self._on_entries_loaded)

        self.namespaces = QTableView()
        self.namespaces.setModel(self.ns_model)
        self.namespaces.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.namespaces.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.namespaces.verticalHeader().hide()
        self.namespaces.verticalHeader().setDefaultSectionSize(24)
        self.namespaces.setShowGrid(False)
        self.namespaces.setAlternatingRowColors(True)
        # Names share long prefixes ("reccobeats.idmap.…"): keep both ends, full name on hover.
        self.namespaces.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.namespaces.setMouseTracking(True)
        self.namespaces.entered.connect(
            lambda index: self.namespaces.setToolTip(str(index.siblingAtColumn(0).data() or ""))
        )
        nh = self.namespaces.horizontalHeader()
        nh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, 5):
            nh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search keys…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._requery)
        self.search.textChanged.connect(self._search_timer.start)
        self.count_label = QLabel()

        self.entries = QTableView()
        self.entries.setObjectName("cacheEntries")
        self.entries.setModel(self.entries_model)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.verticalHeader().hide()
        self.entries.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.entries.verticalHeader().setDefaultSectionSize(22)
        self.entries.setShowGrid(False)
        self.entries.setAlternatingRowColors(True)
        self.entries.setWordWrap(False)
        eh = self.entries.horizontalHeader()
        for i, w in enumerate((190, 140, 44, 70, 130, 90, 48, 70, 50)):
            eh.resizeSection(i, w)
        eh.setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        self.entries.setSortingEnabled(True)
        self.entries.selectionModel().currentRowChanged.connect(self._on_entry_current)

        self.json_tree = QTreeView()
        self.json_tree.setUniformRowHeights(True)
        self.json_tree.setAlternatingRowColors(True)
        self.json_text = QPlainTextEdit()
        self.json_text.setReadOnly(True)
        self.json_text.setObjectName("jsonText")
        self.detail_title = QLabel(_("Select an entry to see its stored JSON."))
        self.detail_title.setObjectName("sectionTitle")
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(self.json_tree, _("Tree"))
        self.detail_tabs.addTab(self.json_text, _("Text"))

        self.delete_button = QPushButton(_("Delete"))
        self.expire_button = QPushButton(_("Expire now"))
        self.purge_button = QPushButton(_("Purge namespace…"))
        self.bump_button = QPushButton(_("Bump version…"))
        self.vacuum_button = QPushButton(_("Vacuum"))
        self.export_button = QPushButton(_("Export…"))
        self.import_button = QPushButton(_("Import…"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.expire_button.clicked.connect(self.expire_selected)
        self.purge_button.clicked.connect(self.purge_namespace)
        self.bump_button.clicked.connect(self.bump_namespace)
        self.vacuum_button.clicked.connect(self.vacuum)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.namespaces, 1)
        ns_buttons = QHBoxLayout()
        for b in (self.purge_button, self.bump_button):
            ns_buttons.addWidget(b)
        ll.addLayout(ns_buttons)
        db_buttons = QHBoxLayout()
        for b in (self.vacuum_button, self.export_button, self.import_button):
            db_buttons.addWidget(b)
        ll.addLayout(db_buttons)

        mid = QWidget()
        ml = QVBoxLayout(mid)
        ml.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        ml.addLayout(top)
        ml.addWidget(self.message)
        ml.addWidget(self.entries, 1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail_title)
        rl.addWidget(self.detail_tabs, 1)
        entry_buttons = QHBoxLayout()
        entry_buttons.addWidget(self.delete_button)
        entry_buttons.addWidget(self.expire_button)
        entry_buttons.addStretch(1)
        rl.addLayout(entry_buttons)

        # Entries above the JSON; beside it when the panel is short (see resizeEvent).
        self.detail_splitter = QSplitter(Qt.Orientation.Vertical)
        self.detail_splitter.setObjectName("cacheDetailSplitter")
        self.detail_splitter.addWidget(mid)
        self.detail_splitter.addWidget(right)
        self.detail_splitter.setStretchFactor(0, 3)
        self.detail_splitter.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("cacheSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_splitter)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 880])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.splitter)

        self.namespaces.selectionModel().currentRowChanged.connect(self._on_namespace_current)
        # Loaded on first show (the window calls refresh), not here: no query at construction.

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Short (a 1024x640 laptop with the progress dock): the JSON goes beside the entries,
        where stacked they got 2 rows and a 1-row JSON view between them."""
        super().resizeEvent(event)
        self.fit_detail_splitter()

    def fit_detail_splitter(self) -> None:
        short = self.height() < SHORT_PANEL_PX
        wanted = Qt.Orientation.Horizontal if short else Qt.Orientation.Vertical
        if self.detail_splitter.orientation() == wanted:
            return
        self.detail_splitter.setOrientation(wanted)
        # Sized once the layout has settled on the new orientation (widths are stale now).
        QTimer.singleShot(0, self._share_detail_splitter)

    def _share_detail_splitter(self) -> None:
        split = self.detail_splitter
        short = split.orientation() == Qt.Orientation.Horizontal
        if short:  # three columns side by side: the namespace list gives up a little width
            width = self.splitter.width()
            names = min(self.splitter.sizes()[0], int(width * 0.36))
            self.splitter.setSizes([names, width - names])
        total = sum(split.sizes())
        first = int(total * (0.58 if short else 0.6))
        split.setSizes([first, total - first])

    # --- queries ---------------------------------------------------------------------------------

    def current_namespace(self) -> str | None:
        idx = self.namespaces.currentIndex()
        return idx.data(NamespaceRole) if idx.isValid() else None

    def current_entry(self) -> CacheEntryRow | None:
        idx = self.entries.currentIndex()
        return self.entries_model.entry_at(idx.row()) if idx.isValid() else None

    def refresh(self) -> None:
        """Re-read namespaces and the current page, keeping the chosen namespace."""
        self._tasks.start(self._refresh(), name="cache refresh")

    async def _refresh(self) -> None:
        ns = self.current_namespace()
        await self.ns_model.reload()
        selection = self.namespaces.selectionModel()
        selection.blockSignals(True)
        self.namespaces.selectRow(self.ns_model.row_of(ns))
        selection.blockSignals(False)
        self._update_buttons()
        self.entries_model.namespace = self.current_namespace()
        self.entries_model.search = self.search.text()
        await self.entries_model.load()

    def _requery(self) -> None:
        self.entries_model.set_query(self.current_namespace(), self.search.text())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_ns = self.current_namespace() is not None
        self.purge_button.setEnabled(has_ns)
        self.bump_button.setEnabled(has_ns)

    def _on_entries_loaded(self) -> None:
        self.count_label.setText(_("{n} entries").format(n=f"{self.entries_model.total:,}"))
        self.entries.horizontalHeader().setSortIndicator(
            self.entries_model.sort_column(),
            Qt.SortOrder.DescendingOrder
            if self.entries_model.descending
            else Qt.SortOrder.AscendingOrder,
        )
        keep = self._shown
        rows = [self.entries_model.entry_at(r) for r in range(self.entries_model.rowCount())]
        found = next((i for i, e in enumerate(rows) if e and keep == (e.namespace, e.key)), None)
        if found is None:
            self._show_entry(None)
        else:  # keep the entry the user was looking at (e.g. right after "expire now")
            self.select_entry(found)

    def _on_namespace_current(self, _cur: QModelIndex, _prev: QModelIndex) -> None:
        self._requery()

    def _on_entry_current(self, current: QModelIndex, _prev: QModelIndex) -> None:
        self._show_entry(self.entries_model.entry_at(current.row()) if current.isValid() else None)

    def select_entry(self, row: int) -> None:
        self.entries.selectRow(row)

    def _show_entry(self, entry: CacheEntryRow | None) -> None:
        self.delete_button.setEnabled(entry is not None)
        self.expire_button.setEnabled(entry is not None)
        if entry is None:
            self._shown = None
            self.detail_title.setText(_("Select an entry to see its stored JSON."))
            self._set_json(None, text="")
            return
        self._shown = (entry.namespace, entry.key)
        kind = _("negative entry: the provider had nothing") if entry.negative else ""
        title = f"{entry.namespace} / {entry.key}"
        self.detail_title.setText(title + (f" — {kind}" if kind else ""))
        self._tasks.start(self._load_value(entry), name="cache entry")

    async def _load_value(self, entry: CacheEntryRow) -> None:
        value = await self._cache.entry_value(entry.namespace, entry.key)
        if self._shown == (entry.namespace, entry.key):
            self._set_json(value)
            self.entry_shown.emit(value)

    def _set_json(self, value: Any, text: str | None = None) -> None:
        old = self.json_tree.model()
        self.json_tree.setModel(build_json_model({} if value is None else value, self))
        if old is not None:
            old.deleteLater()
        self.json_tree.expandToDepth(0)
        self.json_tree.resizeColumnToContents(0)
        self.json_tree.setColumnWidth(
            1, min(420, max(120, self.json_tree.sizeHintForColumn(1) + 16))
        )
        if text is None:
            # The stored order, like the Tree tab (sorting here made the two tabs disagree).
            text = json.dumps(value, indent=2, ensure_ascii=False)
        self.json_text.setPlainText(text)
