"""The run log's level words: marked for translation, and a word for every level."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from djdesk.core.events import LogMessage
from djdesk.gui.progress import log_model
from djdesk.gui.progress.log_model import LogListModel, level_label


@pytest.mark.parametrize(
    ("level", "word"),
    [
        (logging.DEBUG, "debug"),
        (logging.INFO, "info"),
        (logging.WARNING, "warning"),
        (logging.ERROR, "error"),
        (logging.CRITICAL, "critical"),
        (5, "debug"),  # a TRACE level below DEBUG
        (25, "info"),  # between INFO and WARNING: never "level 25"
        (60, "critical"),
    ],
)
def test_every_level_has_a_word(level: int, word: str) -> None:
    assert level_label(level) == word


def test_log_lines_show_the_translated_level(
    qtmodeltester: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_model, "_", lambda s: {"warning": "Warnung"}.get(s, s))
    model = LogListModel(clock=lambda: 0.0)
    model.append([LogMessage(logging.WARNING, "Deezer paused", "net"), LogMessage(25, "half way")])
    first, second = (model.index(r, 0).data() for r in range(2))
    assert first.split()[1:3] == ["Warnung", "[net]"] and first.endswith("Deezer paused")
    assert second.split()[1] == "info" and second.endswith("half way")
    qtmodeltester.check(model)
