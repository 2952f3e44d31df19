"""What the OS and the installers read (resources/, the PyInstaller spec) is there and agrees.

These files are only ever read by tools we do not run in the test suite (desktop shells,
software centres, PyInstaller), so a typo would surface on a user's machine. The app id, name
and version must agree with ``djdesk`` itself: the shell matches the window to the .desktop file
by ``setDesktopFileName``/WM_CLASS, and a mismatch gives a generic icon and a duplicate dock entry.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import struct
import tomllib
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest

import djdesk

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"
DESKTOP = RESOURCES / f"{djdesk.APP_ID}.desktop"
METAINFO = RESOURCES / f"{djdesk.APP_ID}.metainfo.xml"
SVG = ICONS / "hicolor" / "scalable" / "apps" / f"{djdesk.APP_ID}.svg"
SMALL_SVG = ICONS / f"{djdesk.APP_ID}-small.svg"
SPEC = ROOT / "packaging" / "djdesk.spec"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's IHDR, which must be the first chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_has_the_keys_a_launcher_needs() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == djdesk.APP_NAME
    assert entry["Exec"] == "djdesk %U"  # a dropped or passed playlist URL reaches the CLI parser
    assert entry["Icon"] == djdesk.APP_ID
    assert entry["Terminal"] == "false"
    # Qt sets the X11 WM_CLASS class to applicationName; app.py sets it to APP_NAME.
    assert entry["StartupWMClass"] == djdesk.APP_NAME
    assert entry["MimeType"].split(";")[:-1] == ["text/uri-list"]
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert {"Audio", "AudioVideo", "Music"} <= set(categories.split(";"))
    assert entry["Comment"] and entry["Keywords"].endswith(";")


def test_metainfo_matches_the_app_id_version_and_desktop_file() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == djdesk.APP_ID
    assert root.findtext("name") == djdesk.APP_NAME
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("provides/binary") == "djdesk"
    assert root.find("content_rating") is not None
    versions = [r.get("version") for r in root.iter("release")]
    assert versions[0] == djdesk.__version__  # newest release first, as AppStream wants


def test_versions_agree_between_pyproject_and_package() -> None:
    """The spec reads pyproject; the window reads djdesk.__version__: they must be one number."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    assert project["version"] == djdesk.__version__
    assert "djdesk" in project["scripts"]


@pytest.mark.parametrize("size", SIZES)
def test_hicolor_png_exists_at_its_size_with_alpha(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{djdesk.APP_ID}.png"
    assert png_header(path.read_bytes()) == (size, size, 6)  # 6 = RGBA: rounded corners show


@pytest.mark.parametrize("svg", [SVG, SMALL_SVG], ids=["master", "small"])
def test_icon_svgs_are_square_svg_xml(svg: Path) -> None:
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert width == height


def test_windows_ico_holds_every_size_as_png() -> None:
    data = (ICONS / f"{djdesk.APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _c, _r, _planes, _bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        width, height, _colour = png_header(data[offset : offset + length])
        assert (width, height) == (w or 256, h or 256)
        sizes.append(width)
    assert {16, 32, 48, 256} <= set(sizes)


def test_macos_icns_lengths_add_up_and_hold_pngs() -> None:
    data = (ICONS / f"{djdesk.APP_ID}.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    pos, kinds = 8, []
    while pos < len(data):
        kind, length = struct.unpack(">4sI", data[pos : pos + 8])
        width, _h, _c = png_header(data[pos + 8 : pos + length])
        kinds.append((kind, width))
        pos += length
    assert pos == len(data)
    assert (b"ic10", 1024) in kinds and (b"icp4", 16) in kinds


def test_gui_window_icon_ships_inside_the_package() -> None:
    """The GUI loads it with importlib.resources, so it must live in djdesk/ (package data)."""
    icon = files("djdesk").joinpath("gui", "assets", "icons", "djdesk.png")
    assert png_header(icon.read_bytes())[:2] == (256, 256)


def spec_paths() -> list[Path]:
    """Every ``ROOT / "a" / f"{APP_ID}.b"`` path the spec builds, resolved the way it would."""
    names = {"APP_ID": djdesk.APP_ID, "APP_NAME": djdesk.APP_NAME}

    def part(node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return str(node.value)
        assert isinstance(node, ast.JoinedStr), ast.dump(node)
        out = ""
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                assert isinstance(value.value, ast.Name)
                out += names[value.value.id]
            else:
                assert isinstance(value, ast.Constant)
                out += str(value.value)
        return out

    def chain(node: ast.expr) -> list[str] | None:
        if isinstance(node, ast.Name) and node.id == "ROOT":
            return []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            head = chain(node.left)
            return None if head is None else [*head, part(node.right)]
        return None

    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        parts = chain(node) if isinstance(node, ast.BinOp) else None
        if parts:
            found.append(ROOT.joinpath(*parts))
    # Keep only the longest chains (ROOT / "a" / "b" also walks the inner ROOT / "a").
    return [p for p in found if not any(q != p and p in q.parents for q in found)]


def test_spec_references_files_that_exist() -> None:
    paths = spec_paths()
    rel = {p.relative_to(ROOT).as_posix() for p in paths}
    assert {
        "pyproject.toml",
        "djdesk/__main__.py",
        "djdesk/gui/assets",
        f"resources/icons/{djdesk.APP_ID}.ico",
        f"resources/icons/{djdesk.APP_ID}.icns",
    } <= rel
    assert [p for p in paths if not p.exists()] == []


def test_spec_names_the_same_app_id() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    consts = {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    assert consts["APP_ID"] == djdesk.APP_ID
    assert consts["APP_NAME"] == djdesk.APP_NAME


def load_render_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_icons", ROOT / "packaging" / "render_icons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pngs_match_the_master_svg(qapp: object) -> None:
    """Forgot to re-run render_icons.py after editing the SVG? This notices (with slack for Qt)."""
    from PySide6.QtGui import QImage

    render_icons = load_render_icons()
    assert render_icons.APP_ID == djdesk.APP_ID
    assert render_icons.source_for(16) == SMALL_SVG and render_icons.source_for(48) == SVG
    fresh = QImage.fromData(render_icons.render_png(SVG, 48))
    committed = QImage(str(ICONS / "hicolor" / "48x48" / "apps" / f"{djdesk.APP_ID}.png"))
    assert (fresh.width(), committed.width()) == (48, 48)
    total = 0
    for y in range(48):
        for x in range(48):
            a, b = fresh.pixelColor(x, y), committed.pixelColor(x, y)
            total += sum(
                abs(p - q)
                for p, q in zip(
                    (a.red(), a.green(), a.blue(), a.alpha()),
                    (b.red(), b.green(), b.blue(), b.alpha()),
                    strict=True,
                )
            )
    assert total / (48 * 48 * 4) < 2.0
