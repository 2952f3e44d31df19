"""Render the app icon master SVG to the hicolor PNGs, the Windows .ico and the macOS .icns.

Run it after editing ``resources/icons/hicolor/scalable/apps/org.djdesk.DJDesk.svg`` (or its
simplified twin for 16 and 24 px, ``resources/icons/org.djdesk.DJDesk-small.svg``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

and commit what it writes. We render with Qt's own ``QSvgRenderer`` (already a dependency) rather
than rsvg or ImageMagick so nobody needs another tool, and the window icon at run time is drawn by
the same engine that drew the files. The .ico and .icns are written by hand (both are a small
header plus PNG payloads) because Qt's ICO/ICNS writers store one image per file, and Windows and
macOS each want every size in one file.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "org.djdesk.DJDesk"
ICONS = ROOT / "resources" / "icons"
MASTER = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
# Hand-simplified artwork for the smallest sizes, where the master's grooves and thin arm blur.
SMALL = ICONS / f"{APP_ID}-small.svg"
SMALL_MAX = 24
HICOLOR_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (Apple's "icns" types, macOS 10.7+).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)
GUI_ICON = ROOT / "djdesk" / "gui" / "assets" / "icons" / "djdesk.png"
GUI_ICON_SIZE = 256


def hicolor_png(size: int) -> Path:
    """Where the hicolor theme (and our installers) expect the icon of one size."""
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render_png(svg: Path, size: int) -> bytes:
    """One square PNG of the SVG, transparent outside the artwork."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNGs (valid since Vista; 256 is written as 0)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory = b""
    payload = b""
    for size in sizes:
        png = pngs[size]
        edge = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        payload += png
    return header + directory + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns: big-endian 'icns' + length, then one (type, length, PNG) element per size."""
    elements = b""
    for kind, size in ICNS_TYPES:
        png = pngs[size]
        elements += kind + struct.pack(">I", len(png) + 8) + png
    return b"icns" + struct.pack(">I", len(elements) + 8) + elements


def source_for(size: int, master: Path = MASTER, small: Path = SMALL) -> Path:
    """The SVG a size is drawn from: the simplified one up to SMALL_MAX px, if there is one."""
    return small if size <= SMALL_MAX and small.exists() else master


def render_all(svg: Path = MASTER, small: Path = SMALL) -> list[Path]:
    """Write every derived icon file and return the paths written."""
    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES})
    pngs = {size: render_png(source_for(size, svg, small), size) for size in sizes}
    written: list[Path] = []
    for size in HICOLOR_SIZES:
        written.append(_write(hicolor_png(size), pngs[size]))
    written.append(_write(ICONS / f"{APP_ID}.ico", ico_bytes({s: pngs[s] for s in ICO_SIZES})))
    written.append(_write(ICONS / f"{APP_ID}.icns", icns_bytes(pngs)))
    written.append(_write(GUI_ICON, pngs[GUI_ICON_SIZE]))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=MASTER, help="the master SVG to render")
    parser.add_argument(
        "--small", type=Path, default=SMALL, help=f"the SVG for sizes up to {SMALL_MAX} px"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render_all(args.svg, args.small):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
