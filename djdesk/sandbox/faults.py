"""The named faults a profile or a test can make a provider answer with, in each API's real shape.

Generic faults (5xx, timeouts, truncated/garbage bodies, wrong content type, slow drip) apply to
every provider; the rest are the provider's own throttling and refusal bodies from
shared/api-samples. ``missing_fields`` is not here: the server applies it to a real answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

from aiohttp import web

from djdesk.sandbox.responses import json_response, text_response

GENERIC = (
    "http_500",
    "http_502",
    "http_503",
    "timeout",
    "truncated",
    "garbage",
    "wrong_content_type",
    "slow_drip",
    "missing_fields",
    "down",
)

MB_RATE = (
    "Your requests are exceeding the allowable rate limit. Please see "
    "http://wiki.musicbrainz.org/XMLWebService for more information."
)
LASTFM_ERRORS = {
    8: "Operation failed - Most likely the backend service failed. Please try again.",
    11: "Service Offline - This service is temporarily offline. Try again later.",
    16: "There was a temporary error processing your request. Please try again",
    29: (
        "Rate Limit Exceeded - This application has made too many requests in a short period. "
        "If this is your API key, see https://www.last.fm/api/tos#4.4 for information about "
        "raising the limit."
    ),
}
SPOTIFY_PREMIUM = (
    "Active premium subscription required for the owner of the app. When the subscription "
    "status changes, it can take a few hours before requests are allowed again."
)
SPOTIFY_UNREGISTERED = (
    "Check settings on developer.spotify.com/dashboard, the user may not be registered."
)


def _spotify_error(status: int, message: str, reason: str | None = None) -> dict[str, object]:
    err: dict[str, object] = {"status": status, "message": message}
    if reason:
        err["reason"] = reason
    return {"error": err}


def _reccobeats_error(path: str, message: str, code: int) -> dict[str, object]:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("Z", "+00:00")
    return {"timestamp": now, "error": message, "path": f"uri={path}", "status": code}


Builder = Callable[[web.Request, int], web.Response]

#: provider -> fault name -> builder(request, retry_after_s)
SPECIFIC: dict[str, dict[str, Builder]] = {
    "spotify": {
        "rate_limit": lambda r, ra: json_response(
            _spotify_error(429, "API rate limit exceeded"), 429, headers={"Retry-After": str(ra)}
        ),
        "quota_exceeded": lambda r, ra: json_response(
            _spotify_error(429, "Too many requests", "QUOTA_EXCEEDED"),
            429,
            headers={"Retry-After": "48925"},
        ),
        "huge_retry_after": lambda r, ra: json_response(
            _spotify_error(429, "API rate limit exceeded"), 429, headers={"Retry-After": "86400"}
        ),
        "premium_required": lambda r, ra: text_response(SPOTIFY_PREMIUM, 403),
        "user_not_registered": lambda r, ra: text_response(SPOTIFY_UNREGISTERED, 403),
        "legacy_429": lambda r, ra: text_response(
            "Too many requests", 429, headers={"Retry-After": "19056"}
        ),
    },
    "deezer": {
        "quota": lambda r, ra: json_response(
            {"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
        ),
        "busy": lambda r, ra: json_response(
            {"error": {"type": "Exception", "message": "An error has occured"}}
        ),
    },
    "musicbrainz": {
        "rate_limit": lambda r, ra: json_response({"error": MB_RATE}, 503),
    },
    "lastfm": {
        "rate_limit": lambda r, ra: json_response({"message": LASTFM_ERRORS[29], "error": 29}, 429),
        "operation_failed": lambda r, ra: json_response(
            {"message": LASTFM_ERRORS[8], "error": 8}, 500
        ),
        "service_offline": lambda r, ra: json_response(
            {"error": 11, "message": LASTFM_ERRORS[11]}, 503
        ),
        "temporary_error": lambda r, ra: json_response(
            {"error": 16, "message": LASTFM_ERRORS[16]}, 503
        ),
    },
    "reccobeats": {
        "rate_limit": lambda r, ra: json_response(
            _reccobeats_error(r.path, "Too Many Requests", 4291),
            429,
            headers={"Retry-After": str(ra)},
        ),
        "huge_retry_after": lambda r, ra: json_response(
            _reccobeats_error(r.path, "Too Many Requests", 4291),
            429,
            headers={"Retry-After": "3600"},
        ),
    },
}
SPECIFIC["spotify_accounts"] = {}


def known_faults(provider: str) -> set[str]:
    return set(GENERIC) | set(SPECIFIC.get(provider, {}))


async def respond_with_fault(
    provider: str,
    fault: str,
    request: web.Request,
    retry_after: int,
    timeout_s: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> web.StreamResponse:
    """Build (and for streaming faults, send) the answer for ``fault``; stalls use ``sleep``
    (the sandbox clock's), so a fake clock makes timeouts instant in tests."""
    builder = SPECIFIC.get(provider, {}).get(fault)
    if builder is not None:
        return builder(request, retry_after)
    if fault in ("http_500", "http_502", "http_503", "down"):
        status = 503 if fault == "down" else int(fault[-3:])
        if provider == "musicbrainz" and status == 503:
            return json_response({"error": MB_RATE}, 503)
        return text_response(
            f"<html><body><h1>{status} Server Error</h1></body></html>",
            status,
            content_type="text/html",
        )
    if fault == "timeout":
        await sleep(timeout_s)
        return text_response(
            "<html><body>504 Gateway Time-out</body></html>", 504, content_type="text/html"
        )
    if fault == "garbage":
        return web.Response(
            body=b"\x00\xff<{]]not json", status=200, content_type="application/json"
        )
    if fault == "wrong_content_type":
        return text_response(
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
            200,
            content_type="text/html",
        )
    if fault == "truncated":
        body = b'{"error":null,"data":[{"id":1,"title":"Half a bo'
        resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        resp.content_length = len(body) * 2
        await resp.prepare(request)
        await resp.write(body)
        # Close mid-body: the client sees fewer bytes than Content-Length announced.
        if request.transport is not None:
            request.transport.close()
        return resp
    raise ValueError(f"unknown fault {fault!r} for {provider}")


async def drip(
    request: web.Request,
    response: web.Response,
    sleep: Callable[[float], Awaitable[None]],
    pause_s: float,
) -> web.StreamResponse:
    """Send a real answer a few bytes at a time (``slow_drip``): complete, but very slow."""
    body = bytes(response.body or b"")  # type: ignore[arg-type]
    out = web.StreamResponse(status=response.status, headers=response.headers)
    await out.prepare(request)
    step = max(16, len(body) // 16)
    for i in range(0, len(body), step):
        await out.write(body[i : i + step])
        await sleep(pause_s)
    await out.write_eof()
    return out
