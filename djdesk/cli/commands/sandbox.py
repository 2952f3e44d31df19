"""``djdesk sandbox``: not built yet (see the open issues)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Adds nothing until the feature lands."""
