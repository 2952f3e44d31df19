"""``print_table``: one line per row whatever a title holds, columns aligned in terminal cells."""

from __future__ import annotations

import io

from rich.cells import cell_len

from djdesk.cli.render import print_table
from tests.core.export.conftest import HOSTILE_TITLE


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    out = io.StringIO()
    print_table(headers, rows, out)
    return out.getvalue().splitlines()


def test_control_characters_never_break_a_row_or_reach_the_terminal() -> None:
    lines = _table(["title", "bpm"], [[HOSTILE_TITLE, 119.8], ["Evil\x1b[2J\x9bname", 90]])
    assert len(lines) == 3
    assert lines[1].startswith('Café "Déjà" <Vu> & Friends Part 2')
    assert lines[2].startswith("Evil [2J name")
    assert not any(ch in "".join(lines) for ch in "\x01\x1b\x9b\r")


def test_wide_characters_are_aligned_by_the_cells_they_take() -> None:
    lines = _table(["artists", "bpm"], [["宇多田ヒカル", 124.6], ["Leo Romero", 126.6]])
    assert {cell_len(line) for line in lines} == {cell_len("宇多田ヒカル") + 2 + 5}
    assert [line[-5:] for line in lines[1:]] == ["124.6", "126.6"]
