"""GUI responsiveness on the REAL engine: loop lag while 1,000 sandbox tracks enrich, start, memory.

Prints one JSON object (see shared/BENCHMARKS.md). Runs offscreen. The sandbox runs in its own
PROCESS (``djdesk sandbox``, fast profile) so its work does not share our GIL; the window, the
``EngineServices`` adapter, the core ``Runtime`` (library, cache, orchestrator, engine) and the
bridge are the ones ``djdesk --demo`` runs. The run is paced by the providers' real rate limits
(the runtime caps Last.fm at 5/s, Deezer at 10/s), so 1,000 tracks take a few minutes.

    loop_lag_*        a 10 ms QTimer heartbeat on the qasync loop while the 1,000-track
                      playlist is imported and enriched; lag = how late each tick is
    start_to_window_s fresh interpreter: spawn -> main window shown (median of 3); the engine
                      opens after the window shows, as in the app
    rss_mb_10k_tracks fresh interpreter: the 10,000-track sandbox playlist imported through the
                      real engine and shown in the window, sorted by BPM
    import_10k_lag_*  the same run, heartbeat on: loop lag from the drop until the import ends,
                      while the shown table grows page by page (100 pages of 100; the engine
                      enriches them meanwhile); the run is then stopped, not awaited
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD_START = """
import os, sys, tempfile
os.environ["DJDESK_HOME"] = tempfile.mkdtemp()
from djdesk.gui.app import make_application
from djdesk.gui.main_window import MainWindow
from djdesk.gui.service_factory import open_services
from djdesk.core.paths import default_paths
from djdesk.core.settings import Settings
app = make_application(["djdesk"])
opened = open_services(demo=False, paths=default_paths().ensure(), settings=Settings())
w = MainWindow(opened.services, paths=opened.paths)
w.show()
app.processEvents()
print("shown", flush=True)
"""


class ProcessSandbox:
    """``djdesk sandbox`` in a child process, shaped like ``SandboxThread`` for the factory."""

    def __init__(self, profile: str = "fast", seed: int = 1) -> None:
        self.args = [sys.executable, "-m", "djdesk", "sandbox", "--profile", profile]
        self.args += ["--seed", str(seed)]
        self.proc: subprocess.Popen[str] | None = None
        self.endpoints: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        if self.proc is None:
            self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
            assert self.proc.stdout is not None
            self.endpoints = json.loads(self.proc.stdout.readline())
        return dict(self.endpoints)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(5)
            self.proc = None


def demo_url(service: str, size: int, seed: int = 1) -> str:
    from djdesk.sandbox import Catalog

    return next(
        d.url for d in Catalog(seed).demo_playlists() if d.service == service and d.size == size
    )


def _python() -> str:
    return sys.executable


def start_to_window_s(runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([_python(), "-c", CHILD_START], capture_output=True, text=True)
        if "shown" not in out.stdout:
            raise RuntimeError(out.stderr)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _scenario(url: str, *, enrich: bool, heartbeat: bool, on_done: Any = None) -> dict[str, Any]:
    """Drop ``url`` on the window on a fresh DJDESK_HOME; enrich it (or only import it).

    ``on_done(out)`` is called once the figures are in, before the window closes: the rss part
    prints them there (a run stopped mid-way may keep the loop's teardown waiting)."""
    import asyncio

    import qasync
    from PySide6.QtCore import Qt, QTimer

    os.environ["DJDESK_HOME"] = tempfile.mkdtemp(prefix="djdesk-bench-")
    from djdesk.core.paths import default_paths
    from djdesk.core.settings import Settings
    from djdesk.gui.app import make_application, start_engine
    from djdesk.gui.main_window import MainWindow
    from djdesk.gui.service_factory import open_services

    app = make_application(["djdesk"])
    lags: list[float] = []
    stalls: list[tuple[float, int]] = []  # (seconds into the run, lag ms) of ticks > 50 ms late
    sandbox = ProcessSandbox()
    sandbox.start()
    out: dict[str, Any] = {}
    marks: dict[str, float] = {}

    async def run() -> None:
        opened = open_services(
            demo=True, paths=default_paths().ensure(), settings=Settings(), sandbox=sandbox
        )
        window = MainWindow(opened.services, demo=True, paths=opened.paths)
        window.resize(1280, 800)
        window.show()
        await start_engine(opened, window)
        interval = 0.010
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            lag = max(0.0, (now - last[0] - interval) * 1000)
            lags.append(lag)
            if lag > 50:
                stalls.append((round(now - t0, 2), round(lag)))
            last[0] = now

        timer = QTimer()
        timer.setInterval(int(interval * 1000))
        timer.timeout.connect(tick)
        finished = asyncio.Event()
        window.bridge.job_state_changed.connect(
            lambda e: finished.set() if e.state in ("done", "failed") else None
        )
        t0 = time.perf_counter()
        if heartbeat:
            last[0] = t0
            timer.start()
        control = opened.services.control
        model = window.playlists.track_model

        def first_rows() -> None:
            if "first_rows" not in marks and model.rowCount() > 0:
                marks["first_rows"] = round(time.perf_counter() - t0, 2)

        model.rowsInserted.connect(first_rows)
        model.modelReset.connect(first_rows)
        pid = await control.import_link(url)
        marks["imported"] = round(time.perf_counter() - t0, 2)
        out["import_ticks"] = len(lags)
        await window.playlists.refresh_playlists(select=pid)
        while model.playlist_id != pid:  # noqa: ASYNC110  (the panel loads it as a task)
            await asyncio.sleep(0.05)
        marks["shown"] = round(time.perf_counter() - t0, 2)
        if enrich:
            window.playlists.reenrich_current()
            await asyncio.wait_for(finished.wait(), 900)
        else:
            model.sort(3, Qt.SortOrder.DescendingOrder)
            app.processEvents()
            out["rss_kb"] = _rss_kb()
        out["wall_s"] = time.perf_counter() - t0
        out["rows"] = model.rowCount()
        out["flushes"] = window.bridge.flush_count
        timer.stop()
        if on_done is not None:
            out.update(lags=lags, stalls=stalls, marks=marks)
            sandbox.stop()  # it holds our stderr open: the parent would wait for it
            on_done(out)
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        window.close()
        await asyncio.wait_for(closed.wait(), 5)
        await opened.aclose()

    try:
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            runner.run(run())
    finally:
        sandbox.stop()
    out["lags"] = lags
    out["stalls"] = stalls
    out["marks"] = marks
    return out


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


def _print_rss(res: dict[str, Any]) -> None:
    """The rss part's figures; then exit at once, the run enriching the 10,000 is not awaited."""
    lags = res["lags"][: res["import_ticks"]]  # from the drop to the import's end
    figures = {"rows": res["rows"], "rss_kb": res["rss_kb"], "s": res["wall_s"]}
    figures |= {"lag_p99": _p99(lags), "lag_max": max(lags), "ticks": len(lags)}
    figures |= {"stalls": res["stalls"][:10], "marks": res["marks"], "flushes": res["flushes"]}
    print(json.dumps(figures), flush=True)
    os._exit(0)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one start-up run instead of three")
    parser.add_argument(
        "--part", choices=("all", "lag", "rss", "start"), default="all", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.part == "rss":  # a fresh interpreter, so the figure is this scenario's alone
        _scenario(demo_url("spotify", 10_000), enrich=False, heartbeat=True, on_done=_print_rss)
        return
    lag = _scenario(demo_url("spotify", 1000), enrich=True, heartbeat=True)
    lags = lag["lags"]
    start = start_to_window_s(1 if args.quick else 3)
    rss_run = subprocess.run(
        [_python(), __file__, "--part", "rss"], capture_output=True, text=True, timeout=900
    )
    rss = json.loads(rss_run.stdout.strip().splitlines()[-1])
    result = {
        "benchmark": "gui",
        "python": platform.python_version(),
        "platform": f"{platform.system()}-{platform.machine()}",
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": "real engine (Runtime) on the sandbox (fast profile, own process); offscreen",
        "metrics": [
            {
                "name": "loop_lag_p99_ms",
                "value": round(_p99(lags), 2),
                "unit": "ms",
                "target": "<= 16",
            },
            {
                "name": "loop_lag_max_ms",
                "value": round(max(lags), 2),
                "unit": "ms",
                "target": "<= 50",
            },
            {
                "name": "start_to_window_s",
                "value": round(start, 3),
                "unit": "s",
                "target": "<= 1.0",
            },
            {
                "name": "rss_mb_10k_tracks",
                "value": round(rss["rss_kb"] / 1024, 1),
                "unit": "MB",
                "target": "report",
            },
            {
                "name": "import_10k_lag_p99_ms",
                "value": round(rss["lag_p99"], 2),
                "unit": "ms",
                "target": "<= 16",
            },
            {
                "name": "import_10k_lag_max_ms",
                "value": round(rss["lag_max"], 2),
                "unit": "ms",
                "target": "<= 50",
            },
        ],
        "context": {
            "tracks_enriched": lag["rows"],
            "enrich_wall_s": round(lag["wall_s"], 1),
            "heartbeat_ticks": len(lags),
            "bridge_flushes": lag["flushes"],
            "stalls_over_50ms": lag["stalls"][:10],
            "phase_marks_s": lag["marks"],
            "rows_10k": rss["rows"],
            "import_10k_s": round(rss["s"], 1),
            "import_10k_ticks": rss["ticks"],
            "import_10k_stalls_over_50ms": rss["stalls"],
            "import_10k_marks_s": rss["marks"],
            "import_10k_flushes": rss["flushes"],
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
