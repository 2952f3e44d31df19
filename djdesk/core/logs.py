"""Logging set-up (rotating file + stderr) and the filter that keeps secrets out of every log line.

Secrets reach log records in two ways: as known values (a token DJDesk read from the keyring ends
up in a URL or a repr) and as recognisable shapes (``api_key=...``, ``Authorization: Bearer ...``).
``SecretRedactor`` masks both, on the fully formatted message, its traceback and stack text, so
a handler never sees the raw value whatever its formatter does.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TextIO

from djdesk.core.paths import Paths

MASK = "***"
# Shorter values would mask ordinary words; real keys and tokens are far longer.
MIN_SECRET_LENGTH = 6
LOG_FILE_MAX_BYTES = 2 * 1024 * 1024
LOG_FILE_BACKUPS = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
STDERR_FORMAT = "%(levelname)s %(name)s: %(message)s"

_SECRET_KEYS = r"api_key|apikey|access_token|refresh_token|code_verifier|client_secret|session_key"
# key=value / key: value / "key": "value" (query strings, form bodies, JSON, reprs).
_KEY_VALUE = re.compile(
    rf"""(?ix)
    (["']?(?:{_SECRET_KEYS})\b["']?\s*[=:]\s*["']?)     # the key (also x_api_key) and separator
    ([^"'&\s,;}}\]]+)                                   # the value
    """
)
# The OAuth authorization code in a redirect URL: ``?code=...`` / ``&code=...``.
_AUTH_CODE = re.compile(r"([?&]code=)([^&\s\"']+)")
# ``Authorization: Bearer x`` / ``Basic x``, and a bare ``Bearer x`` anywhere.
_AUTH_HEADER = re.compile(
    r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)([A-Za-z0-9\-._~+/]+=*)"
)
_BEARER = re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9\-._~+/]+=*)")
_PATTERNS = (_KEY_VALUE, _AUTH_CODE, _AUTH_HEADER, _BEARER)


class SecretRedactor(logging.Filter):
    """Masks registered secret values and secret-shaped text in every record it sees.

    It rewrites the record in place (``msg`` becomes the redacted text, ``args`` is cleared), so
    whichever handler formats the record afterwards only ever has the masked text.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._values: tuple[str, ...] = ()

    def register(self, value: str) -> None:
        """Mask ``value`` from now on (values shorter than ``MIN_SECRET_LENGTH`` are ignored)."""
        if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value in self._values:
                return
            # Longest first, so a secret that contains another is masked whole.
            self._values = tuple(sorted((*self._values, value), key=len, reverse=True))

    def forget_all(self) -> None:
        """Drop every registered value (tests; a sign-out does not need it)."""
        with self._lock:
            self._values = ()

    def redact(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: f"{m.group(1)}{MASK}", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_djdesk_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:
            # A malformed call (wrong number of args): keep the raw template, drop the args.
            message = f"{record.msg!s} (log arguments could not be formatted)"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record._djdesk_redacted = True
        return True


REDACTOR = SecretRedactor()


def register_secret(value: str) -> None:
    """Mask ``value`` in every log record from now on (process-wide).

    This also installs the scrubbing record factory, so the promise holds even in a process
    that never called ``setup_logging`` (a front end on ``logging.basicConfig``, where httpx
    logs every request URL, Last.fm's ``api_key`` included, at INFO).
    """
    REDACTOR.register(value)
    _install_record_factory()


def redact(text: str) -> str:
    """The process-wide redaction, for text that is not a log record (crash reports, errors)."""
    return REDACTOR.redact(text)


def attach_redactor(handler: logging.Handler) -> logging.Handler:
    """Scrub records on ``handler`` too: every handler added later (a GUI log panel) needs it."""
    if REDACTOR not in handler.filters:
        handler.addFilter(REDACTOR)
    return handler


_base_factory: Callable[..., logging.LogRecord] | None = None
#: True when ``setup_logging`` installed the factory (``teardown_logging`` then removes it); a
#: factory installed by ``register_secret`` stays for the life of the process.
_factory_from_setup = False


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    assert _base_factory is not None
    record = _base_factory(*args, **kwargs)
    REDACTOR.filter(record)
    return record


def _install_record_factory() -> bool:
    """Scrub each record as it is created, so even handlers DJDesk did not add (pytest's
    caplog, a third-party one) never see a raw secret, whatever their order on the logger.
    Returns True when this call installed it."""
    global _base_factory
    if _base_factory is None:
        _base_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_redacting_factory)
        return True
    return False


def _remove_record_factory() -> None:
    global _base_factory, _factory_from_setup
    if not _factory_from_setup:
        return
    _factory_from_setup = False
    if _base_factory is not None and logging.getLogRecordFactory() is _redacting_factory:
        logging.setLogRecordFactory(_base_factory)
    _base_factory = None


def _levels(verbose: int) -> tuple[int, int]:
    """(stderr level, file level): quiet by default, the file always keeps INFO."""
    stderr_level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    file_level = logging.INFO if verbose <= 0 else logging.DEBUG
    return stderr_level, file_level


def setup_logging(paths: Paths, *, verbose: int = 0, stream: TextIO | None = None) -> None:
    """Log to a rotating file in ``paths.log_dir`` and to ``stream`` (stderr), secrets masked.

    Safe to call again (handlers from an earlier call are replaced, not stacked).
    ``verbose``: 0 warnings on stderr, 1 info, 2+ debug; 3+ also lets httpx, httpcore and
    qasync speak (qasync logs every scheduled callback at debug: a line per loop step).
    """
    global _factory_from_setup
    teardown_logging()
    stderr_level, file_level = _levels(verbose)
    handlers: list[logging.Handler] = []
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # an unwritable DJDESK_HOME must not stop `djdesk paths` from saying so
        no_file = f"{paths.log_dir}: {exc.strerror or type(exc).__name__}"
    else:
        no_file = ""
        file_handler = logging.handlers.RotatingFileHandler(
            paths.log_file,
            maxBytes=LOG_FILE_MAX_BYTES,
            backupCount=LOG_FILE_BACKUPS,
            encoding="utf-8",
            delay=True,
        )
        file_handler.setLevel(file_level)
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handlers.append(file_handler)

    stream_handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    stream_handler.setLevel(stderr_level)
    stream_handler.setFormatter(logging.Formatter(STDERR_FORMAT))

    handlers.append(stream_handler)
    root = logging.getLogger()
    for handler in handlers:
        handler._djdesk_handler = True  # type: ignore[attr-defined]
        attach_redactor(handler)
        root.addHandler(handler)
    if REDACTOR not in root.filters:
        root.addFilter(REDACTOR)
    _factory_from_setup = _install_record_factory() or _factory_from_setup
    root.setLevel(min(stderr_level, file_level))
    noisy_level = logging.NOTSET if verbose >= 3 else logging.WARNING
    for name in ("httpx", "httpcore", "hpack", "asyncio", "qasync"):
        logging.getLogger(name).setLevel(noisy_level)
    logging.captureWarnings(True)
    if no_file:
        logging.getLogger(__name__).warning("no log file (%s); logging to stderr only", no_file)


def djdesk_handlers() -> Iterable[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "_djdesk_handler", False)]


def teardown_logging() -> None:
    """Remove and close the handlers ``setup_logging`` installed (tests, re-configuration)."""
    root = logging.getLogger()
    for handler in djdesk_handlers():
        root.removeHandler(handler)
        handler.close()
    root.removeFilter(REDACTOR)
    _remove_record_factory()
