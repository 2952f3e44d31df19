"""Output helpers shared by the commands: JSON on stdout, plain aligned tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO


def print_json(data: Any, stream: TextIO | None = None) -> None:
    json.dump(data, stream or sys.stdout, indent=2, ensure_ascii=False, default=str)
    (stream or sys.stdout).write("\n")


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], stream: TextIO | None = None
) -> None:
    """Print rows as left-aligned columns; numbers are right-aligned."""
    out = stream or sys.stdout
    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
    numeric = [
        all(_is_number(r[i]) for r in text_rows if r[i]) and bool(text_rows)
        for i in range(len(headers))
    ]

    def fmt(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=False)
        ]
        return "  ".join(parts).rstrip()

    out.write(fmt(headers) + "\n")
    for row in text_rows:
        out.write(fmt(row) + "\n")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
