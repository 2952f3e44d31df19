"""WORKAROUND: make ``None``, ``True`` and ``False`` immortal on CPython < 3.12, before Qt runs.

Why: with PySide6 6.12 on CPython 3.11 every call of a void Qt method (``setObjectName``,
``QTimer.stop``, ``QObject.killTimer``, ...) drops one reference to ``None`` that it never took
(measured: 1,000 ``setObjectName`` calls lower ``sys.getrefcount(None)`` by 1,000). qasync calls
``killTimer`` for every callback it runs, so a long enrichment run drives ``None``'s count to
zero and the process aborts with "none_dealloc: deallocating None" within minutes (20,000
``await asyncio.sleep(0)`` are enough); the "bool_dealloc" abort at exit (PYSIDE-3165,
https://github.com/CabbageDevelopment/qasync/issues/154) is the same fault on ``True``/``False``.
CPython 3.12 made these objects immortal (PEP 683), which is why the bug only bites on 3.11.
This gives them the same property here by adding a cushion of 2**40 to their reference counts
(they are never legitimately freed). Drop it when 3.12 is the floor or PySide fixes the wrappers.
"""

from __future__ import annotations

import ctypes
import platform
import sys

#: Far more than any process will ever drop (2**40 calls at 1 µs each is ~13 days of nothing
#: else), far below the 2**63 where the signed count would overflow.
CUSHION = 1 << 40
_done = False


def make_singletons_immortal() -> bool:
    """Apply once per process; True when the cushion was added (CPython < 3.12 only)."""
    global _done
    if _done or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (Include/object.h).
        ctypes.c_ssize_t.from_address(id(obj)).value += CUSHION
    _done = True
    return True
