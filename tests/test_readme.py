"""The README and the set-up script promise things a new user will try first: keep them true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from djdesk.sandbox.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("doc", ["README.md", "packaging/dev.sh"])
def test_demo_links_exist_in_the_sandbox(doc: str) -> None:
    urls = {p.url for p in Catalog().demo_playlists()}
    found = re.findall(
        r"https://www\.deezer\.com/playlist/\d+|https://open\.spotify\.com/playlist/\w+",
        (ROOT / doc).read_text(),
    )
    assert found, f"{doc} names no demo playlist"
    for url in found:
        assert url in urls, f"{doc} links {url}, which the sandbox does not serve"


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^(bash packaging/dev\.sh test)\b", readme, re.MULTILINE)
    assert command is not None
    assert command.group(1) in (ROOT / ".ci/run").read_text()
