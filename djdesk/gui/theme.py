"""Colours and the small stylesheet, derived from the system palette so light and dark both work.

We never hard-code a background: the Fusion style follows the platform's colour scheme (Qt ≥ 6.5
reports it through ``QStyleHints.colorScheme``), and the few semantic colours here (states,
breaker, banners) come in a light and a dark variant picked from the current palette.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

_STATES_LIGHT = {
    "done": "#2e7d32",
    "closed": "#2e7d32",
    "running": "#1565c0",
    "enriching": "#1565c0",
    "partial": "#b26a00",
    "half_open": "#b26a00",
    "paused": "#b26a00",
    "cancelled": "#b26a00",
    "not_found": "#c62828",
    "failed": "#c62828",
    "open": "#c62828",
}
_STATES_DARK = {
    "done": "#81c784",
    "closed": "#81c784",
    "running": "#90caf9",
    "enriching": "#90caf9",
    "partial": "#ffb74d",
    "half_open": "#ffb74d",
    "paused": "#ffb74d",
    "cancelled": "#ffb74d",
    "not_found": "#ef9a9a",
    "failed": "#ef9a9a",
    "open": "#ef9a9a",
}


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    pal = pal or palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def state_color(state: str) -> QColor | None:
    """The colour for a job/track/breaker state, or None for "use the normal text colour"."""
    table = _STATES_DARK if is_dark() else _STATES_LIGHT
    hex_ = table.get(state)
    return QColor(hex_) if hex_ else None


def muted_color() -> QColor:
    """For estimated/default values and secondary text: readable, clearly not primary."""
    return palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)


def banner_colors(kind: str) -> tuple[str, str]:
    """(background, text) for an inline banner: ``demo``, ``error`` or ``info``."""
    dark = is_dark()
    if kind == "demo":
        return ("#4a3b00", "#ffe082") if dark else ("#fff4c2", "#5d4300")
    if kind == "error":
        return ("#4a1414", "#ffcdd2") if dark else ("#fdecea", "#8e1b1b")
    return ("#12344d", "#bbdefb") if dark else ("#e8f1fb", "#0d3c61")


def banner_style(kind: str) -> str:
    bg, fg = banner_colors(kind)
    return f"background:{bg}; color:{fg}; padding:6px 10px; border-radius:4px;"


STYLESHEET = """
QTableView { gridline-color: palette(midlight); }
QTableView::item { padding: 0 4px; }
QHeaderView::section { padding: 3px 6px; }
QLabel#sectionTitle { font-weight: 600; }
QLabel#emptyState { padding: 24px; }
QProgressBar { min-height: 16px; text-align: center; }
"""
