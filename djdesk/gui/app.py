"""Start the window: QApplication, excepthook, the qasync loop, and one ``start`` coroutine.

The loop is chosen here, at the entry point (FeelUOwn's ``run_app``): ``asyncio.Runner`` with
``qasync.QEventLoop`` as the loop factory (``asyncio.run(loop_factory=)`` needs Python 3.12;
we support 3.11). ``start`` is an ordinary coroutine that runs until the window has closed and
the engine has stopped, so shutdown is awaited, never abandoned.

Pitfalls handled (see research/reliability.md §5): PySide6 is imported before qasync so qasync
picks the right binding (qasync#23); ``quitOnLastWindowClosed`` is off so closing the window
does not stop the loop before cleanup ran (qasync#39).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

import qasync  # after PySide6, so qasync binds to it (qasync#23)
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from djdesk import APP_ID, APP_NAME, __version__
from djdesk.core import settings as settings_mod
from djdesk.core.errors import DJDeskError
from djdesk.core.i18n import _
from djdesk.core.logs import setup_logging
from djdesk.core.paths import default_paths
from djdesk.gui import theme
from djdesk.gui.gc_policy import IdleCollector
from djdesk.gui.signals import SignalCloser

if TYPE_CHECKING:
    from djdesk.gui.main_window import MainWindow
    from djdesk.gui.service_factory import Opened

log = logging.getLogger(__name__)

ErrorSink = Callable[[BaseException], None]
_error_sink: ErrorSink | None = None


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setOrganizationDomain("djdesk.org")
    app.setDesktopFileName(APP_ID)
    app.setStyle("Fusion")  # follows the system colour scheme on every platform (Qt >= 6.5)
    app.setStyleSheet(theme.STYLESHEET)
    app.setQuitOnLastWindowClosed(False)  # the start coroutine ends the app (qasync#39)
    return app


def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Slot and task errors land here (qasync routes asyncSlot errors to sys.excepthook)."""
    if not isinstance(value, DJDeskError):
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    if _error_sink is not None:
        try:
            _error_sink(value)
            return
        except Exception:  # the reporter itself failed: fall back to stderr
            pass
    sys.__excepthook__(kind, value, tb)


async def start(app: QApplication, *, demo: bool, handle_signals: bool = False) -> int:
    """Open the window and run until it has closed cleanly. The same shape runs headless.

    ``handle_signals``: Ctrl+C / SIGTERM close the window like its close button (the process
    entry sets it; tests leave the handlers alone). The result is then 128 + the signal.
    """
    global _error_sink
    from djdesk.gui.main_window import MainWindow
    from djdesk.gui.service_factory import open_services

    paths = default_paths().ensure()
    try:
        settings = settings_mod.load(paths.settings_file)
    except DJDeskError as exc:
        log.warning("settings not loaded (%s); using defaults", exc.message)
        settings = settings_mod.Settings()
    demo = demo or settings.demo
    opened = open_services(demo=demo, paths=paths, settings=settings)
    window = MainWindow(opened.services, settings=settings, paths=paths, demo=demo)
    _error_sink = window.report_error
    closed = asyncio.get_running_loop().create_future()
    window.closed.connect(lambda: closed.done() or closed.set_result(None))
    app.aboutToQuit.connect(window.close)
    window.show()
    closer = SignalCloser(window.close).install() if handle_signals else None
    window.tasks.start(start_engine(opened, window), name="start engine")
    try:
        await closed
    finally:
        _error_sink = None
        try:
            await opened.aclose()
        finally:
            if closer is not None:
                closer.uninstall()
    return 0 if closer is None else closer.exit_code


async def start_engine(opened: Opened, window: MainWindow) -> None:
    """Open the engine after the window shows (sandbox + runtime + demo login take ~0.5 s)."""
    await opened.start()
    # The settings this process runs with (demo: the sandbox's endpoints, process-only), so
    # the settings dialog edits and saves those; ``save`` never writes a process endpoint.
    window.settings = opened.settings
    suggestions = [
        (
            _("{name} · {service}").format(name=d.name, service=d.service.title()),
            d.url,
        )
        for d in opened.demo_links
        if d.size <= 1000
    ]
    window.engine_ready(suggestions)
    collector = IdleCollector(
        lambda: window.progress.running or bool(window.playlists.importing), window
    )
    collector.install()
    window.closed.connect(collector.uninstall)
    # The readiness line scripts and the signal test wait for (stderr with -v, and the log file).
    log.info(
        "ready: the window and the engine are running%s", " (demo mode)" if opened.demo else ""
    )


def run_app(*, demo: bool, verbose: int = 0) -> int:
    """The process entry for the window: returns the exit code once everything has closed.

    It returns normally (no ``os._exit``): with PySide6 < 6.12 (pinned in pyproject.toml, see
    the comment there) interpreter finalisation after a run is clean.
    """
    # The CLI's logging: a rotating file in the log folder and stderr, every record scrubbed of
    # secrets (basicConfig let httpx print Last.fm URLs, api_key included, to stderr).
    setup_logging(default_paths(), verbose=verbose)
    app = make_application()
    sys.excepthook = excepthook
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        code = runner.run(start(app, demo=demo, handle_signals=True))
    return code
