"""Take the README screenshots offscreen: ``python -m djdesk.gui.screenshots [out_dir]``.

Runs the real window on the REAL engine over the offline sandbox (realistic profile, so the
progress panel shows the providers' real rates): it imports and finishes the 25-track demo
crate, then drops the 200-track Deezer one and grabs the window at 1280x800 while that run
streams (table partly enriched, panel live); then the cache inspector on the entries the run
stored, with one selected. The main window is also grabbed at 1024x640 (a small laptop).
Uses a private ``DJDESK_HOME`` so no user state leaks in or out.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (1280, 800)
#: A small laptop screen: the window must still show the table's key columns and the panel.
SMALL = (1024, 640)


async def _until(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() > deadline:
            raise TimeoutError(
                f"screenshot scene did not reach its state ({check.__code__.co_firstlineno})"
            )
        await asyncio.sleep(0.02)


async def _scene(out: Path) -> list[Path]:
    from djdesk.core.paths import default_paths
    from djdesk.core.settings import Settings
    from djdesk.gui.app import start_engine
    from djdesk.gui.main_window import MainWindow
    from djdesk.gui.playlists.columns import COLUMN_INDEX
    from djdesk.gui.service_factory import open_services

    opened = open_services(
        demo=True, paths=default_paths().ensure(), settings=Settings(), profile="realistic"
    )
    window = MainWindow(opened.services, demo=True, paths=opened.paths)
    window.resize(*SIZE)
    window.show()
    try:
        await start_engine(opened, window)
        # After the first show the window fits itself to the screen, and the offscreen screen
        # is 800x800: set the picture's size once that has run.
        await asyncio.sleep(0.05)
        window.resize(*SIZE)
        return await _shoot(out, window, opened.demo_links, COLUMN_INDEX["bpm"])
    finally:
        window.close()
        await _until(lambda: window.is_closed, 5.0)
        await opened.aclose()


async def _shoot(out: Path, window: Any, demo: list[Any], bpm: int) -> list[Path]:
    def url(service: str, size: int) -> str:
        return next(d.url for d in demo if d.service == service and d.size == size)

    progress = window.progress
    window.playlists.import_text(url("spotify", 25))
    await _until(lambda: progress.status.text().startswith("Finished"), 60.0)
    window.playlists.import_text(url("deezer", 200))
    await _until(lambda: window.playlists.playlist_model.rowCount() == 2)
    await _until(
        lambda: progress.running and progress.bar.value() > 0.3 * progress.bar.maximum(), 120.0
    )
    table = window.playlists.table
    model = window.playlists.track_model

    def enriched_row() -> int | None:
        rows = range(min(model.rowCount(), 25))
        return next((r for r in rows if model.index(r, bpm).data() not in (None, "")), None)

    await _until(lambda: enriched_row() is not None)
    shown: list[int] = []
    window.playlists.details_shown.connect(shown.append)
    table.selectRow(enriched_row())
    table.setFocus()
    await _until(lambda: bool(shown))
    await asyncio.sleep(0.3)  # let the coalesced repaint of the last rows land
    paths = [out / "main-window.png"]
    window.grab().save(str(paths[0]))
    window.resize(*SMALL)
    await _until(lambda: (window.width(), window.height()) == SMALL)
    await asyncio.sleep(0.2)  # let the splitters and the table lay out at the new size
    paths.append(out / "main-window-1024x640.png")
    window.grab().save(str(paths[-1]))
    window.resize(*SIZE)

    window.progress_dock.hide()  # give the inspector the whole window for its picture
    window.tabs.setCurrentWidget(window.cache)
    cache = window.cache
    await _until(lambda: cache.entries_model.total > 0)
    await _until(lambda: cache.ns_model.rowCount() > 1)
    loads: list[int] = []
    cache.entries_model.loaded.connect(lambda: loads.append(1))
    cache.namespaces.selectRow(cache.ns_model.row_of("deezer.track"))
    await _until(lambda: bool(loads) and cache.entries_model.rowCount() > 0)
    entries: list[object] = []
    cache.entry_shown.connect(entries.append)
    cache.select_entry(min(3, cache.entries_model.rowCount() - 1))
    await _until(lambda: bool(entries))
    await asyncio.sleep(0.2)
    paths.append(out / "cache-inspector.png")
    window.grab().save(str(paths[-1]))
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DJDESK_HOME"] = tempfile.mkdtemp(prefix="djdesk-shots-")

    import qasync

    from djdesk.gui.app import make_application

    app = make_application(["djdesk"])
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        paths = runner.run(_scene(out))
    del app
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
