"""Logging set-up and the redaction filter: no secret value or secret-shaped text survives."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from djdesk.core import logs
from djdesk.core.logs import MASK, SecretRedactor
from djdesk.core.paths import Paths, default_paths

TOKEN = "BQDx9f8e7d6c5b4a3_-token.value~AAA"


@pytest.fixture
def paths() -> Iterator[Paths]:
    yield default_paths()
    logs.teardown_logging()
    logs.REDACTOR.forget_all()


def _flush() -> None:
    for handler in logs.djdesk_handlers():
        handler.flush()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "GET https://ws.audioscrobbler.com/2.0/?method=track.getInfo&api_key=0123abcd&format=json",
            "&format=json",
        ),
        ("body grant_type=refresh_token&refresh_token=AQDsecret123&client_id=abc", "client_id=abc"),
        ('{"access_token": "BQDsecret123", "token_type": "Bearer"}', '"token_type"'),
        ("code_verifier=Zx9-._~abcdefghijkl", "code_verifier="),
        ("client_secret: s3cr3tvalue", "client_secret: "),
        ("Authorization: Bearer BQDsecret123", "Authorization: Bearer "),
        ("headers={'Authorization': 'Basic YWJjOmRlZg=='}", "'Authorization': 'Basic "),
        ("callback /callback?code=AQBsecret123&state=xyz", "&state=xyz"),
        ("using bearer BQDsecret123 now", " now"),
        ("env LASTFM_API_KEY=0123abcd set", " set"),
    ],
)
def test_patterns_are_masked(text: str, kept: str) -> None:
    out = SecretRedactor().redact(text)
    assert kept in out and MASK in out
    for secret in (
        "0123abcd",
        "AQDsecret123",
        "BQDsecret123",
        "Zx9-._~abcdefghijkl",
        "s3cr3tvalue",
        "YWJjOmRlZg==",
        "AQBsecret123",
    ):
        assert secret not in out


def test_ordinary_text_is_left_alone() -> None:
    text = "Basic settings: 42 tracks, code 200, token bucket refilled"
    assert SecretRedactor().redact(text) == text


def test_registered_values_are_masked_longest_first() -> None:
    redactor = SecretRedactor()
    redactor.register("abc")  # too short to mask safely
    redactor.register(TOKEN[:10])
    redactor.register(TOKEN)
    assert redactor.redact(f"x {TOKEN} y abc") == f"x {MASK} y abc"
    assert redactor.redact(TOKEN[:10]) == MASK


def test_filter_scrubs_message_args_traceback_and_stack() -> None:
    redactor = SecretRedactor()
    redactor.register(TOKEN)
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "djdesk.x", logging.ERROR, __file__, 1, "got %s and %r", (TOKEN, {"t": TOKEN}), exc_info
    )
    record.stack_info = f"Stack: {TOKEN}"
    assert redactor.filter(record) is True
    assert record.args is None and TOKEN not in record.getMessage()
    assert record.exc_text is not None and "ValueError: bad ***" in record.exc_text
    assert TOKEN not in logging.Formatter().format(record)


def test_filter_survives_bad_arguments() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    assert SecretRedactor().filter(record) is True
    assert "could not be formatted" in record.getMessage()


def test_setup_logging_writes_a_scrubbed_file_and_stream(paths: Paths) -> None:
    stream = io.StringIO()
    logs.setup_logging(paths, verbose=2, stream=stream)
    logs.register_secret(TOKEN)
    log = logging.getLogger("djdesk.somewhere")
    log.debug("token %s", TOKEN)
    log.info("url %s", "https://api.example/?api_key=livekey999&x=1")
    logging.getLogger("httpx").info("HTTP Request: GET %s", f"https://x/?access_token={TOKEN}")
    _flush()
    file_text = paths.log_file.read_text()
    for text in (file_text, stream.getvalue()):
        assert f"token {MASK}" in text and f"api_key={MASK}&x=1" in text
        assert TOKEN not in text and "livekey999" not in text
    # httpx is held at WARNING below -vvv.
    assert "HTTP Request" not in file_text
    assert logs.redact(f"crash {TOKEN}") == f"crash {MASK}"


def test_other_handlers_see_scrubbed_records(
    paths: Paths, caplog: pytest.LogCaptureFixture
) -> None:
    logs.setup_logging(paths, verbose=0, stream=io.StringIO())
    logs.register_secret(TOKEN)
    caplog.set_level(logging.DEBUG, logger="djdesk")
    logging.getLogger("djdesk.net").debug("sending %s", TOKEN)
    assert "sending ***" in caplog.text and TOKEN not in caplog.text


def test_levels_follow_verbose(paths: Paths) -> None:
    stream = io.StringIO()
    logs.setup_logging(paths, verbose=0, stream=stream)
    log = logging.getLogger("djdesk.levels")
    log.info("to the file only")
    log.warning("to both")
    _flush()
    assert stream.getvalue() == "WARNING djdesk.levels: to both\n"
    assert "to the file only" in paths.log_file.read_text()


@pytest.mark.parametrize("name", ["httpx", "httpcore", "asyncio", "qasync"])
def test_chatty_libraries_stay_quiet_at_debug_below_vvv(paths: Paths, name: str) -> None:
    """qasync logs every scheduled callback at debug: with ``-v`` (the file takes debug) that
    was a write per loop step, and a signal handler that logged re-entered it (a CI traceback)."""
    stream = io.StringIO()
    logs.setup_logging(paths, verbose=2, stream=stream)
    logging.getLogger(name).debug("every loop step")
    logging.getLogger("djdesk.levels").debug("ours")
    _flush()
    assert "every loop step" not in stream.getvalue() + paths.log_file.read_text()
    assert "ours" in stream.getvalue()
    logs.setup_logging(paths, verbose=3, stream=stream)
    logging.getLogger(name).debug("every loop step")
    assert "every loop step" in stream.getvalue()


def test_setup_twice_does_not_duplicate_and_teardown_restores(paths: Paths) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    factory = logging.getLogRecordFactory()
    stream = io.StringIO()
    logs.setup_logging(paths, stream=stream)
    logs.setup_logging(paths, stream=stream)
    assert len(list(logs.djdesk_handlers())) == 2
    logging.getLogger("djdesk.twice").warning("once")
    assert stream.getvalue().count("once") == 1
    logs.teardown_logging()
    assert root.handlers == before and logging.getLogRecordFactory() is factory


def test_a_registered_secret_is_masked_without_setup_logging(paths: Paths) -> None:
    """A front end on plain ``logging.basicConfig`` (httpx logs request URLs at INFO)."""
    key = "0123456789abcdef0123456789abcdef"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    httpx_log = logging.getLogger("httpx")
    old_level = httpx_log.level
    httpx_log.addHandler(handler)
    httpx_log.setLevel(logging.INFO)
    try:
        logs.register_secret(key)
        httpx_log.info('HTTP Request: GET %s "HTTP/1.1 200 OK"', f"https://x/2.0/?a=1&k={key}")
    finally:
        httpx_log.removeHandler(handler)
        httpx_log.setLevel(old_level)
    assert key not in stream.getvalue() and "k=***" in stream.getvalue()


def test_teardown_keeps_the_factory_a_registered_secret_needs(paths: Paths) -> None:
    logs.register_secret("0123456789abcdef0123456789abcdef")
    logs.setup_logging(paths, stream=io.StringIO())
    logs.teardown_logging()
    record = logging.getLogRecordFactory()(
        "x", logging.INFO, __file__, 1, "key 0123456789abcdef0123456789abcdef", None, None
    )
    assert record.getMessage() == f"key {MASK}"
