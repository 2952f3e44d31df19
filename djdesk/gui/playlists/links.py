"""What a drop or a paste carries: playlist links (text or ``text/uri-list``) or CSV files.

Browsers drop ``text/uri-list`` plus ``text/plain``; the Spotify desktop app drops
``text/plain`` with one ``https://open.spotify.com/...`` line per item; file managers drop
``file://`` URLs. We accept all three and leave judging the link to the import service.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True, slots=True)
class Dropped:
    links: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.links or self.files)


def from_text(text: str) -> Dropped:
    links: list[str] = []
    files: list[Path] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):  # uri-list comments
            continue
        if line.startswith("file://"):
            from PySide6.QtCore import QUrl

            files.append(Path(QUrl(line).toLocalFile()))
        else:
            links.append(line)
    return Dropped(tuple(dict.fromkeys(links)), tuple(dict.fromkeys(files)))


def from_mime(mime: QMimeData) -> Dropped:
    links: list[str] = []
    files: list[Path] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                files.append(Path(url.toLocalFile()))
            elif url.isValid():
                links.append(url.toString())
    if not links and not files and mime.hasText():
        return from_text(mime.text())
    return Dropped(tuple(dict.fromkeys(links)), tuple(dict.fromkeys(files)))


def accepts(mime: QMimeData) -> bool:
    return mime.hasUrls() or mime.hasText()


def short_link_provider(text: str) -> str:
    """The orchestrator lane whose limits a short link's redirects count against."""
    from urllib.parse import urlsplit

    url = text.strip() if "://" in text else f"https://{text.strip()}"
    host = (urlsplit(url).hostname or "").lower()
    return "deezer" if "deezer" in host else "spotify"


async def expand_link(text: str, http: httpx.AsyncClient) -> str:
    """A short share link (spotify.link, deezer.page.link) as the full link it leads to.

    Costs a network hop or two (the importer only parses), so ``http`` must be a client from
    the runtime's orchestrator (``EngineServices.expand_short_link`` makes one): the GUI makes
    no outbound call around the rate limits, breakers and stats. Other text comes back unchanged.
    """
    from djdesk.core import urls

    if not urls.is_short_link(text):
        return text
    ref = await urls.resolve_source(text, http)
    host = "https://open.spotify.com" if str(ref.service) == "spotify" else "https://www.deezer.com"
    return f"{host}/{ref.kind}/{ref.id}"
