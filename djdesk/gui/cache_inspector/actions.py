"""CacheActions: what the cache inspector's buttons, menus and keys do to the store.

Why apart from the panel: the panel is layout and selection; these are the commands, each one
the same shape (ask if destructive, run on the store as a task, say what happened, re-query so
counts never lie, then ``action_done``). Destructive ones ask through ``confirm``, an awaited
window-modal box (``dialogs.ask``), never a nested ``exec()`` loop. A mixin, like the window's
``LinkInput``, because the commands are the panel's own slots (menus and tests call them there).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from djdesk.core.cache.maintenance import STALE_KEEP_S
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import _
from djdesk.gui import theme
from djdesk.gui.cache_inspector.entries_model import format_bytes
from djdesk.gui.dialogs.ask import Confirm, ask_file, confirmed, resolved
from djdesk.gui.services import CacheBrowser, CacheEntryRow
from djdesk.gui.tasks import TaskRegistry

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

#: Asks for a file (title, save?); may answer at once (tests) or be awaited (the dialog).
AskPath = Callable[[str, bool], "Awaitable[Path | None] | Path | None"]


def path_dialog(parent: QWidget) -> AskPath:
    def ask(title: str, save: bool) -> Awaitable[Path | None]:
        pattern = _("Cache export (*.jsonl)")
        return ask_file(parent, title, pattern, save=save, name="djdesk-cache.jsonl")

    return ask


#: The banner kind (``theme.banner_style``) a message label was styled for.
KIND_PROPERTY = "bannerKind"


def message_kind(label: QWidget) -> str:
    """The banner kind ``label`` shows (an ``InlineMessage``'s ``kind``, or the property)."""
    kind = getattr(label, "kind", None)
    if not isinstance(kind, str):
        kind = label.property(KIND_PROPERTY)
    return kind if isinstance(kind, str) else ""


def vacuum_summary(result: dict[str, int]) -> str:
    """What vacuum did, in the words of its question: rows removed and bytes freed."""
    before, after = result.get("bytes_before", 0), result.get("bytes_after", 0)
    return _("Vacuum removed {n} rows and freed {freed} (cache file {before} → {after}).").format(
        n=f"{result.get('swept', 0):,}",
        freed=format_bytes(max(0, before - after)),
        before=format_bytes(before),
        after=format_bytes(after),
    )


class CacheActions:
    """For the ``CacheInspectorPanel``: the store, tasks, questions and message it holds."""

    _cache: CacheBrowser
    _tasks: TaskRegistry
    confirm: Confirm
    ask_path: AskPath
    message: QLabel
    action_done: SignalInstance

    # The panel's own: what is selected, and the re-query after each action.
    current_namespace: Callable[[], str | None]
    current_entry: Callable[[], CacheEntryRow | None]
    _refresh: Callable[[], Awaitable[None]]

    def _act(self, op: Callable[[], Awaitable[str]], ask: tuple[str, str] | None = None) -> None:
        """Run ``op`` as a task; with ``ask`` (title, question) only once the user said yes."""
        self._tasks.start(self._act_async(op, ask), name="cache action")

    async def _act_async(
        self, op: Callable[[], Awaitable[str]], ask: tuple[str, str] | None = None
    ) -> None:
        if ask is not None and not await confirmed(self.confirm, *ask):
            return
        kind = "info"
        try:
            text = await op()
        except DJDeskError as exc:
            text, kind = f"{exc.message} {exc.hint}".strip(), "error"
        except (OSError, ValueError) as exc:
            text, kind = _("That did not work: {err}").format(err=exc), "error"
        self.message.setStyleSheet(theme.banner_style(kind))
        self.message.setProperty(KIND_PROPERTY, kind)  # restyled for it on a palette change
        self.message.setText(text)
        self.message.show()
        await self._refresh()
        self.action_done.emit(text)

    def delete_selected(self) -> None:
        e = self.current_entry()
        if e is None:
            return

        async def op() -> str:
            await self._cache.delete(e.namespace, e.key)
            return _("Deleted {key}.").format(key=e.key)

        self._act(op, (_("Delete entry"), _("Delete {key} from the cache?").format(key=e.key)))

    def expire_selected(self) -> None:
        e = self.current_entry()
        if e is None:
            return

        async def op() -> str:
            await self._cache.expire(e.namespace, e.key)
            return _("{key} expired; it will be fetched again when needed.").format(key=e.key)

        self._act(op)

    def purge_namespace(self) -> None:
        ns = self.current_namespace()
        if ns is None:
            return

        async def op() -> str:
            n = await self._cache.purge(ns)
            return _("Purged {n} entries from {ns}.").format(n=n, ns=ns)

        self._act(
            op,
            (
                _("Purge namespace"),
                _("Delete every entry in {ns}? This cannot be undone.").format(ns=ns),
            ),
        )

    def bump_namespace(self) -> None:
        ns = self.current_namespace()
        if ns is None:
            return

        async def op() -> str:
            v = await self._cache.bump(ns)
            return _("{ns} is now at version {v}.").format(ns=ns, v=v)

        self._act(
            op,
            (
                _("Bump version"),
                _("Mark every entry in {ns} as stale by bumping its version?").format(ns=ns),
            ),
        )

    def vacuum(self) -> None:
        """Ask first: vacuum deletes rows (old versions, long-expired), not only compacts."""

        async def op() -> str:
            result = await self._cache.vacuum()
            return vacuum_summary(result)

        self._act(
            op,
            (
                _("Vacuum cache"),
                _(
                    "Delete the entries of old namespace versions and those expired more than "
                    "{days} days ago, then compact the cache file?"
                ).format(days=int(STALE_KEEP_S // 86400)),
            ),
        )

    def export(self) -> None:
        self._tasks.start(self._export(), name="cache export")

    async def _export(self) -> None:
        path = await resolved(self.ask_path(_("Export cache"), True))
        if path is None:
            return

        async def op() -> str:
            n = await self._cache.export(path)
            return _("Exported {n} entries to {name}.").format(n=n, name=path.name)

        await self._act_async(op)

    def import_(self) -> None:
        self._tasks.start(self._import(), name="cache import")

    async def _import(self) -> None:
        path = await resolved(self.ask_path(_("Import cache"), False))
        if path is None:
            return

        async def op() -> str:
            n = await self._cache.import_(path)
            return _("Imported {n} entries.").format(n=n)

        question = _("Import entries from {name}? Entries with the same key are replaced.")
        await self._act_async(op, (_("Import cache"), question.format(name=path.name)))
