"""Output helpers shared by the commands: JSON on stdout, plain aligned tables for people."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.cells import cell_len

#: C0 and C1 control characters, DEL included: a title's newline would break the table's row
#: in two, and an escape sequence in a playlist name could drive the reader's terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]+")


def print_json(data: Any, stream: TextIO | None = None) -> None:
    json.dump(data, stream or sys.stdout, indent=2, ensure_ascii=False, default=str)
    (stream or sys.stdout).write("\n")


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], stream: TextIO | None = None
) -> None:
    """Print rows as left-aligned columns; numbers are right-aligned.

    Widths are terminal cells, not characters (宇多田ヒカル takes twelve), and control
    characters in a cell show as a space (one per run of them), so every row keeps one line.
    """
    out = stream or sys.stdout
    text_rows = [[cell_text(v) for v in row] for row in rows]
    widths = [_cells(h) for h in headers]
    for row in text_rows:
        widths = [max(w, _cells(c)) for w, c in zip(widths, row, strict=False)]
    numeric = [
        all(_is_number(r[i]) for r in text_rows if r[i]) and bool(text_rows)
        for i in range(len(headers))
    ]

    def fmt(cells: Sequence[str]) -> str:
        parts = [_pad(c, w, right=num) for c, w, num in zip(cells, widths, numeric, strict=False)]
        return "  ".join(parts).rstrip()

    out.write(fmt(headers) + "\n")
    for row in text_rows:
        out.write(fmt(row) + "\n")


def cell_text(value: Any) -> str:
    """A value as one table cell: ``None`` empty, control characters as a space."""
    if value is None:
        return ""
    text = str(value)
    return text if text.isprintable() else _CONTROL.sub(" ", text)


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * max(0, width - _cells(text))
    return fill + text if right else text + fill


def _cells(text: str) -> int:
    # ASCII is one cell a character: skip rich's per-character table for the usual cell.
    return len(text) if text.isascii() else cell_len(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
