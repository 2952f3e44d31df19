"""GUI responsiveness figures: loop lag while 1,000 track updates stream, start time, memory.

Prints one JSON object (see shared/BENCHMARKS.md). Runs offscreen. The streamed updates come
from the in-memory fake engine (``djdesk.gui.fake_services``) until the real engine is wired,
paced at ~400 tracks/s (``PACED_STEP_S``); an unpaced stress run is reported as context. The
window, bridge, models and views are the real ones.

    loop_lag_*        a 10 ms QTimer heartbeat on the qasync loop; lag = how late each tick is
    start_to_window_s fresh interpreter: spawn -> main window shown (median of 3)
    rss_mb_10k_tracks fresh interpreter: window with a 10,000-track enriched playlist, sorted
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD_START = """
import os, sys, tempfile
os.environ["DJDESK_HOME"] = tempfile.mkdtemp()
from djdesk.gui.app import make_application
from djdesk.gui.fake_services import fake_services
from djdesk.gui.main_window import MainWindow
app = make_application(["djdesk"])
w = MainWindow(fake_services(cache_entries=100))
w.show()
app.processEvents()
print("shown", flush=True)
os._exit(0)
"""

CHILD_RSS = """
import os, sys, tempfile
os.environ["DJDESK_HOME"] = tempfile.mkdtemp()
from PySide6.QtCore import Qt
from djdesk.gui.app import make_application
from djdesk.gui import fake_catalog
from djdesk.gui.fake_services import fake_services
from djdesk.gui.main_window import MainWindow
from dataclasses import replace
app = make_application(["djdesk"])
s = fake_services(cache_entries=100)
eng = s.control
eng.add_playlist("p", "Big", "me", fake_catalog.make_tracks(1, "big", 10_000, 0), "bench")
for tid in eng.track_ids("p"):
    row = eng._rows[tid]
    fields, state, tags = fake_catalog.enrichment(1, row, 1_767_225_600.0)
    eng._rows[tid] = replace(row, fields=fields, state=state)
w = MainWindow(s)
w.show()
w.playlists.reload_playlists(select="p")
w.playlists.track_model.sort(5, Qt.SortOrder.DescendingOrder)
app.processEvents()
kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(w.playlists.track_model.rowCount(), kb, flush=True)
os._exit(0)
"""


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


def rss_mb_10k_tracks() -> float:
    out = subprocess.run([_python(), "-c", CHILD_RSS], capture_output=True, text=True)
    rows, kb = out.stdout.split()
    if int(rows) != 10_000:
        raise RuntimeError(f"expected 10000 rows, got {rows}")
    return int(kb) / 1024


def loop_lag(tracks: int, step_s: float) -> tuple[list[float], int, float]:
    """Heartbeat lags (ms) while ``tracks`` updates stream, bridge flushes, wall seconds.

    ``step_s`` is the pause between batches of 4 tracks (0 = as fast as the loop allows).
    """
    import asyncio
    import tempfile

    import qasync
    from PySide6.QtCore import QTimer

    os.environ["DJDESK_HOME"] = tempfile.mkdtemp()
    from djdesk.gui import fake_catalog
    from djdesk.gui.app import make_application
    from djdesk.gui.fake_services import FakeEngine, fake_services
    from djdesk.gui.main_window import MainWindow

    app = make_application(["djdesk"])
    lags: list[float] = []

    async def scenario() -> tuple[int, float]:
        services = fake_services(step_s=step_s, cache_entries=2000)
        engine = services.control
        assert isinstance(engine, FakeEngine)
        window = MainWindow(services, demo=True)
        window.resize(1280, 800)
        window.show()
        rows = fake_catalog.make_tracks(3, "bench", tracks, 0)
        engine.add_playlist("deezer:playlist:1", "Bench", "me", rows, "bench")
        window.playlists.reload_playlists(select="deezer:playlist:1")
        await asyncio.sleep(0.3)  # settle after showing
        interval = 0.010
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            lags.append(max(0.0, (now - last[0] - interval) * 1000))
            last[0] = now

        timer = QTimer()
        timer.setInterval(int(interval * 1000))
        timer.timeout.connect(tick)
        timer.start()
        finished = asyncio.Event()
        closed = asyncio.Event()
        window.bridge.job_state_changed.connect(
            lambda e: finished.set() if e.state == "done" else None
        )
        window.closed.connect(closed.set)
        t0 = time.perf_counter()
        window.playlists.reenrich_current()
        await asyncio.wait_for(finished.wait(), 60)
        wall = time.perf_counter() - t0
        timer.stop()
        flushes = window.bridge.flush_count
        window.close()
        await asyncio.wait_for(closed.wait(), 5)
        return flushes, wall

    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        flushes, wall = runner.run(scenario())
    del app
    return lags, flushes, wall


#: Pause between batches of 4 in the measured run: ~400 tracks/s, still ~10x faster than a real
#: run against provider rate limits (deezer plans 9 requests/s).
PACED_STEP_S = 0.01


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one start-up run instead of three")
    args = parser.parse_args()
    lags, flushes, wall = loop_lag(1000, PACED_STEP_S)
    stress, stress_flushes, stress_wall = loop_lag(1000, 0.0)
    p99, worst = _p99(lags), max(lags)
    start = start_to_window_s(1 if args.quick else 3)
    rss = rss_mb_10k_tracks()
    result = {
        "benchmark": "gui",
        "python": platform.python_version(),
        "platform": f"{platform.system()}-{platform.machine()}",
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": "fake engine (in-memory), real window/bridge/models; offscreen",
        "metrics": [
            {"name": "loop_lag_p99_ms", "value": round(p99, 2), "unit": "ms", "target": "<= 16"},
            {"name": "loop_lag_max_ms", "value": round(worst, 2), "unit": "ms", "target": "<= 50"},
            {
                "name": "start_to_window_s",
                "value": round(start, 3),
                "unit": "s",
                "target": "<= 1.0",
            },
            {"name": "rss_mb_10k_tracks", "value": round(rss, 1), "unit": "MB", "target": "report"},
        ],
        "context": {
            "updates_streamed": 1000,
            "paced_tracks_per_s": round(1000 / wall, 1),
            "heartbeat_ticks": len(lags),
            "bridge_flushes": flushes,
            "stream_wall_s": round(wall, 3),
            "stress_unpaced_lag_p99_ms": round(_p99(stress), 2),
            "stress_unpaced_lag_max_ms": round(max(stress), 2),
            "stress_unpaced_wall_s": round(stress_wall, 3),
            "stress_unpaced_flushes": stress_flushes,
        },
    }
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # PySide6/qasync finalisation crash, see djdesk.gui.app.exit_after_shutdown


if __name__ == "__main__":
    main()
