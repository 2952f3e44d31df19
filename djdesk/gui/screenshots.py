"""Take the README screenshots offscreen: ``python -m djdesk.gui.screenshots [out_dir]``.

Runs the real window on the in-memory fake services (seeded, so every run looks the same),
imports two demo playlists, stops the clock mid-run and grabs the window at 1280x800; then the
cache inspector with an entry selected. Uses a private ``DJDESK_HOME`` so no user state leaks
into (or out of) the pictures.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SIZE = (1280, 800)


async def _until(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() > deadline:
            raise TimeoutError("screenshot scene did not reach its state")
        await asyncio.sleep(0.02)


async def _scene(out: Path) -> list[Path]:
    from PySide6.QtCore import QMimeData

    from djdesk.gui.fake_services import FakeEngine, fake_services
    from djdesk.gui.main_window import MainWindow
    from djdesk.gui.playlists.columns import COLUMN_INDEX

    services = fake_services(step_s=0.01, cache_entries=4200)
    window = MainWindow(services, demo=True)
    window.resize(*SIZE)
    window.show()
    engine = services.control
    assert isinstance(engine, FakeEngine)

    first = QMimeData()
    first.setText("https://www.deezer.com/playlist/1479458365")
    window.handle_mime(first)
    await _until(lambda: window.progress.bar.value() >= window.progress.bar.maximum() > 1)
    second = QMimeData()
    second.setText("https://open.spotify.com/playlist/37i9dQZF1DX8tZsk68tuDw")
    window.handle_mime(second)
    await _until(lambda: window.playlists.playlist_model.rowCount() == 2)
    await _until(
        lambda: (
            window.progress.running
            and window.progress.bar.value() > 0.45 * window.progress.bar.maximum()
        )
    )
    engine.step_s = 0.25  # slow the run right down so the picture shows it mid-flight
    await asyncio.sleep(0.1)
    table = window.playlists.table
    table.sortByColumn(-1, table.horizontalHeader().sortIndicatorOrder())
    table.selectRow(3)
    table.setFocus()
    await asyncio.sleep(0.1)
    model = window.playlists.track_model
    assert model.index(3, COLUMN_INDEX["bpm"]).data() is not None
    paths = [out / "main-window.png"]
    window.grab().save(str(paths[0]))

    window.progress_dock.hide()  # give the inspector the whole window for its picture
    window.tabs.setCurrentWidget(window.cache)
    cache = window.cache
    await _until(lambda: cache.entries_model.total > 0)
    loads: list[int] = []
    cache.entries_model.loaded.connect(lambda: loads.append(1))
    cache.namespaces.selectRow(cache.ns_model.row_of("deezer.track"))
    await _until(lambda: bool(loads) and cache.entries_model.rowCount() > 0)
    shown: list[object] = []
    cache.entry_shown.connect(shown.append)
    model = cache.entries_model
    rich = next(
        r for r in range(model.rowCount()) if int(model.entry_at(r).key.split(":")[1]) > 10_000
    )
    cache.select_entry(rich)
    await _until(lambda: bool(shown))
    await asyncio.sleep(0.1)
    paths.append(out / "cache-inspector.png")
    window.grab().save(str(paths[1]))
    window.close()
    await _until(lambda: window.is_closed, 5.0)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DJDESK_HOME"] = tempfile.mkdtemp(prefix="djdesk-shots-")

    import qasync

    from djdesk.gui.app import exit_after_shutdown, make_application

    app = make_application(["djdesk"])
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        paths = runner.run(_scene(out))
    del app
    for p in paths:
        print(p)
    exit_after_shutdown(0)  # see its docstring: PySide6/qasync crash at interpreter exit
    return 0


if __name__ == "__main__":
    sys.exit(main())
