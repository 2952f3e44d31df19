"""PySide6 must not drop references to None on void calls (6.12.0 on CPython 3.11 did).

Why this test exists: that bug (PYSIDE-3165, qasync#154) took one reference from ``None`` per
void Qt call; qasync makes one per callback, so a long run drove the count to zero and the
process aborted "none_dealloc". pyproject.toml pins ``pyside6-essentials<6.12``; an upgrade
that brings the bug back fails here, loudly, instead of crashing a DJ's session an hour in.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer

CALLS = 1000


def test_void_qt_calls_keep_none_refcount() -> None:
    obj = QObject()
    timer = QTimer()
    obj.setObjectName("warm-up")  # first call may cache a name string
    timer.stop()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        obj.setObjectName("djdesk")
        timer.stop()
    after = sys.getrefcount(None)
    # A correct binding leaves the count where it was (give or take a stray frame's None);
    # the bug lowers it by one per call, 2,000 here.
    assert abs(after - before) < 10, f"None refcount moved by {after - before} over {2 * CALLS}"
