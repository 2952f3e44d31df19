"""The one-shot loopback HTTP listener that receives Spotify's login redirect.

Binds 127.0.0.1 on an ephemeral port (Spotify rejects ``localhost``; RFC 8252 wants loopback
only). Browsers send stray requests (favicon, prefetch, HEAD, idle preconnects), so only a GET on
the callback path carrying ``code`` or ``error`` ends the wait; everything else is answered and
ignored. The ``state`` is compared here in constant time so a forged redirect never reaches the
token endpoint.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
_MAX_HEADER_LINES = 100
_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>DJDesk</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """What the redirect carried. ``code`` is a secret: never log or show this object."""

    code: str | None
    error: str | None

    def __repr__(self) -> str:
        return f"CallbackResult(code={'***' if self.code else None}, error={self.error!r})"


class LoopbackServer:
    """``async with LoopbackServer(state) as server``, then await ``server.result``."""

    def __init__(self, expected_state: str) -> None:
        self._state = expected_state
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.result: asyncio.Future[CallbackResult] = asyncio.get_running_loop().create_future()
        self.port = 0

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    @property
    def sockname(self) -> tuple[str, int]:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[:2]

    async def __aenter__(self) -> LoopbackServer:
        self._server = await asyncio.start_server(self._handle, host="127.0.0.1", port=0)
        self.port = self.sockname[1]
        log.debug("login listener on 127.0.0.1:%d", self.port)
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):  # idle preconnects would keep the port busy
                writer.close()  # flushes a page still in the buffer, then closes
            await self._server.wait_closed()
            self._server = None
        if not self.result.done():
            self.result.cancel()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            request_line = (await reader.readline()).decode("latin-1").strip()
            for _ in range(_MAX_HEADER_LINES):
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
            status, title, text, outcome = self._answer(request_line)
            body = (
                b""
                if request_line.startswith("HEAD ")
                else _PAGE.format(title=title, text=text).encode()
            )
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n"
                "Cache-Control: no-store\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
            # Resolve only once the page is sent: the flow closes the listener right after.
            if outcome is not None and not self.result.done():
                self.result.set_result(outcome)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _answer(self, request_line: str) -> tuple[str, str, str, CallbackResult | None]:
        parts = request_line.split(" ")
        if len(parts) != 3 or parts[0] not in ("GET", "HEAD"):
            return "400 Bad Request", "DJDesk", "Unexpected request.", None
        target = urlsplit(parts[1])
        if target.path != CALLBACK_PATH:
            return "404 Not Found", "DJDesk", "Nothing here.", None
        query = {k: v[0] for k, v in parse_qs(target.query).items()}
        if parts[0] != "GET" or not ({"code", "error"} & query.keys()):
            return "200 OK", "DJDesk", "Waiting for Spotify…", None
        if self.result.done():
            return "409 Conflict", "DJDesk", "This login has already finished.", None
        state = query.get("state", "")
        if not hmac.compare_digest(state.encode(), self._state.encode()):
            return (
                "400 Bad Request",
                "Login not accepted",
                "This answer does not belong to the login DJDesk started. Start again from DJDesk.",
                CallbackResult(None, "state_mismatch"),
            )
        if "error" in query:
            return (
                "200 OK",
                "Login cancelled",
                "You can close this tab and return to DJDesk.",
                CallbackResult(None, _safe_error(query["error"])),
            )
        return (
            "200 OK",
            "Logged in to Spotify",
            "You can close this tab and return to DJDesk.",
            CallbackResult(query["code"], None),
        )


def _safe_error(value: str) -> str:
    """The ``error`` parameter is attacker-controlled text: keep a short, plain token of it."""
    cleaned = "".join(c for c in value if c.isalnum() or c in "_-")[:40]
    return cleaned or "unknown_error"
